//! Renders the chapters (`templates/*.md.j2`, minijinja, strict undefined) into `book/src/`,
//! writes the figures beside them, and builds the HTML with mdBook as a library.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use minijinja::{Environment, UndefinedBehavior, Value, path_loader};

use super::{
    context::{BookContext, build},
    plots,
};
use crate::{analysis::run::Tables, manifest::write_atomic};

/// The chapters, in reading order: (template stem, title). `SUMMARY.md` is rendered too.
pub const CHAPTERS: [(&str, &str); 9] = [
    ("summary", "Summary"),
    ("introduction", "1 Introduction"),
    ("background", "3 Background"),
    ("methods", "4 Methods"),
    ("efficiency", "5.1 Computational efficiency"),
    ("representation", "5.2 Representational efficiency"),
    ("claims", "Claims"),
    ("performance", "Performance"),
    ("artifacts", "Artifacts"),
];

/// Formats a number for a table: `∞`, `—` for NaN/none, else `digits` decimals.
fn num(v: Value, digits: Option<usize>) -> String {
    let d = digits.unwrap_or(2);
    match f64::try_from(v.clone()) {
        Ok(x) if x.is_infinite() => "∞".into(),
        Ok(x) if x.is_nan() => "—".into(),
        Ok(x) => format!("{x:.d$}"),
        Err(_) if v.is_none() || v.is_undefined() => "—".into(),
        // Non-finite floats travel as text ("inf") through the efficiency rows.
        Err(_) => match v.as_str().and_then(|s| s.parse::<f64>().ok()) {
            Some(x) => num(Value::from(x), digits),
            None => v.to_string(),
        },
    }
}

/// Scientific notation (`1.23e-4`), for fitted coefficients.
fn sci(v: Value, digits: Option<usize>) -> String {
    let d = digits.unwrap_or(2);
    match f64::try_from(v.clone()) {
        Ok(x) if x.is_finite() => format!("{x:.d$e}"),
        Ok(x) if x.is_infinite() => "∞".into(),
        _ => "—".into(),
    }
}

/// An integer with thousands separators (`8,192`).
fn int(v: Value) -> String {
    match i64::try_from(v.clone()) {
        Ok(n) => {
            let s = n.abs().to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            if n < 0 { format!("-{out}") } else { out }
        }
        Err(_) => num(v, Some(0)),
    }
}

/// The template environment: strict (a missing field is an error, never an empty cell).
pub fn environment(templates: &Path) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(path_loader(templates));
    env.add_filter("num", num);
    env.add_filter("sci", sci);
    env.add_filter("int", int);
    env
}

/// Renders every chapter of `ctx` with the templates in `templates`: (file name, markdown).
pub fn render_chapters(ctx: &BookContext, templates: &Path) -> Result<Vec<(String, String)>> {
    let env = environment(templates);
    let value = Value::from_serialize(ctx);
    let mut out = Vec::new();
    for name in std::iter::once("SUMMARY").chain(CHAPTERS.iter().map(|c| c.0)) {
        let file = format!("{name}.md.j2");
        let tmpl = env
            .get_template(&file)
            .map_err(|e| anyhow!("{}: {e:#}", templates.join(&file).display()))?;
        let text = tmpl
            .render(&value)
            .map_err(|e| anyhow!("{}: {e:#}", templates.join(&file).display()))?;
        out.push((format!("{name}.md"), text));
    }
    Ok(out)
}

/// Writes the figures under `book/src/plots/` and records their paths in the context.
fn write_plots(ctx: &mut BookContext, artifacts: &Path, src: &Path) -> Result<()> {
    let dir = src.join("plots");
    let mut put = |name: &str, svg: String| -> Result<()> {
        if !svg.is_empty() {
            write_atomic(&dir.join(name), svg.as_bytes())?;
            ctx.plots.insert(
                name.trim_end_matches(".svg").to_string(),
                format!("plots/{name}"),
            );
        }
        Ok(())
    };
    let (time, memory) = match &ctx.efficiency {
        Some(s) => (plots::scaling(s, false), plots::scaling(s, true)),
        None => (String::new(), String::new()),
    };
    put("time.svg", time)?;
    put("memory.svg", memory)?;
    let layers = ctx
        .representation
        .as_ref()
        .map(plots::layers)
        .unwrap_or_default();
    put("layers.svg", layers)?;
    let tables = Tables::read(&artifacts.join("representation"))?;
    if !tables.roc.is_empty() {
        put("roc.svg", plots::roc(&tables, "segments4"))?;
    }
    Ok(())
}

/// Where the book lives and what it is rendered from.
pub struct BookPaths {
    pub artifacts: PathBuf,
    pub data: PathBuf,
    pub templates: PathBuf,
    pub book: PathBuf,
}

/// Writes the derived summaries the book reads (`efficiency/summary.json`,
/// `representation/summary.json`) beside the rows they come from, for readers and the manifest.
pub fn write_summaries(paths: &BookPaths, ctx: &BookContext) -> Result<()> {
    if let Some(e) = &ctx.efficiency {
        crate::manifest::write_json(&paths.artifacts.join("efficiency").join("summary.json"), e)?;
    }
    if let Some(r) = &ctx.representation {
        crate::manifest::write_json(
            &paths.artifacts.join("representation").join("summary.json"),
            r,
        )?;
    }
    Ok(())
}

/// The book's context, built from `paths.artifacts` (and the pinned data).
pub fn context(paths: &BookPaths) -> Result<BookContext> {
    build(&paths.artifacts, &paths.data)
}

/// Renders the markdown (and figures) of the book; returns the chapter files written.
pub fn render(paths: &BookPaths, mut ctx: BookContext) -> Result<Vec<PathBuf>> {
    let src = paths.book.join("src");
    write_plots(&mut ctx, &paths.artifacts, &src)?;
    let mut written = Vec::new();
    for (name, text) in render_chapters(&ctx, &paths.templates)? {
        let path = src.join(&name);
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// Builds the HTML into `book/book/` with mdBook (offline, as a library).
pub fn build_html(book: &Path) -> Result<PathBuf> {
    let md = mdbook_driver::MDBook::load(book)
        .map_err(|e| anyhow!("{}: cannot load the book: {e:#}", book.display()))?;
    md.build()
        .map_err(|e| anyhow!("{}: mdBook build failed: {e:#}", book.display()))?;
    let index = book.join("book").join("index.html");
    index
        .exists()
        .then_some(index.clone())
        .with_context(|| format!("{}: mdBook wrote no index.html", book.display()))
}
