//! The Performance chapter's own views: the time of one forward cut into stages
//! (`perf/breakdown.csv`), the forwards on Burn's matmul beside the FP32 ones
//! (`perf/tensor_cores.csv`), and the performance issue's targets beside what was measured.

use serde::Serialize;

use super::{
    context::PeerRow,
    format::{group, model_name, path_name, sig},
};
use crate::bench::{
    breakdown::BreakdownRow,
    rows::EfficiencyRow,
    tensor_cores::{FP32, TF32, TensorCoreRow},
};

/// One stage of a forward, as the book prints it.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub stage: String,
    pub calls: u32,
    pub ms: f64,
    /// Share of the observed total, 0–1.
    pub share: f64,
}

/// One configuration's breakdown.
#[derive(Clone, Debug, Serialize)]
pub struct BreakdownGroup {
    pub model: String,
    pub path: String,
    pub n: usize,
    /// Median unobserved forward, ms (the sweep's protocol).
    pub forward_ms: f64,
    /// Median forward under the stage clock, ms.
    pub observed_ms: f64,
    /// The stages' times added up, ms.
    pub stages_ms: f64,
    /// `cuda-events` (device timestamps at every stage) or `host-sync` (a synchronisation at
    /// every stage; also rows from before the column existed).
    pub clock: String,
    pub stages: Vec<Stage>,
}

/// Groups the breakdown rows by configuration, stages in forward order.
pub fn breakdown_groups(rows: &[BreakdownRow]) -> Vec<BreakdownGroup> {
    let mut out: Vec<BreakdownGroup> = Vec::new();
    for r in rows {
        let (model, path) = (
            model_name(&r.model),
            path_name("ssmbench", &r.model, &r.variant),
        );
        let stage = Stage {
            stage: r.stage.clone(),
            calls: r.calls,
            ms: r.ms,
            share: r.ms / r.observed_total_ms,
        };
        match out
            .iter_mut()
            .find(|g| g.model == model && g.path == path && g.n == r.n)
        {
            Some(g) => g.stages.push(stage),
            None => out.push(BreakdownGroup {
                model,
                path,
                n: r.n,
                forward_ms: r.forward_ms,
                observed_ms: r.observed_total_ms,
                stages_ms: 0.0,
                clock: r.clock.clone(),
                stages: vec![stage],
            }),
        }
    }
    for g in &mut out {
        g.stages_ms = g.stages.iter().map(|s| s.ms).sum();
    }
    out
}

/// One benchmark path at one length, its forwards on FP32 kernels and on Burn's matmul.
#[derive(Clone, Debug, Serialize)]
pub struct TensorCoreGroup {
    pub model: String,
    pub path: String,
    pub n: usize,
    pub seeds: usize,
    /// Median over seeds of each seed's median forward, ms.
    pub fp32_ms: f64,
    pub tf32_ms: f64,
    /// Largest over seeds of the logits' relative L2 difference from the FP32 forward.
    pub max_rel_l2: f64,
    /// Smallest over seeds of the share of positions with the same most likely token.
    pub min_argmax_agreement: f64,
}

/// Groups the tensor-core comparison by (model, path, N); a group needs both kinds of row.
pub fn tensor_core_groups(rows: &[TensorCoreRow]) -> Vec<TensorCoreGroup> {
    let mut keys: Vec<(&str, &str, usize)> = Vec::new();
    for r in rows {
        let key = (r.model.as_str(), r.variant.as_str(), r.n);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let median = |v: Vec<f64>| crate::stats::median(&v);
    keys.into_iter()
        .filter_map(|(model, variant, n)| {
            let of = |products: &str| -> Vec<&TensorCoreRow> {
                rows.iter()
                    .filter(|r| {
                        r.model == model
                            && r.variant == variant
                            && r.n == n
                            && r.products == products
                    })
                    .collect()
            };
            let (fp32, tf32) = (of(FP32), of(TF32));
            Some(TensorCoreGroup {
                model: model_name(model),
                path: path_name("ssmbench", model, variant),
                n,
                seeds: tf32.len(),
                fp32_ms: median(fp32.iter().map(|r| r.median_ms).collect())?,
                tf32_ms: median(tf32.iter().map(|r| r.median_ms).collect())?,
                max_rel_l2: tf32.iter().map(|r| r.logits_rel_l2).fold(0.0, f64::max),
                min_argmax_agreement: tf32.iter().map(|r| r.argmax_agreement).fold(1.0, f64::min),
            })
        })
        .collect()
}

/// Why a configuration did not run, in a few words.
fn stop_reason(r: &EfficiencyRow) -> &'static str {
    if r.is_oom() {
        "memory"
    } else if r.error.contains("32-bit") {
        "a kernel's 32-bit indexing"
    } else if r.error.starts_with("time budget") {
        "the time budget"
    } else {
        "a crash"
    }
}

/// "N stopped by <reason>", with the time-budget row's own words where that was the reason.
fn stopped_by(r: &EfficiencyRow) -> String {
    let detail = r.error.strip_prefix("time budget: ").unwrap_or("");
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    format!(
        "{} stopped by {}{detail}",
        group(r.n as i64),
        stop_reason(r)
    )
}

/// One target of the performance issue and what this run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    pub what: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

/// The length for the time targets.
const TARGET_N: usize = 8192;
/// The time target for Mamba at `TARGET_N`, ms.
pub const MAMBA_TARGET_MS: f64 = 12.0;

/// The performance issue's targets (time at N = 8,192; longest single forward), checked
/// against the peer rows and the largest-N probes.
pub fn targets<'a>(
    peers: &[PeerRow],
    maxlen: &'a [EfficiencyRow],
    sweep: &'a [EfficiencyRow],
) -> Vec<Target> {
    let mut out = Vec::new();
    let at = |path: &str| {
        peers
            .iter()
            .find(|p| p.ours_path == path && p.n == TARGET_N)
    };
    if let Some(p) = at("fused scan") {
        out.push(Target {
            what: format!("Mamba fused scan, N = {}", group(TARGET_N as i64)),
            target: format!("≤ {} ms", sig(MAMBA_TARGET_MS, 3)),
            measured: format!("{} ms", sig(p.ours_median_ms, 3)),
            met: p.ours_median_ms <= MAMBA_TARGET_MS,
        });
    }
    for (path, peer) in [("flash", "HF sdpa"), ("materialised", "HF eager")] {
        if let Some(p) = at(path) {
            out.push(Target {
                what: format!("LLaMA {path}, N = {}", group(TARGET_N as i64)),
                target: format!("≤ {peer}: {} ms", sig(p.theirs_ms, 3)),
                measured: format!("{} ms", sig(p.ours_median_ms, 3)),
                met: p.ours_median_ms <= p.theirs_ms,
            });
        }
    }
    let longest = |rows: &[EfficiencyRow], model: &str, variant: &str| {
        rows.iter()
            .filter(|r| r.model == model && r.variant == variant && !r.failed())
            .map(|r| r.n)
            .max()
    };
    // The shortest length that did not complete above `after` (the longest that did, if any).
    let first_stop =
        |rows: &'a [EfficiencyRow], model: &str, variant: &str, after: Option<usize>| {
            rows.iter()
                .filter(|r| r.model == model && r.variant == variant && r.failed())
                .filter(|r| after.is_none_or(|a| r.n > a))
                .min_by_key(|r| r.n)
        };
    // The fast paths: the largest-N probes (last-position logits) or the sweep's forwards (full
    // logits, more work at the same length), whichever reached further.
    for (model, variant, want) in [("mamba", "fused", 262_144), ("llama", "fused", 131_072)] {
        let probe = longest(maxlen, model, variant);
        let full = longest(sweep, model, variant).filter(|&f| probe.is_none_or(|p| f > p));
        let stop = first_stop(maxlen, model, variant, probe);
        let probes = match (probe, stop) {
            (Some(n), None) => Some(format!("{} tokens (last-position logits)", group(n as i64))),
            (Some(n), Some(r)) => Some(format!(
                "{} tokens (last-position logits); {}",
                group(n as i64),
                stopped_by(r)
            )),
            (None, Some(r)) => Some(format!(
                "last-position probes: none completed, {}",
                stopped_by(r)
            )),
            (None, None) => None,
        };
        let measured = match (full, probes) {
            (Some(f), Some(p)) if probe.is_none() => {
                format!("{} tokens (full logits, the sweep); {p}", group(f as i64))
            }
            (Some(f), _) => format!("{} tokens (full logits, the sweep)", group(f as i64)),
            (None, Some(p)) => p,
            (None, None) => continue,
        };
        let best = probe.max(full);
        out.push(Target {
            what: format!(
                "{} {}, longest forward",
                model_name(model),
                path_name("ssmbench", model, variant)
            ),
            target: format!("≥ {} tokens", group(want)),
            measured,
            met: best.is_some_and(|n| n >= want as usize),
        });
    }
    // The materialised path: "as far as memory allows". Met only if what stopped it was memory
    // (measured, or certain by arithmetic: see `bench::worker::materialised_bytes`).
    if let Some(n) = longest(sweep, "llama", "eager") {
        let stop = first_stop(sweep, "llama", "eager", Some(n));
        out.push(Target {
            what: "LLaMA materialised, longest forward (full logits)".into(),
            target: "as far as memory allows".into(),
            measured: match stop {
                Some(r) => format!(
                    "{} tokens; {} stopped by {}",
                    group(n as i64),
                    group(r.n as i64),
                    stop_reason(r)
                ),
                None => format!("{} tokens", group(n as i64)),
            },
            met: stop.is_some_and(|r| r.is_oom()),
        });
    }
    out
}
