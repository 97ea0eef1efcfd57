//! ssmbench's second register-tiled FP32 matrix product: the work split of
//! [`super::matmul_tiled`] (128 × 128 output tile per cube of 256 threads, 8 × 8 per thread,
//! k in slices of 16, next slice fetched while this one is used), but with the staged slices
//! read from shared memory four words at a time.
//!
//! # Why a second kernel
//! In [`super::matmul_tiled`] each step over k costs 16 scalar shared-memory loads for 64
//! FMAs; the loads take issue slots from the FMAs. Here a thread's 8 rows are two runs of 4
//! consecutive rows (`4·ty + i` and `64 + 4·ty + i`) and likewise its 8 columns, so a step
//! is four 128-bit loads (`Vector<f32, 4>`) for the same 64 FMAs.
//!
//! # Tried around it, and not kept
//! On the LM head's product (`[8192, 512] · [512, 32000]ᵀ`, both operands contiguous along
//! k) this kernel takes 127 registers per thread (NVRTC and the driver, on the H200): two
//! cubes share an SM. Variants timed on every model product at N = 8,192, all slower or
//! level on the products the models run: 512-thread cubes with a 256 × 128 or 128 × 256 tile
//! (capped at 128 registers by their launch bound; head 7.71 / 7.85 ms against 6.55),
//! two shared buffers per operand with one barrier per step (7.96; with the buffer chosen at
//! run time, unlike the interior products' below), and k-slices of 8
//! instead of 16 (125 registers; head 6.62–6.67 ms, and far slower on narrow products in one
//! of two builds), and row tiles first in the grid, so that cubes running together share a
//! weight tile (6.545 ms against 6.551: the order in which the weight is streamed is not
//! what limits it). cuBLAS, timed on the same GPU (`peers/gemm_bench.py`), takes 5.63 ms.
//!
//! # Against cuBLAS, under Nsight Compute
//! `ncu --clock-control none` on the H200 (driver 580.159.04), LM head at N = 8,192, this
//! kernel against the one cuBLAS runs for it with TF32 off
//! (`sm80_xmma_gemm_f32f32_f32f32_f32_tn_n_tilesize128x128x8_stage3_warpsize2x2x1_ffma`:
//! 128 threads, 8 × 16 outputs each, k-slices of 8 copied by `cp.async` in three stages, 255
//! registers, two cubes and so 8 warps per SM):
//!
//! | | this kernel | cuBLAS |
//! |---|---|---|
//! | time | 6.52 ms | 5.45 ms |
//! | instructions issued | 5.17 G | 4.89 G (the FMAs alone: 4.19 G) |
//! | issue slots busy | 76 % | 87 % |
//! | warps per scheduler | 4 | 2 |
//! | stall cycles per instruction: dispatch, short scoreboard | 0.62, 0.51 | 0.10, 0.33 |
//! | stall cycles per instruction: wait, barrier | 0.33, 0.27 | 0.03, 0.08 |
//! | L2 hit rate, device-memory traffic | 58 %, 0.80 TB/s | 97 %, 0.26 TB/s |
//!
//! (Measured before the interior products below.) Memory is not what separates them (16 % of
//! device-memory bandwidth here); the gap is in issue. Sampling stall reasons per SASS
//! instruction (Nsight's source counters) placed it: the fetch of the next slice was 140 of
//! the ~1,250 instructions of a k-step (scalar loads, each behind its own bounds test, with
//! the operand's address reloaded from the constant bank) but drew 22 % of all stall samples,
//! many of them dispatch stalls; in the FMA stream the dispatch stalls sat on the shared loads
//! and the FMAs right after them, not spread over the FMAs as register-bank conflicts would
//! be. Two cuBLAS-shaped candidates were written and timed on the H200 (kept on the branch
//! `gemm-8x16`, not offered to the tuner): 128 threads with 8 × 16 outputs each and k-slices
//! of 8, one with the next slice staged through registers into a second shared buffer, one
//! with `cp.async` copies and an mbarrier (no staging registers). Both agree with the f64
//! product; both are slower here: LM head 7.01 and 7.32 ms against 6.54, `in_proj` 0.481 and
//! 0.502 against 0.457 ms. NVRTC gives them 246–254 and 250 registers, the first with 16–40
//! bytes of spills where no bounds tests are compiled.
//!
//! # Interior products
//! Where the product has one batch and no edge tiles (m and n multiples of 128, k of 16: every
//! weight product of both models at the paper's lengths, except the 64 columns of Mamba's
//! `x_proj`), `TileLaunch` hands the kernel both operands' strides as constants
//! (`matmul_tiled::Fixed`): the fetch has no bounds tests and the row offsets are literals.
//! With prefetch and both operands k-contiguous (the models' `[out, in]` weights) the k-loop
//! also runs two slices per iteration over two shared buffers with constant offsets (one
//! barrier per slice instead of two), and indices are 64-bit, which lets the compiler fold the
//! literal row offsets into the loads' address immediates (a 32-bit index cannot be folded: it
//! might wrap). Timed on the H200 at N = 8,192 (self-check, median of five; registers from NVRTC):
//!
//! | | LM head | `in_proj` | registers |
//! |---|---|---|---|
//! | runtime strides, bounds tests (before) | 6.55 ms | 0.462 ms | 127 |
//! | constant strides, no bounds tests | 6.24 | 0.431 | 128 |
//! | + two buffers, 64-bit indices (kept) | 6.15 | 0.427 | 127 |
//! | no bounds tests, runtime strides | 6.92 | 0.485 | 168 |
//! | constant strides + two buffers, 32-bit indices | 7.18 | 0.471 | 164 |
//! | constant strides + 64-bit indices, one buffer | 8.42 | 0.542 | 147 |
//!
//! Above 128 registers only one cube fits an SM, which is what sinks the last three. With the
//! constant strides the kernel issues fewer instructions than cuBLAS's (4.83 G against 4.89 G
//! on the LM head); what remains is issue efficiency (scheduler idle 25 % of cycles).
//!
//! # Shared-memory layout
//! Both slices are stored k-major as vectors of 4 consecutive rows (or columns): `BK` lines
//! of 32 vectors, padded to 33 so that the staging writes of a k-contiguous operand (8
//! threads of a quarter-warp at 8 consecutive k of one vector column) fall in 32 distinct
//! banks. The inner loop's reads are conflict-free: the 16 threads of a half-warp read 16
//! consecutive vectors of `rhs`, and at most two distinct vectors of `lhs` (broadcast).
//!
//! It is one more candidate for [`super::matmul`]'s tuner, judged like the others against
//! sampled f64 entries ([`super::matmul_referee`]). Every product is an f32 FMA.

use cubecl::{cube, cuda::CudaRuntime, prelude::*};

// The scalar kernel's tile (128 × 128 outputs, k in slices of 16, 256 threads) and launch.
use super::{
    Cube,
    matmul_tiled::{BK, BM, BN, Fixed, THREADS, TileLaunch},
};

type V4<F> = Vector<F, Const<4>>;

/// Vectors per staged k-row (128 / 4) and its padded stride.
const LINES: usize = BM / 4;
const STRIDE: usize = LINES + 1;
/// Vectors of one staged slice a thread loads: 32 × 16 / 256.
const PER_THREAD: usize = 2;

/// Loads this thread's two vectors (4 rows × 1 k each) of one `rows × BK` slice into
/// registers; rows or k past the end read as zero. `along_k` (comptime) says the operand is
/// contiguous along k, and then neighbouring threads take neighbouring k. `fixed_row` and
/// `fixed_k`, when not 0, are the operand's strides as constants of the kernel ([`Fixed`]):
/// then there are no edges, no bounds tests, and the runtime strides and extents are unused.
#[cube]
#[allow(clippy::too_many_arguments)]
fn fetch<F: Float>(
    src: &Tensor<F>,
    regs: &mut Array<V4<F>>,
    offset: usize,
    stride_row: usize,
    stride_k: usize,
    row0: usize,
    k0: usize,
    rows: usize,
    depth: usize,
    tid: usize,
    #[comptime] along_k: bool,
    #[comptime] fixed_row: usize,
    #[comptime] fixed_k: usize,
) {
    #[unroll]
    for p in 0..PER_THREAD {
        let e = tid + p * THREADS;
        let mut line = e % LINES;
        let mut k = e / LINES;
        if along_k {
            line = e / BK;
            k = e % BK;
        }
        let gk = k0 + k;
        let mut v = V4::<F>::empty();
        #[unroll]
        for c in 0..4usize {
            let gr = row0 + line * 4 + c;
            if fixed_row > 0 {
                // No edges, and the strides are constants of the kernel.
                v[c] = src[offset + gr * fixed_row + gk * fixed_k];
            } else {
                let mut x = F::new(0.0);
                if gr < rows && gk < depth {
                    x = src[offset + gr * stride_row + gk * stride_k];
                }
                v[c] = x;
            }
        }
        regs[p] = v;
    }
}

/// Writes the registers of [`fetch`] to the k-major shared slice.
#[cube]
fn stage<F: Float>(
    regs: &Array<V4<F>>,
    tile: &mut SharedMemory<V4<F>>,
    tid: usize,
    #[comptime] along_k: bool,
    #[comptime] base: usize,
) {
    #[unroll]
    for p in 0..PER_THREAD {
        let e = tid + p * THREADS;
        let mut line = e % LINES;
        let mut k = e / LINES;
        if along_k {
            line = e / BK;
            k = e % BK;
        }
        tile[base + k * STRIDE + line] = regs[p];
    }
}

/// [`fetch`] of both operands' slices at `k0` for the paired loop, which runs only on interior
/// products of two k-contiguous operands (so no bounds or runtime strides are needed).
#[cube]
#[allow(clippy::too_many_arguments)]
fn fetch_both<F: Float>(
    lhs: &Tensor<F>,
    rhs: &Tensor<F>,
    a_regs: &mut Array<V4<F>>,
    b_regs: &mut Array<V4<F>>,
    off_l: usize,
    off_r: usize,
    m0: usize,
    n0: usize,
    k0: usize,
    tid: usize,
    #[comptime] fixed: Fixed,
) {
    let (l, r) = (fixed.lhs, fixed.rhs);
    fetch::<F>(lhs, a_regs, off_l, 0, 0, m0, k0, 0, 0, tid, true, l.0, l.1);
    fetch::<F>(rhs, b_regs, off_r, 0, 0, n0, k0, 0, 0, tid, true, r.0, r.1);
}

/// One staged k-slice's rank-one updates of the thread's 8 × 8 block: rows 4·ty .. 4·ty+3 and
/// 64+4·ty ..; columns likewise with tx. `base`: the slice's buffer in the shared tiles.
#[cube]
fn compute<F: Float>(
    a_tile: &SharedMemory<V4<F>>,
    b_tile: &SharedMemory<V4<F>>,
    acc: &mut Array<F>,
    tx: usize,
    ty: usize,
    #[comptime] base: usize,
) {
    #[unroll]
    for kk in 0..BK {
        let a0 = a_tile[base + kk * STRIDE + ty];
        let a1 = a_tile[base + kk * STRIDE + 16usize + ty];
        let b0 = b_tile[base + kk * STRIDE + tx];
        let b1 = b_tile[base + kk * STRIDE + 16usize + tx];
        #[unroll]
        for i in 0..4usize {
            #[unroll]
            for j in 0..4usize {
                acc[i * 8 + j] += a0[i] * b0[j];
                acc[i * 8 + 4 + j] += a0[i] * b1[j];
                acc[(4 + i) * 8 + j] += a1[i] * b0[j];
                acc[(4 + i) * 8 + 4 + j] += a1[i] * b1[j];
            }
        }
    }
}

// `if interior` in the epilogue is decided at compile time (interior tiles store without the
// bounds test); its two branches only look alike to clippy.
#[allow(clippy::if_same_then_else)]
#[cube(launch_unchecked, address_type = "dynamic")]
fn vec4_matmul_kernel<F: Float>(
    lhs: &Tensor<F>,
    rhs: &Tensor<F>,
    out: &mut Tensor<F>,
    #[comptime] lhs_along_k: bool,
    #[comptime] rhs_along_k: bool,
    #[comptime] prefetch: bool,
    #[comptime] fixed: Fixed,
) {
    let interior = fixed.lhs.0 > 0;
    let rank = out.rank();
    let m_len = out.shape(rank - 2);
    let n_len = out.shape(rank - 1);
    let k_len = lhs.shape(rank - 1);
    let tid = UNIT_POS_X as usize;
    let tx = tid % 16usize;
    let ty = tid / 16usize;
    let m0 = CUBE_POS_Y as usize * BM;
    let n0 = CUBE_POS_X as usize * BN;

    // Batch coordinates, innermost batch axis first; size-1 operand axes broadcast.
    let mut rest = CUBE_POS_Z as usize;
    let mut off_l = 0usize;
    let mut off_r = 0usize;
    let mut off_o = 0usize;
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
        off_o += c * out.stride(d);
    }
    let lm = lhs.stride(rank - 2);
    let lk = lhs.stride(rank - 1);
    let rk = rhs.stride(rank - 2);
    let rn = rhs.stride(rank - 1);

    let buffers = comptime!(if fixed.pairs { 2usize } else { 1usize });
    let mut a_tile = SharedMemory::<V4<F>>::new(buffers * BK * STRIDE);
    let mut b_tile = SharedMemory::<V4<F>>::new(buffers * BK * STRIDE);
    let mut a_regs = Array::<V4<F>>::new(PER_THREAD);
    let mut b_regs = Array::<V4<F>>::new(PER_THREAD);
    let mut acc = Array::<F>::new(64usize);
    #[unroll]
    for i in 0..64usize {
        acc[i] = F::new(0.0);
    }

    let steps = k_len.div_ceil(BK);
    fetch::<F>(
        lhs,
        &mut a_regs,
        off_l,
        lm,
        lk,
        m0,
        0usize,
        m_len,
        k_len,
        tid,
        lhs_along_k,
        fixed.lhs.0,
        fixed.lhs.1,
    );
    fetch::<F>(
        rhs,
        &mut b_regs,
        off_r,
        rn,
        rk,
        n0,
        0usize,
        n_len,
        k_len,
        tid,
        rhs_along_k,
        fixed.rhs.0,
        fixed.rhs.1,
    );
    stage::<F>(&a_regs, &mut a_tile, tid, lhs_along_k, 0usize);
    stage::<F>(&b_regs, &mut b_tile, tid, rhs_along_k, 0usize);
    sync_cube();

    if fixed.pairs {
        // Two shared buffers and two k-slices per iteration, so that each buffer's offset is a
        // constant: one barrier per slice instead of two. A buffer is written only after the
        // barrier that follows its last read.
        for pair in 0..steps / 2 {
            let k1 = (2 * pair + 1) * BK;
            let k2 = k1 + BK;
            let more = k2 < k_len;
            fetch_both::<F>(
                lhs,
                rhs,
                &mut a_regs,
                &mut b_regs,
                off_l,
                off_r,
                m0,
                n0,
                k1,
                tid,
                fixed,
            );
            compute::<F>(&a_tile, &b_tile, &mut acc, tx, ty, 0usize);
            stage::<F>(&a_regs, &mut a_tile, tid, lhs_along_k, BK * STRIDE);
            stage::<F>(&b_regs, &mut b_tile, tid, rhs_along_k, BK * STRIDE);
            sync_cube();
            if more {
                fetch_both::<F>(
                    lhs,
                    rhs,
                    &mut a_regs,
                    &mut b_regs,
                    off_l,
                    off_r,
                    m0,
                    n0,
                    k2,
                    tid,
                    fixed,
                );
            }
            compute::<F>(&a_tile, &b_tile, &mut acc, tx, ty, BK * STRIDE);
            if more {
                stage::<F>(&a_regs, &mut a_tile, tid, lhs_along_k, 0usize);
                stage::<F>(&b_regs, &mut b_tile, tid, rhs_along_k, 0usize);
            }
            sync_cube();
        }
    } else {
        for step in 0..steps {
            let more = step + 1 < steps;
            let k0 = (step + 1) * BK;
            if prefetch && more {
                fetch::<F>(
                    lhs,
                    &mut a_regs,
                    off_l,
                    lm,
                    lk,
                    m0,
                    k0,
                    m_len,
                    k_len,
                    tid,
                    lhs_along_k,
                    fixed.lhs.0,
                    fixed.lhs.1,
                );
                fetch::<F>(
                    rhs,
                    &mut b_regs,
                    off_r,
                    rn,
                    rk,
                    n0,
                    k0,
                    n_len,
                    k_len,
                    tid,
                    rhs_along_k,
                    fixed.rhs.0,
                    fixed.rhs.1,
                );
            }
            compute::<F>(&a_tile, &b_tile, &mut acc, tx, ty, 0usize);
            sync_cube();
            if more {
                if !prefetch {
                    fetch::<F>(
                        lhs,
                        &mut a_regs,
                        off_l,
                        lm,
                        lk,
                        m0,
                        k0,
                        m_len,
                        k_len,
                        tid,
                        lhs_along_k,
                        fixed.lhs.0,
                        fixed.lhs.1,
                    );
                    fetch::<F>(
                        rhs,
                        &mut b_regs,
                        off_r,
                        rn,
                        rk,
                        n0,
                        k0,
                        n_len,
                        k_len,
                        tid,
                        rhs_along_k,
                        fixed.rhs.0,
                        fixed.rhs.1,
                    );
                }
                stage::<F>(&a_regs, &mut a_tile, tid, lhs_along_k, 0usize);
                stage::<F>(&b_regs, &mut b_tile, tid, rhs_along_k, 0usize);
            }
            sync_cube();
        }
    }

    let om = out.stride(rank - 2);
    let on = out.stride(rank - 1);
    #[unroll]
    for i in 0..8usize {
        // acc row i: i < 4 → 4·ty + i; else 64 + 4·ty + (i − 4).
        let row = m0 + (i / 4) * 64 + ty * 4 + i % 4;
        #[unroll]
        for j in 0..8usize {
            let col = n0 + (j / 4) * 64 + tx * 4 + j % 4;
            if interior {
                out[off_o + row * om + col * on] = acc[i * 8 + j];
            } else if row < m_len && col < n_len {
                out[off_o + row * om + col * on] = acc[i * 8 + j];
            }
        }
    }
}

/// Writes `lhs · rhs` into `out` (contiguous, shaped as the product; operands of the same rank).
/// `prefetch`: fetch the next k-slice into registers before computing on this one (latency
/// hidden inside the cube), or only after (fewer registers held through the compute, so
/// possibly more cubes per SM to hide it instead).
pub(crate) fn vec4_matmul(lhs: &Cube, rhs: &Cube, out: &Cube, prefetch: bool) {
    let mut l = TileLaunch::new(lhs, rhs, out);
    let k = lhs.meta.shape()[lhs.meta.shape().len() - 1];
    // The paired loop where it was measured to pay (see "Interior products" above): with
    // prefetch, both operands k-contiguous (the models' weight products), and 64-bit indices.
    if l.fixed.lhs.0 > 0 && prefetch && l.lhs_along_k && l.rhs_along_k && k.is_multiple_of(2 * BK) {
        l.fixed.pairs = true;
        l.address = AddressType::U64;
    }
    // SAFETY: as for `tiled_matmul`: global accesses are guarded against the tensors' shapes,
    // shared and register indices are bounded by construction.
    unsafe {
        vec4_matmul_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            l.count,
            l.dim,
            l.address,
            lhs.clone().into_tensor_arg(),
            rhs.clone().into_tensor_arg(),
            out.clone().into_tensor_arg(),
            l.lhs_along_k,
            l.rhs_along_k,
            prefetch,
            l.fixed,
        );
    }
}
