//! Fills a device buffer with one value: the matmul tuner's poison (NaN) under each candidate.

use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{Cube, address_type};

/// Writes `value` into every element of `t`'s buffer; grid-stride, so any length fits the
/// fixed grid, and 64-bit indices where the buffer needs them.
#[cube(launch, address_type = "dynamic")]
fn fill_kernel<F: Float>(t: &mut Tensor<F>, value: f32) {
    let stride = CUBE_COUNT_X as usize * CUBE_DIM_X as usize;
    let mut i = ABSOLUTE_POS_X as usize;
    while i < t.len() {
        t[i] = F::cast_from(value);
        i += stride;
    }
}

/// Sets every element of `t` (padding included) to `value`.
pub(crate) fn fill(t: &Cube, value: f32) {
    fill_kernel::launch::<f32, CudaRuntime>(
        &t.client,
        CubeCount::Static(4096, 1, 1),
        CubeDim::new_1d(256),
        address_type(&[t]),
        t.clone().into_tensor_arg(),
        value,
    );
}
