//! Comparison only, outside the paper's protocol: the benchmark's forwards with every matrix
//! product taken by Burn's own matmul, which on CUDA may pick TF32 tensor-core kernels for f32
//! operands, beside the same forwards on ssmbench's strict-FP32 kernels.
//!
//! The self-check times the two kinds of product shape by shape and the Performance chapter
//! estimates a forward from those sums. This measures the forward itself, so the question the
//! performance issue leaves to its author (keep FP32 and its time, or take TF32 and its error)
//! is answered by a measurement on both sides, and says what TF32 does to the output: the
//! logits of the two forwards are compared on the device (relative L2 difference, and the
//! share of positions whose most likely next token is the same).
//!
//! Method, per benchmark path and length: one model (the first efficiency seed, as in the
//! per-stage breakdown: a `reproduce` must fit in five minutes), the input on the device before
//! any clock, two warm-up forwards of each kind (Burn's matmul autotunes its kernels on
//! first use), then [`RUNS`] timed forwards of each kind in alternation (FP32, TF32, FP32, …),
//! so that a drift of the GPU's clocks reaches both alike; medians. The rows go to their own
//! file and never into the efficiency rows, the claims or the targets.
//!
//! On the CPU backend there are no FP32 kernels of ssmbench's to swap (both kinds are Burn's
//! matmul), so nothing runs there.

use std::path::Path;

use anyhow::Result;
use burn::tensor::{ElementConversion, Int, Tensor, backend::Backend};
use serde::{Deserialize, Serialize};

use super::{
    rows::{read_csv, write_csv},
    sweep::variants,
    timing::{median, time_ms},
    worker::{WorkerSpec, build, input_ids},
};
use crate::{
    backend::{Platform, SsmBackend},
    model::{CausalLm, ForwardOptions},
    profile::Profile,
    provenance::{Provenance, now_utc},
};

/// Timed forwards of each kind per configuration, and discarded ones before them.
const RUNS: usize = 5;
const WARMUP: usize = 2;

/// Which products a forward ran on.
pub const FP32: &str = "fp32";
pub const TF32: &str = "burn-matmul";

/// One kind of forward of one configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TensorCoreRow {
    pub model: String,
    /// `fused` or `eager`, as in the efficiency rows.
    pub variant: String,
    pub n: usize,
    pub seed: u64,
    /// [`FP32`] (ssmbench's kernels, the protocol) or [`TF32`] (Burn's matmul).
    pub products: String,
    pub runs: usize,
    pub median_ms: f64,
    pub mean_ms: f64,
    /// ‖logits − logits_FP32‖₂ / ‖logits_FP32‖₂ over the whole `[N, vocab]` output (0 on the
    /// FP32 row).
    pub logits_rel_l2: f64,
    /// Share of positions whose largest logit is at the same token as in the FP32 forward.
    pub argmax_agreement: f64,
    pub device: String,
    pub driver: String,
    pub software: String,
    pub git_rev: String,
    pub timestamp: String,
}

/// Reads the comparison's CSV (empty when the file does not exist yet).
pub fn read_tensor_cores(path: &Path) -> Result<Vec<TensorCoreRow>> {
    read_csv(path, "tensor-core comparison")
}

/// Runs the comparison for every benchmark path at `profile.perf_breakdown_lengths` with the
/// first efficiency seed, skipping configurations already in `out` (rows are written after
/// each).
pub fn run_tensor_cores<P: Platform>(
    platform: &P,
    profile: &Profile,
    ids: &[i64],
    out: &Path,
) -> Result<Vec<TensorCoreRow>> {
    let mut rows = read_tensor_cores(out)?;
    if !<P::B as SsmBackend>::has_fused_kernels() {
        return Ok(rows);
    }
    let provenance = Provenance::current();
    for &n in &profile.perf_breakdown_lengths {
        for (model, variant) in variants(true) {
            let spec = WorkerSpec::in_process(profile, model, variant, (WARMUP, RUNS), &provenance);
            for &seed in profile.efficiency.seeds.iter().take(1) {
                let done = |r: &TensorCoreRow| {
                    r.model == model.as_str() && r.variant == variant && r.n == n && r.seed == seed
                };
                if rows.iter().any(done) {
                    continue;
                }
                rows.extend(compare(platform, &spec, ids, n, seed));
                write_csv(out, &rows)?;
            }
        }
    }
    Ok(rows)
}

/// Both kinds of forward of one configuration: the FP32 row, then the TF32 row.
fn compare<P: Platform>(
    platform: &P,
    spec: &WorkerSpec,
    ids: &[i64],
    n: usize,
    seed: u64,
) -> Vec<TensorCoreRow> {
    type B<P> = <P as Platform>::B;
    let model = build(platform, spec, seed);
    let opts = spec.full_forward();
    let x = input_ids(platform, ids, n);
    let fp32 = || logits(model.as_ref(), &x, opts);
    let tf32 = || B::<P>::with_burn_matmul(|| logits(model.as_ref(), &x, opts));
    for _ in 0..WARMUP {
        drop(time_ms(platform, fp32));
        drop(time_ms(platform, tf32));
    }
    let (mut t_fp32, mut t_tf32) = (Vec::new(), Vec::new());
    let (mut last_fp32, mut last_tf32) = (None, None);
    for _ in 0..RUNS {
        // The previous outputs are freed before the next forward, as between timed forwards.
        drop((last_fp32.take(), last_tf32.take()));
        let (ms, out) = time_ms(platform, fp32);
        t_fp32.push(ms);
        last_fp32 = Some(out);
        let (ms, out) = time_ms(platform, tf32);
        t_tf32.push(ms);
        last_tf32 = Some(out);
    }
    let (a, b) = (last_fp32.expect("RUNS > 0"), last_tf32.expect("RUNS > 0"));
    let (rel_l2, agreement) = difference(a, b);
    let info = platform.info();
    let row = |products: &str, times: &[f64], rel_l2: f64, agreement: f64| TensorCoreRow {
        model: spec.model.as_str().into(),
        variant: spec.variant.clone(),
        n,
        seed,
        products: products.into(),
        runs: times.len(),
        median_ms: median(times),
        mean_ms: crate::stats::mean(times).unwrap_or(f64::NAN),
        logits_rel_l2: rel_l2,
        argmax_agreement: agreement,
        device: info.name.clone(),
        driver: info.driver.clone(),
        software: spec.provenance.software.clone(),
        git_rev: spec.provenance.git_rev.clone(),
        timestamp: now_utc(),
    };
    vec![
        row(FP32, &t_fp32, 0.0, 1.0),
        row(TF32, &t_tf32, rel_l2, agreement),
    ]
}

/// The full logits of one forward, `[N, vocab]`.
fn logits<B: SsmBackend>(
    model: &dyn CausalLm<B>,
    x: &Tensor<B, 2, Int>,
    opts: ForwardOptions,
) -> Tensor<B, 2> {
    let logits = model
        .forward(x.clone(), opts)
        .logits
        .expect("full logits were asked for");
    let [batch, len, vocab] = logits.dims();
    logits.reshape([batch * len, vocab])
}

/// `‖b − a‖₂ / ‖a‖₂` and the share of rows whose argmax agrees, reduced on the device (only
/// three scalars reach the host).
///
/// # Shapes
/// `a, b: [rows, vocab]`
pub fn difference<B: Backend>(a: Tensor<B, 2>, b: Tensor<B, 2>) -> (f64, f64) {
    let rows = a.dims()[0];
    let diff = (b.clone() - a.clone())
        .square()
        .sum()
        .into_scalar()
        .elem::<f64>();
    let norm = a.clone().square().sum().into_scalar().elem::<f64>();
    let same = a
        .argmax(1)
        .equal(b.argmax(1))
        .int()
        .sum()
        .into_scalar()
        .elem::<f64>();
    ((diff / norm).sqrt(), same / rows as f64)
}

#[cfg(test)]
mod tests {
    use burn::tensor::TensorData;

    use super::*;
    use crate::backend::CpuBackend;

    #[test]
    fn difference_measures_the_change_and_the_rows_whose_top_token_moved() {
        let device = Default::default();
        let t =
            |v: Vec<f32>| Tensor::<CpuBackend, 2>::from_data(TensorData::new(v, [2, 3]), &device);
        let a = t(vec![3.0, 0.0, 0.0, 0.0, 4.0, 0.0]);
        assert_eq!(difference(a.clone(), a.clone()), (0.0, 1.0));
        // Row 0's top token moves from 0 to 2; ‖b − a‖ = √(2² + 4²) against ‖a‖ = 5.
        let b = t(vec![3.0, 0.0, 4.0, 0.0, 2.0, 0.0]);
        let (rel, same) = difference(a, b);
        assert!((rel - 20f64.sqrt() / 5.0).abs() < 1e-12, "{rel}");
        assert_eq!(same, 0.5);
    }
}
