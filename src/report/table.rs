//! Plain-text tables for the terminal (the book's tables come from templates, not from here).

use crate::bench::selftest::Check;

/// Left-aligns columns to their widest cell.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(header.iter().map(|s| s.to_string()).collect())];
    out.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.extend(rows.iter().map(|r| line(r.clone())));
    out.join("\n")
}

/// A number in a short fixed form; `inf`/`NaN` spelled out.
pub fn num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "—".into()
    } else if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.digits$}")
    }
}

/// A relative error in scientific notation.
pub fn sci(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.2e}")
    }
}

pub fn selftest(rows: &[Check]) -> String {
    render(
        &[
            "check", "variant", "N", "ch", "quantity", "rel err", "tol", "ok", "fast ms", "ref ms",
        ],
        &rows
            .iter()
            .map(|r| {
                vec![
                    r.check.clone(),
                    r.variant.clone(),
                    r.n.to_string(),
                    r.channels.to_string(),
                    r.quantity.clone(),
                    sci(r.rel_err),
                    sci(r.tol),
                    match (r.pass, r.in_use) {
                        (true, _) => "yes".into(),
                        (false, true) => "NO".into(),
                        (false, false) => "no (comparison only)".into(),
                    },
                    num(r.fast_ms, 3),
                    num(r.reference_ms, 3),
                ]
            })
            .collect::<Vec<_>>(),
    )
}
