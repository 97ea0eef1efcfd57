//! RMSNorm in one kernel: `x / √(mean(x²) + ε) · weight` over the last axis.
//!
//! The tensor-op reference (`crate::model::layers::rms_norm_reference`) is seven kernels
//! (square, mean, add, sqrt, reciprocal, two products), each a full pass over the activations.
//! Here one cube of 128 threads owns one row (`d_model` = 512 values, four per thread): a
//! warp-level `plane_sum` and a shared-memory sum across the four warps give `mean(x²)`, and
//! the row is written once.

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, raw, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

const THREADS: usize = 128;
const WARPS: usize = THREADS / 32;

#[cube(launch)]
fn rms_norm_kernel<F: Float>(
    x: &Tensor<F>, // [batch, len, d], unit stride along d
    weight: &Tensor<F>,
    out: &mut Tensor<F>,
    eps: f32,
) {
    let d = weight.shape(0);
    let len = x.shape(1);
    let row = CUBE_POS_X as usize;
    // Rows may be pitched (CubeCL pads a row's stride to an alignment): strides, not `d`.
    let base = (row / len) * x.stride(0) + (row % len) * x.stride(1);
    let out_base = (row / len) * out.stride(0) + (row % len) * out.stride(1);
    let tid = UNIT_POS_X as usize;
    let mut sq = F::new(0.0);
    let mut j = tid;
    while j < d {
        let v = x[base + j];
        sq += v * v;
        j += THREADS;
    }
    let warp = plane_sum(sq);
    let mut partial = SharedMemory::<F>::new(WARPS);
    if UNIT_POS_PLANE == 0 {
        partial[tid / 32] = warp;
    }
    sync_cube();
    let mut total = F::new(0.0);
    #[unroll]
    for w in 0..WARPS {
        total += partial[w];
    }
    let inv = F::new(1.0) / F::sqrt(total / F::cast_from(d) + F::cast_from(eps));
    let mut j = tid;
    while j < d {
        out[out_base + j] = x[base + j] * inv * weight[j];
        j += THREADS;
    }
}

/// # Shapes
/// `x: [batch, len, d]`, `weight: [d]` → `[batch, len, d]`
pub fn rms_norm(
    x: BurnTensor<CudaBackend, 3>,
    weight: BurnTensor<CudaBackend, 1>,
    eps: f64,
) -> BurnTensor<CudaBackend, 3> {
    let [batch, len, d] = x.dims();
    let (x, weight) = (unit_last(x), raw(weight));
    let out = empty_like(&x, [batch, len, d]);
    require_32bit("RMSNorm", &[&x, &out]);
    rms_norm_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static((batch * len) as u32, 1, 1),
        CubeDim::new_1d(THREADS as u32),
        x.into_tensor_arg(),
        weight.into_tensor_arg(),
        out.clone().into_tensor_arg(),
        eps as f32,
    );
    wrap(out)
}
