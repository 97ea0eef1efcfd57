use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, Result};
use ssmbench::{data, manifest};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Generator seed.
    #[arg(long, default_value_t = data::DEFAULT_SEED)]
    seed: u64,
    /// Output directory for the session files; the pin goes to its parent.
    #[arg(long, default_value = "data/sessions")]
    out: PathBuf,
}

pub fn run(_: &Global, a: Args) -> Result<ExitCode> {
    let sessions = data::generate_sessions(a.seed);
    let files = data::write_sessions(&a.out, &sessions)
        .with_context(|| format!("{}: cannot write sessions", a.out.display()))?;
    let root = a
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let pin = manifest::Manifest::of_files(root, &files)?;
    manifest::write_atomic(&root.join("SHA256SUMS"), pin.render().as_bytes())?;
    println!(
        "wrote {} sessions to {} and pinned them in {}",
        files.len(),
        a.out.display(),
        root.join("SHA256SUMS").display()
    );
    Ok(ExitCode::SUCCESS)
}
