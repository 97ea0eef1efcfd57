//! SVG figures for the book (plotters): scaling curves with fits and crossovers, per-layer
//! dynamics, ROC curves. Each function returns the SVG text; the book writes it beside the
//! chapters.
//!
//! The figures are drawn at the width the book shows them (about 980 px), so the font sizes
//! below are what a reader sees; plotters writes a requested size `s` as `s / 1.24` px, hence
//! the 17–21 requested for 13.7–17 px on screen. Legends sit beside or below the plot area,
//! never over the data.

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use super::format::{group, model_name, path_name, sig, stack_name};
use crate::bench::summary::{EfficiencySummary, Equation, Point, Series};

mod representation;
pub use representation::{layers, roc};

pub(super) const FONT: &str = "sans-serif";
/// Requested sizes of tick labels, axis titles, legends and panel titles (see the module doc).
pub(super) const TICK: u32 = 17;
pub(super) const AXIS: u32 = 18;
pub(super) const LEGEND: u32 = 17;
pub(super) const TITLE: u32 = 21;

pub(super) const BLUE: RGBColor = RGBColor(31, 119, 180);
pub(super) const CRIMSON: RGBColor = RGBColor(214, 39, 40);
const PURPLE: RGBColor = RGBColor(148, 103, 189);
const TEAL: RGBColor = RGBColor(23, 150, 140);
pub(super) const GREY: RGBColor = RGBColor(110, 110, 110);

pub(super) type Res = Result<(), Box<dyn std::error::Error>>;
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn eval(e: &Equation, n: f64) -> f64 {
    e.polynomial().eval(n)
}

/// One legend line: a sample of the line (solid or dashed), an optional marker, a label.
pub(super) struct Key {
    pub(super) color: RGBColor,
    pub(super) width: u32,
    pub(super) dashed: bool,
    pub(super) marker: Marker,
    pub(super) label: String,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Marker {
    None,
    Filled,
    Hollow,
    Cross,
}

/// Draws `keys` as a column from (x, y), one line every `step` px.
pub(super) fn legend(area: &Area, keys: &[Key], (x, y): (i32, i32), step: i32) -> Res {
    let font = (FONT, LEGEND)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, k) in keys.iter().enumerate() {
        let yy = y + step * i as i32;
        let style = k.color.stroke_width(k.width);
        if k.dashed {
            for s in [0, 12, 24] {
                area.draw(&PathElement::new(vec![(x + s, yy), (x + s + 7, yy)], style))?;
            }
        } else if k.marker != Marker::Cross {
            area.draw(&PathElement::new(vec![(x, yy), (x + 30, yy)], style))?;
        }
        draw_marker(area, (x + 15, yy), k.marker, k.color)?;
        area.draw(&Text::new(k.label.clone(), (x + 40, yy), font.clone()))?;
    }
    Ok(())
}

fn draw_marker(area: &Area, (x, y): (i32, i32), m: Marker, c: RGBColor) -> Res {
    match m {
        Marker::None => {}
        Marker::Filled => area.draw(&Circle::new((x, y), 5, c.filled()))?,
        Marker::Hollow => area.draw(&Rectangle::new(
            [(x - 5, y - 5), (x + 5, y + 5)],
            c.stroke_width(2),
        ))?,
        Marker::Cross => area.draw(&Cross::new((x, y), 7, RED.stroke_width(3)))?,
    }
    Ok(())
}

/// Colour of an efficiency series: one hue per pairing (ssmbench path and its HF peer).
fn series_color(s: &Series) -> RGBColor {
    match (s.model.as_str(), s.variant.as_str()) {
        ("llama", "eager") => CRIMSON,
        ("llama", _) => PURPLE,
        ("mamba", "mambapy") => TEAL,
        _ => BLUE,
    }
}

fn series_name(s: &Series) -> String {
    let stack = if s.stack == "ssmbench" {
        "ssmbench".to_string()
    } else {
        stack_name(&s.stack)
    };
    format!(
        "{stack}: {} {}",
        model_name(&s.model),
        path_name(&s.stack, &s.model, &s.variant)
    )
}

/// Labels of a logarithmic axis: grouped integers from 1 up, two decimals below.
pub(super) fn log_label(v: &f64) -> String {
    if *v >= 1.0 {
        group(v.round() as i64)
    } else {
        sig(*v, 1)
    }
}

/// Just under the power of ten at or below `v`, so that a logarithmic axis shows a labelled
/// decade at its foot (plotters labels only the decades).
pub(super) fn decade_below(v: f64) -> f64 {
    // A little under the decade: plotters drops a key point that rounds to just past the edge.
    10f64.powf(v.log10().floor()) / 1.25
}

/// A tick label of a linear axis: grouped, without trailing zeros (`7.86`, `1,810`).
pub(super) fn trimmed(v: f64) -> String {
    let s = super::format::fixed(v, 4);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Time (`memory = false`) or peak memory vs N, log–log, every full-logits series, mean ± sd
/// as error bars, the paper-range fits as dashed lines and their crossovers marked.
pub fn scaling(s: &EfficiencySummary, memory: bool) -> String {
    let mut out = String::new();
    let _ = draw_scaling(s, memory, &mut out);
    out
}

fn draw_scaling(s: &EfficiencySummary, memory: bool, out: &mut String) -> Res {
    let series: Vec<&Series> = s
        .series
        .iter()
        .filter(|x| x.logits == "full" && x.points.iter().any(|p| p.ok()))
        .collect();
    let val = |p: &Point| {
        if memory {
            (p.mem_gib, p.mem_sd)
        } else {
            (p.time_ms, p.time_sd)
        }
    };
    let pts: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|x| x.points.iter().filter(|p| p.ok()))
        .map(|p| (p.n as f64, val(p).0))
        .filter(|(_, y)| *y > 0.0)
        .collect();
    if pts.is_empty() {
        return Ok(());
    }
    let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) / 1.4;
    let x1 = pts.iter().map(|p| p.0).fold(0.0, f64::max) * 1.4;
    let y0 = decade_below(pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min));
    let y1 = pts.iter().map(|p| p.1).fold(0.0, f64::max) * 1.6;
    let root = SVGBackend::with_string(out, (980, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, side) = root.split_horizontally(640);
    let mut chart = ChartBuilder::on(&plot)
        .margin(14)
        .x_label_area_size(56)
        .y_label_area_size(78)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("sequence length N (tokens, log scale)")
        .y_desc(if memory {
            "peak allocated memory (GiB, log scale)"
        } else {
            "mean forward time (ms, log scale)"
        })
        .label_style((FONT, TICK))
        .axis_desc_style((FONT, AXIS))
        .x_label_formatter(&log_label)
        .y_label_formatter(&log_label)
        .light_line_style(BLACK.mix(0.05))
        .bold_line_style(BLACK.mix(0.18))
        .draw()?;
    let mut keys = Vec::new();
    for x in &series {
        let c = series_color(x);
        let ours = x.stack == "ssmbench";
        let ok: Vec<(f64, f64, f64)> = x
            .points
            .iter()
            .filter(|p| p.ok())
            .map(|p| (p.n as f64, val(p).0, val(p).1))
            .map(|(n, y, sd)| (n, y, if sd.is_finite() { sd } else { 0.0 }))
            .collect();
        let width = if ours { 3 } else { 2 };
        chart.draw_series(LineSeries::new(
            ok.iter().map(|p| (p.0, p.1)),
            c.mix(if ours { 1.0 } else { 0.75 }).stroke_width(width),
        ))?;
        chart.draw_series(ok.iter().filter(|p| p.2 > 0.0).map(|p| {
            ErrorBar::new_vertical(
                p.0,
                (p.1 - p.2).max(y0),
                p.1,
                (p.1 + p.2).min(y1),
                c.stroke_width(2),
                10,
            )
        }))?;
        if ours {
            chart.draw_series(ok.iter().map(|p| Circle::new((p.0, p.1), 5, c.filled())))?;
        } else {
            chart.draw_series(ok.iter().map(|p| {
                EmptyElement::at((p.0, p.1))
                    + Rectangle::new([(-5, -5), (5, 5)], WHITE.filled())
                    + Rectangle::new([(-5, -5), (5, 5)], c.stroke_width(2))
            }))?;
        }
        keys.push(Key {
            color: c,
            width,
            dashed: false,
            marker: if ours { Marker::Filled } else { Marker::Hollow },
            label: series_name(x),
        });
    }
    // Fitted curves on the paper's range, extended over the plot, and where they cross.
    let (fit_t, fit_m) = if memory {
        (&s.llama_paper.memory, &s.mamba_paper.memory)
    } else {
        (&s.llama_paper.time, &s.mamba_paper.time)
    };
    let eqs = if memory { ("2", "3") } else { ("4", "5") };
    for (e, color, label) in [
        (fit_t, BLACK, format!("fit, Eq. {}: T (quadratic)", eqs.0)),
        (fit_m, GREY, format!("fit, Eq. {}: M (linear)", eqs.1)),
    ] {
        let Some(e) = e else { continue };
        let curve: Vec<(f64, f64)> = (0..=120)
            .map(|i| x0 * (x1 / x0).powf(i as f64 / 120.0))
            .map(|n| (n, eval(e, n)))
            .filter(|(_, y)| *y > y0 && *y < y1)
            .collect();
        chart.draw_series(DashedLineSeries::new(curve, 9, 6, color.stroke_width(2)))?;
        keys.push(Key {
            color,
            width: 2,
            dashed: true,
            marker: Marker::None,
            label,
        });
    }
    let crossings = if memory {
        &s.memory_crossings
    } else {
        &s.time_crossings
    };
    let mut shown = false;
    if let Some(e) = fit_m {
        for &n in crossings.iter().filter(|n| **n > x0 && **n < x1) {
            let y = eval(e, n);
            if y > y0 && y < y1 {
                chart.draw_series(std::iter::once(Cross::new((n, y), 9, RED.stroke_width(3))))?;
                keys.push(Key {
                    color: RED,
                    width: 3,
                    dashed: false,
                    marker: Marker::Cross,
                    label: format!("fits cross at N ≈ {}", group(n.round() as i64)),
                });
                shown = true;
            }
        }
    }
    legend(&side, &keys, (10, 40), 30)?;
    let note = (FONT, LEGEND).into_font().color(&BLACK);
    let below = 40 + 30 * keys.len() as i32 + 10;
    let lines = [
        "T: LLaMA materialised; M: Mamba fused scan".to_string(),
        "fits on 512–8,192 tokens".to_string(),
        if shown || !crossings.is_empty() {
            "crossings outside the plot: see the text".to_string()
        } else {
            "the fits do not cross at any N > 0".to_string()
        },
        "error bars: ± sd across seeds".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        side.draw(&Text::new(
            l.clone(),
            (14, below + 26 * i as i32),
            note.clone(),
        ))?;
    }
    root.present()?;
    Ok(())
}
