//! The few operations ssmbench needs beyond Burn's own, as a backend extension trait.
//!
//! Every method has a default written with plain tensor ops (the *reference*), so any Burn
//! backend — the CPU backend in CI included — runs the models unchanged. The CUDA backend
//! overrides them with fused CubeCL kernels (`crate::backend::cube`), and the autodiff wrapper
//! (`crate::backend::autodiff`) registers hand-written backward steps for the ones the
//! attribution analysis differentiates through. Tests compare each override with its default.

use std::ops::Range;

use burn::tensor::{
    Tensor,
    backend::{AutodiffBackend, Backend},
    s,
};

use crate::model::mamba::scan::{
    ScanGrads, ScanInputs, ScanOutput, causal_conv1d_silu_reference, scan_reference,
    scan_reference_backward,
};
use crate::model::{
    layers::rms_norm_reference,
    llama::{causal_softmax_reference, swiglu_reference},
};

/// A Burn backend with ssmbench's extra operations.
pub trait SsmBackend: Backend {
    /// Matrix product in strict FP32.
    ///
    /// Burn's CUDA autotuner may pick tensor-core kernels that round FP32 operands to TF32 (10
    /// mantissa bits). The paper measured FP32 and the issue asks for "no TF32", so the CUDA
    /// backend overrides this with CUDA-core (unit) kernels only.
    ///
    /// # Shapes
    /// `[.., m, k] × [.., k, n] → [.., m, n]`, batch dimensions equal.
    fn matmul_fp32<const D: usize>(lhs: Tensor<Self, D>, rhs: Tensor<Self, D>) -> Tensor<Self, D> {
        lhs.matmul(rhs)
    }

    /// Runs `body` with [`SsmBackend::matmul_fp32`] handing every product to Burn's own matmul
    /// instead of the strict-FP32 kernels. Comparison only (`crate::bench::tensor_cores`): on
    /// CUDA Burn may pick TF32 tensor-core kernels for f32 operands. A backend without FP32
    /// kernels of its own uses Burn's matmul anyway, so the default runs `body` as it is.
    fn with_burn_matmul<R>(body: impl FnOnce() -> R) -> R {
        body()
    }

    /// Runs `body` with [`SsmBackend::matmul_fp32`] choosing among ssmbench's own FP32 kernels
    /// only, never cuBLAS (the self-check's comparison of the two). The default runs `body` as
    /// it is: a backend without kernels of its own has nothing to exclude.
    fn with_own_matmul<R>(body: impl FnOnce() -> R) -> R {
        body()
    }

    /// The selective scan, see [`crate::model::mamba::scan`].
    fn selective_scan(inputs: ScanInputs<Self>) -> ScanOutput<Self> {
        scan_reference(inputs)
    }

    /// The selective scan in Mamba's own parameterisation, as the mixer calls it: `inputs.delta`
    /// holds `dt_proj`'s input `[batch, len, dt_rank]` (not Δ_raw) and `inputs.a` holds A_log
    /// (not A), so that Δ_raw = `inputs.delta · dt_weightᵀ` (`dt_weight` being `dt_proj`'s
    /// weight `[d_inner, dt_rank]`) and A = −exp(A_log). The default forms both with tensor ops
    /// ([`SsmBackend::matmul_fp32`] for Δ_raw) and runs [`SsmBackend::selective_scan`], so
    /// autodiff sees the same ops as before; the CUDA backend forms them inside the fused scan
    /// instead, never writing Δ_raw to device memory and launching nothing for A.
    fn selective_scan_mamba(
        inputs: ScanInputs<Self>,
        dt_weight: Tensor<Self, 2>,
    ) -> ScanOutput<Self> {
        Self::selective_scan(inputs.from_mamba(dt_weight))
    }

    /// Gradients of the selective scan, given ∂loss/∂out.
    fn selective_scan_backward(
        inputs: ScanInputs<Self>,
        grad_y: Tensor<Self, 3>,
    ) -> ScanGrads<Self> {
        scan_reference_backward(inputs, grad_y)
    }

    /// Mamba's causal depthwise convolution followed by SiLU.
    fn causal_conv1d_silu(
        x: Tensor<Self, 3>,
        weight: Tensor<Self, 2>,
        bias: Tensor<Self, 1>,
    ) -> Tensor<Self, 3> {
        causal_conv1d_silu_reference(x, weight, bias)
    }

    /// `softmax(scores · scale)` over the last axis with the future (key > query) masked out:
    /// the materialised attention's probabilities.
    ///
    /// # Shapes
    /// `scores: [batch, heads, len, len] → [batch, heads, len, len]`
    fn causal_softmax(scores: Tensor<Self, 4>, scale: f64) -> Tensor<Self, 4> {
        causal_softmax_reference(scores, scale)
    }
    /// RMSNorm over the last axis: `x / √(mean(x²) + ε) · weight`.
    ///
    /// # Shapes
    /// `x: [batch, len, d]`, `weight: [d]` → `[batch, len, d]`
    fn rms_norm(x: Tensor<Self, 3>, weight: Tensor<Self, 1>, eps: f64) -> Tensor<Self, 3> {
        rms_norm_reference(x, weight, eps)
    }
    /// A residual add and the RMSNorm that follows it: `s = x + a`, returned with `rms_norm(s)`
    /// (the arithmetic of the two ops, in one pass where the backend fuses them).
    ///
    /// # Shapes
    /// `x, a: [batch, len, d]`, `weight: [d]` → (`s`, `rms_norm(s)`), both `[batch, len, d]`
    fn add_rms_norm(
        x: Tensor<Self, 3>,
        a: Tensor<Self, 3>,
        weight: Tensor<Self, 1>,
        eps: f64,
    ) -> (Tensor<Self, 3>, Tensor<Self, 3>) {
        let s = x + a;
        (s.clone(), Self::rms_norm(s, weight, eps))
    }
    /// Rotary position embedding of queries or keys (HF's rotate-half layout).
    ///
    /// # Shapes
    /// `x: [batch, heads, len, head_dim]`, `cos`, `sin`: `[len, head_dim]` → `x`'s shape
    fn rope(x: Tensor<Self, 4>, cos: Tensor<Self, 2>, sin: Tensor<Self, 2>) -> Tensor<Self, 4> {
        crate::model::rope::apply(x, &cos, &sin)
    }
    /// SwiGLU's gate, `SiLU(gate) ⊙ up`, from the fused gate/up projection (gate first).
    ///
    /// # Shapes
    /// `gate_up: [batch, len, 2·d_ff] → [batch, len, d_ff]`
    fn swiglu(gate_up: Tensor<Self, 3>) -> Tensor<Self, 3> {
        swiglu_reference(gate_up)
    }
    /// `x` with every leading axis merged into the rows: `[.., d] → [rows, d]` (Burn's
    /// `reshape`). Burn's CUDA backend copies any tensor that is not densely packed before a
    /// reshape; the CUDA override merges the axes of a view whose rows are evenly spaced (a
    /// [`column_view`](Self::column_view)) without a copy.
    fn flatten_rows<const D: usize>(x: Tensor<Self, D>) -> Tensor<Self, 2> {
        let d = x.dims()[D - 1];
        let rows = x.shape().num_elements() / d.max(1);
        x.reshape([rows, d])
    }
    /// Columns `range` of the last axis (Burn's `slice`). Burn's CUDA backend copies a slice
    /// whose byte offsets are not multiples of its allocation alignment (512 B), which Mamba's
    /// Δ, B and C columns of `x_proj`'s output never are; the CUDA override returns a strided
    /// view of the same buffer instead, for the kernels that read them through strides.
    ///
    /// # Shapes
    /// `x: [batch, len, cols] → [batch, len, range.len()]`
    fn column_view(x: Tensor<Self, 3>, range: Range<usize>) -> Tensor<Self, 3> {
        x.slice(s![.., .., range])
    }
    /// Causal attention that never holds the `len × len` score matrix in device memory
    /// (flash-style), if this backend has one; `None` makes the caller materialise it.
    ///
    /// # Shapes
    /// `q, k, v: [batch, heads, len, head_dim] → [batch, heads, len, head_dim]`
    fn fused_causal_attention(
        _q: Tensor<Self, 4>,
        _k: Tensor<Self, 4>,
        _v: Tensor<Self, 4>,
    ) -> Option<Tensor<Self, 4>> {
        None
    }

    /// Whether this backend has fused kernels (CUDA) or runs the tensor-op references (CPU):
    /// results are labelled by what actually ran.
    fn has_fused_kernels() -> bool {
        false
    }

    /// Which kernels this backend chose for its fast paths so far (for the results' provenance).
    fn kernel_choices() -> Vec<String> {
        Vec::new()
    }

    /// Queues a timestamp behind all work issued so far on `device` (a CUDA event) and returns
    /// its handle, or `None` where this backend has none; the stage clock
    /// ([`crate::backend::StageClock`]) then synchronises the device at every mark instead.
    fn device_stamp(_device: &Self::Device) -> Option<usize> {
        None
    }

    /// Milliseconds between consecutive stamps of [`SsmBackend::device_stamp`], in the order
    /// they were taken, once the device has synchronised; the stamps are released either way.
    fn stamp_intervals(_device: &Self::Device, _stamps: Vec<usize>) -> Result<Vec<f64>, String> {
        Err("this backend takes no device timestamps".into())
    }
}

/// An autodiff backend whose inner backend is also an [`SsmBackend`].
pub trait SsmAutodiffBackend: SsmBackend + AutodiffBackend<InnerBackend: SsmBackend> {}

impl<T> SsmAutodiffBackend for T where T: SsmBackend + AutodiffBackend<InnerBackend: SsmBackend> {}

/// The CPU backend takes every default.
impl SsmBackend for burn::backend::Flex {}
