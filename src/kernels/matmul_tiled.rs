//! ssmbench's own register-tiled FP32 matrix product: one more candidate for
//! [`super::matmul`]'s tuner, which checks it against sampled f64 entries
//! ([`super::matmul_referee`]) on every problem shape and keeps it only where it agrees and is
//! the fastest.
//!
//! # Work split
//! A cube of 256 threads (16 × 16) owns a 128 × 128 tile of the output; each thread owns an
//! 8 × 8 block of it, held in registers, at rows `ty + 16·i` and columns `tx + 16·j`
//! (strided rather than contiguous, so that the 16 threads of a half-warp read 16 consecutive
//! shared-memory words: no bank conflicts). The shared dimension is walked in slices of
//! `BK` = 16: the whole cube stages a 128 × 16 slice of `lhs` and a 16 × 128 slice of `rhs` in
//! shared memory (both stored k-major, so a step over k reads one row of each), then every
//! thread does 16 rank-one updates of its 8 × 8 block: 64 FMAs per 16 shared loads. The next
//! slice is fetched from global memory into registers while the current one is used.
//!
//! Every product is an f32 FMA on the CUDA cores (no tensor cores, hence no TF32).
//! Any strides and broadcast batch axes are accepted; edge tiles read zeros past the end.

use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{Cube, address_type};

/// Output rows per cube.
pub(super) const BM: usize = 128;
/// Output columns per cube.
pub(super) const BN: usize = 128;
/// Shared-dimension slice staged per step.
pub(super) const BK: usize = 16;
/// Padding of one word per staged k-row: the transposing stores of a k-contiguous operand
/// would otherwise all land in one bank.
const STRIDE_M: usize = BM + 1;
const STRIDE_N: usize = BN + 1;
pub(super) const THREADS: usize = 256;
/// Elements of each staged slice one thread loads: 128 × 16 / 256.
const PER_THREAD: usize = 8;

/// Loads this thread's share of one `rows × BK` slice of an operand into registers. `along_k`
/// (comptime) says the operand is contiguous along k, and picks the thread-to-element map
/// that keeps neighbouring threads on neighbouring addresses.
#[cube]
#[allow(clippy::too_many_arguments)]
fn fetch<F: Float>(
    src: &Tensor<F>,
    regs: &mut Array<F>,
    offset: usize,
    stride_row: usize,
    stride_k: usize,
    row0: usize,
    k0: usize,
    rows: usize,
    depth: usize,
    tid: usize,
    #[comptime] along_k: bool,
) {
    #[unroll]
    for p in 0..PER_THREAD {
        let e = tid + p * THREADS;
        let mut r = e % BM;
        let mut k = e / BM;
        if along_k {
            r = e / BK;
            k = e % BK;
        }
        let gr = row0 + r;
        let gk = k0 + k;
        let mut v = F::new(0.0);
        if gr < rows && gk < depth {
            v = src[offset + gr * stride_row + gk * stride_k];
        }
        regs[p] = v;
    }
}

/// Writes the registers of [`fetch`] to the k-major shared tile (row stride `stride`).
#[cube]
fn stage<F: Float>(
    regs: &Array<F>,
    tile: &mut SharedMemory<F>,
    tid: usize,
    #[comptime] stride: usize,
    #[comptime] along_k: bool,
) {
    #[unroll]
    for p in 0..PER_THREAD {
        let e = tid + p * THREADS;
        let mut r = e % BM;
        let mut k = e / BM;
        if along_k {
            r = e / BK;
            k = e % BK;
        }
        tile[k * stride + r] = regs[p];
    }
}

#[cube(launch_unchecked, address_type = "dynamic")]
fn tiled_matmul_kernel<F: Float>(
    lhs: &Tensor<F>,
    rhs: &Tensor<F>,
    out: &mut Tensor<F>,
    #[comptime] lhs_along_k: bool,
    #[comptime] rhs_along_k: bool,
) {
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

    let mut a_tile = SharedMemory::<F>::new(BK * STRIDE_M);
    let mut b_tile = SharedMemory::<F>::new(BK * STRIDE_N);
    let mut a_regs = Array::<F>::new(PER_THREAD);
    let mut b_regs = Array::<F>::new(PER_THREAD);
    let mut a_frag = Array::<F>::new(8usize);
    let mut b_frag = Array::<F>::new(8usize);
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
    );
    stage::<F>(&a_regs, &mut a_tile, tid, STRIDE_M, lhs_along_k);
    stage::<F>(&b_regs, &mut b_tile, tid, STRIDE_N, rhs_along_k);
    sync_cube();

    for step in 0..steps {
        // The next slice travels from global memory while this one is multiplied.
        let more = step + 1 < steps;
        if more {
            let k0 = (step + 1) * BK;
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
            );
        }
        #[unroll]
        for kk in 0..BK {
            #[unroll]
            for i in 0..8usize {
                a_frag[i] = a_tile[kk * STRIDE_M + ty + 16usize * i];
            }
            #[unroll]
            for j in 0..8usize {
                b_frag[j] = b_tile[kk * STRIDE_N + tx + 16usize * j];
            }
            #[unroll]
            for i in 0..8usize {
                #[unroll]
                for j in 0..8usize {
                    acc[i * 8 + j] += a_frag[i] * b_frag[j];
                }
            }
        }
        sync_cube();
        if more {
            stage::<F>(&a_regs, &mut a_tile, tid, STRIDE_M, lhs_along_k);
            stage::<F>(&b_regs, &mut b_tile, tid, STRIDE_N, rhs_along_k);
        }
        sync_cube();
    }

    let om = out.stride(rank - 2);
    let on = out.stride(rank - 1);
    #[unroll]
    for i in 0..8usize {
        let row = m0 + ty + 16usize * i;
        #[unroll]
        for j in 0..8usize {
            let col = n0 + tx + 16usize * j;
            if row < m_len && col < n_len {
                out[off_o + row * om + col * on] = acc[i * 8 + j];
            }
        }
    }
}

/// An operand's (row stride, k stride) as kernel constants, `(0, 0)` where they are runtime
/// values (and the bounds tests are compiled in).
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq)]
pub(crate) struct Fixed {
    pub lhs: (usize, usize),
    pub rhs: (usize, usize),
    /// Two shared buffers, two k-slices per loop iteration (k a multiple of 2 · BK).
    pub pairs: bool,
}

/// How a 128 × 128-output-tile kernel of 256 threads is launched over `out` (this one and
/// [`super::matmul_vec4`]): the grid (column tiles, row tiles, batch), the cube, and whether
/// `lhs` and `rhs` are each contiguous along the shared dimension k.
pub(super) struct TileLaunch {
    pub count: CubeCount,
    pub dim: CubeDim,
    pub lhs_along_k: bool,
    pub rhs_along_k: bool,
    /// Where the product has no edge tiles and one batch: both operands' strides, which
    /// [`super::matmul_vec4`] then compiles in as constants, without bounds tests.
    pub fixed: Fixed,
    /// 64-bit indices only where an operand or the output exceeds `u32::MAX` elements (the
    /// materialised attention's scores from N = 32,768 × 8 heads).
    pub address: AddressType,
}

impl TileLaunch {
    pub(super) fn new(lhs: &Cube, rhs: &Cube, out: &Cube) -> Self {
        let shape = out.meta.shape();
        let r = shape.len();
        let (m, n) = (shape[r - 2], shape[r - 1]);
        let batch: usize = shape[..r - 2].iter().product();
        let k = lhs.meta.shape()[r - 1];
        let (ls, rs) = (lhs.meta.strides(), rhs.meta.strides());
        let lhs_along_k = ls[r - 1] == 1;
        let rhs_along_k = rs[r - 1] != 1;
        let fixed = if batch <= 1
            && m.is_multiple_of(BM)
            && n.is_multiple_of(BN)
            && k.is_multiple_of(BK)
            && [ls[r - 2], ls[r - 1], rs[r - 2], rs[r - 1]]
                .iter()
                .all(|&s| s > 0)
        {
            // `fetch` takes (row stride, k stride); rhs's rows are the output's columns.
            Fixed {
                lhs: (ls[r - 2], ls[r - 1]),
                rhs: (rs[r - 1], rs[r - 2]),
                pairs: false,
            }
        } else {
            Fixed::default()
        };
        Self {
            count: CubeCount::Static(
                n.div_ceil(BN) as u32,
                m.div_ceil(BM) as u32,
                batch.max(1) as u32,
            ),
            dim: CubeDim::new_1d(THREADS as u32),
            lhs_along_k,
            rhs_along_k,
            fixed,
            address: address_type(&[lhs, rhs, out]),
        }
    }
}

/// Writes `lhs · rhs` into `out` (contiguous, shaped as the product; operands of the same rank).
pub(crate) fn tiled_matmul(lhs: &Cube, rhs: &Cube, out: &Cube) {
    let l = TileLaunch::new(lhs, rhs, out);
    // SAFETY: every global read and write is guarded by the kernel's own tests against the
    // tensors' shapes, and shared/register indices are bounded by construction; the unchecked
    // launch only drops the per-access checks that would otherwise sit on every shared-memory
    // read of the inner loop.
    unsafe {
        tiled_matmul_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            l.count,
            l.dim,
            l.address,
            lhs.clone().into_tensor_arg(),
            rhs.clone().into_tensor_arg(),
            out.clone().into_tensor_arg(),
            l.lhs_along_k,
            l.rhs_along_k,
        );
    }
}
