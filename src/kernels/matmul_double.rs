//! ssmbench's third register-tiled FP32 matrix product: [`super::matmul_vec4`]'s inner loop
//! (each thread's rows and columns are runs of 4, read from shared memory as 128-bit vectors),
//! with the memory traffic around it reworked:
//!
//! 1. **Vector global loads and stores.** An operand contiguous along its rows or columns (a
//!    `[K, N]` weight) is read four words at a time (`Vector<f32, 4>`), straight into the
//!    shared layout; the output is written four words at a time. A k-contiguous operand is
//!    read word by word as in [`super::matmul_vec4`] (vector loads along k would need a 4 × 4
//!    transpose in registers: tried, and slower, from the registers it holds). The extents and
//!    strides vectors run along must be multiples of 4 ([`eligible`]); the tuner offers the
//!    kernel only then.
//! 2. **Double-buffered shared memory.** Two copies of each staged k-slice: while the cube
//!    computes on one, the next slice (fetched into registers before the compute) is written to
//!    the other, so one barrier per k-slice suffices instead of two.
//! 3. **Row tiles first in the grid.** Cubes that run together share a column tile: for the LM
//!    head (`[N, 512] · [512, 32000]`) the activations stay in L2 and the 65 MB weight is
//!    streamed from device memory about once, instead of once per row tile.
//!
//! The tile is a comptime choice: 128 × 128 or 64 × 64 outputs per cube of 256 threads
//! (16 × 16; 8 × 8 or 4 × 4 outputs per thread), so that narrow products such as Mamba's
//! `x_proj` (64 output columns) still spread over the SMs. A 64 × 64 cube may also hold two
//! such groups of 256 threads that split the k-slices between them and sum their tiles
//! through shared memory at the end (`groups`): `x_proj`'s 128 cubes of 8 warps, one per SM,
//! waited on their loads; with 16 warps per SM the H200 timed it at 0.064 ms against 0.075 in
//! the tuner, and Mamba's forward at N = 8,192 at 13.78 and 13.75 ms against 13.86 and 13.89
//! in alternating runs on one machine. Each is one more candidate for
//! [`super::matmul`]'s tuner, judged against sampled f64 entries like the others. Every product
//! is an f32 FMA.
//!
//! # Tried and not kept
//! - Larger tiles, 128 × 256 and 256 × 128 outputs per cube (8 × 16 per thread, k-slices of 8
//!   so that both shared buffers stay under 48 KB), as tuner candidates: slower than
//!   [`super::matmul_vec4`] on every model product at N = 8,192 on the H200, e.g. the LM head
//!   7.89 / 7.73 ms against 6.55, `in_proj` 0.541 / 0.529 against 0.461.
//! - Split-k for `x_proj` (`[8192, 1024] · [1024, 64]`, whose 128 output tiles of 64 × 64 are
//!   one per SM): 4 or 8 k-ranges as a batch of this kernel's products on views of the
//!   operands, then a kernel summing them: 0.078 / 0.082 ms against 0.077 unsplit. The
//!   k-groups above split k inside the cube instead: no partial products in device memory and
//!   no second launch.
//!
//! # Why the prologue is not shared
//! The batch-offset prologue and the fetch calls repeat those of [`super::matmul_tiled`] and
//! [`super::matmul_vec4`] on purpose. A version of all three with one shared helper (a struct
//! of offsets and strides returned by a `#[cube]` function) computed the same products but was
//! slower on the H200: [`super::matmul_vec4`] on the LM head went from 6.5 to 8.8 ms, most
//! likely because values the epilogue used to load late were held in registers through the
//! k-loop. Register counts read off the device later (NVRTC + the driver, from
//! `SSMBENCH_KERNEL_LOG`) agree that these kernels sit on an edge: [`super::matmul_vec4`] with
//! prefetch uses 129 registers per thread on the LM head (one 256-thread cube per SM; 128
//! would allow two), and moving one batch offset from its prologue to its epilogue made it
//! 130 and the LM head 9.3 ms instead of 6.5.
//!
//! # Shared-memory layout
//! As in [`super::matmul_vec4`]: k-major, vectors of 4 consecutive rows (columns), lines padded
//! by one vector against bank conflicts in the staging stores.

use cubecl::{CubeCount, CubeDim, cube, cuda::CudaRuntime, prelude::*};

use super::{Cube, address_type};

/// Threads per cube (16 × 16).
const THREADS: usize = 256;
/// Shared-dimension slice staged per step.
const BK: usize = 16;

/// Loads this thread's share of one `tile_rows × BK` slice of an operand into registers, as
/// vectors of 4 rows at one k (rows or k past the end read as zero). An operand contiguous
/// along its rows (`along_k` false) is read one 128-bit load per vector; a k-contiguous one
/// word by word through its scalar view `src_s` (the same buffer), neighbouring threads on
/// neighbouring k, which keeps the loads coalesced without a transpose in registers.
#[cube]
#[allow(clippy::too_many_arguments)]
fn fetch<F: Float, N: Size>(
    src: &Tensor<Vector<F, N>>,
    src_s: &Tensor<F>,
    regs: &mut Array<Vector<F, N>>,
    offset: usize,
    stride: usize,
    row0: usize,
    k0: usize,
    rows: usize,
    depth: usize,
    tid: usize,
    #[comptime] tile_rows: usize,
    #[comptime] along_k: bool,
) {
    let lines = tile_rows / 4;
    #[unroll]
    for p in 0..lines * BK / THREADS {
        let e = tid + p * THREADS;
        if along_k {
            // `stride` is the row stride.
            let gr = row0 + (e / BK) * 4;
            let gk = k0 + e % BK;
            let mut v = Vector::<F, N>::empty();
            #[unroll]
            for c in 0..4usize {
                let mut x = F::new(0.0);
                if gr + c < rows && gk < depth {
                    x = src_s[offset + (gr + c) * stride + gk];
                }
                v[c] = x;
            }
            regs[p] = v;
        } else {
            // `stride` is the k stride.
            let gr = row0 + (e % lines) * 4;
            let gk = k0 + e / lines;
            let mut v = Vector::<F, N>::zeroed();
            if gr < rows && gk < depth {
                v = src[(offset + gr + gk * stride) / 4];
            }
            regs[p] = v;
        }
    }
}

/// Writes the registers of [`fetch`] into one buffer (at `base`) of the k-major shared slices.
#[cube]
fn stage<F: Float, N: Size>(
    regs: &Array<Vector<F, N>>,
    tile: &mut SharedMemory<Vector<F, N>>,
    base: usize,
    tid: usize,
    #[comptime] tile_rows: usize,
    #[comptime] along_k: bool,
) {
    let lines = tile_rows / 4;
    let stride = lines + 1;
    #[unroll]
    for p in 0..lines * BK / THREADS {
        let e = tid + p * THREADS;
        let mut line = e % lines;
        let mut k = e / lines;
        if along_k {
            line = e / BK;
            k = e % BK;
        }
        tile[base + k * stride + line] = regs[p];
    }
}

#[cube(launch_unchecked, address_type = "dynamic")]
fn double_matmul_kernel<F: Float, N: Size>(
    lhs: &Tensor<Vector<F, N>>,
    rhs: &Tensor<Vector<F, N>>,
    lhs_s: &Tensor<F>,
    rhs_s: &Tensor<F>,
    out: &mut Tensor<Vector<F, N>>,
    #[comptime] bm: usize,
    #[comptime] bn: usize,
    #[comptime] lhs_along_k: bool,
    #[comptime] rhs_along_k: bool,
    #[comptime] groups: usize,
) {
    // Runs of 4 rows (columns) per thread, and the shared line strides.
    let rm = bm / 64;
    let rn = bn / 64;
    let sa = bm / 4 + 1;
    let sb = bn / 4 + 1;
    let acc_cols = rn * 4;

    let rank = out.rank();
    let m_len = out.shape(rank - 2);
    let n_len = out.shape(rank - 1);
    let k_len = lhs.shape(rank - 1);
    // With `groups` > 1 the cube holds that many groups of THREADS, each taking an equal share
    // of the k-slices into its own accumulators and shared buffers; the groups' tiles are
    // summed through shared memory at the end.
    let mut tid = UNIT_POS_X as usize;
    let mut group = 0usize;
    if groups > 1 {
        group = tid / THREADS;
        tid %= THREADS;
    }
    let tx = tid % 16usize;
    let ty = tid / 16usize;
    let m0 = CUBE_POS_X as usize * bm;
    let n0 = CUBE_POS_Y as usize * bn;

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
    // The stride `fetch` follows: along rows for a k-contiguous operand, else along k.
    let mut l_stride = lhs.stride(rank - 1);
    if lhs_along_k {
        l_stride = lhs.stride(rank - 2);
    }
    let mut r_stride = rhs.stride(rank - 2);
    if rhs_along_k {
        r_stride = rhs.stride(rank - 1);
    }

    // Two buffers per operand: slice s lives at (s % 2) · BK · stride.
    let mut a_tile = SharedMemory::<Vector<F, N>>::new(2 * BK * sa * groups);
    let mut b_tile = SharedMemory::<Vector<F, N>>::new(2 * BK * sb * groups);
    let mut a_regs = Array::<Vector<F, N>>::new(bm / 64);
    let mut b_regs = Array::<Vector<F, N>>::new(bn / 64);
    let mut a = Array::<Vector<F, N>>::new(rm);
    let mut b = Array::<Vector<F, N>>::new(rn);
    let mut acc = Array::<F>::new(rm * rn * 16);
    #[unroll]
    for i in 0..rm * rn * 16 {
        acc[i] = F::new(0.0);
    }

    let mut steps = k_len.div_ceil(BK);
    let mut k_first = 0usize;
    let mut a_own = 0usize;
    let mut b_own = 0usize;
    if groups > 1 {
        // Every group runs the same number of steps (the barriers are the cube's); slices past
        // k_len read as zero.
        steps = steps.div_ceil(groups);
        k_first = group * steps * BK;
        a_own = group * 2 * BK * sa;
        b_own = group * 2 * BK * sb;
    }
    fetch::<F, N>(
        lhs,
        lhs_s,
        &mut a_regs,
        off_l,
        l_stride,
        m0,
        k_first,
        m_len,
        k_len,
        tid,
        bm,
        lhs_along_k,
    );
    fetch::<F, N>(
        rhs,
        rhs_s,
        &mut b_regs,
        off_r,
        r_stride,
        n0,
        k_first,
        n_len,
        k_len,
        tid,
        bn,
        rhs_along_k,
    );
    stage::<F, N>(&a_regs, &mut a_tile, a_own, tid, bm, lhs_along_k);
    stage::<F, N>(&b_regs, &mut b_tile, b_own, tid, bn, rhs_along_k);
    sync_cube();

    for step in 0..steps {
        let more = step + 1 < steps;
        if more {
            let k0 = k_first + (step + 1) * BK;
            fetch::<F, N>(
                lhs,
                lhs_s,
                &mut a_regs,
                off_l,
                l_stride,
                m0,
                k0,
                m_len,
                k_len,
                tid,
                bm,
                lhs_along_k,
            );
            fetch::<F, N>(
                rhs,
                rhs_s,
                &mut b_regs,
                off_r,
                r_stride,
                n0,
                k0,
                n_len,
                k_len,
                tid,
                bn,
                rhs_along_k,
            );
        }
        let abase = a_own + (step % 2) * BK * sa;
        let bbase = b_own + (step % 2) * BK * sb;
        #[unroll]
        for kk in 0..BK {
            #[unroll]
            for r in 0..rm {
                a[r] = a_tile[abase + kk * sa + r * 16 + ty];
            }
            #[unroll]
            for s in 0..rn {
                b[s] = b_tile[bbase + kk * sb + s * 16 + tx];
            }
            #[unroll]
            for r in 0..rm {
                #[unroll]
                for s in 0..rn {
                    #[unroll]
                    for i in 0..4usize {
                        #[unroll]
                        for j in 0..4usize {
                            acc[(r * 4 + i) * acc_cols + s * 4 + j] += a[r][i] * b[s][j];
                        }
                    }
                }
            }
        }
        if more {
            // The other buffer was last read in the previous step, before its barrier.
            let next = ((step + 1) % 2) * BK;
            let a_next = a_own + next * sa;
            let b_next = b_own + next * sb;
            stage::<F, N>(&a_regs, &mut a_tile, a_next, tid, bm, lhs_along_k);
            stage::<F, N>(&b_regs, &mut b_tile, b_next, tid, bn, rhs_along_k);
        }
        sync_cube();
    }

    let mut writer = true;
    if groups > 1 {
        // Groups 1.. add their tiles into group 0's in turn, through the (now unused) staging
        // buffers: vector v of thread tid at v · THREADS + tid, conflict-free.
        let vecs = rm * rn * 4;
        for src in 1..groups {
            if group == src {
                #[unroll]
                for v in 0..vecs {
                    let mut x = Vector::<F, N>::empty();
                    #[unroll]
                    for j in 0..4usize {
                        x[j] = acc[v * 4 + j];
                    }
                    a_tile[v * THREADS + tid] = x;
                }
            }
            sync_cube();
            if group == 0 {
                #[unroll]
                for v in 0..vecs {
                    let x = a_tile[v * THREADS + tid];
                    #[unroll]
                    for j in 0..4usize {
                        acc[v * 4 + j] += x[j];
                    }
                }
            }
            sync_cube();
        }
        writer = group == 0;
    }
    let om = out.stride(rank - 2);
    #[unroll]
    for r in 0..rm {
        #[unroll]
        for i in 0..4usize {
            let row = m0 + r * 64 + ty * 4 + i;
            #[unroll]
            for s in 0..rn {
                let col = n0 + s * 64 + tx * 4;
                if writer && row < m_len && col < n_len {
                    let mut v = Vector::<F, N>::empty();
                    #[unroll]
                    for j in 0..4usize {
                        v[j] = acc[(r * 4 + i) * acc_cols + s * 4 + j];
                    }
                    out[(off_o + row * om + col) / 4] = v;
                }
            }
        }
    }
}

/// Output tiles offered to the tuner: (rows, columns) per cube, and the groups of [`THREADS`]
/// that share the k-slices (the sum of the groups' tiles goes through the staging buffers,
/// which hold it only for 64 × 64 tiles).
pub(crate) const TILES: [(usize, usize, usize); 3] = [(128, 128, 1), (64, 64, 1), (64, 64, 2)];

/// Whether the kernel can read `lhs`, `rhs` and write `out` as 4-word vectors: the buffers
/// start on 16-byte boundaries, and every extent and stride along which vectors are formed or
/// stepped is a multiple of 4. The layouts are the two [`super::matmul`] passes on (row-major,
/// or the last two axes swapped); `out` is row-major.
pub(crate) fn eligible(lhs: &Cube, rhs: &Cube, out: &Cube) -> bool {
    let r = out.meta.shape().len();
    if r < 2 || lhs.meta.shape().len() != r || rhs.meta.shape().len() != r {
        return false;
    }
    let aligned = |t: &Cube| {
        t.handle.offset_start.unwrap_or(0).is_multiple_of(16)
            && (0..r - 2).all(|d| t.meta.shape()[d] == 1 || t.meta.strides()[d].is_multiple_of(4))
    };
    let (ls, rs, os) = (lhs.meta.strides(), rhs.meta.strides(), out.meta.strides());
    let m = lhs.meta.shape()[r - 2];
    let n = rhs.meta.shape()[r - 1];
    // A k-contiguous operand is read word by word; the other kind as vectors along its rows
    // (columns).
    let lhs_ok =
        ls[r - 1] == 1 || (ls[r - 2] == 1 && m.is_multiple_of(4) && ls[r - 1].is_multiple_of(4));
    let rhs_ok = rs[r - 1] != 1 || (n.is_multiple_of(4) && rs[r - 2].is_multiple_of(4));
    let out_ok = os[r - 1] == 1 && os[r - 2].is_multiple_of(4) && n.is_multiple_of(4);
    lhs_ok && rhs_ok && out_ok && aligned(lhs) && aligned(rhs) && aligned(out)
}

/// Writes `lhs · rhs` into `out` with a `tile` = (rows, columns) output tile per cube; the
/// caller has checked [`eligible`].
pub(crate) fn double_matmul(lhs: &Cube, rhs: &Cube, out: &Cube, tile: (usize, usize, usize)) {
    let (bm, bn, groups) = tile;
    assert!(
        groups == 1 || (bm, bn) == (64, 64),
        "k-groups are summed through the staging buffers, which fit a 64 × 64 tile only"
    );
    let shape = out.meta.shape();
    let r = shape.len();
    let (m, n) = (shape[r - 2], shape[r - 1]);
    let batch: usize = shape[..r - 2].iter().product();
    let lhs_along_k = lhs.meta.strides()[r - 1] == 1;
    let rhs_along_k = rhs.meta.strides()[r - 1] != 1;
    // SAFETY: every global read and write is guarded against the tensors' shapes, and vectors
    // never straddle an edge because `eligible` requires the extents they run along to be
    // multiples of 4; shared and register indices are bounded by construction.
    unsafe {
        double_matmul_kernel::launch_unchecked::<f32, CudaRuntime>(
            &out.client,
            CubeCount::Static(
                m.div_ceil(bm) as u32,
                n.div_ceil(bn) as u32,
                batch.max(1) as u32,
            ),
            CubeDim::new_1d((THREADS * groups) as u32),
            address_type(&[lhs, rhs, out]),
            4,
            lhs.clone().into_tensor_arg(),
            rhs.clone().into_tensor_arg(),
            lhs.clone().into_tensor_arg(),
            rhs.clone().into_tensor_arg(),
            out.clone().into_tensor_arg(),
            bm,
            bn,
            lhs_along_k,
            rhs_along_k,
            groups,
        );
    }
}
