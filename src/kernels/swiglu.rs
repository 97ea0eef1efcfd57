//! SwiGLU's gate in one kernel: `SiLU(gate) ⊙ up`, reading both halves of the fused
//! gate/up projection's output (`[.., 2·d_ff]`, gate first) and writing `[.., d_ff]`.
//!
//! One thread per output element; consecutive threads take consecutive features, so both reads
//! and the write are coalesced, and the grid's axes (position, feature block, batch) give each
//! thread its coordinates without a division. The tensor-op reference (`crate::model::llama::swiglu_reference`)
//! slices the two halves and runs SiLU and the product as separate kernels (three passes over
//! `N × d_ff` values instead of one).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

/// Features per cube.
const THREADS: u32 = 256;

// The grid's axes are position, feature block and batch, so no index is divided.
#[cube(launch_unchecked)]
fn swiglu_kernel<F: Float>(
    gate_up: &Tensor<F>, // [batch, len, 2·d_ff], unit stride along features
    out: &mut Tensor<F>, // [batch, len, d_ff], dense
) {
    let d_ff = out.shape(2);
    let c = CUBE_POS_Y as usize * THREADS as usize + UNIT_POS_X as usize;
    if c < d_ff {
        let t = CUBE_POS_X as usize;
        let b = CUBE_POS_Z as usize;
        // Rows may be pitched or be a view: strides, not `2·d_ff`.
        let base = b * gate_up.stride(0) + t * gate_up.stride(1);
        let g = gate_up[base + c];
        let u = gate_up[base + d_ff + c];
        out[(b * out.shape(1) + t) * d_ff + c] = g / (F::new(1.0) + F::exp(-g)) * u;
    }
}

/// # Shapes
/// `gate_up: [batch, len, 2·d_ff] → [batch, len, d_ff]`
pub fn swiglu(gate_up: BurnTensor<CudaBackend, 3>) -> BurnTensor<CudaBackend, 3> {
    let [batch, len, two_dff] = gate_up.dims();
    assert_eq!(two_dff % 2, 0, "gate/up features must split in two halves");
    let gate_up = unit_last(gate_up);
    let out = empty_like(&gate_up, [batch, len, two_dff / 2]);
    require_32bit("SwiGLU", &[&gate_up, &out]);
    // SAFETY: features past d_ff are skipped; position and batch are bounded by the grid.
    unsafe {
        swiglu_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            CubeCount::Static(
                len as u32,
                (two_dff / 2).div_ceil(THREADS as usize) as u32,
                batch as u32,
            ),
            CubeDim::new_1d(THREADS),
            gate_up.into_tensor_arg(),
            out.clone().into_tensor_arg(),
        );
    }
    wrap(out)
}
