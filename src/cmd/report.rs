use std::{path::PathBuf, process::ExitCode};

use anyhow::Result;
use ssmbench::report::{
    book,
    context::{read_manifest, root_of},
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Chapter templates (minijinja).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// The mdBook root (book.toml); chapters go to BOOK/src, the HTML to BOOK/book.
    #[arg(long, default_value = "book")]
    pub book: PathBuf,
    /// Render the markdown only (no HTML build).
    #[arg(long)]
    pub no_html: bool,
    /// Leave artifacts/SHA256SUMS as it is (by default it is rewritten over the artifacts).
    #[arg(long)]
    pub keep_manifest: bool,
}

/// Renders the book from the artifacts alone; rewrites the manifest first unless told not to.
pub fn render(g: &Global, a: &Args) -> Result<()> {
    let root = root_of(&g.artifacts);
    let paths = book::BookPaths {
        artifacts: g.artifacts.clone(),
        data: g.data.clone(),
        templates: a.templates.clone(),
        book: a.book.clone(),
    };
    // Derived summaries first, then the manifest over everything, then the chapters (which
    // print the manifest).
    let mut ctx = book::context(&paths)?;
    if !a.keep_manifest {
        book::write_summaries(&paths, &ctx)?;
        ssmbench::manifest::write_artifacts_manifest(&root, &g.artifacts)?;
        ctx.manifest = read_manifest(&g.artifacts)?;
    }
    let written = book::render(&paths, ctx)?;
    eprintln!(
        "rendered {} chapters into {}",
        written.len(),
        a.book.join("src").display()
    );
    if !a.no_html {
        let index = book::build_html(&a.book)?;
        println!("book: {}", index.display());
    }
    Ok(())
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    render(g, &a)?;
    Ok(ExitCode::SUCCESS)
}
