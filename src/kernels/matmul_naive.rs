//! The obviously-correct FP32 matrix product: one thread per output element, a plain loop over
//! the shared dimension, any strides, broadcast batch axes.
//!
//! It is slow and never timed. It exists as the on-device referee of [`super::matmul`]'s
//! tuner: every candidate kernel is checked against it on the very problem it is tuned for,
//! and a candidate that disagrees is never chosen, so a tiling kernel that mishandles some
//! shape's edge tiles cannot slip into a result (`ssmbench selftest` reports the rejections).

use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::Cube;

#[cube(launch)]
fn naive_matmul_kernel<F: Float>(lhs: &Tensor<F>, rhs: &Tensor<F>, out: &mut Tensor<F>) {
    let idx = ABSOLUTE_POS;
    if idx < out.len() {
        let rank = out.rank();
        let m = out.shape(rank - 2);
        let n = out.shape(rank - 1);
        let k = lhs.shape(rank - 1);
        let j = idx % n;
        let i = (idx / n) % m;
        // Batch coordinates, innermost batch axis first; size-1 operand axes broadcast.
        let mut rest = idx / (m * n);
        let mut off_l = 0usize;
        let mut off_r = 0usize;
        for t in 0..rank - 2 {
            let d = rank - 3 - t;
            let size = out.shape(d);
            let c = rest % size;
            rest /= size;
            if lhs.shape(d) != 1 {
                off_l += c * lhs.stride(d);
            }
            if rhs.shape(d) != 1 {
                off_r += c * rhs.stride(d);
            }
        }
        let ls = lhs.stride(rank - 1);
        let rs = rhs.stride(rank - 2);
        let mut sum = F::new(0.0);
        let mut l = off_l + i * lhs.stride(rank - 2);
        let mut r = off_r + j * rhs.stride(rank - 1);
        for _ in 0..k {
            sum += lhs[l] * rhs[r];
            l += ls;
            r += rs;
        }
        out[idx] = sum;
    }
}

/// Writes `lhs · rhs` into `out` (contiguous, shaped as the product).
pub(crate) fn naive_matmul(lhs: &Cube, rhs: &Cube, out: &Cube) {
    const THREADS: u32 = 256;
    let total: usize = out.meta.shape().iter().product();
    let cubes = total.div_ceil(THREADS as usize) as u32;
    naive_matmul_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static(cubes.max(1), 1, 1),
        CubeDim::new_1d(THREADS),
        lhs.clone().into_tensor_arg(),
        rhs.clone().into_tensor_arg(),
        out.clone().into_tensor_arg(),
    );
}
