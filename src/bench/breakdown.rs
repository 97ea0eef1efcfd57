//! Where the time of one forward goes: the benchmark paths (Mamba fused, LLaMA fused and
//! materialised) at one length, each forward cut into the stages the models mark (RMSNorm,
//! projections, conv, scan, attention, LM head, …; see [`crate::backend::mark`]).
//!
//! Method: one model (the first efficiency seed), two discarded warm-up forwards (kernel
//! compilation, matmul tuning), then `RUNS` unobserved forwards (the reference total, as in
//! the sweep) and `RUNS` forwards under a [`StageClock`]. Each stage's time is its median over
//! the observed forwards. On CUDA the clock reads CUDA events queued at every mark (`clock` =
//! `cuda-events`): device time, with nothing waiting on the host, so the stages add up to
//! about the forward. Elsewhere it synchronises the device at every mark (`host-sync`), and
//! the observed total exceeds the unobserved one by the synchronisations (and the lost
//! overlap of host and device). Both totals are in every row so the reader can see by how
//! much.

use std::path::Path;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use super::{
    rows::{read_csv, write_csv},
    sweep::variants,
    timing::{median, time_ms},
    worker::{WorkerSpec, build, input_ids},
};
use crate::{
    backend::{ClockMethod, Platform, SsmBackend, StageClock},
    profile::Profile,
    provenance::{Provenance, now_utc},
};

/// The clock of breakdown rows recorded before they named one.
fn host_sync() -> String {
    ClockMethod::HostSync.as_str().into()
}

/// Observed (and unobserved) forwards per configuration.
const RUNS: usize = 5;
const WARMUP: usize = 2;

/// One stage of one configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BreakdownRow {
    pub model: String,
    /// `fused` or `eager`, as in the efficiency rows.
    pub variant: String,
    pub n: usize,
    /// Position of the stage in the forward (first appearance), from 1.
    pub order: usize,
    pub stage: String,
    /// How many times the stage occurs in one forward (e.g. once per layer).
    pub calls: u32,
    /// Median over the observed forwards of the stage's summed time, ms.
    pub ms: f64,
    /// Median of the observed forwards' totals, ms.
    pub observed_total_ms: f64,
    /// Median of the unobserved forwards, ms (the sweep's protocol).
    pub forward_ms: f64,
    /// How the stages were timed: `cuda-events` or `host-sync` ([`ClockMethod`]); rows written
    /// before the column existed were all `host-sync`, and read as such.
    #[serde(default = "host_sync")]
    pub clock: String,
    pub device: String,
    pub driver: String,
    pub software: String,
    pub git_rev: String,
    pub timestamp: String,
}

/// Reads a breakdown CSV (empty when the file does not exist yet).
pub fn read_breakdown(path: &Path) -> Result<Vec<BreakdownRow>> {
    read_csv(path, "breakdown")
}

/// Breaks down every benchmark path (the sweep's variants: on the CPU backend the references)
/// not yet in `out`, at each of `profile.perf_breakdown_lengths`.
pub fn run_breakdown<P: Platform>(
    platform: &P,
    profile: &Profile,
    ids: &[i64],
    out: &Path,
) -> Result<Vec<BreakdownRow>> {
    let mut rows = read_breakdown(out)?;
    let provenance = Provenance::current();
    for &n in &profile.perf_breakdown_lengths {
        for (model, variant) in variants(<P::B as SsmBackend>::has_fused_kernels()) {
            let done =
                |r: &BreakdownRow| r.model == model.as_str() && r.variant == variant && r.n == n;
            if rows.iter().any(done) {
                continue;
            }
            let spec = WorkerSpec::in_process(profile, model, variant, (WARMUP, RUNS), &provenance);
            rows.extend(break_down(platform, &spec, ids, n)?);
            write_csv(out, &rows)?;
        }
    }
    Ok(rows)
}

/// Times the stages of one configuration.
fn break_down<P: Platform>(
    platform: &P,
    spec: &WorkerSpec,
    ids: &[i64],
    n: usize,
) -> Result<Vec<BreakdownRow>> {
    let seed = 0;
    let model = build(platform, spec, seed);
    let opts = spec.full_forward();
    // On the device once, before any clock, as in `worker::measure`.
    let x = input_ids(platform, ids, n);
    let forward = || model.forward(x.clone(), opts).logits;
    for w in 0..WARMUP {
        let (ms, _) = time_ms(platform, forward);
        // The sweep's per-forward budget applies here too (the CPU backend at the paper's
        // lengths would otherwise take hours): a skipped configuration leaves no rows.
        if w + 1 == WARMUP && ms > spec.max_forward_s * 1e3 {
            eprintln!(
                "breakdown: {} {} at N = {n} skipped: one forward took {:.1} s (budget {:.0} s)",
                spec.model.as_str(),
                spec.variant,
                ms / 1e3,
                spec.max_forward_s
            );
            return Ok(Vec::new());
        }
    }
    let unobserved: Vec<f64> = (0..RUNS).map(|_| time_ms(platform, forward).0).collect();
    let mut order: Vec<(&'static str, u32)> = Vec::new();
    let mut per_stage: Vec<Vec<f64>> = Vec::new();
    let mut totals = Vec::new();
    let mut method = ClockMethod::default();
    for _ in 0..RUNS {
        let clock = StageClock::default();
        let (total, out) = time_ms(platform, || clock.watch(platform, forward));
        drop(out);
        if let Some(why) = clock.failure() {
            bail!(
                "breakdown of {} {} at N = {n}: the device timestamps could not be read ({why})",
                spec.model.as_str(),
                spec.variant
            );
        }
        method = clock.method();
        totals.push(total);
        for (stage, ms, calls) in clock.totals() {
            let i = match order.iter().position(|(s, _)| *s == stage) {
                Some(i) => i,
                None => {
                    order.push((stage, calls));
                    per_stage.push(Vec::new());
                    order.len() - 1
                }
            };
            per_stage[i].push(ms);
        }
    }
    let info = platform.info();
    let (observed, forward_ms) = (median(&totals), median(&unobserved));
    Ok(order
        .iter()
        .zip(&per_stage)
        .enumerate()
        .map(|(i, ((stage, calls), ms))| BreakdownRow {
            model: spec.model.as_str().into(),
            variant: spec.variant.clone(),
            n,
            order: i + 1,
            stage: (*stage).into(),
            calls: *calls,
            ms: median(ms),
            observed_total_ms: observed,
            forward_ms,
            clock: method.as_str().into(),
            device: info.name.clone(),
            driver: info.driver.clone(),
            software: spec.provenance.software.clone(),
            git_rev: spec.provenance.git_rev.clone(),
            timestamp: now_utc(),
        })
        .collect())
}
