//! The materialised attention's softmax in one kernel: scale, causal mask and softmax over each
//! row of the `[batch, heads, len, len]` scores, written as probabilities.
//!
//! The tensor-op reference (`crate::model::llama::causal_softmax_reference`) takes five or so
//! full passes over the `len²` scores (scale, mask fill, max, exp, sum, divide); at N = 8,192
//! that is 2 GiB per pass and per layer. Here one cube of [`THREADS`] threads owns one row
//! (one query position `i`):
//! 1. every thread walks its strided share of keys `0..=i` keeping a running max `m` and
//!    normaliser `l = Σ exp(s − m)` (the online softmax of the flash kernel);
//! 2. the cube combines the threads' `(m, l)`: within each warp by `plane_max`/`plane_sum`,
//!    then across the warps through shared memory;
//! 3. every thread writes `exp(s − m) / l` for its keys `≤ i` and 0 for the future ones,
//!    whose scores are never read.
//!
//! So the scores' lower triangle is read twice and the probabilities written once. Like the
//! tensor ops, it evaluates `exp` with CUDA's accurate `expf`.

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{address_type, empty_like, unit_last, wrap};
use crate::backend::CudaBackend;

/// Threads per row (8 warps).
const THREADS: usize = 256;
const WARPS: usize = THREADS / 32;

#[cube(launch, address_type = "dynamic")]
fn causal_softmax_kernel<F: Float>(
    scores: &Tensor<F>, // [batch, heads, len, len], unit stride along keys
    out: &mut Tensor<F>,
    scale: f32,
) {
    let len = scores.shape(3);
    let heads = scores.shape(1);
    let row = CUBE_POS_X as usize;
    let query = row % len;
    let head = (row / len) % heads;
    let batch = row / len / heads;
    // Rows may be pitched (CubeCL pads a row's stride to an alignment): strides, not `len`.
    let base = batch * scores.stride(0) + head * scores.stride(1) + query * scores.stride(2);
    let out_base = batch * out.stride(0) + head * out.stride(1) + query * out.stride(2);
    let tid = UNIT_POS_X as usize;
    let scale = F::cast_from(scale);
    let lowest = F::new(-1.0e30);

    // 1. This thread's running max and normaliser over its keys.
    let mut m = lowest;
    let mut l = F::new(0.0);
    let mut j = tid;
    while j <= query {
        let s = scores[base + j] * scale;
        if s > m {
            l = l * F::exp(m - s) + F::new(1.0);
            m = s;
        } else {
            l += F::exp(s - m);
        }
        j += THREADS;
    }

    // 2. Combine: the warp, then the warps. An empty thread has (lowest, 0) and adds nothing.
    let warp_m = plane_max(m);
    let warp_l = plane_sum(l * F::exp(m - warp_m));
    let mut shared_m = SharedMemory::<F>::new(WARPS);
    let mut shared_l = SharedMemory::<F>::new(WARPS);
    if UNIT_POS_PLANE == 0 {
        shared_m[tid / 32] = warp_m;
        shared_l[tid / 32] = warp_l;
    }
    sync_cube();
    let mut row_m = lowest;
    #[unroll]
    for w in 0..WARPS {
        row_m = max(row_m, shared_m[w]);
    }
    let mut row_l = F::new(0.0);
    #[unroll]
    for w in 0..WARPS {
        row_l += shared_l[w] * F::exp(shared_m[w] - row_m);
    }
    let inv = F::new(1.0) / row_l;

    // 3. Probabilities; the future is exactly zero.
    let mut j = tid;
    while j < len {
        let mut p = F::new(0.0);
        if j <= query {
            p = F::exp(scores[base + j] * scale - row_m) * inv;
        }
        out[out_base + j] = p;
        j += THREADS;
    }
}

/// # Shapes
/// `scores: [batch, heads, len, len] → [batch, heads, len, len]`
pub fn causal_softmax(
    scores: BurnTensor<CudaBackend, 4>,
    scale: f64,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, len2] = scores.dims();
    assert_eq!(
        len, len2,
        "causal softmax needs square scores, got {len}×{len2}"
    );
    let scores = unit_last(scores);
    let out = empty_like(&scores, [batch, heads, len, len]);
    let rows = (batch * heads * len) as u32;
    // From N = 32,768 with 8 heads the scores exceed u32::MAX elements: 64-bit offsets.
    let address = address_type(&[&scores, &out]);
    causal_softmax_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static(rows, 1, 1),
        CubeDim::new_1d(THREADS as u32),
        address,
        scores.into_tensor_arg(),
        out.clone().into_tensor_arg(),
        scale as f32,
    );
    wrap(out)
}
