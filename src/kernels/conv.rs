//! Mamba's causal depthwise convolution over time, bias and SiLU in one kernel.
//!
//! out = SiLU(bias_c + Σ_k w[c, k] · x[b, t−K+1+k, c]), taps before the start reading zero.
//! A thread owns one channel over a run of 8 consecutive positions, its K weights in
//! registers and a window of the last K inputs slid along the run (each input read once per
//! run rather than K times); consecutive threads take consecutive channels, so every read and
//! the write are coalesced, and the grid's axes give every coordinate without a division. `x` is read through its strides: in the model it is the
//! first half of `in_proj`'s output, which would otherwise be copied out first. The tensor-op reference is
//! `crate::model::mamba::scan::causal_conv1d_silu_reference` (K shifted slices, K + 2 kernels).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, prelude::*};

use super::{empty_like, raw, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

/// Channels per cube.
const THREADS: u32 = 256;
/// Consecutive positions one thread computes, sliding its window of inputs along.
const RUN: usize = 8;

#[cube(launch_unchecked)]
fn causal_conv1d_silu_kernel<F: Float>(
    x: &Tensor<F>,       // [batch, len, channels], unit stride along channels
    weight: &Tensor<F>,  // [channels, K]
    bias: &Tensor<F>,    // [channels]
    out: &mut Tensor<F>, // [batch, len, channels], dense
    #[comptime] kernel: usize,
) {
    let len = x.shape(1);
    let channels = x.shape(2);
    let c = CUBE_POS_Y as usize * THREADS as usize + UNIT_POS_X as usize;
    if c < channels {
        let t0 = CUBE_POS_X as usize * RUN;
        let b = CUBE_POS_Z as usize;
        let xb = b * x.stride(0) + c;
        let s1 = x.stride(1);
        let mut w = Array::<F>::new(kernel);
        // win[k] = x[t − (K − 1 − k)] for the position t being computed; zero before the start.
        let mut win = Array::<F>::new(kernel);
        #[unroll]
        for k in 0..kernel {
            w[k] = weight[c * kernel + k];
            win[k] = F::new(0.0);
        }
        #[unroll]
        for k in 0..kernel - 1 {
            let back = kernel - 1 - k;
            if t0 >= back && t0 - back < len {
                win[k] = x[xb + (t0 - back) * s1];
            }
        }
        let bias_c = bias[c];
        #[unroll]
        for r in 0..RUN {
            let t = t0 + r;
            if t < len {
                win[kernel - 1] = x[xb + t * s1];
                // The taps in the reference's order; a tap before the start adds w · 0.
                let mut acc = bias_c;
                #[unroll]
                for k in 0..kernel {
                    acc += w[k] * win[k];
                }
                out[(b * len + t) * channels + c] = acc / (F::new(1.0) + F::exp(-acc));
                #[unroll]
                for k in 0..kernel - 1 {
                    win[k] = win[k + 1];
                }
            }
        }
    }
}

/// # Shapes
/// `x: [batch, len, channels]`, `weight: [channels, K]`, `bias: [channels]` → `[batch, len, channels]`
pub fn causal_conv1d_silu(
    x: BurnTensor<CudaBackend, 3>,
    weight: BurnTensor<CudaBackend, 2>,
    bias: BurnTensor<CudaBackend, 1>,
) -> BurnTensor<CudaBackend, 3> {
    let [batch, len, channels] = x.dims();
    let kernel = weight.dims()[1];
    assert!(kernel >= 1, "conv1d needs at least one tap");
    let (x, weight, bias) = (unit_last(x), raw(weight), raw(bias));
    let out = empty_like(&x, [batch, len, channels]);
    require_32bit("conv1d", &[&x, &out]);
    // SAFETY: channels past the end and positions past `len` are skipped, taps before the
    // start are never read; batch is bounded by the grid; weight and bias are dense
    // `[channels, K]` and `[channels]`.
    unsafe {
        causal_conv1d_silu_kernel::launch_unchecked::<f32, cubecl::cuda::CudaRuntime>(
            &out.client,
            CubeCount::Static(
                len.div_ceil(RUN) as u32,
                channels.div_ceil(THREADS as usize) as u32,
                batch as u32,
            ),
            CubeDim::new_1d(THREADS),
            x.into_tensor_arg(),
            weight.into_tensor_arg(),
            bias.into_tensor_arg(),
            out.clone().into_tensor_arg(),
            kernel,
        );
    }
    wrap(out)
}
