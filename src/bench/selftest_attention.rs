//! `selftest`'s attention checks: the materialised path (its fused softmax and its output) and
//! every fused-attention strategy against attention in plain tensor ops (see
//! [`super::selftest`] for the harness and the tolerance table).

use burn::tensor::{Tensor, s};

use super::{
    selftest::{COMPARISON_ONLY, Check, Recorder, SelftestPlan, Variants, host, randn},
    timing::time_ms,
};
use crate::{
    backend::{Platform, SsmBackend},
    model::llama::{causal_softmax_reference, eager_attention},
};

/// Longest length at which the fused softmax is compared with the tensor ops (whose scaled,
/// masked and exponentiated copies of the `8 × N²` scores would otherwise dominate the run).
const SOFTMAX_MAX_N: usize = 4096;

/// Causal attention entirely in tensor ops (FP32 matmul, tensor-op softmax): what every
/// attention path is compared with.
fn reference_attention<B: SsmBackend>(
    q: Tensor<B, 4>,
    k: Tensor<B, 4>,
    v: Tensor<B, 4>,
) -> Tensor<B, 4> {
    let scale = 1.0 / (q.dims()[3] as f64).sqrt();
    let scores = B::matmul_fp32(q, k.swap_dims(2, 3));
    B::matmul_fp32(causal_softmax_reference(scores, scale), v)
}

/// At every attention length of `plan`: the reference once, the materialised path (up to
/// [`SOFTMAX_MAX_N`]) and each of `attention_variants` (selected by its closure) against it.
pub(super) fn check_attention<P: Platform>(
    platform: &P,
    rec: &mut Recorder<'_>,
    plan: &SelftestPlan,
    attention_variants: Variants,
) {
    type B<P> = <P as Platform>::B;
    let device = platform.device();
    for &n in &plan.attention_lengths {
        if attention_variants.is_empty() {
            break;
        }
        // As in the model: q, k and v are head slices of the fused projection
        // [1, n, 3 × 8, 64] seen as [1, 24, n, 64] (strided views; v reaches the flash kernel
        // so, q and k after RoPE).
        let qkv = randn::<B<P>, 4>(plan.seed + n as u64, "qkv", [1, n, 24, 64], 1.0, &device)
            .swap_dims(1, 2);
        let part = |i: usize| qkv.clone().slice(s![.., 8 * i..8 * (i + 1), .., ..]);
        let (q, k, v) = (part(0), part(1), part(2));
        rec.say(&format!("attention reference n={n}"));
        let _ = reference_attention(q.clone(), k.clone(), v.clone());
        let (tr, slow) = time_ms(platform, || {
            reference_attention(q.clone(), k.clone(), v.clone())
        });
        let slow = host(slow);
        if n <= SOFTMAX_MAX_N {
            // The materialised path's fused softmax, on the same scores.
            let scores = B::<P>::matmul_fp32(q.clone(), k.clone().swap_dims(2, 3));
            let scale = 1.0 / 8.0;
            let _ = B::<P>::causal_softmax(scores.clone(), scale);
            let (tf, fast) = time_ms(platform, || B::<P>::causal_softmax(scores.clone(), scale));
            let (ts, reference) =
                time_ms(platform, || causal_softmax_reference(scores.clone(), scale));
            rec.push(
                "softmax",
                "causal-fused",
                n,
                8,
                "probabilities",
                &host(fast),
                &host(reference),
                1e-5,
                (tf, ts),
            );
            let (tf, fast) = time_ms(platform, || {
                eager_attention(q.clone(), k.clone(), v.clone()).0
            });
            rec.push(
                "attention",
                "materialised",
                n,
                8,
                "output",
                &host(fast),
                &slow,
                1e-5,
                (tf, tr),
            );
        }
        for &(name, select) in attention_variants {
            select();
            rec.say(&format!("attention {name} n={n}"));
            // A comparison kernel may refuse a shape (Burn's tensor-core flash kernel does): a row.
            let tried = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = B::<P>::fused_causal_attention(q.clone(), k.clone(), v.clone());
                time_ms(platform, || {
                    B::<P>::fused_causal_attention(q.clone(), k.clone(), v.clone())
                })
            }));
            let (tf, fast) = match tried {
                Ok(r) => r,
                Err(_) => {
                    rec.add(Check {
                        check: "attention".into(),
                        variant: name.into(),
                        n,
                        channels: 8,
                        quantity: "unsupported shape".into(),
                        rel_err: f64::INFINITY,
                        max_abs_err: f64::INFINITY,
                        tol: 1e-5,
                        pass: false,
                        fast_ms: f64::NAN,
                        reference_ms: tr,
                        in_use: !COMPARISON_ONLY.contains(&name),
                    });
                    continue;
                }
            };
            let Some(fast) = fast else { continue };
            rec.push(
                "attention",
                name,
                n,
                8,
                "output",
                &host(fast),
                &slow,
                1e-5,
                (tf, tr),
            );
        }
    }
}
