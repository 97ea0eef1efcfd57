//! The Performance chapter's own views: the time of one forward cut into stages
//! (`perf/breakdown.csv`), and the performance issue's targets beside what was measured.

use serde::Serialize;

use super::{
    context::PeerRow,
    format::{group, model_name, path_name, sig},
};
use crate::bench::{breakdown::BreakdownRow, rows::EfficiencyRow};

/// One stage of a forward, as the book prints it.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub stage: String,
    pub calls: u32,
    pub ms: f64,
    /// Share of the observed (synchronised) total, 0–1.
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
    /// Median forward with a device synchronisation at every stage, ms.
    pub observed_ms: f64,
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
                stages: vec![stage],
            }),
        }
    }
    out
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
const MAMBA_TARGET_MS: f64 = 12.0;

/// What decides how far the materialised path can go: the device's memory and LLaMA's heads.
#[derive(Clone, Copy, Debug)]
pub struct Capacity {
    /// Total device memory in bytes (0: unknown).
    pub device_bytes: u64,
    pub heads: usize,
}

impl Capacity {
    /// Bytes the materialised attention holds at once at length `n`: one layer's scores and
    /// probabilities (the softmax reads one while writing the other), FP32.
    pub fn materialised_bytes(&self, n: usize) -> f64 {
        2.0 * self.heads as f64 * (n as f64).powi(2) * 4.0
    }

    /// Whether length `n` cannot fit, by that arithmetic alone.
    pub fn exceeded_at(&self, n: usize) -> bool {
        self.device_bytes > 0 && self.materialised_bytes(n) > self.device_bytes as f64
    }
}

const GIB: f64 = (1u64 << 30) as f64;

/// The performance issue's targets (time at N = 8,192; longest single forward), checked
/// against the peer rows and the largest-N probes.
pub fn targets(
    peers: &[PeerRow],
    maxlen: &[EfficiencyRow],
    sweep: &[EfficiencyRow],
    capacity: Capacity,
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
    for (model, variant, want) in [("mamba", "fused", 262_144), ("llama", "fused", 131_072)] {
        if let Some(n) = longest(maxlen, model, variant) {
            out.push(Target {
                what: format!(
                    "{} {}, longest forward (last-position logits)",
                    model_name(model),
                    path_name("ssmbench", model, variant)
                ),
                target: format!("≥ {} tokens", group(want)),
                measured: format!("{} tokens", group(n as i64)),
                met: n >= want as usize,
            });
        }
    }
    // The materialised path: "as far as memory allows". Met if what stopped it was memory —
    // an out-of-memory row, or a next length whose scores and probabilities alone exceed the
    // device (the sweep may have skipped it on its time prediction first).
    if let Some(n) = longest(sweep, "llama", "eager") {
        let stop = sweep
            .iter()
            .filter(|r| r.model == "llama" && r.variant == "eager" && r.failed() && r.n > n)
            .min_by_key(|r| r.n);
        let memory_bound = stop.is_some_and(|r| r.is_oom() || capacity.exceeded_at(r.n));
        out.push(Target {
            what: "LLaMA materialised, longest forward (full logits)".into(),
            target: "as far as memory allows".into(),
            measured: match stop {
                Some(r) if !r.is_oom() && capacity.exceeded_at(r.n) => format!(
                    "{} tokens; {} (skipped by {}) would need {:.0} GiB for one layer's scores and probabilities, the device has {:.0} GiB",
                    group(n as i64),
                    group(r.n as i64),
                    stop_reason(r),
                    capacity.materialised_bytes(r.n) / GIB,
                    capacity.device_bytes as f64 / GIB
                ),
                Some(r) => format!(
                    "{} tokens; {} stopped by {}",
                    group(n as i64),
                    group(r.n as i64),
                    stop_reason(r)
                ),
                None => format!("{} tokens", group(n as i64)),
            },
            met: memory_bound,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materialised_memory_is_two_n_squared_tensors_per_head() {
        let c = Capacity {
            device_bytes: 150_109_880_320, // the H200 of the committed run
            heads: 8,
        };
        // 8 heads × 32,768² × 4 bytes, twice: 64 GiB, fits; 65,536: 256 GiB, does not.
        assert_eq!(c.materialised_bytes(32_768) / GIB, 64.0);
        assert!(!c.exceeded_at(32_768));
        assert!(c.exceeded_at(65_536));
        let unknown = Capacity {
            device_bytes: 0,
            heads: 8,
        };
        assert!(!unknown.exceeded_at(1 << 20));
    }
}
