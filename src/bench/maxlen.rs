//! The largest-N probes of the performance issue: how long a sequence one forward of each fast
//! path can take on the device, with logits of the final position only (`logits = last`, so
//! the `N × 32,000` logits do not decide the answer), one forward after one warm-up.
//!
//! Rows use the efficiency schema (`perf/maxlen.csv`). A length is skipped, as a recorded row,
//! when the previous length's time times the architecture's growth factor (2 for Mamba's
//! linear cost, 4 for attention's quadratic) predicts more than [`BUDGET_S`].

use std::path::Path;

use anyhow::Result;

use super::{
    rows::{EfficiencyRow, read_rows, write_rows},
    sweep::{Isolation, run_sweep_specs},
    worker::WorkerSpec,
};
use crate::{
    backend::{Platform, SsmBackend},
    model::{LogitsMode, ModelKind},
    profile::Profile,
    provenance::Provenance,
};

/// Longest single forward a probe may take, seconds.
pub const BUDGET_S: f64 = 20.0;

/// Runs the probes not yet in `out`.
pub fn run_maxlen<P: Platform>(
    platform: &P,
    profile: &Profile,
    ids: &[i64],
    out: &Path,
    isolation: &Isolation,
) -> Result<Vec<EfficiencyRow>> {
    if !<P::B as SsmBackend>::has_fused_kernels() {
        return read_rows(out);
    }
    let provenance = Provenance::current();
    for (model, variant, growth) in [
        (ModelKind::Mamba, "fused", 2.0f64),
        (ModelKind::Llama, "fused", 4.0),
    ] {
        let mut lengths = profile.perf_max_lengths.clone();
        lengths.sort_unstable();
        for n in lengths {
            let rows = read_rows(out)?;
            let mine = |r: &&EfficiencyRow| r.model == model.as_str() && r.variant == variant;
            if rows.iter().filter(mine).any(|r| r.n == n) {
                continue;
            }
            if rows.iter().filter(mine).any(|r| r.failed() && r.n < n) {
                break;
            }
            // Predict from the largest length measured so far.
            if let Some(prev) = rows
                .iter()
                .filter(mine)
                .filter(|r| !r.failed() && r.n < n)
                .max_by_key(|r| r.n)
            {
                let predicted = prev.time_ms / 1e3 * growth.powf((n as f64 / prev.n as f64).log2());
                if predicted > BUDGET_S {
                    let mut skipped = prev.clone();
                    skipped.n = n;
                    skipped.run = None;
                    skipped.time_ms = f64::INFINITY;
                    skipped.peak_alloc_gib = f64::INFINITY;
                    skipped.reserved_gib = f64::INFINITY;
                    skipped.error = format!(
                        "time budget: predicted {predicted:.0} s for one forward (budget {BUDGET_S:.0} s)"
                    );
                    let mut all = rows.clone();
                    all.push(skipped);
                    write_rows(out, &all)?;
                    break;
                }
            }
            let spec = WorkerSpec {
                model,
                variant: variant.into(),
                logits: LogitsMode::Last,
                configs: vec![(profile.efficiency.seeds.first().copied().unwrap_or(0), n)],
                warmup: 1,
                runs: 1,
                max_forward_s: BUDGET_S,
                llama: profile.llama.clone(),
                mamba: profile.mamba.clone(),
                provenance: provenance.clone(),
            };
            run_sweep_specs(platform, vec![spec], ids, out, isolation, true)?;
        }
    }
    read_rows(out)
}
