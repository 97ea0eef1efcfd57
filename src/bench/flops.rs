//! Floating-point operations of one forward, counted analytically (a multiply-add is 2 FLOPs),
//! so every measured time can be shown as achieved TFLOP/s beside the hardware's FP32 rate.
//!
//! Counted: every matrix product (linear layers, attention's QKᵀ and PV, the LM head) and the
//! selective scan's per-state arithmetic. Not counted: norms, activations, softmax, RoPE —
//! O(N·d) or O(N²) elementwise work that is memory-bound, not FLOP-bound.

use serde::{Deserialize, Serialize};

use crate::model::ModelKind;

/// The sizes FLOPs depend on, free of any framework type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dims {
    pub vocab: usize,
    pub d_model: usize,
    pub n_layers: usize,
    /// LLaMA
    pub n_heads: usize,
    pub d_ff: usize,
    /// Mamba
    pub d_inner: usize,
    pub d_state: usize,
    pub dt_rank: usize,
    pub d_conv: usize,
}

impl Dims {
    /// The paper's LLaMA (§4.2).
    pub const PAPER_LLAMA: Dims = Dims {
        vocab: 32_000,
        d_model: 512,
        n_layers: 8,
        n_heads: 8,
        d_ff: 1024,
        d_inner: 0,
        d_state: 0,
        dt_rank: 0,
        d_conv: 0,
    };
    /// The paper's Mamba (§4.2).
    pub const PAPER_MAMBA: Dims = Dims {
        vocab: 32_000,
        d_model: 512,
        n_layers: 8,
        n_heads: 0,
        d_ff: 0,
        d_inner: 1024,
        d_state: 16,
        dt_rank: 32,
        d_conv: 4,
    };
}

/// How attention is computed: the materialised path multiplies the whole `N × N` square (the
/// mask is applied afterwards); a causal fused kernel skips the upper triangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttentionWork {
    FullSquare,
    CausalHalf,
}

fn matmul(m: usize, k: usize, n: usize) -> f64 {
    2.0 * m as f64 * k as f64 * n as f64
}

/// The weight products of one forward over `n` tokens ([`weight_products`]); the head's only
/// for the last position if `last_only`.
fn products(model: ModelKind, d: &Dims, n: usize, last_only: bool) -> f64 {
    weight_products(model, d)
        .iter()
        .map(|p| {
            let rows = if p.role == HEAD && last_only { 1 } else { n };
            p.count as f64 * matmul(rows, p.k, p.cols)
        })
        .sum()
}

/// One LLaMA forward over `n` tokens.
pub fn llama(d: &Dims, n: usize, attention: AttentionWork, last_only: bool) -> f64 {
    // QKᵀ and PV over all heads: 2 products of n × n × head_dim per head, i.e. n·n·d_model.
    let square = 2.0 * matmul(n, d.d_model, n);
    let attn = match attention {
        AttentionWork::FullSquare => square,
        AttentionWork::CausalHalf => square * (n as f64 + 1.0) / (2.0 * n as f64),
    };
    d.n_layers as f64 * attn + products(ModelKind::Llama, d, n, last_only)
}

/// One Mamba forward over `n` tokens.
pub fn mamba(d: &Dims, n: usize, last_only: bool) -> f64 {
    let di = d.d_inner;
    let conv = 2.0 * (n * di * d.d_conv) as f64;
    // Per token, channel and state: ΔA product, Ā·h + B̄x (2 FMAs), C·h (1 FMA) ≈ 7 FLOPs,
    // plus ΔBx and the D skip per channel; exp counted as one operation.
    let scan = (n * di * d.d_state) as f64 * 7.0 + (n * di) as f64 * 4.0;
    d.n_layers as f64 * (conv + scan) + products(ModelKind::Mamba, d, n, last_only)
}

/// The LM head's role in [`weight_products`].
pub const HEAD: &str = "head";

/// One weight product of a forward: every one of the `n` positions times a `k × cols` weight,
/// `count` times per forward (once per layer, once for the head).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightProduct {
    pub role: &'static str,
    pub k: usize,
    pub cols: usize,
    pub count: usize,
}

/// The weight products of one forward, as the models compute them (q/k/v in one product,
/// gate and up in one): the FP32 matmul problems whose speed decides most of a forward's time.
pub fn weight_products(model: ModelKind, d: &Dims) -> Vec<WeightProduct> {
    let p = |role, k, cols, count| WeightProduct {
        role,
        k,
        cols,
        count,
    };
    let (dm, l) = (d.d_model, d.n_layers);
    let mut v = match model {
        ModelKind::Llama => vec![
            p("q/k/v", dm, 3 * dm, l),
            p("o_proj", dm, dm, l),
            p("gate/up", dm, 2 * d.d_ff, l),
            p("down", d.d_ff, dm, l),
        ],
        ModelKind::Mamba => vec![
            p("in_proj", dm, 2 * d.d_inner, l),
            p("x_proj", d.d_inner, d.dt_rank + 2 * d.d_state, l),
            p("dt_proj", d.dt_rank, d.d_inner, l),
            p("out_proj", d.d_inner, dm, l),
        ],
    };
    v.push(p(HEAD, dm, d.vocab, 1));
    v
}
