//! `selftest`'s check of the 64-bit-index paths: the materialised attention on scores of more
//! than `u32::MAX` elements, where the matmul and softmax kernels switch to 64-bit offsets.
//!
//! The tensor-op reference would need several more copies of scores this large, so the check
//! recomputes a few query rows of the last head (the one whose offsets pass 2³²) on the host in
//! f64 — scores, causal softmax, and `P · V` — and compares both the probabilities and the
//! output at those rows.

use burn::tensor::{Tensor, backend::Backend, s};

use super::{
    selftest::{Recorder, SelftestPlan, host, randn},
    timing::time_ms,
};
use crate::{backend::Platform, model::llama::eager_attention};

/// Head dimension of the check (LLaMA's).
const HEAD_DIM: usize = 64;

/// One query row of causal attention in f64: (probabilities over all `len` keys, output).
///
/// # Shapes
/// `q: [head_dim]`, `k`, `v`: `[len, head_dim]` row-major
fn exact_row(q: &[f32], k: &[f32], v: &[f32], row: usize, len: usize) -> (Vec<f32>, Vec<f32>) {
    let scale = 1.0 / (HEAD_DIM as f64).sqrt();
    let scores: Vec<f64> = (0..=row)
        .map(|j| {
            (0..HEAD_DIM)
                .map(|d| q[d] as f64 * k[j * HEAD_DIM + d] as f64)
                .sum::<f64>()
                * scale
        })
        .collect();
    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    let mut probs = vec![0.0f32; len];
    let mut out = vec![0.0f64; HEAD_DIM];
    for (j, e) in exps.iter().enumerate() {
        let p = e / sum;
        probs[j] = p as f32;
        for d in 0..HEAD_DIM {
            out[d] += p * v[j * HEAD_DIM + d] as f64;
        }
    }
    (probs, out.into_iter().map(|x| x as f32).collect())
}

fn head<B: Backend>(t: &Tensor<B, 4>, h: usize) -> Vec<f32> {
    host(t.clone().slice(s![.., h..h + 1, .., ..]))
}

/// The materialised attention at `plan.wide_attention = (heads, len)`, checked at three rows
/// of the last head.
pub(super) fn check_wide<P: Platform>(platform: &P, rec: &mut Recorder<'_>, plan: &SelftestPlan) {
    let Some((heads, len)) = plan.wide_attention else {
        return;
    };
    let device = platform.device();
    let seed = plan.seed;
    rec.say(&format!(
        "materialised attention, {heads} × {len}² scores ({} elements)",
        heads * len * len
    ));
    let shape = [1, heads, len, HEAD_DIM];
    let q = randn::<P::B, 4>(seed, "wq", shape, 1.0, &device);
    let k = randn::<P::B, 4>(seed, "wk", shape, 1.0, &device);
    let v = randn::<P::B, 4>(seed, "wv", shape, 1.0, &device);
    // The first call tunes the two products at this shape (every candidate is judged against
    // f64 there too); the second is timed.
    drop(eager_attention(q.clone(), k.clone(), v.clone()));
    let (ms, (out, probs)) = time_ms(platform, || {
        eager_attention(q.clone(), k.clone(), v.clone())
    });
    let h = heads - 1;
    let (qh, kh, vh) = (head(&q, h), head(&k, h), head(&v, h));
    let (mut fast_p, mut exact_p, mut fast_o, mut exact_o) = (vec![], vec![], vec![], vec![]);
    for row in [0, len / 2 + 1, len - 1] {
        let q_row = &qh[row * HEAD_DIM..(row + 1) * HEAD_DIM];
        let (p, o) = exact_row(q_row, &kh, &vh, row, len);
        exact_p.extend(p);
        exact_o.extend(o);
        fast_p.extend(host(probs.clone().slice(s![
            ..,
            h..h + 1,
            row..row + 1,
            ..
        ])));
        fast_o.extend(host(out.clone().slice(s![.., h..h + 1, row..row + 1, ..])));
    }
    drop((out, probs));
    for (quantity, fast, exact) in [
        ("probabilities", fast_p, exact_p),
        ("output", fast_o, exact_o),
    ] {
        rec.push(
            "attention-64bit",
            "materialised",
            len,
            heads,
            quantity,
            &fast,
            &exact,
            1e-5,
            (ms, f64::NAN),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_row_is_a_causal_softmax() {
        let len = 5;
        let q = vec![0.1f32; HEAD_DIM];
        let k: Vec<f32> = (0..len * HEAD_DIM).map(|i| (i % 7) as f32 * 0.1).collect();
        let v: Vec<f32> = (0..len * HEAD_DIM).map(|i| (i % 3) as f32).collect();
        let (p, o) = exact_row(&q, &k, &v, 2, len);
        assert!((p.iter().map(|&x| x as f64).sum::<f64>() - 1.0).abs() < 1e-6);
        assert!(p[3] == 0.0 && p[4] == 0.0);
        assert_eq!(o.len(), HEAD_DIM);
    }
}
