//! `selftest`'s check of the models' own matmul problems at N = 8,192 (see
//! [`super::selftest`] for the harness).

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
    let ha = host(a.clone());
    let _ = B::<P>::matmul_fp32(a.clone(), b.clone());
    // Median of TIMED_RUNS synchronised products, as peers/gemm_bench.py times cuBLAS.
    let (ms, out) = median_ms(platform, TIMED_RUNS, || {
        B::<P>::matmul_fp32(a.clone(), b.clone())
    });
    let out = host(out);
    let mut rng = crate::data::rng::Rng::new(seed ^ 0x6d61_746d);
    let (mut got, mut exact) = (Vec::new(), Vec::new());
    for _ in 0..SAMPLED_ENTRIES.min(m * n) {
        let (i, j) = (rng.below(m), rng.below(n));
        let dot: f64 = (0..k)
            .map(|l| ha[i * k + l] as f64 * hb_nk[j * k + l] as f64)
            .sum();
        got.push(out[i * n + j]);
        exact.push(dot as f32);
    }
    let variant = if rhs_transposed {
        "fp32-model-rhsT"
    } else {
        "fp32-model"
    };
    rec.push(
        "matmul",
        variant,
        m,
        n,
        &format!("{SAMPLED_QUANTITY}{k}"),
        &got,
        &exact,
        1e-5,
        (ms, f64::NAN),
    );
}
