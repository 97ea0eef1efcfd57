//! Mamba's causal depthwise convolution over time, bias and SiLU in one kernel.
//!
//! One thread per output element `(b, t, c)`: out = SiLU(bias_c + Σ_k w[c, k] · x[b, t−K+1+k, c]),
//! taps before the start reading zero. Consecutive threads take consecutive channels, so every
//! read and the write are coalesced. `x` is read through its strides: in the model it is the
//! first half of `in_proj`'s output, which would otherwise be copied out first. The tensor-op reference is
//! `crate::model::mamba::scan::causal_conv1d_silu_reference` (K shifted slices, K + 2 kernels).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, prelude::*};

use super::{empty_like, raw, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

#[cube(launch)]
fn causal_conv1d_silu_kernel<F: Float>(
    x: &Tensor<F>,      // [batch, len, channels], unit stride along channels
    weight: &Tensor<F>, // [channels, K]
    bias: &Tensor<F>,   // [channels]
    out: &mut Tensor<F>,
    #[comptime] kernel: usize,
) {
    let len = x.shape(1);
    let channels = x.shape(2);
    let idx = ABSOLUTE_POS;
    if idx >= out.len() {
        terminate!();
    }
    let c = idx % channels;
    let t = (idx / channels) % len;
    let at = (idx / (channels * len)) * x.stride(0) + t * x.stride(1) + c;
    let mut acc = bias[c];
    #[unroll]
    for k in 0..kernel {
        // Tap k reads position t − (K − 1 − k).
        let back = kernel - 1 - k;
        if t >= back {
            acc += weight[c * kernel + k] * x[at - back * x.stride(1)];
        }
    }
    out[idx] = acc / (F::new(1.0) + F::exp(-acc));
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
    let (x, weight, bias) = (unit_last(x), raw(weight), raw(bias));
    let out = empty_like(&x, [batch, len, channels]);
    require_32bit("conv1d", &[&x, &out]);
    let n = (batch * len * channels) as u32;
    let threads = 256u32;
    causal_conv1d_silu_kernel::launch::<f32, cubecl::cuda::CudaRuntime>(
        &out.client,
        CubeCount::Static(n.div_ceil(threads), 1, 1),
        CubeDim::new_1d(threads),
        x.into_tensor_arg(),
        weight.into_tensor_arg(),
        bias.into_tensor_arg(),
        out.clone().into_tensor_arg(),
        kernel,
    );
    wrap(out)
}
