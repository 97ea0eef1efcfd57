//! Host side of the fused selective scan: shapes, launch geometry, and the chunk heuristic.
//!
//! Kernels: [`forward`] (`scan_chunk_summary`, `scan_chunk_combine`, `scan_chunk_output`; how
//! their threads stage and prefetch inputs is in `staging`) and [`backward`]
//! (`scan_checkpoints` + `scan_backward_kernel`). The reference they must match is
//! [`crate::model::mamba::scan`].

pub mod backward;
pub mod forward;
mod staging;

use std::sync::atomic::{AtomicUsize, Ordering};

use burn::tensor::Tensor;
use cubecl::{CubeCount, CubeDim, cuda::CudaRuntime};

use super::{empty_like, raw, require_32bit, unit_last, wrap};
use crate::{
    backend::CudaBackend,
    model::mamba::scan::{ScanGrads, ScanInputs, ScanOutput},
};

type T<const D: usize> = Tensor<CudaBackend, D>;

/// Threads per cube along channels.
const CHANNELS_PER_CUBE: usize = 128;

/// Forces the number of time chunks (0 = heuristic). For `selftest`/`bench perf` sweeps.
static CHUNKS_OVERRIDE: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of time chunks for later forwards; 0 restores the heuristic.
pub fn set_chunks_override(chunks: usize) {
    CHUNKS_OVERRIDE.store(chunks, Ordering::Relaxed);
}

/// Steps per chunk the heuristic aims at.
const TARGET_CHUNK_LEN: usize = 128;
/// Most chunks the heuristic uses: 256 chunks of 1,024 channels are about as many threads as
/// an H200 holds at once (132 SMs × 2,048).
const MAX_CHUNKS: usize = 256;

/// The chunk heuristic, for the record of kernel choices (read from the constants it uses, so
/// the record cannot drift from [`chunks_for`]).
pub fn describe() -> String {
    format!(
        "selective scan: fused, time chunks = ⌈len / {TARGET_CHUNK_LEN}⌉ ≤ {MAX_CHUNKS} (see kernels::scan::chunks_for)"
    )
}

/// How many time chunks to run in parallel: `⌈len / 128⌉`, at most 256.
///
/// A thread scans `len / chunks` steps in each of two passes; the combine pass walks the
/// `chunks` summaries once per (channel, state). Short chunks give the GPU many threads and
/// little sequential work each, until there are more threads than the GPU runs at once.
/// (Before the combine pass, each chunk folded every earlier summary itself and ⌈√len⌉ chunks
/// balanced that: 0.59 ms per layer at N = 8,192 on the H200.) The target was 64 steps until
/// the scan staged B and C in shared memory, which made a step cheaper; the H200 then timed
/// 64 chunks of 128 steps at 0.246 ms per layer at N = 8,192, 128 chunks of 64 at 0.260 and
/// 256 of 32 at 0.341. At 65,536 it timed the heuristic's 512 chunks (then capped at 1,024)
/// at 1.53 ms against 1.36 for 64 or 256, hence the cap of 256 (a first run with the cap,
/// whose result rows were lost, timed the heuristic at 65,536 at 1.41 ms). Once the kernels
/// requested their inputs a sub-block ahead and the output pass read Δ from the summary pass
/// (see `forward`'s docs), the heuristic still held: at 8,192 its 64 chunks took 0.220–0.230
/// ms (128 chunks 0.231, 256 chunks 0.241), at 65,536 its 256 chunks 1.14–1.15 ms (64: 1.20,
/// 128: 1.16–1.20). `selftest` times the heuristic against fixed chunk counts on every run.
pub fn chunks_for(batch: usize, len: usize, d_inner: usize) -> usize {
    let _ = (batch, d_inner);
    match CHUNKS_OVERRIDE.load(Ordering::Relaxed) {
        0 => len.div_ceil(TARGET_CHUNK_LEN).clamp(1, MAX_CHUNKS),
        n => n.min(len.max(1)),
    }
}

/// The fused forward.
pub fn forward(x: ScanInputs<CudaBackend>) -> ScanOutput<CudaBackend> {
    run(x, None)
}

/// The fused forward in Mamba's parameterisation (`SsmBackend::selective_scan_mamba`): `x.delta`
/// holds `dt_proj`'s input `[batch, len, rank]`, Δ_raw = `x.delta · dt_weightᵀ` (`dt_weight`:
/// `[d_inner, rank]`), and `x.a` holds A_log, A = −exp(A_log).
///
/// With time chunks the summary pass forms each Δ_raw itself from the staged factor rows and
/// the channel's weights in registers, so `dt_proj`'s `[len, d_inner]` output is never written
/// (the output pass reads Δ from the summary pass as always), and every pass forms its A · log₂ e
/// from A_log when it loads it (two small launches per layer fewer). With one chunk there is no
/// summary pass, so Δ_raw and A are formed first with tensor ops and the plain forward runs.
pub fn forward_mamba(x: ScanInputs<CudaBackend>, dt_weight: T<2>) -> ScanOutput<CudaBackend> {
    let (batch, len, d_inner, _) = x.dims();
    let [out, rank] = dt_weight.dims();
    assert_eq!(
        out, d_inner,
        "dt_proj's weight is [d_inner, rank]: {out} rows for {d_inner} channels"
    );
    if chunks_for(batch, len, d_inner) <= 1 || rank == 0 || rank % 4 != 0 {
        return forward(x.from_mamba(dt_weight));
    }
    run(x, Some(dt_weight))
}

/// Launches the passes; `dt_weight` is `Some` in Mamba's parameterisation (low-rank Δ_raw and
/// A_log in `x.a`, then with chunks > 1), `None` for the plain scan.
fn run(x: ScanInputs<CudaBackend>, dt_weight: Option<T<2>>) -> ScanOutput<CudaBackend> {
    let (batch, len, d_inner, d_state) = x.dims();
    assert!(
        d_state % 4 == 0,
        "the fused scan stages B and C as vectors of 4 states: d_state must be a multiple of 4, got {d_state}"
    );
    let chunks = chunks_for(batch, len, d_inner);
    let chunk_len = len.div_ceil(chunks.max(1)).max(1);
    let chunks = len.div_ceil(chunk_len).max(1);
    // B, C and z as views (see `forward`'s module docs); the rest densely packed.
    let rank = dt_weight.as_ref().map_or(0, |w| w.dims()[1]);
    // In Mamba's parameterisation `a` is A_log, and each pass forms A from it.
    let a_is_log = dt_weight.is_some();
    let (u, delta, bias, a, b, c, d, z) = (
        raw(x.u),
        // The low-rank factor is a column view of `x_proj`'s output, read through its strides.
        if rank > 0 {
            unit_last(x.delta)
        } else {
            raw(x.delta)
        },
        raw(x.delta_bias),
        raw(x.a),
        unit_last(x.b),
        unit_last(x.c),
        raw(x.d),
        unit_last(x.z),
    );
    let out = empty_like(&u, [batch, len, d_inner]);
    let last = empty_like(&u, [batch, d_inner, d_state]);
    require_32bit("selective scan", &[&u, &z, &out]);
    let client = out.client.clone();
    let cube_dim = CubeDim::new_1d(CHANNELS_PER_CUBE as u32);
    let count = CubeCount::Static(
        d_inner.div_ceil(CHANNELS_PER_CUBE) as u32,
        chunks as u32,
        batch as u32,
    );
    // With chunks, the summary pass also writes Δ = softplus(Δ_raw + bias), which the output
    // pass then reads in place of Δ_raw instead of computing it a second time.
    assert!(
        rank == 0 || chunks > 1,
        "the low-rank Δ is formed in the summary pass, which one chunk does not run"
    );
    // The weight where Δ_raw is low rank; otherwise any tensor (the kernel does not read it).
    let dt_w = dt_weight.map_or_else(|| bias.clone(), raw);
    let dts = (chunks > 1).then(|| empty_like(&u, [batch, len, d_inner]));
    // Batch and row strides of the views the kernels read through their strides.
    let rows = super::batch_and_row_strides;
    let (b_batch, b_row) = rows(&b);
    let (c_batch, c_row) = rows(&c);
    let (z_batch, z_row) = rows(&z);
    let (delta_batch, delta_row) = rows(&delta);
    let (len32, d_inner32) = (len as u32, d_inner as u32);
    let states = if let Some(dts) = &dts {
        let states = empty_like(&u, [batch, chunks, d_state, d_inner]);
        let dsum = empty_like(&u, [batch, chunks, d_inner]);
        // SAFETY: see the module docs of `forward` (guarded channel and time indices).
        unsafe {
            forward::scan_chunk_summary::launch_unchecked::<f32, CudaRuntime>(
                &client,
                count.clone(),
                cube_dim,
                u.clone().into_array_arg(),
                delta.clone().into_array_arg(),
                dt_w.into_array_arg(),
                bias.clone().into_array_arg(),
                a.clone().into_array_arg(),
                b.clone().into_array_arg(),
                states.clone().into_array_arg(),
                dsum.clone().into_array_arg(),
                dts.clone().into_array_arg(),
                len32,
                d_inner32,
                chunk_len as u32,
                b_batch,
                b_row,
                delta_batch,
                delta_row,
                d_state,
                rank,
                a_is_log,
            );
            forward::scan_chunk_combine::launch_unchecked::<f32, CudaRuntime>(
                &client,
                CubeCount::Static(
                    (d_state * d_inner).div_ceil(CHANNELS_PER_CUBE) as u32,
                    1,
                    batch as u32,
                ),
                cube_dim,
                a.clone().into_array_arg(),
                states.clone().into_array_arg(),
                dsum.into_array_arg(),
                d_inner32,
                chunks as u32,
                d_state,
                a_is_log,
            );
        }
        states
    } else {
        empty_like(&u, [1, 1, 1, 1])
    };
    // SAFETY: as above.
    unsafe {
        forward::scan_chunk_output::launch_unchecked::<f32, CudaRuntime>(
            &client,
            count,
            cube_dim,
            u.into_array_arg(),
            dts.as_ref().unwrap_or(&delta).clone().into_array_arg(),
            bias.into_array_arg(),
            a.into_array_arg(),
            b.into_array_arg(),
            c.into_array_arg(),
            d.into_array_arg(),
            z.into_array_arg(),
            states.into_array_arg(),
            out.clone().into_array_arg(),
            last.clone().into_array_arg(),
            len32,
            d_inner32,
            chunk_len as u32,
            b_batch,
            b_row,
            c_batch,
            c_row,
            z_batch,
            z_row,
            d_state,
            dts.is_some(),
            a_is_log,
        );
    }
    ScanOutput {
        y: wrap(out),
        last_state: wrap(last),
    }
}

/// Steps between stored states in the backward (scratch is `block × d_inner × d_state`).
const BACKWARD_BLOCK: usize = 64;
/// The plane (warp) size the backward's channel reductions assume.
const PLANE: usize = 32;

/// The fused backward. `d_inner` must be a multiple of 32 (it is 1,024 in the paper's model).
pub fn backward(x: ScanInputs<CudaBackend>, grad_y: T<3>) -> ScanGrads<CudaBackend> {
    let (batch, len, d_inner, d_state) = x.dims();
    assert!(
        d_inner % PLANE == 0,
        "fused scan backward needs d_inner % {PLANE} == 0, got {d_inner}"
    );
    let (u, delta, bias, a, b, c, d, z, g) = (
        raw(x.u),
        raw(x.delta),
        raw(x.delta_bias),
        raw(x.a),
        raw(x.b),
        raw(x.c),
        raw(x.d),
        raw(x.z),
        raw(grad_y),
    );
    let block = BACKWARD_BLOCK.min(len.max(1));
    let blocks = len.div_ceil(block).max(1);
    let warps = d_inner / PLANE;
    let client = u.client.clone();
    let ckpt = empty_like(&u, [batch, blocks, d_inner, d_state]);
    let scratch = empty_like(&u, [batch, block, d_inner, d_state]);
    require_32bit("selective scan backward", &[&u, &z, &g, &ckpt, &scratch]);
    let cube_dim = CubeDim::new_1d(PLANE as u32);
    let count = CubeCount::Static(warps as u32, batch as u32, 1);
    backward::scan_checkpoints::launch::<f32, CudaRuntime>(
        &client,
        count.clone(),
        cube_dim,
        u.clone().into_tensor_arg(),
        delta.clone().into_tensor_arg(),
        bias.clone().into_tensor_arg(),
        a.clone().into_tensor_arg(),
        b.clone().into_tensor_arg(),
        ckpt.clone().into_tensor_arg(),
        block as u32,
        d_state,
    );
    let gu = empty_like(&u, [batch, len, d_inner]);
    let gdelta = empty_like(&u, [batch, len, d_inner]);
    let gz = empty_like(&u, [batch, len, d_inner]);
    let gb = empty_like(&u, [batch, len, warps, d_state]);
    let gc = empty_like(&u, [batch, len, warps, d_state]);
    let ga = empty_like(&u, [batch, d_inner, d_state]);
    let gd = empty_like(&u, [batch, d_inner]);
    let gbias = empty_like(&u, [batch, d_inner]);
    backward::scan_backward_kernel::launch::<f32, CudaRuntime>(
        &client,
        count,
        cube_dim,
        u.into_tensor_arg(),
        delta.into_tensor_arg(),
        bias.into_tensor_arg(),
        a.into_tensor_arg(),
        b.into_tensor_arg(),
        c.into_tensor_arg(),
        d.into_tensor_arg(),
        z.into_tensor_arg(),
        g.into_tensor_arg(),
        ckpt.into_tensor_arg(),
        scratch.into_tensor_arg(),
        gu.clone().into_tensor_arg(),
        gdelta.clone().into_tensor_arg(),
        gz.clone().into_tensor_arg(),
        gb.clone().into_tensor_arg(),
        gc.clone().into_tensor_arg(),
        ga.clone().into_tensor_arg(),
        gd.clone().into_tensor_arg(),
        gbias.clone().into_tensor_arg(),
        block as u32,
        d_state,
    );
    let sum_warps = |t: T<4>| t.sum_dim(2).squeeze_dim::<3>(2);
    ScanGrads {
        u: wrap(gu),
        delta: wrap(gdelta),
        delta_bias: wrap::<2>(gbias).sum_dim(0).reshape([d_inner]),
        a: wrap::<3>(ga).sum_dim(0).reshape([d_inner, d_state]),
        b: sum_warps(wrap(gb)),
        c: sum_warps(wrap(gc)),
        d: wrap::<2>(gd).sum_dim(0).reshape([d_inner]),
        z: wrap(gz),
    }
}
