//! ssmbench's wide-tile FP32 flash attention (causal, forward only): [`super::flash_tiled`]'s
//! algorithm with twice the work per thread in the score product, in a cube that needs more
//! than the 48 KiB of static shared memory (CubeCL declares shared memory dynamically and
//! raises the kernel's limit, so up to 227 KiB per cube are available on Hopper).
//!
//! # Why
//! In [`super::flash_tiled`] a thread scores 8 queries against 2 keys: per head dimension,
//! three shared loads feed 16 FMAs. Here a thread scores 8 queries against 4 keys (three
//! 128-bit loads feed 32 FMAs), as in the `P · V` product, where it already was so.
//!
//! # Work split (head_dim 64)
//! A cube of 256 threads owns `BQ` = 128 queries of one (batch, head); keys and values come in
//! tiles of `BK` = 64. Thread `(tx, ty)` = `(tid % 16, tid / 16)` owns queries `4·ty + i` and
//! `64 + 4·ty + i` (i < 4); in the score tile, keys `4·tx .. 4·tx + 3`; in the output, head
//! dimensions `4·tx .. 4·tx + 3`. Per key tile every thread
//! 1. scores its 8 queries against its 4 keys (`Q` pre-scaled by 1/√d and `K` both d-major in
//!    shared memory, as vectors of 4 queries / 4 keys), masking the future on the two
//!    diagonal tiles only;
//! 2. updates each row's running max and normaliser, reduced over the row's 16 threads (one
//!    half-warp) with `plane_shuffle_xor`, and rescales its accumulator;
//! 3. writes `p` to shared memory (key-major, vectors of 4 queries; the vector index XOR-ed
//!    with `key / 4 mod 8`, which spreads one store's 16 threads over distinct banks and keeps
//!    the loads of step 4 broadcasts) and after a barrier
//! 4. accumulates `O[8 queries][4 dims] += P · V` over the tile's 64 keys.
//!
//! Key tiles past the block's last query are never loaded; the `len × len` scores never exist
//! in device memory; every product is an f32 FMA. Shared memory: Q 33 KiB, K 17 KiB, P 32 KiB,
//! V 16 KiB = 98 KiB per cube, two cubes per SM.

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, raw, require_32bit, wrap};
use crate::backend::CudaBackend;

type V4<F> = Vector<F, Const<4>>;

/// Queries per cube.
pub const BQ: usize = 128;
/// Keys per tile.
pub const BK: usize = 64;
/// The head dimension the kernel is written for (LLaMA's 512 / 8).
pub const HEAD_DIM: usize = 64;
const THREADS: usize = 256;
/// Vectors of 4 queries per d-row of Q (128 / 4), padded against the staging stores' conflicts.
const QLINES: usize = BQ / 4;
const QSTRIDE: usize = QLINES + 1;
/// Vectors of 4 keys per d-row of K (64 / 4), padded likewise.
const KLINES: usize = BK / 4;
const KSTRIDE: usize = KLINES + 1;
/// Vectors of 4 dims per key-row of V.
const VLINES: usize = HEAD_DIM / 4;

// The host-side stubs of CUBE_COUNT_X / CUBE_POS_X are constants that trip this lint in the
// reversed block index; on the device CUBE_POS_X < CUBE_COUNT_X always.
#[allow(arithmetic_overflow)]
#[cube(launch_unchecked)]
fn flash_wide_kernel<F: Float>(
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
    let mut k_s = SharedMemory::<V4<F>>::new(HEAD_DIM * KSTRIDE);
    let mut p_s = SharedMemory::<V4<F>>::new(BK * QLINES);
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
    let mut s = Array::<F>::new(32usize); // [8 queries][4 keys]
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
        // K tile d-major in vectors of 4 keys (lanes on consecutive dims: coalesced reads,
        // conflict-free writes); V tile key-major in vectors of 4 dims. Keys past the end are
        // zero, and masked: they lie in the future of every row.
        #[unroll]
        for p in 0..(KLINES * HEAD_DIM / THREADS) {
            let e = tid + p * THREADS;
            let line = e / HEAD_DIM;
            let d = e % HEAD_DIM;
            let mut kv = V4::<F>::empty();
            #[unroll]
            for c in 0..4usize {
                let key = k0 + line * 4 + c;
                let mut x = F::new(0.0);
                if key < len {
                    x = k[base + key * HEAD_DIM + d];
                }
                kv[c] = x;
            }
            k_s[d * KSTRIDE + line] = kv;
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

        // 1. Scores of queries (4·ty + i, 64 + 4·ty + i) against keys 4·tx + j.
        #[unroll]
        for i in 0..32usize {
            s[i] = F::new(0.0);
        }
        #[unroll]
        for d in 0..HEAD_DIM {
            let qa = q_s[d * QSTRIDE + ty];
            let qb = q_s[d * QSTRIDE + 16usize + ty];
            let kv = k_s[d * KSTRIDE + tx];
            #[unroll]
            for i in 0..4usize {
                #[unroll]
                for j in 0..4usize {
                    s[i * 4 + j] += qa[i] * kv[j];
                    s[(4 + i) * 4 + j] += qb[i] * kv[j];
                }
            }
        }
        // Only tiles reaching past the block's first query hold future keys.
        if k0 + BK > q0 + 1 {
            #[unroll]
            for r in 0..8usize {
                let row = q0 + (r / 4) * 64 + ty * 4 + r % 4;
                #[unroll]
                for j in 0..4usize {
                    if k0 + 4 * tx + j > row {
                        s[r * 4 + j] = lowest;
                    }
                }
            }
        }

        // 2. Online softmax per query row, reduced over the row's 16 threads.
        #[unroll]
        for r in 0..8usize {
            let mut mx = max(max(s[r * 4], s[r * 4 + 1]), max(s[r * 4 + 2], s[r * 4 + 3]));
            mx = max(mx, plane_shuffle_xor(mx, 1u32));
            mx = max(mx, plane_shuffle_xor(mx, 2u32));
            mx = max(mx, plane_shuffle_xor(mx, 4u32));
            mx = max(mx, plane_shuffle_xor(mx, 8u32));
            let m_new = max(m[r], mx);
            let mut sum = F::new(0.0);
            #[unroll]
            for j in 0..4usize {
                let p = F::exp(s[r * 4 + j] - m_new);
                s[r * 4 + j] = p;
                sum += p;
            }
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

        // 3. P to shared memory: key-major, vectors of 4 queries, swizzled by key / 4 mod 8.
        let swz = tx % 8usize;
        #[unroll]
        for half in 0..2usize {
            #[unroll]
            for j in 0..4usize {
                let mut vp = V4::<F>::empty();
                #[unroll]
                for i in 0..4usize {
                    vp[i] = s[(half * 4 + i) * 4 + j];
                }
                p_s[(4 * tx + j) * QLINES + ((half * 16 + ty) ^ swz)] = vp;
            }
        }
        sync_cube();

        // 4. O += P · V over the tile's keys.
        #[unroll]
        for key in 0..BK {
            let sw = (key / 4) % 8;
            let pa = p_s[key * QLINES + (ty ^ sw)];
            let pb = p_s[key * QLINES + ((16usize + ty) ^ sw)];
            let vv = v_s[key * VLINES + tx];
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
        let row = q0 + (r / 4) * 64 + ty * 4 + r % 4;
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
pub fn flash_wide(
    q: BurnTensor<CudaBackend, 4>,
    k: BurnTensor<CudaBackend, 4>,
    v: BurnTensor<CudaBackend, 4>,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, head_dim] = q.dims();
    assert_eq!(
        head_dim, HEAD_DIM,
        "the wide flash kernel is written for head_dim 64"
    );
    let (q, k, v) = (raw(q), raw(k), raw(v));
    let out = empty_like(&q, [batch, heads, len, head_dim]);
    require_32bit("flash attention", &[&q, &k, &v, &out]);
    // SAFETY: global reads are guarded by `len` (rows and keys past the end are zero, rows
    // past the end are not written); shared and register indices are bounded by construction
    // (the swizzle XORs an index below 32 with one below 8).
    unsafe {
        flash_wide_kernel::launch_unchecked::<f32, CudaRuntime>(
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
