//! ssmbench's register-tiled FP32 flash attention (causal, forward only): the default fused
//! attention since it replaced [`super::flash`] (one query per thread), which stays as a
//! comparison in `selftest`.
//!
//! # Why
//! In [`super::flash`] every FMA of `q·k` and `p·v` needs its own shared-memory load (the
//! key/value element, broadcast to the warp): half the issue slots go to loads. Here both
//! products are tiled like [`super::matmul_vec4`], so each shared load feeds 4–8 FMAs.
//!
//! # Work split (head_dim 64)
//! A cube of 128 threads owns `BQ` = 64 queries of one (batch, head); `Q` (pre-scaled by
//! 1/√d) sits in shared memory for the whole kernel, stored d-major as vectors of 4 queries.
//! Thread `(tx, ty)` = `(tid % 16, tid / 16)` owns queries `4·ty + i` and `32 + 4·ty + i`
//! (i < 4), and for the output the head dimensions `4·tx .. 4·tx + 3`. Keys and values come
//! in tiles of `BK` = 32; per tile every thread
//! 1. scores its 8 queries against keys `2·tx` and `2·tx + 1` (a 64 × 32 tile of `S` over
//!    the cube; per head dimension two 4-query vectors and one key pair from shared memory
//!    feed 16 FMAs), masking future keys on the diagonal tiles only;
//! 2. updates each query's running max and normaliser (online softmax): the row's max and
//!    sum are reduced over the 16 threads sharing the row (`plane_shuffle_xor` within a
//!    half-warp), and the accumulator is rescaled;
//! 3. writes its `p` values to shared memory (key-major, vectors of 4 queries), and after a
//!    barrier accumulates `O[8 queries][4 dims] += P · V` over the tile's 32 keys.
//!
//! Key tiles past the block's last query are never loaded, so causality halves the work;
//! the `len × len` scores never exist in device memory. Every product is an f32 FMA.
//! Shared memory: 17 + 8.5 + 8.7 + 8 KiB (Q, K, P, V), under the 48 KiB of static shared
//! memory a CUDA kernel may declare.

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, raw, require_32bit, wrap};
use crate::backend::CudaBackend;

type V4<F> = Vector<F, Const<4>>;
type V2<F> = Vector<F, Const<2>>;

/// Queries per cube.
pub const BQ: usize = 64;
/// Keys per tile.
pub const BK: usize = 32;
/// The head dimension the kernel is written for (LLaMA's 512 / 8); other sizes fall back to
/// [`super::flash`].
pub const HEAD_DIM: usize = 64;
const THREADS: usize = 128;
/// Vector lines of 4 queries per d-row of Q and per key-row of P (64 / 4), padded.
const QLINES: usize = BQ / 4;
const QSTRIDE: usize = QLINES + 1;
/// Pairs of keys per d-row of K (32 / 2), padded.
const KPAIRS: usize = BK / 2;
const KSTRIDE: usize = KPAIRS + 1;
/// Vector lines of 4 dims per key-row of V.
const VLINES: usize = HEAD_DIM / 4;

// The host-side stubs of CUBE_COUNT_X / CUBE_POS_X are constants that trip this lint in the
// reversed block index; on the device CUBE_POS_X < CUBE_COUNT_X always.
#[allow(arithmetic_overflow)]
#[cube(launch_unchecked)]
fn flash_tiled_kernel<F: Float>(
    q: &Tensor<F>, // [batch, heads, len, 64], contiguous
    k: &Tensor<F>,
    v: &Tensor<F>,
    out: &mut Tensor<F>,
    scale: f32,
) {
    let len = q.shape(2);
    let heads = q.shape(1);
    let tid = UNIT_POS_X as usize;
    let tx = tid % 16usize;
    let ty = tid / 16usize;
    // Heaviest blocks (most key tiles) first, so the last wave is made of light ones.
    let blocks = CUBE_COUNT_X as usize;
    let q_block = blocks - (CUBE_POS_X as usize + 1);
    let head = CUBE_POS_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let base = (batch * heads + head) * len * HEAD_DIM;
    let q0 = q_block * BQ;
    let scale = F::cast_from(scale);
    let lowest = F::new(-1.0e30);

    let mut q_s = SharedMemory::<V4<F>>::new(HEAD_DIM * QSTRIDE);
    let mut k_s = SharedMemory::<V2<F>>::new(HEAD_DIM * KSTRIDE);
    let mut p_s = SharedMemory::<V4<F>>::new(BK * QSTRIDE);
    let mut v_s = SharedMemory::<V4<F>>::new(BK * VLINES);

    // Q, scaled, d-major: line `e / 64` (4 queries), dim `e % 64` (lanes on consecutive dims).
    #[unroll]
    for p in 0..(HEAD_DIM * QLINES / THREADS) {
        let e = tid + p * THREADS;
        let line = e / HEAD_DIM;
        let d = e % HEAD_DIM;
        let mut vq = V4::<F>::empty();
        #[unroll]
        for c in 0..4usize {
            let row = q0 + line * 4 + c;
            let mut x = F::new(0.0);
            if row < len {
                x = q[base + row * HEAD_DIM + d] * scale;
            }
            vq[c] = x;
        }
        q_s[d * QSTRIDE + line] = vq;
    }

    let mut acc = Array::<F>::new(32usize); // [8 queries][4 dims]
    let mut m = Array::<F>::new(8usize);
    let mut l = Array::<F>::new(8usize);
    let mut s = Array::<F>::new(16usize); // [8 queries][2 keys]
    #[unroll]
    for i in 0..32usize {
        acc[i] = F::new(0.0);
    }
    #[unroll]
    for r in 0..8usize {
        m[r] = lowest;
        l[r] = F::new(0.0);
    }

    let mut last = q0 + BQ;
    if last > len {
        last = len;
    }
    let tiles = last.div_ceil(BK);
    for t in 0..tiles {
        let k0 = t * BK;
        // K tile d-major in pairs of keys (lanes on consecutive dims: coalesced reads,
        // conflict-free writes); V tile key-major in vectors of 4 dims. Keys past the end are
        // zero.
        #[unroll]
        for p in 0..(KPAIRS * HEAD_DIM / THREADS) {
            let e = tid + p * THREADS;
            let pair = e / HEAD_DIM;
            let d = e % HEAD_DIM;
            let mut kv = V2::<F>::empty();
            #[unroll]
            for c in 0..2usize {
                let key = k0 + pair * 2 + c;
                let mut x = F::new(0.0);
                if key < len {
                    x = k[base + key * HEAD_DIM + d];
                }
                kv[c] = x;
            }
            k_s[d * KSTRIDE + pair] = kv;
        }
        #[unroll]
        for p in 0..(BK * VLINES / THREADS) {
            let e = tid + p * THREADS;
            let key = e / VLINES;
            let line = e % VLINES;
            let mut vv = V4::<F>::empty();
            #[unroll]
            for c in 0..4usize {
                let mut x = F::new(0.0);
                if k0 + key < len {
                    x = v[base + (k0 + key) * HEAD_DIM + line * 4 + c];
                }
                vv[c] = x;
            }
            v_s[key * VLINES + line] = vv;
        }
        sync_cube();

        // 1. Scores of queries (4·ty + i, 32 + 4·ty + i) against keys (2·tx, 2·tx + 1).
        #[unroll]
        for i in 0..16usize {
            s[i] = F::new(0.0);
        }
        #[unroll]
        for d in 0..HEAD_DIM {
            let qa = q_s[d * QSTRIDE + ty];
            let qb = q_s[d * QSTRIDE + 8usize + ty];
            let kp = k_s[d * KSTRIDE + tx];
            let ka = kp[0usize];
            let kb = kp[1usize];
            #[unroll]
            for i in 0..4usize {
                s[i * 2] += qa[i] * ka;
                s[i * 2 + 1] += qa[i] * kb;
                s[(4 + i) * 2] += qb[i] * ka;
                s[(4 + i) * 2 + 1] += qb[i] * kb;
            }
        }
        // Only tiles reaching past the block's first query hold future keys.
        if k0 + BK > q0 + 1 {
            #[unroll]
            for r in 0..8usize {
                let row = q0 + (r / 4) * 32 + ty * 4 + r % 4;
                if k0 + 2 * tx > row {
                    s[r * 2] = lowest;
                }
                if k0 + 2 * tx + 1 > row {
                    s[r * 2 + 1] = lowest;
                }
            }
        }

        // 2. Online softmax per query row, reduced over the row's 16 threads.
        #[unroll]
        for r in 0..8usize {
            let mut mx = max(s[r * 2], s[r * 2 + 1]);
            mx = max(mx, plane_shuffle_xor(mx, 1u32));
            mx = max(mx, plane_shuffle_xor(mx, 2u32));
            mx = max(mx, plane_shuffle_xor(mx, 4u32));
            mx = max(mx, plane_shuffle_xor(mx, 8u32));
            let m_new = max(m[r], mx);
            let pa = F::exp(s[r * 2] - m_new);
            let pb = F::exp(s[r * 2 + 1] - m_new);
            s[r * 2] = pa;
            s[r * 2 + 1] = pb;
            let mut sum = pa + pb;
            sum += plane_shuffle_xor(sum, 1u32);
            sum += plane_shuffle_xor(sum, 2u32);
            sum += plane_shuffle_xor(sum, 4u32);
            sum += plane_shuffle_xor(sum, 8u32);
            let corr = F::exp(m[r] - m_new);
            l[r] = l[r] * corr + sum;
            m[r] = m_new;
            #[unroll]
            for c in 0..4usize {
                acc[r * 4 + c] *= corr;
            }
        }

        // 3. P to shared memory (key-major, vectors of 4 queries), then O += P · V.
        #[unroll]
        for half in 0..2usize {
            #[unroll]
            for kk in 0..2usize {
                let mut vp = V4::<F>::empty();
                #[unroll]
                for i in 0..4usize {
                    vp[i] = s[(half * 4 + i) * 2 + kk];
                }
                p_s[(2 * tx + kk) * QSTRIDE + half * 8 + ty] = vp;
            }
        }
        sync_cube();
        #[unroll]
        for j in 0..BK {
            let pa = p_s[j * QSTRIDE + ty];
            let pb = p_s[j * QSTRIDE + 8usize + ty];
            let vv = v_s[j * VLINES + tx];
            #[unroll]
            for i in 0..4usize {
                #[unroll]
                for c in 0..4usize {
                    acc[i * 4 + c] += pa[i] * vv[c];
                    acc[(4 + i) * 4 + c] += pb[i] * vv[c];
                }
            }
        }
        sync_cube();
    }

    #[unroll]
    for r in 0..8usize {
        let row = q0 + (r / 4) * 32 + ty * 4 + r % 4;
        if row < len {
            let inv = F::new(1.0) / l[r];
            #[unroll]
            for c in 0..4usize {
                out[base + row * HEAD_DIM + tx * 4 + c] = acc[r * 4 + c] * inv;
            }
        }
    }
}

/// # Shapes
/// `q, k, v: [batch, heads, len, 64]` → `[batch, heads, len, 64]`
pub fn flash_tiled(
    q: BurnTensor<CudaBackend, 4>,
    k: BurnTensor<CudaBackend, 4>,
    v: BurnTensor<CudaBackend, 4>,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, head_dim] = q.dims();
    assert_eq!(
        head_dim, HEAD_DIM,
        "the tiled flash kernel is written for head_dim 64"
    );
    let (q, k, v) = (raw(q), raw(k), raw(v));
    let out = empty_like(&q, [batch, heads, len, head_dim]);
    require_32bit("flash attention", &[&q, &k, &v, &out]);
    // SAFETY: global reads are guarded by `len` (rows and keys past the end are zero, rows
    // past the end are not written); shared and register indices are bounded by construction.
    unsafe {
        flash_tiled_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            CubeCount::Static(len.div_ceil(BQ) as u32, heads as u32, batch as u32),
            CubeDim::new_1d(THREADS as u32),
            q.into_tensor_arg(),
            k.into_tensor_arg(),
            v.into_tensor_arg(),
            out.clone().into_tensor_arg(),
            1.0 / (head_dim as f32).sqrt(),
        );
    }
    wrap(out)
}
