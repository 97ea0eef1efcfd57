//! Rotary position embedding in one kernel, in Hugging Face's "rotate half" layout:
//! `out_i = x_i · cos_i + r_i · sin_i` with `r = [−x₂, x₁]` (the halves of each head swapped,
//! the first negated).
//!
//! The tensor-op reference (`crate::model::rope::apply`) is six kernels (two products, slice
//! and negate, concatenate, sum) over a strided view. Here one thread per output element reads
//! the strided `[batch, heads, len, head_dim]` view of the projection directly (no copy to a
//! contiguous layout first) and writes the rotated heads densely, which is also the layout the
//! attention kernels read.

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, raw, require_32bit, wrap};
use crate::backend::CudaBackend;

#[cube(launch)]
fn rope_kernel<F: Float>(
    x: &Tensor<F>,   // [batch, heads, len, head_dim], any strides
    cos: &Tensor<F>, // [len, head_dim], dense
    sin: &Tensor<F>,
    out: &mut Tensor<F>, // [batch, heads, len, head_dim], dense
) {
    let idx = ABSOLUTE_POS;
    if idx >= out.len() {
        terminate!();
    }
    let d = x.shape(3);
    let len = x.shape(2);
    let heads = x.shape(1);
    let i = idx % d;
    let t = (idx / d) % len;
    let h = (idx / d / len) % heads;
    let b = idx / d / len / heads;
    let row = b * x.stride(0) + h * x.stride(1) + t * x.stride(2);
    let half = d / 2;
    let partner = if i < half { i + half } else { i - half };
    let mut rotated = x[row + partner * x.stride(3)];
    if i < half {
        rotated = -rotated;
    }
    out[idx] = x[row + i * x.stride(3)] * cos[t * d + i] + rotated * sin[t * d + i];
}

/// # Shapes
/// `x: [batch, heads, len, head_dim]`, `cos`, `sin`: `[len, head_dim]` → `[batch, heads, len, head_dim]`
pub fn rope(
    x: BurnTensor<CudaBackend, 4>,
    cos: BurnTensor<CudaBackend, 2>,
    sin: BurnTensor<CudaBackend, 2>,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, head_dim] = x.dims();
    let x = x.into_primitive().tensor();
    let (cos, sin) = (raw(cos), raw(sin));
    let out = empty_like(&x, [batch, heads, len, head_dim]);
    require_32bit("RoPE", &[&x, &out]);
    let n = (batch * heads * len * head_dim) as u32;
    let threads = 256u32;
    rope_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static(n.div_ceil(threads), 1, 1),
        CubeDim::new_1d(threads),
        x.into_tensor_arg(),
        cos.into_tensor_arg(),
        sin.into_tensor_arg(),
        out.clone().into_tensor_arg(),
    );
    wrap(out)
}
