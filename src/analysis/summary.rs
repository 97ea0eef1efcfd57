//! Tables 3–5 from the raw rows: each quantity is averaged over sessions (and probes) within a
//! seed, then reported as mean ± sample sd across seeds — the models are untrained, so the
//! spread across seeds is the honest error bar.

use std::collections::BTreeMap;

use super::{context::ATTRIBUTION_SCALAR, run::Tables, schema::*};
use crate::{pipeline::Inputs, profile::Profile, stats};

/// Mean ± sd of per-seed values (NaN values skipped).
pub fn mean_sd(per_seed: &[f64]) -> MeanSd {
    match stats::Summary::from_slice(per_seed) {
        Some(s) => MeanSd {
            mean: s.mean,
            sd: s.sd,
            n: s.n,
        },
        None => MeanSd {
            mean: f64::NAN,
            sd: f64::NAN,
            n: 0,
        },
    }
}

/// Per seed, the mean of `value` over the rows that `keep` selects.
fn per_seed<T>(
    rows: &[T],
    seed: impl Fn(&T) -> u64,
    keep: impl Fn(&T) -> bool,
    value: impl Fn(&T) -> f64,
) -> Vec<f64> {
    let mut by: BTreeMap<u64, (f64, usize)> = BTreeMap::new();
    for r in rows.iter().filter(|r| keep(r)) {
        let v = value(r);
        if v.is_finite() {
            let e = by.entry(seed(r)).or_default();
            e.0 += v;
            e.1 += 1;
        }
    }
    by.values().map(|(s, n)| s / *n as f64).collect()
}

fn layer_stat(t: &Tables, model: &str, layer: usize, f: fn(&HiddenRow) -> f64) -> MeanSd {
    mean_sd(&per_seed(
        &t.hidden,
        |r| r.seed,
        |r| r.model == model && r.layer == layer,
        f,
    ))
}

fn attn_stat(t: &Tables, layer: usize, f: fn(&AttentionRow) -> f64) -> MeanSd {
    mean_sd(&per_seed(&t.attention, |r| r.seed, |r| r.layer == layer, f))
}

/// Coefficient of variation of `values` (sd / mean), NaN when undefined.
fn cov(values: &[f64]) -> f64 {
    stats::coefficient_of_variation(values).unwrap_or(f64::NAN)
}

fn context_summary(t: &Tables, model: &str, method: &str) -> Option<ContextSummary> {
    let rows: Vec<&ContextRow> = t
        .context
        .iter()
        .filter(|r| r.model == model && r.method == method)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let get = |f: fn(&ContextRow) -> f64| mean_sd(&per_seed(&rows, |r| r.seed, |_| true, |r| f(r)));
    // CoV: across the probes of one (seed, session) for the gradient; for the attention span,
    // across heads and positions (stored per row).
    let mut covs: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    if method == "gradient" {
        let mut groups: BTreeMap<(u64, String), Vec<f64>> = BTreeMap::new();
        for r in &rows {
            groups
                .entry((r.seed, r.session.clone()))
                .or_default()
                .push(r.effective_tokens);
        }
        for ((seed, _), v) in groups {
            covs.entry(seed).or_default().push(cov(&v));
        }
    } else {
        for r in &rows {
            covs.entry(r.seed).or_default().push(r.span_cov);
        }
    }
    let cov_per_seed: Vec<f64> = covs
        .values()
        .map(|v| stats::mean(v).unwrap_or(f64::NAN))
        .collect();
    Some(ContextSummary {
        model: model.into(),
        method: method.into(),
        effective_tokens: get(|r| r.effective_tokens),
        effective_range: get(|r| r.effective_range),
        percent_of_visible: get(|r| 100.0 * r.fraction_of_visible),
        percent_of_sequence: get(|r| 100.0 * r.fraction_of_sequence),
        cov: mean_sd(&cov_per_seed),
        sequence_length: rows.iter().map(|r| r.sequence_length).max().unwrap_or(0),
    })
}

fn shift_summary(t: &Tables, model: &str, protocol: &str) -> Option<ShiftSummary> {
    let rows: Vec<&ShiftRow> = t
        .shift
        .iter()
        .filter(|r| r.model == model && r.protocol == protocol)
        .collect();
    let first = rows.first()?;
    let col = |f: fn(&ShiftRow) -> f64| mean_sd(&rows.iter().map(|r| f(r)).collect::<Vec<_>>());
    Some(ShiftSummary {
        model: model.into(),
        protocol: protocol.into(),
        boundaries: first.boundaries,
        positives: first.positives,
        auc: col(|r| r.auc),
        f1_default: col(|r| r.f1_default),
        f1_optimal: col(|r| r.f1_optimal),
        optimal_threshold: col(|r| r.optimal_threshold),
        tpr_at_fpr_01: col(|r| r.tpr_at_fpr_01),
    })
}

/// Builds `summary.json` from the rows.
pub fn summarize(
    t: &Tables,
    profile: &Profile,
    inputs: &Inputs,
    backend: &str,
    device: &str,
) -> RepresentationSummary {
    let layers = t.hidden.iter().map(|r| r.layer).max().unwrap_or(0);
    let layer_rows = (1..=layers)
        .map(|l| LayerSummary {
            layer: l,
            mamba_velocity: layer_stat(t, "mamba", l, |r| r.velocity_mean),
            mamba_norm: layer_stat(t, "mamba", l, |r| r.final_norm),
            mamba_drift: layer_stat(t, "mamba", l, |r| r.drift_final),
            mamba_stability: layer_stat(t, "mamba", l, |r| r.stability),
            llama_velocity: layer_stat(t, "llama", l, |r| r.velocity_mean),
            llama_norm: layer_stat(t, "llama", l, |r| r.final_norm),
            attn_entropy: attn_stat(t, l, |r| r.entropy),
            attn_distance: attn_stat(t, l, |r| r.distance),
            attn_top5: attn_stat(t, l, |r| r.top5),
            attn_span: attn_stat(t, l, |r| r.span_mean),
        })
        .collect();
    let context = [
        ("mamba", "gradient"),
        ("llama", "gradient"),
        ("llama", "attention-span"),
    ]
    .iter()
    .filter_map(|(m, k)| context_summary(t, m, k))
    .collect();
    let protocol_w = format!("windows{}", profile.analysis.shift_window);
    let shifts = ["mamba", "llama", "random"]
        .iter()
        .flat_map(|m| ["segments4", protocol_w.as_str()].map(|p| shift_summary(t, m, p)))
        .flatten()
        .collect();
    let limit = profile.analysis.session_limit;
    RepresentationSummary {
        seeds: profile.analysis.seeds.clone(),
        sessions: inputs
            .corpus
            .sessions
            .iter()
            .map(|s| s.id.clone())
            .collect(),
        session_tokens: inputs
            .corpus
            .sessions
            .iter()
            .map(|s| limit.map_or(s.end - s.start, |l| l.min(s.end - s.start)))
            .collect(),
        context_length: profile.analysis.context_length,
        probes: profile.analysis.probes,
        attribution_scalar: ATTRIBUTION_SCALAR.into(),
        stability_window: profile.analysis.stability_window,
        shift_window: profile.analysis.shift_window,
        layers: layer_rows,
        context,
        shifts,
        backend: backend.into(),
        device: device.into(),
    }
}
