//! Rotary position embedding (Su et al., 2021) in Hugging Face LLaMA's "rotate half" layout.
//!
//! HF pairs dimension `i` with `i + head_dim/2` (`rotate_half`), whereas burn-nn's
//! `RotaryEncoding` pairs adjacent dimensions. The two are the same rotation up to a
//! permutation of each head's dimensions; we use HF's so exported q/k weights need no
//! permutation. Angles are computed as HF does, in f32: `inv_freq_i = 1 / θ^(2i/d)`, then
//! `angle = position · inv_freq` (one f32 product), then cos/sin.

use burn::tensor::{Int, Tensor, TensorData, backend::Backend, s};

/// `inv_freq` for `head_dim`, computed in f32 as HF does.
pub fn inv_freq(head_dim: usize, theta: f64) -> Vec<f32> {
    (0..head_dim / 2)
        .map(|i| 1.0f32 / (theta as f32).powf((2 * i) as f32 / head_dim as f32))
        .collect()
}

/// `(cos, sin)` tables for positions `0..len`, each `[len, head_dim]` (the half-table repeated).
pub fn tables<B: Backend>(
    len: usize,
    head_dim: usize,
    theta: f64,
    device: &B::Device,
) -> (Tensor<B, 2>, Tensor<B, 2>) {
    let half = head_dim / 2;
    let freq = Tensor::<B, 2>::from_data(
        TensorData::new(inv_freq(head_dim, theta), [1, half]),
        device,
    );
    let pos = Tensor::<B, 1, Int>::arange(0..len as i64, device)
        .float()
        .reshape([len, 1]);
    let angle = pos * freq; // [len, half]
    let angle = Tensor::cat(vec![angle.clone(), angle], 1);
    (angle.clone().cos(), angle.sin())
}

/// `[x1, x2] → [−x2, x1]` over the last axis.
fn rotate_half<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    let d = x.dims()[3];
    let x1 = x.clone().slice(s![.., .., .., 0..d / 2]);
    let x2 = x.slice(s![.., .., .., d / 2..]);
    Tensor::cat(vec![x2.neg(), x1], 3)
}

/// Rotates queries or keys.
///
/// # Shapes
/// `x: [batch, heads, len, head_dim]`, `cos`, `sin`: `[len, head_dim]`
pub fn apply<B: Backend>(x: Tensor<B, 4>, cos: &Tensor<B, 2>, sin: &Tensor<B, 2>) -> Tensor<B, 4> {
    let [len, d] = cos.dims();
    let cos = cos.clone().reshape([1, 1, len, d]);
    let sin = sin.clone().reshape([1, 1, len, d]);
    x.clone() * cos + rotate_half(x) * sin
}
