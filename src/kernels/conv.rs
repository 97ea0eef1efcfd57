//! Mamba's causal depthwise convolution over time, bias and SiLU in one kernel.
//!
//! out = SiLU(bias_c + Σ_k w[c, k] · x[b, t−K+1+k, c]), taps before the start reading zero.
//! A thread owns one channel over a run of 8 consecutive positions, with its K weights and
//! the run's 8 + K − 1 inputs in registers, all requested before the first output is written
//! (each input read once per run rather than K times); consecutive threads take consecutive
//! channels, so every read and the write are coalesced, and the grid's axes give every
//! coordinate without a division. `x` is read through its strides: in the model it is the
//! first half of `in_proj`'s output, which would otherwise be copied out first. The tensor-op
//! reference is `crate::model::mamba::scan::causal_conv1d_silu_reference` (K shifted slices,
//! K + 2 kernels).
//!
//! Tried and not kept (Nsight Compute, Mamba's forward at N = 8,192, H200; this kernel moves
//! its 64 MB per launch in 19.6 µs, ≈ 3.3 TB/s, already):
//! - four neighbouring channels per thread, every read and write a 128-bit vector (a quarter
//!   of the load and store instructions, the same arithmetic): 24.2 µs per launch;
//! - the conv and `x_proj` (`[N, 1,024] · [1,024, 64]`, 47–50 µs per layer in cuBLAS, whose
//!   64-column tiles leave SMs idle) in one kernel: a cube of 128 threads took 32 positions,
//!   computed the conv of 128 channels at a time into shared memory beside the same slice of
//!   `x_proj`'s weight, and accumulated 4 × 4 outputs per thread. Correct (the self-check
//!   within 1e-6), but 76.9 µs per layer against 19.5 + ≈ 50, and Mamba's forward 12.03 /
//!   12.07 ms against 12.00 in alternating processes: 256 cubes of 4 warps hid neither the
//!   conv's loads nor the shared-memory reads, and a GEMM that beats cuBLAS there needs the
//!   pipelining of [`super::matmul_double`] and more.

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
    x: &Array<F>, // [batch, len, channels], unit stride along channels, rows `x_row` apart
    weight: &Array<F>, // [channels, K]
    bias: &Array<F>, // [channels]
    out: &mut Array<F>, // [batch, len, channels], dense
    len: u32,
    channels: u32,
    x_batch: u32,
    x_row: u32,
    #[comptime] kernel: usize,
) {
    let len = len as usize;
    let channels = channels as usize;
    let c = CUBE_POS_Y as usize * THREADS as usize + UNIT_POS_X as usize;
    if c < channels {
        let t0 = CUBE_POS_X as usize * RUN;
        let b = CUBE_POS_Z as usize;
        let xb = b * x_batch as usize + c;
        let s1 = x_row as usize;
        let mut w = Array::<F>::new(kernel);
        #[unroll]
        for k in 0..kernel {
            w[k] = weight[c * kernel + k];
        }
        // The run's inputs, xs[j] = x[t0 + j − (K − 1)] (zero before the start), all requested
        // before the first output is written: a load cannot be moved above a store to a buffer
        // that might alias it, so loads made inside the run each waited for device memory.
        let mut xs = Array::<F>::new(RUN + kernel - 1);
        #[unroll]
        for j in 0..RUN + kernel - 1 {
            let mut v = F::new(0.0);
            if t0 + j >= kernel - 1 && t0 + j - (kernel - 1) < len {
                v = x[xb + (t0 + j - (kernel - 1)) * s1];
            }
            xs[j] = v;
        }
        let bias_c = bias[c];
        #[unroll]
        for r in 0..RUN {
            let t = t0 + r;
            if t < len {
                // The taps in the reference's order; a tap before the start adds w · 0.
                let mut acc = bias_c;
                #[unroll]
                for k in 0..kernel {
                    acc += w[k] * xs[r + k];
                }
                out[(b * len + t) * channels + c] = acc / (F::new(1.0) + F::exp(-acc));
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
    let (x_batch, x_row) = super::batch_and_row_strides(&x);
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
            x.into_array_arg(),
            weight.into_array_arg(),
            bias.into_array_arg(),
            out.clone().into_array_arg(),
            len as u32,
            channels as u32,
            x_batch,
            x_row,
            kernel,
        );
    }
    wrap(out)
}
