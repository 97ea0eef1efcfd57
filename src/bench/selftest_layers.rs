//! `selftest`'s checks of the per-layer kernels — RMSNorm, RoPE and SwiGLU's gate — against
//! their tensor-op references (see [`super::selftest`] for the harness and the tolerance table).

use burn::tensor::Tensor;

use super::{
    selftest::{Recorder, SelftestPlan, host, randn},
    timing::time_ms,
};
use crate::{
    backend::{Platform, SsmBackend},
    model::{layers::rms_norm_reference, llama::swiglu_reference, rope},
};

/// Runs `fast` once (compilation), then times it and `reference` once each and records the
/// comparison of their outputs as check `check` at length `n` and width `channels`.
fn compare_once<P: Platform, const D: usize>(
    platform: &P,
    rec: &mut Recorder<'_>,
    (check, n, channels): (&str, usize, usize),
    fast: impl Fn() -> Tensor<P::B, D>,
    reference: impl Fn() -> Tensor<P::B, D>,
) {
    rec.say(&format!("{check} n={n} ch={channels}"));
    drop(fast());
    let (tf, f) = time_ms(platform, &fast);
    let (tr, r) = time_ms(platform, &reference);
    rec.push(
        check,
        "fused",
        n,
        channels,
        "output",
        &host(f),
        &host(r),
        1e-5,
        (tf, tr),
    );
}

/// RMSNorm over `[1, n, 512]` (alone and after a residual add), RoPE over LLaMA's strided
/// `[1, 8, n, 64]` view of the fused q/k/v projection, and SwiGLU's gate over
/// `[1, n, 2 × 1,024]`, at every scan length of the plan.
pub(super) fn check_layers<P: Platform>(platform: &P, rec: &mut Recorder<'_>, plan: &SelftestPlan) {
    let device = platform.device();
    let seed = plan.seed;
    for &n in &plan.scan_lengths {
        let d = 512;
        let x = randn::<P::B, 3>(seed + n as u64, "rx", [1, n, d], 1.0, &device);
        let w = randn::<P::B, 1>(seed, "rw", [d], 1.0, &device);
        compare_once(
            platform,
            rec,
            ("rms_norm", n, d),
            || P::B::rms_norm(x.clone(), w.clone(), 1e-5),
            || rms_norm_reference(x.clone(), w.clone(), 1e-5),
        );
        // The residual add fused into the norm: both of its outputs, side by side.
        let a = randn::<P::B, 3>(seed + n as u64, "ra", [1, n, d], 1.0, &device);
        compare_once(
            platform,
            rec,
            ("add_rms_norm", n, d),
            || {
                let (s, h) = P::B::add_rms_norm(x.clone(), a.clone(), w.clone(), 1e-5);
                Tensor::cat(vec![s, h], 2)
            },
            || {
                let s = x.clone() + a.clone();
                Tensor::cat(vec![s.clone(), rms_norm_reference(s, w.clone(), 1e-5)], 2)
            },
        );

        // As in the model: the middle third of [batch, len, 3 × heads, head_dim], seen as
        // [batch, heads, len, head_dim] (a strided view with an offset).
        let x = randn::<P::B, 4>(seed + n as u64, "px", [1, n, 24, 64], 1.0, &device)
            .swap_dims(1, 2)
            .slice([0..1, 8..16, 0..n, 0..64]);
        let (cos, sin) = rope::tables::<P::B>(n, 64, 10_000.0, &device);
        compare_once(
            platform,
            rec,
            ("rope", n, 8),
            || P::B::rope(x.clone(), cos.clone(), sin.clone()),
            || rope::apply(x.clone(), &cos, &sin),
        );

        let gate_up = randn::<P::B, 3>(seed + n as u64, "gu", [1, n, 2048], 1.0, &device);
        compare_once(
            platform,
            rec,
            ("swiglu", n, 1024),
            || P::B::swiglu(gate_up.clone()),
            || swiglu_reference(gate_up.clone()),
        );
    }
}
