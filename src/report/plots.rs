//! SVG figures for the book (plotters): scaling curves with fits and crossovers, per-layer
//! dynamics, ROC curves. Each function returns the SVG text; the book writes it beside the
//! chapters.

use plotters::prelude::*;

use crate::{
    analysis::{run::Tables, schema::RepresentationSummary},
    bench::summary::{EfficiencySummary, Equation},
};

const PALETTE: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

type Res = Result<(), Box<dyn std::error::Error>>;

fn eval(e: &Equation, n: f64) -> f64 {
    e.polynomial().eval(n)
}

/// Time (`memory = false`) or peak memory vs N, log–log, every full-logits series, mean ± sd
/// as error bars, the paper-range fits as dashed lines and their crossovers marked.
pub fn scaling(s: &EfficiencySummary, memory: bool) -> String {
    let mut out = String::new();
    let _ = draw_scaling(s, memory, &mut out);
    out
}

fn draw_scaling(s: &EfficiencySummary, memory: bool, out: &mut String) -> Res {
    let series: Vec<_> = s
        .series
        .iter()
        .filter(|x| x.logits == "full" && x.points.iter().any(|p| p.ok()))
        .collect();
    let val = |p: &crate::bench::summary::Point| {
        if memory {
            (p.mem_gib, p.mem_sd)
        } else {
            (p.time_ms, p.time_sd)
        }
    };
    let pts: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|x| {
            x.points
                .iter()
                .filter(|p| p.ok())
                .map(|p| (p.n as f64, val(p).0))
        })
        .filter(|(_, y)| *y > 0.0)
        .collect();
    if pts.is_empty() {
        return Ok(());
    }
    let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) / 1.5;
    let x1 = pts.iter().map(|p| p.0).fold(0.0, f64::max) * 1.5;
    let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min) / 2.0;
    let y1 = pts.iter().map(|p| p.1).fold(0.0, f64::max) * 2.0;
    let root = SVGBackend::with_string(out, (860, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let title = if memory {
        "Peak memory vs sequence length"
    } else {
        "Forward time vs sequence length"
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("N (tokens)")
        .y_desc(if memory {
            "peak allocated (GiB)"
        } else {
            "mean time (ms)"
        })
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| {
            if *v >= 1.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        })
        .draw()?;
    for (i, x) in series.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let ok: Vec<(f64, f64, f64)> = x
            .points
            .iter()
            .filter(|p| p.ok())
            .map(|p| {
                (
                    p.n as f64,
                    val(p).0,
                    if val(p).1.is_finite() { val(p).1 } else { 0.0 },
                )
            })
            .collect();
        chart
            .draw_series(LineSeries::new(
                ok.iter().map(|p| (p.0, p.1)),
                c.stroke_width(2),
            ))?
            .label(x.label.clone())
            .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 18, b)], c.stroke_width(2)));
        chart.draw_series(ok.iter().map(|p| Circle::new((p.0, p.1), 3, c.filled())))?;
        chart.draw_series(ok.iter().filter(|p| p.2 > 0.0).map(|p| {
            ErrorBar::new_vertical(
                p.0,
                (p.1 - p.2).max(y0),
                p.1,
                p.1 + p.2,
                c.stroke_width(1),
                6,
            )
        }))?;
    }
    // Fitted curves on the paper's range, and where they cross.
    let fits = [
        (
            if memory {
                &s.llama_paper.memory
            } else {
                &s.llama_paper.time
            },
            "fit: αN² + βN + γ (LLaMA, materialised)",
        ),
        (
            if memory {
                &s.mamba_paper.memory
            } else {
                &s.mamba_paper.time
            },
            "fit: α′N + γ′ (Mamba)",
        ),
    ];
    for (k, (e, name)) in fits.iter().enumerate() {
        let Some(e) = e else { continue };
        let c = if k == 0 { BLACK } else { RGBColor(90, 90, 90) };
        let curve: Vec<(f64, f64)> = (0..=100)
            .map(|i| x0 * (x1 / x0).powf(i as f64 / 100.0))
            .map(|n| (n, eval(e, n)))
            .filter(|(_, y)| *y > y0 && *y < y1)
            .collect();
        chart
            .draw_series(DashedLineSeries::new(curve, 6, 4, c.stroke_width(1)))?
            .label(name.to_string())
            .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 18, b)], c.stroke_width(1)));
    }
    let crossings = if memory {
        &s.memory_crossings
    } else {
        &s.time_crossings
    };
    if let Some(e) = if memory {
        &s.mamba_paper.memory
    } else {
        &s.mamba_paper.time
    } {
        for &n in crossings.iter().filter(|n| **n > x0 && **n < x1) {
            let y = eval(e, n);
            if y > y0 && y < y1 {
                chart.draw_series(std::iter::once(Cross::new((n, y), 8, RED.stroke_width(3))))?;
                chart.draw_series(std::iter::once(Text::new(
                    format!("fits cross at N ≈ {n:.0}"),
                    (n * 1.08, y),
                    ("sans-serif", 13),
                )))?;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()?;
    root.present()?;
    Ok(())
}

/// Per-layer curves (mean ± sd across seeds), two panels: Mamba's hidden state (velocity, norm)
/// and LLaMA's attention (entropy, distance).
pub fn layers(r: &RepresentationSummary) -> String {
    let mut out = String::new();
    let _ = draw_layers(r, &mut out);
    out
}

fn draw_layers(r: &RepresentationSummary, out: &mut String) -> Res {
    let root = SVGBackend::with_string(out, (1100, 760)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((2, 2));
    type Get = fn(&crate::analysis::schema::LayerSummary) -> crate::analysis::schema::MeanSd;
    let specs: [(&str, Get); 4] = [
        (
            "Mamba state velocity (mean ‖hₜ − hₜ₋₁‖)",
            |l| l.mamba_velocity,
        ),
        ("Mamba final-token norm ‖h‖", |l| l.mamba_norm),
        ("LLaMA attention entropy (nats)", |l| l.attn_entropy),
        ("LLaMA mean attention distance (tokens)", |l| {
            l.attn_distance
        }),
    ];
    for (k, (panel, (title, get))) in panels.iter().zip(specs.iter()).enumerate() {
        let v: Vec<(f64, f64, f64)> = r
            .layers
            .iter()
            .map(|l| {
                (
                    l.layer as f64,
                    get(l).mean,
                    if get(l).sd.is_finite() {
                        get(l).sd
                    } else {
                        0.0
                    },
                )
            })
            .filter(|p| p.1.is_finite())
            .collect();
        if v.is_empty() {
            continue;
        }
        let lo = v.iter().map(|p| p.1 - p.2).fold(f64::INFINITY, f64::min);
        let hi = v
            .iter()
            .map(|p| p.1 + p.2)
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(hi.abs() * 0.01).max(1e-9);
        let mut chart = ChartBuilder::on(panel)
            .caption(*title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(
                0.5f64..(r.layers.len() as f64 + 0.5),
                (lo - pad)..(hi + pad),
            )?;
        chart
            .configure_mesh()
            .x_desc("layer")
            .x_labels(r.layers.len())
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        let c = PALETTE[k];
        chart.draw_series(LineSeries::new(
            v.iter().map(|p| (p.0, p.1)),
            c.stroke_width(2),
        ))?;
        chart.draw_series(v.iter().map(|p| Circle::new((p.0, p.1), 4, c.filled())))?;
        chart.draw_series(v.iter().filter(|p| p.2 > 0.0).map(|p| {
            ErrorBar::new_vertical(p.0, p.1 - p.2, p.1, p.1 + p.2, c.stroke_width(1), 8)
        }))?;
    }
    root.present()?;
    Ok(())
}

/// ROC curves of the shift detector, one line per (model, seed), for `protocol`.
pub fn roc(t: &Tables, protocol: &str) -> String {
    let mut out = String::new();
    let _ = draw_roc(t, protocol, &mut out);
    out
}

fn draw_roc(t: &Tables, protocol: &str, out: &mut String) -> Res {
    let root = SVGBackend::with_string(out, (620, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Shift detection ROC ({protocol})"),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .x_desc("false positive rate")
        .y_desc("true positive rate")
        .draw()?;
    chart.draw_series(DashedLineSeries::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        5,
        4,
        BLACK.stroke_width(1),
    ))?;
    let mut keys: Vec<(String, u64)> = t
        .roc
        .iter()
        .filter(|r| r.protocol == protocol)
        .map(|r| (r.model.clone(), r.seed))
        .collect();
    keys.sort();
    keys.dedup();
    let mut labelled = std::collections::BTreeSet::new();
    for (model, seed) in keys {
        let c = match model.as_str() {
            "mamba" => PALETTE[0],
            "llama" => PALETTE[1],
            _ => PALETTE[6],
        };
        let pts: Vec<(f64, f64)> = t
            .roc
            .iter()
            .filter(|r| r.protocol == protocol && r.model == model && r.seed == seed)
            .map(|r| (r.fpr, r.tpr))
            .collect();
        let s = chart.draw_series(LineSeries::new(pts, c.stroke_width(2)))?;
        if labelled.insert(model.clone()) {
            s.label(model.clone()).legend(move |(a, b)| {
                PathElement::new(vec![(a, b), (a + 18, b)], c.stroke_width(2))
            });
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
