//! The selective scan of Mamba (Gu & Dao, 2023), written plainly with tensor ops.
//!
//! This is the *reference*: one step of the recurrence per loop iteration, reading like the
//! equations. It runs on any Burn backend, is differentiable through burn-autodiff as is, and is
//! what every fast path (the fused CubeCL kernels in `crate::kernels::scan`) is tested against.
//! It is far too slow for long sequences on a GPU (a handful of kernel launches per token and
//! layer): that is the point of the fused kernel.
//!
//! # Glossary (code → paper / Mamba paper)
//! | code        | symbol | meaning |
//! |-------------|--------|---------|
//! | `u`         | x_t    | the scan's input, one channel per `d_inner` lane |
//! | `delta`     | Δ_t    | step size before `+ delta_bias` and softplus |
//! | `a`         | A      | diagonal state matrix, negative (−exp(A_log)) |
//! | `b`, `c`    | B_t, C_t | input and output projections of the state, shared by all channels |
//! | `d`         | D      | skip connection |
//! | `z`         | z      | gate branch; the output is multiplied by SiLU(z) |
//! | `d_state`   | N (Mamba paper), d_state (this paper) | state size per channel |
//!
//! Discretisation (zero-order hold for A, Euler for B, as in Mamba):
//! Ā_t = exp(Δ_t A), B̄_t x_t = Δ_t B_t x_t, then h_t = Ā_t h_{t−1} + B̄_t x_t and
//! y_t = C_t · h_t + D x_t (paper §3.1.2), out_t = y_t · SiLU(z_t).

use burn::tensor::{Tensor, activation, backend::Backend, s};

use crate::{backend::SsmBackend, model::layers::rows_times};

/// Everything the selective scan reads.
///
/// # Shapes
/// - `u`, `delta`, `z`: `[batch, len, d_inner]`
/// - `delta_bias`, `d`: `[d_inner]`
/// - `a`: `[d_inner, d_state]`
/// - `b`, `c`: `[batch, len, d_state]`
#[derive(Clone, Debug)]
pub struct ScanInputs<B: Backend> {
    pub u: Tensor<B, 3>,
    pub delta: Tensor<B, 3>,
    pub delta_bias: Tensor<B, 1>,
    pub a: Tensor<B, 2>,
    pub b: Tensor<B, 3>,
    pub c: Tensor<B, 3>,
    pub d: Tensor<B, 1>,
    pub z: Tensor<B, 3>,
}

/// What the scan returns.
///
/// # Shapes
/// - `y`: `[batch, len, d_inner]`, already gated by SiLU(z)
/// - `last_state`: `[batch, d_inner, d_state]`, h at the final position
#[derive(Clone, Debug)]
pub struct ScanOutput<B: Backend> {
    pub y: Tensor<B, 3>,
    pub last_state: Tensor<B, 3>,
}

/// Gradients of a scalar loss with respect to every scan input (same shapes as [`ScanInputs`]).
#[derive(Clone, Debug)]
pub struct ScanGrads<B: Backend> {
    pub u: Tensor<B, 3>,
    pub delta: Tensor<B, 3>,
    pub delta_bias: Tensor<B, 1>,
    pub a: Tensor<B, 2>,
    pub b: Tensor<B, 3>,
    pub c: Tensor<B, 3>,
    pub d: Tensor<B, 1>,
    pub z: Tensor<B, 3>,
}

impl<B: Backend> ScanInputs<B> {
    /// `(batch, len, d_inner, d_state)`.
    pub fn dims(&self) -> (usize, usize, usize, usize) {
        let [batch, len, d_inner] = self.u.dims();
        (batch, len, d_inner, self.a.dims()[1])
    }
}

impl<B: SsmBackend> ScanInputs<B> {
    /// The plain inputs that inputs in Mamba's parameterisation stand for (`delta` holding
    /// `dt_proj`'s input and `a` holding A_log, see `SsmBackend::selective_scan_mamba`):
    /// Δ_raw = `delta · dt_weightᵀ` by the FP32 matmul and A = −exp(A_log) by tensor ops.
    pub fn from_mamba(self, dt_weight: Tensor<B, 2>) -> Self {
        let delta = rows_times(self.delta, dt_weight);
        let a = self.a.exp().neg();
        Self { delta, a, ..self }
    }
}

/// Softplus written as max(x, 0) + log1p(exp(−|x|)): equal to log(1 + eˣ) and never overflows.
/// (PyTorch returns x itself above 20; the two agree to the last f32 bit there.)
pub fn softplus<B: Backend, const D: usize>(x: Tensor<B, D>) -> Tensor<B, D> {
    x.clone().clamp_min(0.0) + x.abs().neg().exp().log1p()
}

/// Quantities of the discretisation shared by the forward and backward references.
struct Discretised<B: Backend> {
    /// Δ after bias and softplus, `[batch, len, d_inner]`.
    delta: Tensor<B, 3>,
    /// Ā = exp(ΔA), `[batch, len, d_inner, d_state]`.
    a_bar: Tensor<B, 4>,
    /// B̄x = ΔBx, `[batch, len, d_inner, d_state]`.
    bx: Tensor<B, 4>,
}

fn discretise<B: Backend>(x: &ScanInputs<B>) -> Discretised<B> {
    let (_, _, d_inner, d_state) = x.dims();
    let delta = softplus(x.delta.clone() + x.delta_bias.clone().reshape([1, 1, d_inner]));
    let delta4: Tensor<B, 4> = delta.clone().unsqueeze_dim(3);
    let a_bar = (delta4.clone() * x.a.clone().reshape([1, 1, d_inner, d_state])).exp();
    let bx = delta4 * x.b.clone().unsqueeze_dim::<4>(2) * x.u.clone().unsqueeze_dim::<4>(3);
    Discretised { delta, a_bar, bx }
}

/// Step `t` of a `[batch, len, d_inner, d_state]` tensor as `[batch, d_inner, d_state]`.
fn at<B: Backend>(x: &Tensor<B, 4>, t: usize) -> Tensor<B, 3> {
    x.clone().slice(s![.., t, .., ..]).squeeze_dim(1)
}

/// Step `t` of a `[batch, len, n]` tensor as `[batch, n]`.
fn row<B: Backend>(x: &Tensor<B, 3>, t: usize) -> Tensor<B, 2> {
    x.clone().slice(s![.., t, ..]).squeeze_dim(1)
}

/// The states h_0 … h_{L−1}, each `[batch, d_inner, d_state]`, starting from h_{−1} = 0.
fn states<B: Backend>(x: &ScanInputs<B>, disc: &Discretised<B>) -> Vec<Tensor<B, 3>> {
    let (batch, len, d_inner, d_state) = x.dims();
    let mut h = Tensor::<B, 3>::zeros([batch, d_inner, d_state], &x.u.device());
    let mut out = Vec::with_capacity(len);
    for t in 0..len {
        h = at(&disc.a_bar, t) * h + at(&disc.bx, t); // h_t = Ā_t h_{t−1} + B̄_t x_t
        out.push(h.clone());
    }
    out
}

/// The sequential reference scan: forward.
pub fn scan_reference<B: Backend>(x: ScanInputs<B>) -> ScanOutput<B> {
    let (batch, len, d_inner, d_state) = x.dims();
    let disc = discretise(&x);
    let hs = states(&x, &disc);
    let ys: Vec<Tensor<B, 2>> = hs
        .iter()
        .enumerate()
        .map(|(t, h)| {
            // y_t = C_t · h_t, summed over the state
            let c_t = row(&x.c, t).reshape([batch, 1, d_state]);
            (h.clone() * c_t).sum_dim(2).reshape([batch, d_inner])
        })
        .collect();
    let y_ssm: Tensor<B, 3> = Tensor::stack(ys, 1);
    let y = y_ssm + x.u.clone() * x.d.clone().reshape([1, 1, d_inner]); // + D x_t
    let out = y * activation::silu(x.z.clone());
    let last_state = hs
        .last()
        .cloned()
        .unwrap_or_else(|| Tensor::zeros([batch, d_inner, d_state], &x.u.device()));
    debug_assert_eq!(out.dims(), [batch, len, d_inner]);
    ScanOutput { y: out, last_state }
}

/// The sequential reference scan: backward, by the reverse-time recurrence.
///
/// `grad_y` is ∂loss/∂out, `[batch, len, d_inner]`. The adjoint state λ_t = ∂loss/∂h_t obeys
/// λ_t = C_tᵀ g_t + Ā_{t+1} λ_{t+1}; every input gradient is a sum of local terms in λ_t.
pub fn scan_reference_backward<B: Backend>(x: ScanInputs<B>, grad_y: Tensor<B, 3>) -> ScanGrads<B> {
    let (batch, len, d_inner, d_state) = x.dims();
    let device = x.u.device();
    let disc = discretise(&x);
    let hs = states(&x, &disc);

    // Through the gate: out = y · SiLU(z) with y = C·h + D x.
    let y_ssm: Tensor<B, 3> = Tensor::stack(
        hs.iter()
            .enumerate()
            .map(|(t, h)| {
                let c_t = row(&x.c, t).reshape([batch, 1, d_state]);
                (h.clone() * c_t).sum_dim(2).reshape([batch, d_inner])
            })
            .collect::<Vec<Tensor<B, 2>>>(),
        1,
    );
    let d3 = x.d.clone().reshape([1, 1, d_inner]);
    let y = y_ssm + x.u.clone() * d3.clone();
    let sig_z = activation::sigmoid(x.z.clone());
    let gate = x.z.clone() * sig_z.clone();
    // d SiLU(z)/dz = σ(z)(1 + z(1 − σ(z)))
    let dsilu = sig_z.clone() * (x.z.clone() * (sig_z.neg() + 1.0) + 1.0);
    let grad_z = grad_y.clone() * y * dsilu;
    let gy = grad_y * gate; // ∂loss/∂y
    let grad_d = (gy.clone() * x.u.clone())
        .sum_dim(1)
        .sum_dim(0)
        .reshape([d_inner]);
    let mut grad_u_direct = gy.clone() * d3;

    let a4 = x.a.clone().reshape([1, d_inner, d_state]);
    let mut lambda = Tensor::<B, 3>::zeros([batch, d_inner, d_state], &device);
    let mut grad_a = Tensor::<B, 3>::zeros([batch, d_inner, d_state], &device);
    let mut g_delta = Vec::with_capacity(len);
    let mut g_u = Vec::with_capacity(len);
    let mut g_b = Vec::with_capacity(len);
    let mut g_c = Vec::with_capacity(len);
    for t in (0..len).rev() {
        let gy_t = row(&gy, t).reshape([batch, d_inner, 1]);
        let c_t = row(&x.c, t).reshape([batch, 1, d_state]);
        let b_t = row(&x.b, t).reshape([batch, 1, d_state]);
        let u_t = row(&x.u, t).reshape([batch, d_inner, 1]);
        let delta_t = row(&disc.delta, t).reshape([batch, d_inner, 1]);
        let a_bar_t = at(&disc.a_bar, t);
        let h_prev = if t == 0 {
            Tensor::zeros([batch, d_inner, d_state], &device)
        } else {
            hs[t - 1].clone()
        };

        lambda = lambda + gy_t.clone() * c_t; // from y_t = C_t · h_t
        g_c.push((gy_t * hs[t].clone()).sum_dim(1).reshape([batch, d_state]));

        // Ā_t = exp(Δ_t A): ∂Ā/∂Δ = Ā A, ∂Ā/∂A = Ā Δ
        let d_a_bar = lambda.clone() * h_prev * a_bar_t.clone();
        grad_a = grad_a + d_a_bar.clone() * delta_t.clone();
        let mut gd = (d_a_bar * a4.clone()).sum_dim(2);
        // B̄x = Δ B x
        gd = gd + (lambda.clone() * b_t.clone() * u_t.clone()).sum_dim(2);
        g_b.push(
            (lambda.clone() * delta_t.clone() * u_t)
                .sum_dim(1)
                .reshape([batch, d_state]),
        );
        g_u.push(
            (lambda.clone() * delta_t * b_t)
                .sum_dim(2)
                .reshape([batch, d_inner]),
        );
        g_delta.push(gd.reshape([batch, d_inner]));

        lambda = lambda * a_bar_t; // carry λ back to h_{t−1}
    }
    let rev = |mut v: Vec<Tensor<B, 2>>| -> Tensor<B, 3> {
        v.reverse();
        Tensor::stack(v, 1)
    };
    let g_softplus = rev(g_delta);
    // Δ = softplus(Δ_raw + bias): d softplus / dx = σ(x)
    let pre = x.delta.clone() + x.delta_bias.clone().reshape([1, 1, d_inner]);
    let grad_delta = g_softplus * activation::sigmoid(pre);
    let grad_delta_bias = grad_delta.clone().sum_dim(1).sum_dim(0).reshape([d_inner]);
    grad_u_direct = grad_u_direct + rev(g_u);
    ScanGrads {
        u: grad_u_direct,
        delta: grad_delta,
        delta_bias: grad_delta_bias,
        a: grad_a.sum_dim(0).reshape([d_inner, d_state]),
        b: rev(g_b),
        c: rev(g_c),
        d: grad_d,
        z: grad_z,
    }
}

/// Causal depthwise convolution over time followed by SiLU, as Mamba applies before the scan.
///
/// out[t, c] = SiLU(bias[c] + Σ_k w[c, k] · x[t − (K−1) + k, c]), with x = 0 before the start
/// (PyTorch's `Conv1d(padding = K−1)` truncated to the first `len` outputs).
///
/// # Shapes
/// - `x`: `[batch, len, channels]`, `weight`: `[channels, K]`, `bias`: `[channels]`
/// - returns `[batch, len, channels]`
pub fn causal_conv1d_silu_reference<B: Backend>(
    x: Tensor<B, 3>,
    weight: Tensor<B, 2>,
    bias: Tensor<B, 1>,
) -> Tensor<B, 3> {
    let [batch, len, channels] = x.dims();
    let kernel = weight.dims()[1];
    let padded = if kernel > 1 {
        let zeros = Tensor::zeros([batch, kernel - 1, channels], &x.device());
        Tensor::cat(vec![zeros, x], 1)
    } else {
        x
    };
    let mut acc = bias.reshape([1, 1, channels]).repeat_dim(1, len);
    for k in 0..kernel {
        let tap = weight.clone().slice(s![.., k]).reshape([1, 1, channels]);
        acc = acc + padded.clone().slice(s![.., k..k + len, ..]) * tap;
    }
    activation::silu(acc)
}
