//! RMSNorm in one kernel: `x / √(mean(x²) + ε) · weight` over the last axis.
//!
//! The tensor-op reference (`crate::model::layers::rms_norm_reference`) is seven kernels
//! (square, mean, add, sqrt, reciprocal, two products), each a full pass over the activations.
//! Here one warp owns one row (`d_model` = 512 values, 16 per lane, read once into registers,
//! lanes on consecutive columns): a `plane_sum` gives `mean(x²)` and the row is written once.
//! A cube is 8 such warps on 8 consecutive positions of one batch row, so no index is divided.
//! [`add_rms_norm`] also does the residual add before the norm (`s = x + a`, written along with
//! the normed row), which saves the add's own pass over the activations.
//!
//! (A first version gave each row a cube of 128 threads and summed the four warps' partial
//! sums through shared memory behind a barrier, with checked indexing; see `rope.rs` for what
//! the rewrite of the memory-bound kernels gained.)

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{batch_and_row_strides, empty_like, raw, require_32bit, unit_last, wrap};
use crate::backend::CudaBackend;

/// Lanes per row (one warp).
const LANES: u32 = 32;
/// Rows (positions) per cube.
const ROWS: u32 = 8;

/// Writes `v · inv_rms · weight` for the row whose squares sum to `sq` (this lane's part).
#[cube]
#[allow(clippy::too_many_arguments)]
fn write_normed<F: Float>(
    v: &Array<F>,
    sq: F,
    weight: &Array<F>,
    out: &mut Array<F>,
    out_base: usize,
    lane: usize,
    d: usize,
    eps: f32,
    #[comptime] per_lane: usize,
) {
    // Weights read before the first store: a load cannot be moved above a store to a buffer
    // that might alias it, so weights read between the stores each waited for the cache.
    let mut w = Array::<F>::new(per_lane);
    #[unroll]
    for k in 0..per_lane {
        let j = lane + k * LANES as usize;
        let mut wv = F::new(0.0);
        if j < d {
            wv = weight[j];
        }
        w[k] = wv;
    }
    let total = plane_sum(sq);
    let inv = F::new(1.0) / F::sqrt(total / F::cast_from(d) + F::cast_from(eps));
    #[unroll]
    for k in 0..per_lane {
        let j = lane + k * LANES as usize;
        if j < d {
            out[out_base + j] = v[k] * inv * w[k];
        }
    }
}

#[cube(launch_unchecked)]
fn rms_norm_kernel<F: Float>(
    x: &Array<F>, // [batch, len, d], unit stride along d, rows `x_row` apart
    weight: &Array<F>,
    out: &mut Array<F>, // [batch, len, d], dense
    len: u32,
    d: u32,
    x_batch: u32,
    x_row: u32,
    eps: f32,
    #[comptime] per_lane: usize,
) {
    let d = d as usize;
    let len = len as usize;
    let t = CUBE_POS_X as usize * ROWS as usize + UNIT_POS_Y as usize;
    if t < len {
        let b = CUBE_POS_Z as usize;
        let lane = UNIT_POS_X as usize;
        let base = b * x_batch as usize + t * x_row as usize;
        let mut v = Array::<F>::new(per_lane);
        let mut sq = F::new(0.0);
        #[unroll]
        for k in 0..per_lane {
            let j = lane + k * LANES as usize;
            let mut xv = F::new(0.0);
            if j < d {
                xv = x[base + j];
            }
            v[k] = xv;
            sq += xv * xv;
        }
        let out_base = (b * len + t) * d;
        write_normed::<F>(&v, sq, weight, out, out_base, lane, d, eps, per_lane);
    }
}

/// [`rms_norm_kernel`] on `x + a`, which it also writes (to `sum`).
#[cube(launch_unchecked)]
fn add_rms_norm_kernel<F: Float>(
    x: &Array<F>, // [batch, len, d], unit stride along d, rows `x_row` apart
    a: &Array<F>, // likewise, rows `a_row` apart
    weight: &Array<F>,
    sum: &mut Array<F>, // [batch, len, d], dense
    out: &mut Array<F>, // [batch, len, d], dense
    len: u32,
    d: u32,
    x_batch: u32,
    x_row: u32,
    a_batch: u32,
    a_row: u32,
    eps: f32,
    #[comptime] per_lane: usize,
) {
    let d = d as usize;
    let len = len as usize;
    let t = CUBE_POS_X as usize * ROWS as usize + UNIT_POS_Y as usize;
    if t < len {
        let b = CUBE_POS_Z as usize;
        let lane = UNIT_POS_X as usize;
        let xb = b * x_batch as usize + t * x_row as usize;
        let ab = b * a_batch as usize + t * a_row as usize;
        let out_base = (b * len + t) * d;
        let mut v = Array::<F>::new(per_lane);
        let mut sq = F::new(0.0);
        // Every load of the row before the first store (see `write_normed`).
        #[unroll]
        for k in 0..per_lane {
            let j = lane + k * LANES as usize;
            let mut sv = F::new(0.0);
            if j < d {
                sv = x[xb + j] + a[ab + j];
            }
            v[k] = sv;
            sq += sv * sv;
        }
        write_normed::<F>(&v, sq, weight, out, out_base, lane, d, eps, per_lane);
        #[unroll]
        for k in 0..per_lane {
            let j = lane + k * LANES as usize;
            if j < d {
                sum[out_base + j] = v[k];
            }
        }
    }
}

/// # Shapes
/// `x: [batch, len, d]`, `weight: [d]` → `[batch, len, d]`
pub fn rms_norm(
    x: BurnTensor<CudaBackend, 3>,
    weight: BurnTensor<CudaBackend, 1>,
    eps: f64,
) -> BurnTensor<CudaBackend, 3> {
    let [batch, len, d] = x.dims();
    assert!(
        d <= 4096,
        "the RMSNorm kernel holds a row in registers: d ≤ 4,096, got {d}"
    );
    let (x, weight) = (unit_last(x), raw(weight));
    let out = empty_like(&x, [batch, len, d]);
    require_32bit("RMSNorm", &[&x, &out]);
    let (x_batch, x_row) = batch_and_row_strides(&x);
    // SAFETY: positions past `len` and columns past `d` are skipped; batch < batch by the grid.
    unsafe {
        rms_norm_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            CubeCount::Static(len.div_ceil(ROWS as usize) as u32, 1, batch as u32),
            CubeDim::new_2d(LANES, ROWS),
            x.into_array_arg(),
            weight.into_array_arg(),
            out.clone().into_array_arg(),
            len as u32,
            d as u32,
            x_batch,
            x_row,
            eps as f32,
            d.div_ceil(LANES as usize),
        );
    }
    wrap(out)
}

/// `s = x + a` and RMSNorm of `s`, in one pass (a residual add and the norm after it).
///
/// # Shapes
/// `x, a: [batch, len, d]`, `weight: [d]` → (`s`, `rms_norm(s)`), both `[batch, len, d]`
pub fn add_rms_norm(
    x: BurnTensor<CudaBackend, 3>,
    a: BurnTensor<CudaBackend, 3>,
    weight: BurnTensor<CudaBackend, 1>,
    eps: f64,
) -> (BurnTensor<CudaBackend, 3>, BurnTensor<CudaBackend, 3>) {
    let [batch, len, d] = x.dims();
    assert_eq!(
        a.dims(),
        [batch, len, d],
        "residual add of mismatched shapes"
    );
    assert!(
        d <= 4096,
        "the RMSNorm kernel holds a row in registers: d ≤ 4,096, got {d}"
    );
    let (x, a, weight) = (unit_last(x), unit_last(a), raw(weight));
    let sum = empty_like(&x, [batch, len, d]);
    let out = empty_like(&x, [batch, len, d]);
    require_32bit("RMSNorm", &[&x, &a, &sum, &out]);
    let (x_batch, x_row) = batch_and_row_strides(&x);
    let (a_batch, a_row) = batch_and_row_strides(&a);
    // SAFETY: as for `rms_norm`; `sum` and `out` are dense and shaped like `x`.
    unsafe {
        add_rms_norm_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            CubeCount::Static(len.div_ceil(ROWS as usize) as u32, 1, batch as u32),
            CubeDim::new_2d(LANES, ROWS),
            x.into_array_arg(),
            a.into_array_arg(),
            weight.into_array_arg(),
            sum.clone().into_array_arg(),
            out.clone().into_array_arg(),
            len as u32,
            d as u32,
            x_batch,
            x_row,
            a_batch,
            a_row,
            eps as f32,
            d.div_ceil(LANES as usize),
        );
    }
    (wrap(sum), wrap(out))
}
