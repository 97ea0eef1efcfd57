//! The fused selective scan, backward: the reverse-time adjoint recurrence of
//! `crate::model::mamba::scan::scan_reference_backward`, one thread per `(batch, channel)`.
//!
//! The backward needs h_{t−1} and h_t at every step in reverse order. Storing all states would
//! cost `len × d_inner × d_state` floats; instead [`scan_checkpoints`] stores the state every
//! `block` steps, and [`scan_backward_kernel`] recomputes one block at a time into a small
//! scratch buffer (`block × d_inner × d_state`), then walks it backwards.
//!
//! B_t and C_t are shared by all channels, so their gradients are sums over channels: each
//! warp reduces its 32 channels with `plane_sum`, writes one partial per warp, and the host
//! sums the partials (`d_inner / 32` of them). A and D are per channel: each thread
//! accumulates over time and writes one partial per batch element.

use cubecl::{cube, prelude::*};

use super::forward::softplus;

#[cube(launch)]
pub(crate) fn scan_checkpoints<F: Float>(
    u: &Tensor<F>,
    delta: &Tensor<F>,
    delta_bias: &Tensor<F>,
    a: &Tensor<F>,
    bm: &Tensor<F>,
    ckpt: &mut Tensor<F>, // [batch, blocks, d_inner, d_state]: h entering each block
    block: u32,
    #[comptime] d_state: usize,
) {
    let len = u.shape(1);
    let d_inner = u.shape(2);
    let ch = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    if ch >= d_inner {
        terminate!();
    }
    let batch = CUBE_POS_Y as usize;
    let blocks = ckpt.shape(1);
    let block = block as usize;
    let mut h = Array::<F>::new(d_state);
    let mut av = Array::<F>::new(d_state);
    #[unroll]
    for s in 0..d_state {
        h[s] = F::new(0.0);
        av[s] = a[ch * d_state + s];
    }
    let bias = delta_bias[ch];
    for t in 0..len {
        if t % block == 0 {
            let base = ((batch * blocks + t / block) * d_inner + ch) * d_state;
            #[unroll]
            for s in 0..d_state {
                ckpt[base + s] = h[s];
            }
        }
        let row = batch * len + t;
        let dt = softplus::<F>(delta[row * d_inner + ch] + bias);
        let dtx = dt * u[row * d_inner + ch];
        #[unroll]
        for s in 0..d_state {
            h[s] = F::exp(dt * av[s]) * h[s] + dtx * bm[row * d_state + s];
        }
    }
}

#[cube(launch)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn scan_backward_kernel<F: Float>(
    u: &Tensor<F>,
    delta: &Tensor<F>,
    delta_bias: &Tensor<F>,
    a: &Tensor<F>,
    bm: &Tensor<F>,
    cm: &Tensor<F>,
    dskip: &Tensor<F>,
    z: &Tensor<F>,
    grad_out: &Tensor<F>,    // [batch, len, d_inner]
    ckpt: &Tensor<F>,        // [batch, blocks, d_inner, d_state]
    scratch: &mut Tensor<F>, // [batch, block, d_inner, d_state]
    grad_u: &mut Tensor<F>,
    grad_delta: &mut Tensor<F>,
    grad_z: &mut Tensor<F>,
    grad_b_part: &mut Tensor<F>,    // [batch, len, warps, d_state]
    grad_c_part: &mut Tensor<F>,    // [batch, len, warps, d_state]
    grad_a_part: &mut Tensor<F>,    // [batch, d_inner, d_state]
    grad_d_part: &mut Tensor<F>,    // [batch, d_inner]
    grad_bias_part: &mut Tensor<F>, // [batch, d_inner]
    block: u32,
    #[comptime] d_state: usize,
) {
    // Launched with exactly d_inner threads per batch element (d_inner a multiple of the
    // plane size), so every lane is valid and takes part in every plane_sum.
    let len = u.shape(1);
    let d_inner = u.shape(2);
    let ch = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    let batch = CUBE_POS_Y as usize;
    let blocks = ckpt.shape(1);
    let warps = grad_b_part.shape(2);
    let warp = ch / PLANE_DIM as usize;
    let block = block as usize;

    let mut av = Array::<F>::new(d_state);
    let mut h = Array::<F>::new(d_state);
    let mut lam = Array::<F>::new(d_state); // λ = ∂loss/∂h_t, carried backwards
    let mut ga = Array::<F>::new(d_state);
    #[unroll]
    for s in 0..d_state {
        av[s] = a[ch * d_state + s];
        lam[s] = F::new(0.0);
        ga[s] = F::new(0.0);
    }
    let bias = delta_bias[ch];
    let dv = dskip[ch];
    let mut gd_acc = F::new(0.0);
    let mut gbias_acc = F::new(0.0);
    let one = F::new(1.0);

    for kb in 0..blocks {
        let k = blocks - 1 - kb;
        let t0 = k * block;
        let mut t1 = t0 + block;
        if t1 > len {
            t1 = len;
        }
        // Recompute this block's states h_{t0} … h_{t1−1} into the scratch buffer.
        let cbase = ((batch * blocks + k) * d_inner + ch) * d_state;
        #[unroll]
        for s in 0..d_state {
            h[s] = ckpt[cbase + s];
        }
        for t in t0..t1 {
            let row = batch * len + t;
            let dt = softplus::<F>(delta[row * d_inner + ch] + bias);
            let dtx = dt * u[row * d_inner + ch];
            let sbase = ((batch * block + (t - t0)) * d_inner + ch) * d_state;
            #[unroll]
            for s in 0..d_state {
                h[s] = F::exp(dt * av[s]) * h[s] + dtx * bm[row * d_state + s];
                scratch[sbase + s] = h[s];
            }
        }
        // Walk the block backwards.
        for jr in 0..(t1 - t0) {
            let t = t1 - 1 - jr;
            let row = batch * len + t;
            let i = row * d_inner + ch;
            let x = u[i];
            let pre = delta[i] + bias;
            let dt = softplus::<F>(pre);
            let sig_pre = one / (one + F::exp(-pre));
            let zv = z[i];
            let sig_z = one / (one + F::exp(-zv));
            let g = grad_out[i];
            let sbase = ((batch * block + (t - t0)) * d_inner + ch) * d_state;
            // y_t = C_t · h_t + D x_t, then the gate.
            let mut y = dv * x;
            #[unroll]
            for s in 0..d_state {
                y += cm[row * d_state + s] * scratch[sbase + s];
            }
            grad_z[i] = g * y * sig_z * (one + zv * (one - sig_z));
            let gy = g * zv * sig_z;
            gd_acc += gy * x;
            let mut gu = gy * dv;
            let mut gdt = F::new(0.0);
            #[unroll]
            for s in 0..d_state {
                let c_s = cm[row * d_state + s];
                let b_s = bm[row * d_state + s];
                let h_t = scratch[sbase + s];
                let h_prev = if t > t0 {
                    scratch[sbase - d_inner * d_state + s]
                } else {
                    ckpt[cbase + s]
                };
                lam[s] += gy * c_s;
                let gc = plane_sum(gy * h_t);
                let a_bar = F::exp(dt * av[s]);
                let d_a_bar = lam[s] * h_prev * a_bar;
                ga[s] += d_a_bar * dt;
                gdt += d_a_bar * av[s] + lam[s] * b_s * x;
                let gb = plane_sum(lam[s] * dt * x);
                gu += lam[s] * dt * b_s;
                lam[s] *= a_bar;
                if UNIT_POS_PLANE == 0 {
                    let p = ((batch * len + t) * warps + warp) * d_state + s;
                    grad_b_part[p] = gb;
                    grad_c_part[p] = gc;
                }
            }
            grad_u[i] = gu;
            let gpre = gdt * sig_pre;
            grad_delta[i] = gpre;
            gbias_acc += gpre;
        }
    }
    #[unroll]
    for s in 0..d_state {
        grad_a_part[(batch * d_inner + ch) * d_state + s] = ga[s];
    }
    grad_d_part[batch * d_inner + ch] = gd_acc;
    grad_bias_part[batch * d_inner + ch] = gbias_acc;
}
