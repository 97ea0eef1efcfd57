//! The fused selective scan, forward: Δ = softplus(Δ_raw + bias), Ā = exp(ΔA), B̄x = ΔBx,
//! h_t = Ā_t h_{t−1} + B̄_t x_t, y_t = C_t · h_t + D x_t, out_t = y_t · SiLU(z_t) — in registers.
//!
//! # Work split
//! One thread owns one `(batch, channel)` and all `d_state` states of it, in registers, so
//! y_t = C_t · h_t needs no cross-thread reduction and the per-channel work (softplus, gate)
//! is done once, not once per state. Nothing of size `len × d_inner × d_state` is ever written.
//!
//! With `d_inner = 1024` that is only 1,024 threads, too few to keep an H100 busy, so time is
//! also split into `chunks` (grid axis y) processed in parallel, in three launches:
//! 1. [`scan_chunk_summary`]: each chunk scans from h = 0 and writes its final state and ΣΔ.
//!    Because A is diagonal, the chunk's transition is ∏ Ā_t = exp(A · ΣΔ_t).
//! 2. [`scan_chunk_combine`]: one thread per (channel, state) walks the chunks in order and
//!    replaces each summary by the state *entering* that chunk (h ← exp(A·ΣΔ_c) h + h_c).
//! 3. [`scan_chunk_output`]: each chunk starts from its entering state and rescans its own
//!    steps, writing `out`.
//!
//! B, C and z are read through their strides: in the model they are column slices of
//! `x_proj`'s and `in_proj`'s outputs, and copying them out first would cost three more
//! passes per layer.
//!
//! Chunk states are stored `[batch, chunks, d_state, d_inner]`, channel fastest, so the
//! threads of a warp (consecutive channels) read and write them coalesced. With one chunk the
//! first two launches are skipped and the kernel is the plain sequential scan.
//!
//! Both kernels are launched unchecked: every global index is bounded by the guards on the
//! channel (`ch < d_inner`) and the time range (`t < len`).

use cubecl::{cube, prelude::*};

// Both kernels evaluate `exp` as CUDA's `__expf` (one `ex2.approx` and a multiply) instead of
// the accurate `expf` (`fast_math = ReducedPrecision | NotNaN | NotInf`): the scan takes 16
// exponentials per channel and step, and mamba-ssm, the paper's own kernel, is compiled with
// `--use_fast_math` for the same reason. `selftest` holds the result to the reference within
// 1e-5.

/// softplus(x) = max(x, 0) + log1p(exp(−|x|)), overflow-free (as in the reference).
#[cube]
pub(crate) fn softplus<F: Float>(x: F) -> F {
    let zero = F::new(0.0);
    let pos = if x > zero { x } else { zero };
    let neg_abs = if x > zero { -x } else { x };
    pos + F::log1p(F::exp(neg_abs))
}

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
pub(crate) fn scan_chunk_summary<F: Float>(
    u: &Tensor<F>,               // [batch, len, d_inner]
    delta: &Tensor<F>,           // [batch, len, d_inner]
    delta_bias: &Tensor<F>,      // [d_inner]
    a: &Tensor<F>,               // [d_inner, d_state]
    bm: &Tensor<F>,              // [batch, len, d_state], unit stride along d_state
    chunk_state: &mut Tensor<F>, // [batch, chunks, d_state, d_inner]
    chunk_dsum: &mut Tensor<F>,  // [batch, chunks, d_inner]
    chunk_len: u32,
    #[comptime] d_state: usize,
) {
    let len = u.shape(1);
    let d_inner = u.shape(2);
    let ch = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    if ch >= d_inner {
        terminate!();
    }
    let chunk = CUBE_POS_Y as usize;
    let chunks = CUBE_COUNT_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let t0 = chunk * chunk_len as usize;
    let mut t1 = t0 + chunk_len as usize;
    if t1 > len {
        t1 = len;
    }

    let mut h = Array::<F>::new(d_state);
    let mut av = Array::<F>::new(d_state);
    #[unroll]
    for s in 0..d_state {
        h[s] = F::new(0.0);
        av[s] = a[ch * d_state + s];
    }
    let bias = delta_bias[ch];
    let mut dsum = F::new(0.0);
    for t in t0..t1 {
        let row = batch * len + t;
        let dt = softplus::<F>(delta[row * d_inner + ch] + bias);
        let dtx = dt * u[row * d_inner + ch];
        dsum += dt;
        let brow = batch * bm.stride(0) + t * bm.stride(1);
        #[unroll]
        for s in 0..d_state {
            h[s] = F::exp(dt * av[s]) * h[s] + dtx * bm[brow + s];
        }
    }
    let base = (batch * chunks + chunk) * d_state * d_inner + ch;
    #[unroll]
    for s in 0..d_state {
        chunk_state[base + s * d_inner] = h[s];
    }
    chunk_dsum[(batch * chunks + chunk) * d_inner + ch] = dsum;
}

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
pub(crate) fn scan_chunk_combine<F: Float>(
    a: &Tensor<F>,               // [d_inner, d_state]
    chunk_state: &mut Tensor<F>, // [batch, chunks, d_state, d_inner]: final → entering states
    chunk_dsum: &Tensor<F>,      // [batch, chunks, d_inner]
    chunks: u32,
    #[comptime] d_state: usize,
) {
    let d_inner = a.shape(0);
    let i = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    if i >= d_state * d_inner {
        terminate!();
    }
    let s = i / d_inner;
    let ch = i % d_inner;
    let batch = CUBE_POS_Z as usize;
    let chunks = chunks as usize;
    let av = a[ch * d_state + s];
    let mut h = F::new(0.0);
    for c in 0..chunks {
        let at = ((batch * chunks + c) * d_state + s) * d_inner + ch;
        let summary = chunk_state[at];
        chunk_state[at] = h;
        h = F::exp(av * chunk_dsum[(batch * chunks + c) * d_inner + ch]) * h + summary;
    }
}

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
pub(crate) fn scan_chunk_output<F: Float>(
    u: &Tensor<F>,
    delta: &Tensor<F>,
    delta_bias: &Tensor<F>,
    a: &Tensor<F>,
    bm: &Tensor<F>,
    cm: &Tensor<F>,             // [batch, len, d_state], unit stride along d_state
    dskip: &Tensor<F>,          // [d_inner]
    z: &Tensor<F>,              // [batch, len, d_inner], unit stride along d_inner
    chunk_state: &Tensor<F>, // [batch, chunks, d_state, d_inner]: entering states (unused with one chunk)
    out: &mut Tensor<F>,     // [batch, len, d_inner]
    last_state: &mut Tensor<F>, // [batch, d_inner, d_state]
    chunk_len: u32,
    #[comptime] d_state: usize,
) {
    let len = u.shape(1);
    let d_inner = u.shape(2);
    let ch = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    if ch >= d_inner {
        terminate!();
    }
    let chunk = CUBE_POS_Y as usize;
    let chunks = CUBE_COUNT_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let t0 = chunk * chunk_len as usize;
    let mut t1 = t0 + chunk_len as usize;
    if t1 > len {
        t1 = len;
    }

    let mut h = Array::<F>::new(d_state);
    let mut av = Array::<F>::new(d_state);
    let base = (batch * chunks + chunk) * d_state * d_inner + ch;
    #[unroll]
    for s in 0..d_state {
        h[s] = F::new(0.0);
        if chunks > 1 {
            h[s] = chunk_state[base + s * d_inner];
        }
        av[s] = a[ch * d_state + s];
    }

    let bias = delta_bias[ch];
    let dv = dskip[ch];
    for t in t0..t1 {
        let row = batch * len + t;
        let i = row * d_inner + ch;
        let x = u[i];
        let dt = softplus::<F>(delta[i] + bias);
        let dtx = dt * x;
        let mut y = F::new(0.0);
        let brow = batch * bm.stride(0) + t * bm.stride(1);
        let crow = batch * cm.stride(0) + t * cm.stride(1);
        #[unroll]
        for s in 0..d_state {
            h[s] = F::exp(dt * av[s]) * h[s] + dtx * bm[brow + s];
            y += cm[crow + s] * h[s];
        }
        let zv = z[batch * z.stride(0) + t * z.stride(1) + ch];
        out[i] = (y + dv * x) * (zv / (F::new(1.0) + F::exp(-zv)));
    }
    if chunk == chunks - 1 {
        #[unroll]
        for s in 0..d_state {
            last_state[(batch * d_inner + ch) * d_state + s] = h[s];
        }
    }
}
