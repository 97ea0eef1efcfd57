//! CubeCL kernels for the CUDA backend, one file per kernel, each beside the tensor-op
//! reference it must agree with (`ssmbench selftest` checks them on the device):
//!
//! | kernel | fast path for | reference |
//! |---|---|---|
//! | [`matmul`] (cubek's unit kernels, [`matmul_tiled`], [`matmul_vec4`], [`matmul_double`], cuBLAS's SGEMM via [`cublas`]) | strict-FP32 matmul (CUDA cores, no TF32) | Burn's matmul in f64 on the host; for every tuned shape, sampled entries in f64 ([`matmul_referee`]) |
//! | [`conv`] | Mamba's causal depthwise conv + SiLU | `causal_conv1d_silu_reference` |
//! | [`scan`] | the selective scan, forward and backward | `scan_reference`, `scan_reference_backward` |
//! | [`flash_wide`], [`flash`] (via [`attention`]) | flash-style causal attention | `eager_attention` |
//! | [`softmax`] | the materialised attention's scale + causal mask + softmax | `causal_softmax_reference` |
//! | [`rmsnorm`] | RMSNorm, alone and after the residual add it follows | `rms_norm_reference` (after a plain add) |
//! | [`rope`] | rotary position embedding of q and k | `model::rope::apply` |
//! | [`swiglu`] | SwiGLU's `SiLU(gate) ⊙ up` | `swiglu_reference` |
//!
//! [`timeline`] is a development instrument, not a kernel: the device's timeline of a few
//! forwards, read with CUPTI.

pub mod attention;
pub mod conv;
pub mod cublas;
pub mod events;
pub mod fill;
pub mod flash;
pub mod flash_wide;
pub mod matmul;
pub mod matmul_double;
pub mod matmul_referee;
pub mod matmul_tiled;
pub mod matmul_vec4;
pub mod rmsnorm;
pub mod rope;
pub mod scan;
pub mod softmax;
pub mod swiglu;
pub mod timeline;

use burn::tensor::{DType, Shape, Tensor, TensorPrimitive};
use burn_cubecl::{
    kernel::into_contiguous, ops::numeric::empty_device_contiguous_dtype, tensor::CubeTensor,
};
use cubecl::{cuda::CudaRuntime, prelude::AddressType};

use crate::backend::CudaBackend;

pub(crate) type Cube = CubeTensor<CudaRuntime>;

/// The batch and row strides (elements) of a `[batch, len, width]` buffer, for the kernels that
/// take their operands as plain arrays.
///
/// # Why arrays and not tensors
/// For a `Tensor` argument CubeCL passes the shape and strides in a small buffer that it copies
/// to the device (`cuMemcpyHtoDAsync`) before every launch, in the stream, so the kernel waits
/// for the copy after the previous kernel has finished; an `Array` argument has only its length,
/// which travels with the launch's parameters like the scalar arguments do. In the device
/// timeline of Mamba's forward at N = 8,192 ([`timeline`], H200) the gap before each of
/// ssmbench's kernels was 3.4 µs against 1.2 µs before cuBLAS's, 0.21–0.33 ms per forward in
/// all. With the conv, the scan's three passes and the norms taking arrays and their strides
/// as scalars, the gaps came to 0.13 ms per forward, and Mamba's forward, timed in alternating
/// processes on one H200 against the build before, took 11.77 / 11.84 ms against 11.93 / 11.90
/// at 8,192, and 2.58 / 2.61 against 2.78 / 2.70 at 1,024. (LLaMA's kernels still take
/// tensors.)
pub(crate) fn batch_and_row_strides(t: &Cube) -> (u32, u32) {
    let st = t.meta.strides();
    (st[0] as u32, st[1] as u32)
}

/// The densely packed device buffer behind a tensor (copying only if it is a strided or
/// pitched view).
pub(crate) fn raw<const D: usize>(t: Tensor<CudaBackend, D>) -> Cube {
    into_contiguous(t.into_primitive().tensor())
}

/// Wraps a device buffer back into a tensor.
pub(crate) fn wrap<const D: usize>(t: Cube) -> Tensor<CudaBackend, D> {
    Tensor::from_primitive(TensorPrimitive::Float(t))
}

/// A view with unit stride along the last axis (copying only if it has none); other strides,
/// such as CubeCL's pitched rows, are left for the kernel to follow.
pub(crate) fn unit_last<const D: usize>(t: Tensor<CudaBackend, D>) -> Cube {
    let t = t.into_primitive().tensor();
    if t.meta.strides().last() == Some(&1) {
        t
    } else {
        into_contiguous(t)
    }
}

/// Columns `range` of the last axis as a view of the same buffer: the handle's byte offsets
/// move, the strides stay. Burn's `slice` copies instead when those offsets are not multiples
/// of the allocation alignment (512 B), although nothing on the device needs more than the
/// element's alignment for scalar reads; the kernels that vectorise check the offsets they
/// read from (e.g. [`matmul_double::eligible`]).
pub(crate) fn column_view(
    t: Tensor<CudaBackend, 3>,
    range: std::ops::Range<usize>,
) -> Tensor<CudaBackend, 3> {
    let mut t = t.into_primitive().tensor();
    let (cols, stride) = (t.meta.shape()[2], t.meta.strides()[2]);
    assert!(
        range.start <= range.end && range.end <= cols,
        "column_view: columns {range:?} of {cols}"
    );
    let bytes = |elems: usize| (elems * stride * t.dtype.size()) as u64;
    let (start, end) = (bytes(range.start), bytes(cols - range.end));
    t.handle = t.handle.offset_start(start).offset_end(end);
    t.meta.shape_mut()[2] = range.len();
    wrap(t)
}

/// Whether `t`'s last axis has unit stride and its rows are evenly spaced: every leading axis
/// (of more than one entry) packed around the one after it, so that the leading axes read as
/// one axis of rows `strides[rank − 2]` apart. Dense tensors and column views qualify.
pub(crate) fn rows_evenly_spaced(t: &Cube) -> bool {
    let (shape, strides) = (t.meta.shape(), t.meta.strides());
    let n = shape.len();
    n >= 2
        && (shape[n - 1] == 1 || strides[n - 1] == 1)
        && (0..n - 2).all(|i| shape[i] == 1 || strides[i] == shape[i + 1] * strides[i + 1])
}

/// `[.., d] → [rows, d]`, merging the leading axes without a copy when the rows are evenly
/// spaced (unit stride along `d`, each leading axis packed around the one after it), as in a
/// [`column_view`]; otherwise Burn's reshape, which copies a tensor that is not dense.
pub(crate) fn flatten_rows<const D: usize>(t: Tensor<CudaBackend, D>) -> Tensor<CudaBackend, 2> {
    let mut c = t.into_primitive().tensor();
    let d = c.meta.shape()[D - 1];
    let rows: usize = c.meta.shape()[..D - 1].iter().product();
    if D == 2 || !rows_evenly_spaced(&c) {
        return wrap::<D>(c).reshape([rows, d]);
    }
    for _ in 0..D - 2 {
        c.meta.remove(0);
    }
    c.meta.shape_mut()[0] = rows;
    wrap(c)
}

/// An uninitialised, densely packed f32 buffer on `like`'s device. Dense, not CubeCL's default
/// pitched layout (rows padded to an alignment), because the kernels index their outputs as
/// packed arrays.
pub(crate) fn empty_like<const D: usize>(like: &Cube, shape: [usize; D]) -> Cube {
    empty_device_contiguous_dtype(
        like.client.clone(),
        like.device.clone(),
        Shape::new(shape),
        DType::F32,
    )
}

/// The index width a launch over `tensors` needs: 32-bit unless a buffer holds more than
/// `u32::MAX` elements. Kernels declared with `address_type = "dynamic"` are compiled once per
/// width, so the common 32-bit case keeps its cheaper arithmetic.
pub(crate) fn address_type(tensors: &[&Cube]) -> AddressType {
    tensors
        .iter()
        .map(|t| t.required_address_type())
        .max()
        .unwrap_or(AddressType::U32)
}

/// Stops, with a message the benchmark records as "unsupported", before a kernel written with
/// 32-bit indices would silently wrap around on a buffer of more than `u32::MAX` elements.
pub(crate) fn require_32bit(kernel: &str, tensors: &[&Cube]) {
    for t in tensors {
        if t.required_address_type() != AddressType::U32 {
            panic!(
                "unsupported: a {}-element tensor exceeds the 32-bit indexing of ssmbench's {kernel} kernel",
                t.meta.shape().iter().product::<usize>()
            );
        }
    }
}
