//! The §5.2 figures: per-layer dynamics of both models and the shift detector's ROC curves.

use plotters::{
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

use super::{
    AXIS, Area, BLUE, CRIMSON, FONT, GREY, Key, LEGEND, Marker, Res, TICK, TITLE, decade_below,
    legend, log_label, trimmed,
};
use crate::{
    analysis::{
        run::Tables,
        schema::{LayerSummary, MeanSd, RepresentationSummary},
    },
    report::format::{model_name, sig},
};

/// Per-layer curves (mean ± sd across seeds), four panels: both models' hidden-state velocity
/// and norm (log axis: their scales differ by two orders of magnitude), LLaMA's attention
/// entropy and distance.
pub fn layers(r: &RepresentationSummary) -> String {
    let mut out = String::new();
    let _ = draw_layers(r, &mut out);
    out
}

type Get = fn(&LayerSummary) -> MeanSd;
/// (layer, mean, sd) of one point.
type Dot = (f64, f64, f64);

struct Panel {
    title: &'static str,
    y: &'static str,
    log: bool,
    lines: Vec<(&'static str, RGBColor, Get)>,
}

fn draw_layers(r: &RepresentationSummary, out: &mut String) -> Res {
    let root = SVGBackend::with_string(out, (980, 800)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, body) = root.split_vertically(44);
    let key = |color, label: &str| Key {
        color,
        width: 3,
        dashed: false,
        marker: Marker::Filled,
        label: label.into(),
    };
    legend(&top, &[key(BLUE, "Mamba (fused scan)")], (20, 22), 0)?;
    legend(&top, &[key(CRIMSON, "LLaMA")], (260, 22), 0)?;
    top.draw(&Text::new(
        "mean ± sd across seeds",
        (440, 22),
        (FONT, LEGEND)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    let panels = [
        Panel {
            title: "Hidden-state velocity ‖hₜ − hₜ₋₁‖",
            y: "velocity (log scale)",
            log: true,
            lines: vec![
                ("Mamba", BLUE, |l| l.mamba_velocity),
                ("LLaMA", CRIMSON, |l| l.llama_velocity),
            ],
        },
        Panel {
            title: "Final-token hidden-state norm ‖h‖",
            y: "norm (log scale)",
            log: true,
            lines: vec![
                ("Mamba", BLUE, |l| l.mamba_norm),
                ("LLaMA", CRIMSON, |l| l.llama_norm),
            ],
        },
        Panel {
            title: "LLaMA attention entropy",
            y: "entropy (nats)",
            log: false,
            lines: vec![("LLaMA", CRIMSON, |l| l.attn_entropy)],
        },
        Panel {
            title: "LLaMA mean attention distance",
            y: "distance (tokens)",
            log: false,
            lines: vec![("LLaMA", CRIMSON, |l| l.attn_distance)],
        },
    ];
    for (area, panel) in body.split_evenly((2, 2)).iter().zip(panels.iter()) {
        draw_layer_panel(area, r, panel)?;
    }
    root.present()?;
    Ok(())
}

fn draw_layer_panel(area: &Area, r: &RepresentationSummary, panel: &Panel) -> Res {
    let lines: Vec<(RGBColor, Vec<Dot>)> = panel
        .lines
        .iter()
        .map(|(_, c, get)| {
            let v = r
                .layers
                .iter()
                .map(|l| {
                    let x = get(l);
                    (
                        l.layer as f64,
                        x.mean,
                        if x.sd.is_finite() { x.sd } else { 0.0 },
                    )
                })
                .filter(|p| p.1.is_finite() && (!panel.log || p.1 > 0.0))
                .collect();
            (*c, v)
        })
        .collect();
    let all: Vec<&Dot> = lines.iter().flat_map(|l| l.1.iter()).collect();
    if all.is_empty() {
        return Ok(());
    }
    let lo = all.iter().map(|p| p.1 - p.2).fold(f64::INFINITY, f64::min);
    let hi = all
        .iter()
        .map(|p| p.1 + p.2)
        .fold(f64::NEG_INFINITY, f64::max);
    let xr = 0.5f64..(r.layers.len() as f64 + 0.5);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(panel.title, (FONT, TITLE))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(76);
    let x_fmt = |v: &f64| format!("{v:.0}");
    if panel.log {
        let min = all.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let (y0, y1) = (decade_below(min), hi * 1.6);
        let mut chart = builder.build_cartesian_2d(xr, (y0..y1).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("layer")
            .y_desc(panel.y)
            .label_style((FONT, TICK))
            .axis_desc_style((FONT, AXIS))
            .x_labels(r.layers.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&log_label)
            .light_line_style(BLACK.mix(0.05))
            .bold_line_style(BLACK.mix(0.15))
            .draw()?;
        for (c, v) in &lines {
            draw_layer_line(&mut chart, v, *c, y0)?;
        }
    } else {
        let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.002).max(1e-9);
        let y0 = lo - pad;
        let mut chart = builder.build_cartesian_2d(xr, y0..(hi + pad))?;
        let y_fmt = |v: &f64| trimmed(*v);
        chart
            .configure_mesh()
            .x_desc("layer")
            .y_desc(panel.y)
            .label_style((FONT, TICK))
            .axis_desc_style((FONT, AXIS))
            .x_labels(r.layers.len())
            .x_label_formatter(&x_fmt)
            .y_labels(6)
            .y_label_formatter(&y_fmt)
            .light_line_style(BLACK.mix(0.05))
            .bold_line_style(BLACK.mix(0.15))
            .draw()?;
        for (c, v) in &lines {
            draw_layer_line(&mut chart, v, *c, y0)?;
        }
    }
    Ok(())
}

fn draw_layer_line<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    v: &[Dot],
    c: RGBColor,
    floor: f64,
) -> Res
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart.draw_series(LineSeries::new(
        v.iter().map(|p| (p.0, p.1)),
        c.stroke_width(3),
    ))?;
    chart.draw_series(v.iter().filter(|p| p.2 > 0.0).map(|p| {
        ErrorBar::new_vertical(
            p.0,
            (p.1 - p.2).max(floor),
            p.1,
            p.1 + p.2,
            c.stroke_width(2),
            12,
        )
    }))?;
    chart.draw_series(v.iter().map(|p| Circle::new((p.0, p.1), 5, c.filled())))?;
    Ok(())
}

/// ROC curves of the shift detector, one thin line per (model, seed), one panel per protocol,
/// with the chance diagonal (the expected curve of random scores).
pub fn roc(t: &Tables, r: Option<&RepresentationSummary>) -> String {
    let mut out = String::new();
    let _ = draw_roc(t, r, &mut out);
    out
}

fn model_color(model: &str) -> RGBColor {
    match model {
        "mamba" => BLUE,
        "llama" => CRIMSON,
        _ => GREY,
    }
}

fn protocol_name(p: &str) -> String {
    match p {
        "segments4" => "4 segments per session (the paper's protocol)".into(),
        other => match other.strip_prefix("windows") {
            Some(w) => format!("windows of {w} tokens (finer protocol)"),
            None => other.into(),
        },
    }
}

fn draw_roc(t: &Tables, r: Option<&RepresentationSummary>, out: &mut String) -> Res {
    let mut protocols: Vec<String> = t.roc.iter().map(|x| x.protocol.clone()).collect();
    protocols.sort_by_key(|p| (p != "segments4", p.clone()));
    protocols.dedup();
    if protocols.is_empty() {
        return Ok(());
    }
    let root = SVGBackend::with_string(out, (980, 580)).into_drawing_area();
    root.fill(&WHITE)?;
    let (body, bottom) = root.split_vertically(520);
    let panels = body.split_evenly((1, protocols.len()));
    let mut seeds = std::collections::BTreeMap::<String, usize>::new();
    for (area, protocol) in panels.iter().zip(&protocols) {
        let (head, plot) = area.split_vertically(58);
        let font = (FONT, LEGEND).into_font().color(&BLACK);
        head.draw(&Text::new(
            protocol_name(protocol),
            (12, 6),
            (FONT, TITLE).into_font().color(&BLACK),
        ))?;
        // Each model's AUC, and the random scores' (the baseline), from the summary.
        let aucs: Vec<String> = ["mamba", "llama", "random"]
            .iter()
            .filter_map(|m| {
                let s = r?
                    .shifts
                    .iter()
                    .find(|x| x.model == *m && x.protocol == *protocol)?;
                let name = if *m == "random" {
                    "random".to_string()
                } else {
                    model_name(m)
                };
                Some(format!(
                    "{name} {} ± {}",
                    sig(s.auc.mean, 3),
                    sig(s.auc.sd, 2)
                ))
            })
            .collect();
        if !aucs.is_empty() {
            head.draw(&Text::new(
                format!("AUC: {}", aucs.join(" · ")),
                (12, 34),
                font.clone(),
            ))?;
        }
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(62)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
        chart
            .configure_mesh()
            .x_desc("false positive rate")
            .y_desc("true positive rate")
            .label_style((FONT, TICK))
            .axis_desc_style((FONT, AXIS))
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .light_line_style(BLACK.mix(0.04))
            .bold_line_style(BLACK.mix(0.12))
            .draw()?;
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            9,
            6,
            GREY.stroke_width(2),
        ))?;
        let mut keys: Vec<(String, u64)> = t
            .roc
            .iter()
            .filter(|x| &x.protocol == protocol)
            .map(|x| (x.model.clone(), x.seed))
            .collect();
        keys.sort();
        keys.dedup();
        for (model, seed) in keys {
            let c = model_color(&model);
            *seeds.entry(model.clone()).or_default() += 1;
            let pts: Vec<(f64, f64)> = t
                .roc
                .iter()
                .filter(|x| &x.protocol == protocol && x.model == model && x.seed == seed)
                .map(|x| (x.fpr, x.tpr))
                .collect();
            chart.draw_series(LineSeries::new(pts, c.mix(0.7).stroke_width(2)))?;
        }
    }
    let mut keys: Vec<Key> = seeds
        .iter()
        .map(|(m, n)| Key {
            color: model_color(m),
            width: 2,
            dashed: false,
            marker: Marker::None,
            label: format!(
                "{}: one line per seed ({})",
                model_name(m),
                n / protocols.len().max(1)
            ),
        })
        .collect();
    keys.push(Key {
        color: GREY,
        width: 2,
        dashed: true,
        marker: Marker::None,
        label: "chance: the expected curve of random scores".into(),
    });
    let mut x = 20;
    for k in keys {
        let width = 60 + 9 * k.label.chars().count() as i32;
        legend(&bottom, &[k], (x, 30), 0)?;
        x += width;
    }
    root.present()?;
    Ok(())
}
