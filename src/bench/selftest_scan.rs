//! `selftest`'s checks of the selective scan in Mamba's parameterisation, Δ_raw in low rank and
//! A as A_log, as the model runs it ([`SsmBackend::selective_scan_mamba`]: `dt_proj` and
//! A = −exp(A_log) formed inside the scan on CUDA), beside the plain scan's checks in
//! [`super::selftest`].

use super::{
    selftest::{Check, Recorder, host, randn, random_scan_inputs},
    timing::{median_ms, time_ms},
};
use crate::{
    backend::{Platform, SsmBackend},
    model::mamba::scan::{ScanInputs, scan_reference},
};

/// The paper's Mamba: `dt_rank` = ⌈d_model / 16⌉ = 32.
const RANK: usize = 32;
/// Variant of the checks and the timing row of Mamba's path (named when only Δ was formed in
/// the scan; A_log has joined it since).
pub const LOW_RANK: &str = "low-rank-dt";
/// Variant of the timing row of `dt_proj`'s FP32 matmul and A = −exp(A_log) by tensor ops,
/// followed by the plain scan.
pub const MATMUL_THEN_SCAN: &str = "dt_proj-matmul+scan";

/// The scan's inputs in Mamba's parameterisation: `delta` replaced by a low-rank factor (a
/// column view of a wider tensor, as `x_proj`'s output is in the model) and `a` by A_log; the
/// `[d_inner, rank]` weight; and the plain inputs they stand for, Δ_raw formed by the
/// strict-FP32 matmul (itself checked against f64 by the matmul rows) and A = −exp(A_log) by
/// tensor ops.
fn low_rank_inputs<B: SsmBackend>(
    seed: u64,
    n: usize,
    ch: usize,
    device: &B::Device,
) -> (ScanInputs<B>, burn::tensor::Tensor<B, 2>, ScanInputs<B>) {
    let plain = random_scan_inputs::<B>(seed, n, ch, 16, device);
    let wide = randn::<B, 3>(seed, "low", [1, n, 2 * RANK], 1.0, device);
    let low = B::column_view(wide, 0..RANK);
    // Δ_raw with about the plain inputs' spread (σ 0.5).
    let w = randn::<B, 2>(seed, "dt_w", [ch, RANK], 0.5 / (RANK as f64).sqrt(), device);
    let mamba = ScanInputs {
        delta: low,
        a: plain.a.clone().neg().log(),
        ..plain
    };
    let formed = mamba.clone().from_mamba(w.clone());
    (mamba, w, formed)
}

/// Output and final state of Mamba's path against the reference scan on Δ_raw and A formed
/// first, at one length and channel count.
pub(super) fn check_low_rank<P: Platform>(
    platform: &P,
    rec: &mut Recorder<'_>,
    seed: u64,
    (n, ch): (usize, usize),
) {
    type B<P> = <P as Platform>::B;
    rec.say(&format!("scan with low-rank Δ n={n} channels={ch}"));
    let (inputs, w, formed) = low_rank_inputs::<B<P>>(seed, n, ch, &platform.device());
    let (tr, slow) = time_ms(platform, || scan_reference(formed.clone()));
    let _ = B::<P>::selective_scan_mamba(inputs.clone(), w.clone());
    let (tf, fast) = time_ms(platform, || {
        B::<P>::selective_scan_mamba(inputs.clone(), w.clone())
    });
    for (quantity, f, s) in [
        ("output", fast.y, slow.y),
        ("final_state", fast.last_state, slow.last_state),
    ] {
        rec.push(
            "scan",
            LOW_RANK,
            n,
            ch,
            quantity,
            &host(f),
            &host(s),
            1e-5,
            (tf, tr),
        );
    }
}

/// Mamba's path against `dt_proj`'s matmul and A's tensor ops followed by the plain scan, 1,024
/// channels, median of ten calls after a warm-up, each device synchronised.
pub(super) fn time_low_rank<P: Platform>(
    platform: &P,
    rec: &mut Recorder<'_>,
    seed: u64,
    n: usize,
) {
    type B<P> = <P as Platform>::B;
    rec.say(&format!("scan timing, low-rank Δ n={n}"));
    let (inputs, w, _) = low_rank_inputs::<B<P>>(seed, n, 1024, &platform.device());
    let fused = || B::<P>::selective_scan_mamba(inputs.clone(), w.clone());
    let unfused = || B::<P>::selective_scan(inputs.clone().from_mamba(w.clone()));
    let _ = (fused(), unfused());
    let timed = [
        (LOW_RANK, median_ms(platform, 10, fused).0, true),
        (MATMUL_THEN_SCAN, median_ms(platform, 10, unfused).0, false),
    ];
    for (variant, ms, in_use) in timed {
        rec.add(Check::timing(
            "scan_dt_timing",
            variant,
            (n, 1024),
            ms,
            in_use,
        ));
    }
}
