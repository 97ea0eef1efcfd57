//! Renders the chapters (`templates/*.md.j2`, minijinja, strict undefined) into `book/src/`,
//! writes the figures beside them, and builds the HTML with mdBook as a library.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use minijinja::{Environment, UndefinedBehavior, Value, path_loader};

use super::{
    context::{BookContext, build},
    format, plots,
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

/// A template value as a number: ints, floats, and numbers that travel as text ("inf", or a
/// CSV cell read as a string). None when it is none, undefined or not a number.
fn as_f64(v: &Value) -> Option<f64> {
    f64::try_from(v.clone())
        .ok()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok()))
}

/// `digits` decimals (2 by default), grouped; `∞`, `—` for NaN or none; other text unchanged.
fn num(v: Value, digits: Option<usize>) -> String {
    match as_f64(&v) {
        Some(x) => format::fixed(x, digits.unwrap_or(2)),
        None if v.is_none() || v.is_undefined() => "—".into(),
        None => v.to_string(),
    }
}

/// `s` significant figures (3 by default), grouped.
fn sig(v: Value, s: Option<usize>) -> String {
    as_f64(&v).map_or_else(|| "—".into(), |x| format::sig(x, s.unwrap_or(3)))
}

/// Scientific notation with a written power of ten (`1.23 × 10⁻⁴`), for small coefficients.
fn sci(v: Value, s: Option<usize>) -> String {
    as_f64(&v).map_or_else(|| "—".into(), |x| format::sci(x, Some(s.unwrap_or(3))))
}

/// An integer count or length with thousands separators (`8,192`).
fn int(v: Value) -> String {
    match as_f64(&v) {
        Some(x) if x.is_finite() => format::group(x.round() as i64),
        Some(x) => format::fixed(x, 0),
        None => "—".into(),
    }
}

/// The paper's number as it printed it, grouped.
fn printed(v: Value) -> String {
    as_f64(&v).map_or_else(|| v.to_string(), format::printed)
}

/// A polynomial in N from its ascending coefficients; `s` significant figures, or the
/// shortest exact form when left out (the paper's constants).
fn poly(v: Value, s: Option<usize>) -> Result<String, minijinja::Error> {
    let coefficients: Vec<f64> = v
        .try_iter()?
        .map(|c| as_f64(&c).unwrap_or(f64::NAN))
        .collect();
    Ok(format::polynomial(&coefficients, s))
}

/// The template environment: strict (a missing field is an error, never an empty cell).
pub fn environment(templates: &Path) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(path_loader(templates));
    env.add_filter("num", num);
    env.add_filter("sig", sig);
    env.add_filter("sci", sci);
    env.add_filter("int", int);
    env.add_filter("printed", printed);
    env.add_filter("poly", poly);
    env.add_filter("digits", |s: String| format::group_in_text(&s));
    env.add_filter("model", |s: String| format::model_name(&s));
    env.add_filter(
        "path",
        |variant: String, model: String, stack: Option<String>| {
            format::path_name(stack.as_deref().unwrap_or("ssmbench"), &model, &variant)
        },
    );
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
        put("roc.svg", plots::roc(&tables, ctx.representation.as_ref()))?;
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
    // The theme additions book.toml names (table width, captions, verdict colours).
    let css = paths.templates.join("book.css");
    if css.exists() {
        write_atomic(&src.join("ssmbench.css"), &std::fs::read(&css)?)?;
    }
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
