//! SwiGLU's gate in one kernel: `SiLU(gate) ⊙ up`, reading both halves of the fused
//! gate/up projection's output (`[.., 2·d_ff]`, gate first) and writing `[.., d_ff]`.
//!
//! One thread per output element; consecutive threads take consecutive features, so both reads
//! and the write are coalesced. The tensor-op reference (`crate::model::llama::swiglu_reference`)
//! slices the two halves and runs SiLU and the product as separate kernels (three passes over
//! `N × d_ff` values instead of one).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

#[cube(launch)]
fn swiglu_kernel<F: Float>(
    gate_up: &Tensor<F>, // [batch, len, 2·d_ff], unit stride along features
    out: &mut Tensor<F>, // [batch, len, d_ff], dense
) {
    let idx = ABSOLUTE_POS;
    if idx >= out.len() {
        terminate!();
    }
    let len = out.shape(1);
    let d_ff = out.shape(2);
    let c = idx % d_ff;
    let row = idx / d_ff;
    // Rows may be pitched or be a view: strides, not `2·d_ff`.
    let base = (row / len) * gate_up.stride(0) + (row % len) * gate_up.stride(1);
    let g = gate_up[base + c];
    let u = gate_up[base + d_ff + c];
    out[idx] = g / (F::new(1.0) + F::exp(-g)) * u;
}

/// # Shapes
/// `gate_up: [batch, len, 2·d_ff]` → `[batch, len, d_ff]`
pub fn swiglu(gate_up: BurnTensor<CudaBackend, 3>) -> BurnTensor<CudaBackend, 3> {
    let [batch, len, two_dff] = gate_up.dims();
    assert_eq!(two_dff % 2, 0, "gate/up features must split in two halves");
    let gate_up = unit_last(gate_up);
    let out = empty_like(&gate_up, [batch, len, two_dff / 2]);
    require_32bit("SwiGLU", &[&gate_up, &out]);
    let n = (batch * len * two_dff / 2) as u32;
    let threads = 256u32;
    swiglu_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static(n.div_ceil(threads), 1, 1),
        CubeDim::new_1d(threads),
        gate_up.into_tensor_arg(),
        out.clone().into_tensor_arg(),
    );
    wrap(out)
}
