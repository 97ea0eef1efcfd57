//! The CUDA backend's fast paths: each override dispatches to a CubeCL kernel in
//! [`crate::kernels`]. Correctness of each against the trait default is checked by
//! `ssmbench selftest` on the device (CI has no GPU).

use burn::tensor::Tensor;

use super::{CudaBackend, ops::SsmBackend};
use crate::kernels;
use crate::model::mamba::scan::{ScanGrads, ScanInputs, ScanOutput};

impl SsmBackend for CudaBackend {
    fn matmul_fp32<const D: usize>(lhs: Tensor<Self, D>, rhs: Tensor<Self, D>) -> Tensor<Self, D> {
        kernels::matmul::matmul_fp32(lhs, rhs)
    }

    fn with_burn_matmul<R>(body: impl FnOnce() -> R) -> R {
        kernels::matmul::with_burn_matmul(body)
    }

    fn with_own_matmul<R>(body: impl FnOnce() -> R) -> R {
        kernels::matmul::with_own_kernels(body)
    }

    fn selective_scan(inputs: ScanInputs<Self>) -> ScanOutput<Self> {
        kernels::scan::forward(inputs)
    }

    fn selective_scan_mamba(
        inputs: ScanInputs<Self>,
        dt_weight: Tensor<Self, 2>,
    ) -> ScanOutput<Self> {
        kernels::scan::forward_mamba(inputs, dt_weight)
    }

    fn selective_scan_backward(
        inputs: ScanInputs<Self>,
        grad_y: Tensor<Self, 3>,
    ) -> ScanGrads<Self> {
        kernels::scan::backward(inputs, grad_y)
    }

    fn causal_conv1d_silu(
        x: Tensor<Self, 3>,
        weight: Tensor<Self, 2>,
        bias: Tensor<Self, 1>,
    ) -> Tensor<Self, 3> {
        kernels::conv::causal_conv1d_silu(x, weight, bias)
    }

    fn causal_softmax(scores: Tensor<Self, 4>, scale: f64) -> Tensor<Self, 4> {
        kernels::softmax::causal_softmax(scores, scale)
    }

    fn rms_norm(x: Tensor<Self, 3>, weight: Tensor<Self, 1>, eps: f64) -> Tensor<Self, 3> {
        kernels::rmsnorm::rms_norm(x, weight, eps)
    }

    fn add_rms_norm(
        x: Tensor<Self, 3>,
        a: Tensor<Self, 3>,
        weight: Tensor<Self, 1>,
        eps: f64,
    ) -> (Tensor<Self, 3>, Tensor<Self, 3>) {
        kernels::rmsnorm::add_rms_norm(x, a, weight, eps)
    }

    fn rope(x: Tensor<Self, 4>, cos: Tensor<Self, 2>, sin: Tensor<Self, 2>) -> Tensor<Self, 4> {
        kernels::rope::rope(x, cos, sin)
    }

    fn swiglu(gate_up: Tensor<Self, 3>) -> Tensor<Self, 3> {
        kernels::swiglu::swiglu(gate_up)
    }

    fn flatten_rows<const D: usize>(x: Tensor<Self, D>) -> Tensor<Self, 2> {
        kernels::flatten_rows(x)
    }

    fn column_view(x: Tensor<Self, 3>, range: std::ops::Range<usize>) -> Tensor<Self, 3> {
        kernels::column_view(x, range)
    }

    fn fused_causal_attention(
        q: Tensor<Self, 4>,
        k: Tensor<Self, 4>,
        v: Tensor<Self, 4>,
    ) -> Option<Tensor<Self, 4>> {
        Some(kernels::attention::flash_causal(q, k, v))
    }

    fn has_fused_kernels() -> bool {
        true
    }

    fn kernel_choices() -> Vec<String> {
        kernels::matmul::choices()
    }

    fn device_stamp(device: &Self::Device) -> Option<usize> {
        kernels::events::record(device).ok()
    }

    fn stamp_intervals(device: &Self::Device, stamps: Vec<usize>) -> Result<Vec<f64>, String> {
        kernels::events::intervals(device, stamps)
    }
}
