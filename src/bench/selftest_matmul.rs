//! `selftest`'s check of the models' own matmul problems at N = 8,192 (see
//! [`super::selftest`] for the harness), and, beside them, what tensor cores would give on the
//! same problems (measured for the record, never used by the models).

use burn::tensor::{Int, Tensor, TensorData, backend::Backend};

use super::{
    selftest::{Recorder, host, randn},
    timing::median_ms,
};
use crate::backend::{Platform, SsmBackend};

/// Entries of a model-sized product compared with f64 (the full f64 product would take minutes
/// on the host): a fixed, seeded sample.
const SAMPLED_ENTRIES: usize = 512;
/// The quantity column of these rows: sampled entries, and the shared dimension (the row
/// records m as `n` and the product's columns as `channels`). `peers/gemm_bench.py` reads
/// the shapes it times with cuBLAS from these rows, and the report joins the two by them.
pub const SAMPLED_QUANTITY: &str = "sampled k=";
/// Timed products per problem (after one warm-up); the median is recorded.
const TIMED_RUNS: usize = 5;
/// Variant of the rows timing Burn's own matmul on the models' problems: its autotuner may
/// pick tensor-core kernels, which read f32 operands as TF32 (the error column shows it).
pub const BURN_MODEL: &str = "burn-default-model";
/// Variants of the rows timing the product the models run: the tuner's choice among
/// ssmbench's kernels and cuBLAS's SGEMM (`fp32-model[-rhsT]` time ssmbench's kernels alone).
pub const TUNED_MODEL: &str = "fp32-model-tuned";
pub const TUNED_MODEL_RHS_T: &str = "fp32-model-rhsT-tuned";
/// Variant of the rows timing the 3×TF32 product (see [`tensor_core_routes`]).
pub const TF32X3_MODEL: &str = "3xtf32-burn-model";

/// One of the models' matmul problems: `fast_ms` is the tuned kernel's median time (the FLOP rate is
/// 2·m·k·n / time), the error is over [`SAMPLED_ENTRIES`] entries against an f64 host product.
pub(super) fn model_matmul<P: Platform>(
    platform: &P,
    rec: &mut Recorder<'_>,
    seed: u64,
    (m, k, n): (usize, usize, usize),
    rhs_transposed: bool,
) {
    type B<P> = <P as Platform>::B;
    let device = platform.device();
    rec.say(&format!(
        "matmul at a model shape {m}x{k}x{n}{}",
        if rhs_transposed {
            " (rhs stored transposed)"
        } else {
            ""
        }
    ));
    let a = randn::<B<P>, 2>(seed, "mma", [m, k], 1.0, &device);
    // The head multiplies by Eᵀ with E stored [n, k]: the same strides here.
    let (b, hb_nk) = if rhs_transposed {
        let e = randn::<B<P>, 2>(seed, "mmb", [n, k], 1.0, &device);
        (e.clone().transpose(), host(e))
    } else {
        let w = randn::<B<P>, 2>(seed, "mmb", [k, n], 1.0, &device);
        let hw = host(w.clone());
        // Host copy as [n, k] either way, for the sampled dot products below.
        let mut t = vec![0.0f32; n * k];
        for l in 0..k {
            for j in 0..n {
                t[j * k + l] = hw[l * n + j];
            }
        }
        (w, t)
    };
    let sample = Sample::new(seed, (m, k, n), &host(a.clone()), &hb_nk);
    // ssmbench's own kernels (the comparison with cuBLAS in the report), then the tuner's
    // choice with cuBLAS among the candidates: what the models run.
    let (ms, out) =
        B::<P>::with_own_matmul(|| timed(platform, || B::<P>::matmul_fp32(a.clone(), b.clone())));
    let variant = if rhs_transposed {
        "fp32-model-rhsT"
    } else {
        "fp32-model"
    };
    sample.record(rec, variant, (m, k, n), out, ms);
    let (ms, out) = timed(platform, || B::<P>::matmul_fp32(a.clone(), b.clone()));
    let tuned = if rhs_transposed {
        TUNED_MODEL_RHS_T
    } else {
        TUNED_MODEL
    };
    sample.record(rec, tuned, (m, k, n), out, ms);
    if rhs_transposed {
        tensor_core_routes::<P>(platform, rec, (a, b), (m, k, n), &sample);
    }
}

/// Two ways to put a model's product on tensor cores, timed like the FP32 product above and
/// judged on the same sampled entries (comparison only: the models never run them, the issue's
/// protocol being FP32 without TF32):
/// 1. [`BURN_MODEL`]: Burn's own matmul, which on CUDA may pick TF32 tensor-core kernels for
///    f32 operands (11 significant bits of each operand instead of 24);
/// 2. [`TF32X3_MODEL`]: 3×TF32, which recovers most of FP32's accuracy from TF32 hardware.
///    Each operand is split exactly into a part with TF32's 11 significant bits and the rest,
///    x = x_hi + x_lo (Veltkamp: c = (2¹³ + 1)·x, x_hi = c − (c − x), x_lo = x − x_hi), and
///    a·b ≈ a_hi·b_hi + a_hi·b_lo + a_lo·b_hi (the dropped a_lo·b_lo is ≈ 2⁻²² of a·b): one
///    product with k three times as long, `[a_hi | a_hi | a_lo] · [b_hi; b_lo; b_hi]`, by
///    Burn's matmul. The weight's split is done once, outside the clock (a model would keep it
///    with the weights); the activation's split and the concatenation are timed.
///
/// On the CPU backend both are plain FP32 products (no tensor cores); the rows still check that
/// the split and the concatenation compute the product.
///
/// First measured on the H200 (a `selftest --only matmul` run before these rows were
/// committed): Burn's matmul took 3.10 ms on the LM head (86.6 TFLOP/s) at 3e-4 relative error
/// on every shape; 3×TF32 took 8.9 ms there, slower than the FP32 kernel, and its error grew
/// with k — 4e-7 at k = 32, 5e-6 at 512, 1.1e-5 at 1,024 — as a summation error does, while
/// the split's own error (≈ 2⁻²² of each product term) does not depend on k.
fn tensor_core_routes<P: Platform>(
    platform: &P,
    rec: &mut Recorder<'_>,
    (a, b): (Tensor<P::B, 2>, Tensor<P::B, 2>),
    shape: (usize, usize, usize),
    sample: &Sample,
) {
    let (ms, out) = timed(platform, || a.clone().matmul(b.clone()));
    sample.record(rec, BURN_MODEL, shape, out, ms);

    // b is [k, n]; its split concatenated along k: [b_hi; b_lo; b_hi].
    let (b_hi, b_lo) = split_tf32(b);
    let b3 = Tensor::cat(vec![b_hi.clone(), b_lo, b_hi], 0);
    let product = || {
        let (a_hi, a_lo) = split_tf32(a.clone());
        Tensor::cat(vec![a_hi.clone(), a_hi, a_lo], 1).matmul(b3.clone())
    };
    let (ms, out) = timed(platform, product);
    sample.record(rec, TF32X3_MODEL, shape, out, ms);
}

/// One warm-up product (tuning and compilation land there), then the median of [`TIMED_RUNS`]
/// synchronised products, as `peers/gemm_bench.py` times cuBLAS; and the last product.
fn timed<P: Platform>(
    platform: &P,
    mut product: impl FnMut() -> Tensor<P::B, 2>,
) -> (f64, Tensor<P::B, 2>) {
    let _ = product();
    median_ms(platform, TIMED_RUNS, product)
}

/// `x = hi + lo` exactly, `hi` holding TF32's 11 significant bits (Veltkamp's split with
/// σ = 2¹³ + 1: 24 − 13 = 11). Each step is its own kernel on the backends ssmbench runs
/// (no fusion), so no multiply-add contraction can change the rounding the split relies on.
fn split_tf32<B: Backend, const D: usize>(x: Tensor<B, D>) -> (Tensor<B, D>, Tensor<B, D>) {
    let c = x.clone().mul_scalar(8193.0);
    let hi = c.clone().sub(c.sub(x.clone()));
    let lo = x.sub(hi.clone());
    (hi, lo)
}

/// The seeded entries of an `m × n` product that are compared with f64, and their values
/// computed in f64 on the host (rounded to f32).
struct Sample {
    at: Vec<(usize, usize)>,
    exact: Vec<f32>,
}

impl Sample {
    fn new(seed: u64, (m, k, n): (usize, usize, usize), a: &[f32], b_nk: &[f32]) -> Self {
        let mut rng = crate::data::rng::Rng::new(seed ^ 0x6d61_746d);
        let at: Vec<(usize, usize)> = (0..SAMPLED_ENTRIES.min(m * n))
            .map(|_| (rng.below(m), rng.below(n)))
            .collect();
        let exact = at
            .iter()
            .map(|&(i, j)| {
                let dot: f64 = (0..k)
                    .map(|l| a[i * k + l] as f64 * b_nk[j * k + l] as f64)
                    .sum();
                dot as f32
            })
            .collect();
        Self { at, exact }
    }

    /// One self-check row: `out` (the whole `m × n` product) at the sampled entries, gathered
    /// on the device (only they reach the host, not the product: 1 GB for the LM head's).
    fn record<B: Backend>(
        &self,
        rec: &mut Recorder<'_>,
        variant: &str,
        (m, k, n): (usize, usize, usize),
        out: Tensor<B, 2>,
        ms: f64,
    ) {
        let flat: Vec<i64> = self.at.iter().map(|&(i, j)| (i * n + j) as i64).collect();
        let at =
            Tensor::<B, 1, Int>::from_data(TensorData::new(flat, [self.at.len()]), &out.device());
        let got = host(out.reshape([m * n]).select(0, at));
        rec.push(
            "matmul",
            variant,
            m,
            n,
            &format!("{SAMPLED_QUANTITY}{k}"),
            &got,
            &self.exact,
            1e-5,
            (ms, f64::NAN),
        );
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::TensorData;

    use super::*;
    use crate::backend::CpuBackend;

    #[test]
    fn tf32_split_is_exact_and_its_high_part_fits_tf32() {
        let xs: Vec<f32> = (0..1000)
            .map(|i| ((i as f32) * 0.618_034).sin() * 10f32.powi(i % 9 - 4))
            .chain([1.0, -1.0, f32::MIN_POSITIVE * 4096.0, 3.402_823e30, 0.0])
            .collect();
        let x = Tensor::<CpuBackend, 1>::from_data(
            TensorData::from(xs.as_slice()),
            &Default::default(),
        );
        let (hi, lo) = split_tf32(x);
        let (hi, lo) = (host(hi), host(lo));
        for ((&x, &h), &l) in xs.iter().zip(&hi).zip(&lo) {
            assert_eq!(h + l, x, "the split of {x} is not exact");
            // TF32 keeps 10 of f32's 23 stored mantissa bits: the low 13 must be zero.
            assert_eq!(
                h.to_bits() & 0x1fff,
                0,
                "high part of {x} has more than TF32's bits"
            );
            assert!(
                l.abs() <= x.abs() * 2f32.powi(-11),
                "remainder of {x} too large"
            );
        }
    }
}
