//! CubeCL kernels for the CUDA backend, one file per kernel, each beside the tensor-op
//! reference it must agree with (`ssmbench selftest` checks them on the device):
//!
//! | kernel | fast path for | reference |
//! |---|---|---|
//! | [`matmul`] (cubek's unit kernels, [`matmul_tiled`]) | strict-FP32 matmul (CUDA cores, no TF32) | Burn's matmul in f64 on the host; for every tuned shape, sampled entries in f64 ([`matmul_referee`]) |
//! | [`conv`] | Mamba's causal depthwise conv + SiLU | `causal_conv1d_silu_reference` |
//! | [`scan`] | the selective scan, forward and backward | `scan_reference`, `scan_reference_backward` |
//! | [`flash`] (via [`attention`]) | flash-style causal attention | `eager_attention` |

pub mod attention;
pub mod conv;
pub mod flash;
pub mod matmul;
pub mod matmul_referee;
pub mod matmul_tiled;
pub mod scan;

use burn::tensor::{DType, Shape, Tensor, TensorPrimitive};
use burn_cubecl::{kernel::into_contiguous, ops::numeric::empty_device_dtype, tensor::CubeTensor};
use cubecl::cuda::CudaRuntime;

use crate::backend::CudaBackend;

pub(crate) type Cube = CubeTensor<CudaRuntime>;

/// The contiguous device buffer behind a tensor (copying only if it is a strided view).
pub(crate) fn raw<const D: usize>(t: Tensor<CudaBackend, D>) -> Cube {
    into_contiguous(t.into_primitive().tensor())
}

/// Wraps a device buffer back into a tensor.
pub(crate) fn wrap<const D: usize>(t: Cube) -> Tensor<CudaBackend, D> {
    Tensor::from_primitive(TensorPrimitive::Float(t))
}

/// An uninitialised f32 buffer on `like`'s device.
pub(crate) fn empty_like<const D: usize>(like: &Cube, shape: [usize; D]) -> Cube {
    empty_device_dtype(
        like.client.clone(),
        like.device.clone(),
        Shape::new(shape),
        DType::F32,
    )
}
