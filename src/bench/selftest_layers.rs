//! `selftest`'s checks of the per-layer kernels, RMSNorm and RoPE, against their tensor-op
//! references (see [`super::selftest`] for the harness and the tolerance table).

use super::{
    selftest::{Recorder, SelftestPlan, host, randn},
    timing::time_ms,
};
use crate::{
    backend::{Platform, SsmBackend},
    model::{layers::rms_norm_reference, rope},
};

/// RMSNorm over `[1, n, 512]` and RoPE over LLaMA's strided `[1, 8, n, 64]` view of the
/// projection, at every scan length of the plan.
pub(super) fn check_layers<P: Platform>(platform: &P, rec: &mut Recorder<'_>, plan: &SelftestPlan) {
    let device = platform.device();
    let seed = plan.seed;
    for &n in &plan.scan_lengths {
        let d = 512;
        rec.say(&format!("rms_norm n={n} d={d}"));
        let x = randn::<P::B, 3>(seed + n as u64, "rx", [1, n, d], 1.0, &device);
        let w = randn::<P::B, 1>(seed, "rw", [d], 1.0, &device);
        let _ = P::B::rms_norm(x.clone(), w.clone(), 1e-5);
        let (tf, fast) = time_ms(platform, || P::B::rms_norm(x.clone(), w.clone(), 1e-5));
        let (tr, slow) = time_ms(platform, || rms_norm_reference(x.clone(), w.clone(), 1e-5));
        rec.push(
            "rms_norm",
            "fused",
            n,
            d,
            "output",
            &host(fast),
            &host(slow),
            1e-5,
            (tf, tr),
        );
    }

    for &n in &plan.scan_lengths {
        // As in the model: the projection's [batch, len, heads, head_dim] seen as
        // [batch, heads, len, head_dim] (a strided view).
        rec.say(&format!("rope n={n}"));
        let x =
            randn::<P::B, 4>(seed + n as u64, "px", [1, n, 8, 64], 1.0, &device).swap_dims(1, 2);
        let (cos, sin) = rope::tables::<P::B>(n, 64, 10_000.0, &device);
        let _ = P::B::rope(x.clone(), cos.clone(), sin.clone());
        let (tf, fast) = time_ms(platform, || P::B::rope(x.clone(), cos.clone(), sin.clone()));
        let (tr, slow) = time_ms(platform, || rope::apply(x.clone(), &cos, &sin));
        rec.push(
            "rope",
            "fused",
            n,
            8,
            "output",
            &host(fast),
            &host(slow),
            1e-5,
            (tf, tr),
        );
    }
}
