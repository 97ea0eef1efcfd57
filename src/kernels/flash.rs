//! ssmbench's own FP32 flash attention (Dao et al., 2022), causal, forward only.
//!
//! # Work split
//! A cube of `BQ` threads owns `BQ` consecutive queries of one (batch, head); each thread owns
//! one query row: q and the output accumulator live in registers. Key/value tiles of `BK` rows
//! are staged in shared memory by the whole cube, then every thread
//! 1. scores its query against the tile (`s_j = q·k_j / √d`, causal positions masked),
//! 2. updates its running max `m` and normaliser `l` (online softmax) and rescales the
//!    accumulator once per tile,
//! 3. accumulates `Σ_j p_j v_j`.
//!
//! Tiles past the block's last query are never loaded (causality halves the work), and the
//! `len × len` score matrix never exists in device memory: scores live in registers for one
//! tile at a time. Every product is an f32 FMA (no tensor cores, so no TF32).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, raw, require_32bit, wrap};
use crate::backend::CudaBackend;

/// Queries per cube (one per thread).
pub const BQ: usize = 64;
/// Keys per shared-memory tile.
pub const BK: usize = 32;

#[cube(launch)]
fn flash_causal_kernel<F: Float>(
    q: &Tensor<F>, // [batch, heads, len, head_dim]
    k: &Tensor<F>,
    v: &Tensor<F>,
    out: &mut Tensor<F>,
    scale: f32,
    #[comptime] head_dim: usize,
    #[comptime] bq: usize,
    #[comptime] bk: usize,
) {
    let scale = F::cast_from(scale);
    let len = q.shape(2);
    let heads = q.shape(1);
    let tid = UNIT_POS_X as usize;
    let q_block = CUBE_POS_X as usize;
    let head = CUBE_POS_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let base = (batch * heads + head) * len * head_dim;
    let row = q_block * bq + tid;
    let valid = row < len;

    let mut qr = Array::<F>::new(head_dim);
    let mut acc = Array::<F>::new(head_dim);
    let mut s = Array::<F>::new(bk);
    #[unroll]
    for d in 0..head_dim {
        acc[d] = F::new(0.0);
        qr[d] = F::new(0.0);
    }
    if valid {
        #[unroll]
        for d in 0..head_dim {
            qr[d] = q[base + row * head_dim + d] * scale;
        }
    }
    let mut m = F::new(-1.0e30);
    let mut l = F::new(0.0);

    let mut ks = SharedMemory::<F>::new(bk * head_dim);
    let mut vs = SharedMemory::<F>::new(bk * head_dim);

    // The block's last query decides how many key tiles it needs (causal).
    let mut last = q_block * bq + bq;
    if last > len {
        last = len;
    }
    let tiles = last.div_ceil(bk);
    for t in 0..tiles {
        let k0 = t * bk;
        // Cooperative, coalesced load of the K and V tiles (rows past the end read as zero).
        let mut i = tid;
        while i < bk * head_dim {
            let key = k0 + i / head_dim;
            if key < len {
                ks[i] = k[base + k0 * head_dim + i];
                vs[i] = v[base + k0 * head_dim + i];
            } else {
                ks[i] = F::new(0.0);
                vs[i] = F::new(0.0);
            }
            i += bq;
        }
        sync_cube();

        let mut tile_max = F::new(-1.0e30);
        #[unroll]
        for j in 0..bk {
            let mut dot = F::new(0.0);
            #[unroll]
            for d in 0..head_dim {
                dot += qr[d] * ks[j * head_dim + d];
            }
            // Future keys (and keys past the end) do not exist for this query.
            if k0 + j > row {
                dot = F::new(-1.0e30);
            }
            s[j] = dot;
            tile_max = max(tile_max, dot);
        }
        let m_new = max(m, tile_max);
        let correction = F::exp(m - m_new);
        l *= correction;
        #[unroll]
        for d in 0..head_dim {
            acc[d] *= correction;
        }
        #[unroll]
        for j in 0..bk {
            let mut p = F::exp(s[j] - m_new);
            if k0 + j > row {
                p = F::new(0.0);
            }
            l += p;
            #[unroll]
            for d in 0..head_dim {
                acc[d] += p * vs[j * head_dim + d];
            }
        }
        m = m_new;
        sync_cube();
    }
    if valid {
        let inv = F::new(1.0) / l;
        #[unroll]
        for d in 0..head_dim {
            out[base + row * head_dim + d] = acc[d] * inv;
        }
    }
}

/// # Shapes
/// `q, k, v: [batch, heads, len, head_dim]` (head_dim 64 or 32) → `[batch, heads, len, head_dim]`
pub fn flash_causal(
    q: BurnTensor<CudaBackend, 4>,
    k: BurnTensor<CudaBackend, 4>,
    v: BurnTensor<CudaBackend, 4>,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, head_dim] = q.dims();
    let (q, k, v) = (raw(q), raw(k), raw(v));
    let out = empty_like(&q, [batch, heads, len, head_dim]);
    require_32bit("flash attention", &[&q, &k, &v, &out]);
    flash_causal_kernel::launch::<f32, CudaRuntime>(
        &out.client,
        CubeCount::Static(len.div_ceil(BQ) as u32, heads as u32, batch as u32),
        CubeDim::new_1d(BQ as u32),
        q.into_tensor_arg(),
        k.into_tensor_arg(),
        v.into_tensor_arg(),
        out.clone().into_tensor_arg(),
        1.0 / (head_dim as f32).sqrt(),
        head_dim,
        BQ,
        BK,
    );
    wrap(out)
}
