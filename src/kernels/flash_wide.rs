//! ssmbench's FP32 flash attention (causal, forward only), in a cube that needs more than the
//! 48 KiB of static shared memory (CubeCL declares shared memory dynamically and raises the
//! kernel's limit, so up to 227 KiB per cube are available on Hopper).
//!
//! # History
//! Its predecessor (`flash_tiled`, removed) scored 8 queries against 2 keys per thread: per
//! head dimension, three shared loads fed 16 FMAs. Here a thread scores 8 queries against 4
//! keys (three 128-bit loads feed 32 FMAs), as in the `P · V` product: 9.19 against 10.09 ms at
//! 16,384 tokens × 8 heads on the H200. Requesting the next key tile before this tile's
//! `P · V` ([`FlashKind::WidePrefetch`](super::attention::FlashKind)) saves another 7–18 %
//! there (three H200 sessions); the book's self-check table has the committed run's times.
//! Its softmax evaluates `exp` as CUDA's `__expf` (`fast_math`, as the scan kernels do): 40
//! exponentials per thread and key tile; the kernel profile's time per layer at 8,192 tokens
//! went from ≈ 2.50 to 2.42 ms (two H200 sessions), with the self-check's error unchanged.
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
//! q, k and v are read through their strides (v is a slice of the fused q/k/v product, which
//! would otherwise be copied out), and the output is written `[batch, len, heads, 64]`, the
//! layout o_proj reads, so no copy follows either.
//!
//! Key tiles past the block's last query are never loaded; the `len × len` scores never exist
//! in device memory; every product is an f32 FMA. Shared memory: Q 33 KiB, K 17 KiB, P 32 KiB,
//! V 16 KiB = 98 KiB per cube, room for two per SM; but a thread holds 174 registers (read
//! off the device from `SSMBENCH_KERNEL_LOG`), so one cube of 256 threads runs per SM. Forcing
//! two (512-thread cubes of two independent halves, which caps the compiler at 128 registers)
//! gave the same time at 16,384 tokens and lost at 8,192 (half as many cubes); a second V
//! buffer to drop one of the three barriers per tile was slower (9.7 against 8.6 ms at 16,384).

use burn::tensor::Tensor as BurnTensor;
use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{empty_like, require_32bit, unit_last, wrap};
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

/// Vectors of K (and of V) one thread loads per key tile: 16 × 64 / 256.
const KV_PER_THREAD: usize = KLINES * HEAD_DIM / THREADS;

/// Loads this thread's share of the key tile at `k0` into registers: K as vectors of 4 keys at
/// one dim (lanes on consecutive dims: coalesced reads, conflict-free writes), V as vectors of
/// 4 dims of one key. Keys past the end are zero, and masked: they lie in the future of every
/// row.
#[cube]
#[allow(clippy::too_many_arguments)]
fn fetch_kv<F: Float>(
    k: &Tensor<F>,
    v: &Tensor<F>,
    k_regs: &mut Array<V4<F>>,
    v_regs: &mut Array<V4<F>>,
    k_base: usize,
    v_base: usize,
    k0: usize,
    len: usize,
    tid: usize,
) {
    #[unroll]
    for p in 0..KV_PER_THREAD {
        let e = tid + p * THREADS;
        let line = e / HEAD_DIM;
        let d = e % HEAD_DIM;
        let mut kv = V4::<F>::empty();
        #[unroll]
        for c in 0..4usize {
            let key = k0 + line * 4 + c;
            let mut x = F::new(0.0);
            if key < len {
                x = k[k_base + key * k.stride(2) + d];
            }
            kv[c] = x;
        }
        k_regs[p] = kv;
    }
    #[unroll]
    for p in 0..KV_PER_THREAD {
        let e = tid + p * THREADS;
        let key = e / VLINES;
        let line = e % VLINES;
        let mut vv = V4::<F>::empty();
        #[unroll]
        for c in 0..4usize {
            let mut x = F::new(0.0);
            if k0 + key < len {
                x = v[v_base + (k0 + key) * v.stride(2) + line * 4 + c];
            }
            vv[c] = x;
        }
        v_regs[p] = vv;
    }
}

/// Writes [`fetch_kv`]'s registers to shared memory: K d-major, V key-major.
#[cube]
fn stage_kv<F: Float>(
    k_regs: &Array<V4<F>>,
    v_regs: &Array<V4<F>>,
    k_s: &mut SharedMemory<V4<F>>,
    v_s: &mut SharedMemory<V4<F>>,
    tid: usize,
) {
    #[unroll]
    for p in 0..KV_PER_THREAD {
        let e = tid + p * THREADS;
        k_s[(e % HEAD_DIM) * KSTRIDE + e / HEAD_DIM] = k_regs[p];
        v_s[e] = v_regs[p];
    }
}

// The host-side stubs of CUBE_COUNT_X / CUBE_POS_X are constants that trip this lint in the
// reversed block index; on the device CUBE_POS_X < CUBE_COUNT_X always.
#[allow(arithmetic_overflow)]
#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
fn flash_wide_kernel<F: Float>(
    q: &Tensor<F>, // [batch, heads, len, 64], unit stride along the head dimension
    k: &Tensor<F>,
    v: &Tensor<F>,
    out: &mut Tensor<F>, // [batch, len, heads, 64]
    scale: f32,
    #[comptime] prefetch: bool,
) {
    let len = q.shape(2);
    let tid = UNIT_POS_X as usize;
    let tx = tid % 16usize;
    let ty = tid / 16usize;
    // Heaviest blocks (most key tiles) first, so the last wave is made of light ones.
    let blocks = CUBE_COUNT_X as usize;
    let q_block = blocks - (CUBE_POS_X as usize + 1);
    let head = CUBE_POS_Y as usize;
    let batch = CUBE_POS_Z as usize;
    // q, k, v may be views (v is a slice of the fused q/k/v product): their own strides, unit
    // along the head dimension. `out` is `[batch, len, heads, 64]`, the layout o_proj reads.
    let q_base = batch * q.stride(0) + head * q.stride(1);
    let k_base = batch * k.stride(0) + head * k.stride(1);
    let v_base = batch * v.stride(0) + head * v.stride(1);
    let o_base = batch * out.stride(0) + head * out.stride(2);
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
                x = q[q_base + row * q.stride(2) + d] * scale;
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
    let mut k_regs = Array::<V4<F>>::new(KV_PER_THREAD);
    let mut v_regs = Array::<V4<F>>::new(KV_PER_THREAD);
    if prefetch {
        fetch_kv::<F>(
            k,
            v,
            &mut k_regs,
            &mut v_regs,
            k_base,
            v_base,
            0usize,
            len,
            tid,
        );
    }
    for t in 0..tiles {
        let k0 = t * BK;
        if !prefetch {
            fetch_kv::<F>(k, v, &mut k_regs, &mut v_regs, k_base, v_base, k0, len, tid);
        }
        stage_kv::<F>(&k_regs, &v_regs, &mut k_s, &mut v_s, tid);
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
        // With `prefetch`, the next tile's K and V are requested now and arrive while this
        // tile's P · V runs; they are staged after the barrier that ends it.
        if prefetch && t + 1 < tiles {
            fetch_kv::<F>(
                k,
                v,
                &mut k_regs,
                &mut v_regs,
                k_base,
                v_base,
                k0 + BK,
                len,
                tid,
            );
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
                out[o_base + row * out.stride(1) + tx * 4 + c] = acc[r * 4 + c] * inv;
            }
        }
    }
}

/// # Shapes
/// `q, k, v: [batch, heads, len, 64]` → `[batch, heads, len, 64]`
///
/// `prefetch`: request the next key tile's K and V before this tile's `P · V` (held in 32 more
/// registers per thread) instead of at the top of the next tile, so their latency is hidden
/// behind the product rather than waited for at a barrier.
pub fn flash_wide(
    q: BurnTensor<CudaBackend, 4>,
    k: BurnTensor<CudaBackend, 4>,
    v: BurnTensor<CudaBackend, 4>,
    prefetch: bool,
) -> BurnTensor<CudaBackend, 4> {
    let [batch, heads, len, head_dim] = q.dims();
    assert_eq!(
        head_dim, HEAD_DIM,
        "the wide flash kernel is written for head_dim 64"
    );
    let (q, k, v) = (unit_last(q), unit_last(k), unit_last(v));
    let out = empty_like(&q, [batch, len, heads, head_dim]);
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
            prefetch,
        );
    }
    // Seen as `[batch, heads, len, 64]`; the caller's swap back to `[batch, len, heads · 64]`
    // for o_proj is then free.
    wrap::<4>(out).swap_dims(1, 2)
}
