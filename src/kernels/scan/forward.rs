//! The fused selective scan, forward: Δ = softplus(Δ_raw + bias), Ā = exp(ΔA), B̄x = ΔBx,
//! h_t = Ā_t h_{t−1} + B̄_t x_t, y_t = C_t · h_t + D x_t, out_t = y_t · SiLU(z_t) — in registers.
//!
//! # Work split
//! One thread owns one `(batch, channel)` and all `d_state` states of it, in registers, so
//! y_t = C_t · h_t needs no cross-thread reduction and the per-channel work (softplus, gate)
//! is done once, not once per state. Nothing of size `len × d_inner × d_state` is ever written.
//!
//! With `d_inner = 1024` that is only 1,024 threads, too few to keep an H100 busy, so time is
//! also split into `chunks` (grid axis y) processed in parallel, in three launches:
//! 1. [`scan_chunk_summary`]: each chunk scans from h = 0 and writes its final state and ΣΔ.
//!    Because A is diagonal, the chunk's transition is ∏ Ā_t = exp(A · ΣΔ_t). It also writes
//!    every step's Δ = softplus(Δ_raw + bias), which the output pass reads in place of Δ_raw.
//! 2. [`scan_chunk_combine`]: one thread per (channel, state) walks the chunks in order and
//!    replaces each summary by the state *entering* that chunk (h ← exp(A·ΣΔ_c) h + h_c).
//! 3. [`scan_chunk_output`]: each chunk starts from its entering state and rescans its own
//!    steps, writing `out`.
//!
//! B, C and z are read through their strides: in the model they are column slices of
//! `x_proj`'s and `in_proj`'s outputs, and copying them out first would cost more passes per
//! layer (B and C arrive as views made by `SsmBackend::column_view`, since Burn's own slice
//! copies them: their byte offsets are not multiples of its 512-byte alignment).
//!
//! Chunk states are stored `[batch, chunks, d_state, d_inner]`, channel fastest, so the
//! threads of a warp (consecutive channels) read and write them coalesced. With one chunk the
//! first two launches are skipped and the kernel is the plain sequential scan.
//!
//! # Per-step cost
//! A step's arithmetic is a few hundred instructions, yet the self-check's one-chunk timing
//! (20.3 ms for 8,192 steps on the H200) showed a step taking ≈ 2.5 µs, about 5,000 cycles.
//! Two changes, each timed on the H200 (one chunk / the chunked default, N = 8,192, 1,024
//! channels):
//! 1. each step waited for its own u, Δ and z to come from device memory, since the compiler
//!    cannot move a load above the previous step's store to `out` (the buffers might alias);
//!    the kernels now request step t + 1's inputs at the top of step t and hold them in
//!    registers until the next iteration: 20.3 → 14.0 ms / 0.372 → 0.365 ms;
//! 2. every thread read the step's 16 B (and 16 C) values with scalar loads of its own,
//!    although all 128 channels of a cube read the same ones; they are now staged in shared
//!    memory, 64 steps at a time, by the cube together ([`stage_rows`]), and read back as
//!    vectors of 4: 14.0 → 4.5 ms / 0.365 → 0.26 ms.
//!
//! The second made a step cheap enough that longer chunks pay: see [`super::chunks_for`].
//! A third, measured the same way: one step ahead was still shorter than a trip to device
//! memory, so the inputs are now requested [`SUB`] steps at a time, a whole sub-block ahead
//! of the steps being computed ([`load_steps`]), and the combine pass reads its summaries
//! [`GROUP`] chunks at a time: one chunk 4.6 → 2.9 ms, the chunked default 0.264 → 0.219 ms
//! (and 1.40 → 1.24 ms at N = 65,536). Then the output pass stopped recomputing softplus (the
//! summary pass hands it Δ, one more write and no more reads) and sums C_t · h_t in four
//! partial sums instead of one chain of d_state: 1.24 → 1.14 ms at 65,536; at 8,192 the scan
//! alone timed 0.220–0.230 ms, within the ±5 % the self-check's timings of one configuration
//! vary by. Mamba's whole forward at 8,192 went 14.9 → 14.7 ms in one benchmark run, but the
//! full re-measurement that followed gave 14.82 ms (14.86 in the one before the change): on
//! the forward the gain is within the spread between runs on different loans.
//!
//! # Tried and not kept
//! Nsight Compute on a self-check launch with the forward's grid (64 chunks × 8 cubes of 128,
//! shorter chunks) found both passes waiting, not busy: an instruction issued every 4.4–5
//! cycles per scheduler, 0.3–0.4 eligible warps of the ≈ 4 resident, about 15 warps per SM
//! (the grid fills the H200 once; registers would allow 16–20). Three changes aimed at that,
//! each timed on the H200 (self-check at N = 8,192, 1,024 channels, and Mamba's whole forward
//! at 8,192 against the current kernels on the same machine):
//! 1. four states per thread, a channel's `d_state / 4` neighbouring threads summing C_t · h_t
//!    by warp shuffles (four times the threads): 0.37 ms against 0.23, forward 15.0 against
//!    13.8 ms. Each thread's work between two trips to memory shrank fourfold, yet an SM held
//!    no more warps (120–128 registers per thread; 56–72 with 4-step sub-blocks, still 0.37);
//! 2. step bodies without a branch (Δ = 0 past a chunk's end, which leaves h unchanged, in
//!    place of `if j < count`) so the compiler could overlap a sub-block's steps: 0.215 ms
//!    against 0.237 in an earlier run, but the forward 13.88 against 13.83 ms, and 128
//!    registers with 8–16 bytes spilled;
//! 3. Mamba's `dt_proj` computed inside the summary pass: first tried when the breakdown's
//!    clock synchronised at every stage and the forward's spread between runs hid it (0.244 ms
//!    against 0.262 for `dt_proj`'s matmul and the scan, the forward 13.88 / 14.00 ms against
//!    13.91 / 14.00); see below for how it came back.
//!
//! # Instruction count
//! Nsight Compute on the forward's launches at N = 8,192 (H200): both passes issue on 65–71 %
//! of cycles with 3.4 warps per scheduler (registers limit them to 5), i.e. they are bound by
//! issuing instructions, about 12–13 per (step, state). Read off the SASS of the generated
//! source, each `exp` (CUDA's `__expf`) is a multiply by log₂ e, then `ex2.approx` with its
//! guard for results below 2⁻¹²⁶ (a compare and two predicated multiplies; NVRTC compiles
//! without `-ftz`, and CubeCL passes no such flag), then the state update's multiply and FMA.
//! Two changes trimmed that, each checked by the self-check and timed with CUDA events at every
//! stage of Mamba's forward at 8,192 (`bench perf`):
//! 1. Ā = 2^(Δ · A log₂ e) with A log₂ e kept per state ([`exp2`], `__powf(2, x)` whose log₂ 2
//!    the compiler folds): one multiply fewer per (step, state); the output gate's division is
//!    `__fdividef` (`AllowReciprocal`). The scan's stage went 1.38 → 1.32 ms per forward, the
//!    self-check's scan at 65,536 1.150 → 1.099 ms.
//! 2. `dt_proj` inside the summary pass ([`super::forward_mamba`]): the low-rank rows (32
//!    columns of `x_proj`'s output) staged in shared memory like B, a channel's 32 weights in
//!    registers, Δ_raw summed in four partial sums, so `dt_proj`'s `[N, 1,024]` output is never
//!    written and its launch is gone. `x_proj, dt_proj` + scan went 0.59 + 1.32 → 0.38 + 1.48
//!    ms per forward; the self-check timed it equal to `dt_proj`'s matmul plus the scan at
//!    8,192 (0.260 ms each) and 1.237 against 1.289 ms at 65,536.
//!
//! Mamba's A = −exp(A_log) is also formed in the kernels ([`a_log2e`], when they load A):
//! before, the mixer launched Burn's `exp` and `neg` on the `[1,024, 16]` A_log of every layer,
//! two launches of 2.4 µs each (Nsight Compute, H200) plus their gaps, 16 per forward. Mamba's
//! forward at 8,192, timed in alternating processes on one H200 against the build before:
//! 11.89 / 11.98 ms against 12.00 / 12.02 / 12.05 (with the product tuner's choices equal).
//!
//! Tried and not kept: the combine pass with four threads per (channel, state), each composing
//! a quarter of the chunks' maps h ↦ exp(A ΣΔ) h + summary and handing it to the next through
//! shared memory (four times the threads, a quarter of each dependent chain): 8.0 µs per launch
//! against 8.5 in Nsight Compute at N = 8,192, within the forward's spread between processes.
//!
//! Both kernels are launched unchecked: every global index is bounded by the guards on the
//! channel (`ch < d_inner`) and the time range (`t < len`).

use cubecl::{cube, prelude::*};

use super::CHANNELS_PER_CUBE;

use super::staging::{STAGE, SUB, V4, advance_sub, load_steps, stage_rows, sub_count};

// The kernels evaluate exponentials with CUDA's fast intrinsics (`__expf`, `__powf`: one
// `ex2.approx`) instead of the accurate `expf` (`fast_math = ReducedPrecision | NotNaN |
// NotInf`): the scan takes 16 exponentials per channel and step, and mamba-ssm, the paper's
// own kernel, is compiled with `--use_fast_math` for the same reason. `selftest` holds the
// result to the reference within 1e-5.

/// log₂(e): the kernels keep A · log₂(e) per state and take Ā = 2^(Δ · A log₂ e) ([`exp2`]).
const LOG2_E: f32 = std::f32::consts::LOG2_E;

/// A · log₂ e of entry `i` of `a`, which holds A, or with `a_is_log` Mamba's A_log (A =
/// −exp(A_log), formed here rather than by two tensor-op launches per layer before the scan).
#[cube]
fn a_log2e<F: Float>(a: &Array<F>, i: usize, #[comptime] a_is_log: bool) -> F {
    let v = a[i];
    let mut av = v * F::new(LOG2_E);
    if a_is_log {
        av = -F::exp(v) * F::new(LOG2_E);
    }
    av
}

/// 2^x, compiled (fast math) to `__powf(2, x)`, whose log₂ 2 the compiler folds away: one
/// multiply fewer than `exp(x)` = `__expf(x)` = 2^(x · log₂ e) where the caller can fold log₂ e
/// into a constant of its own, as the state updates do with A.
#[cube]
fn exp2<F: Float>(x: F) -> F {
    F::powf(F::new(2.0), x)
}

/// softplus(x) = max(x, 0) + log1p(exp(−|x|)), overflow-free (as in the reference).
#[cube]
pub(crate) fn softplus<F: Float>(x: F) -> F {
    let zero = F::new(0.0);
    let pos = if x > zero { x } else { zero };
    let neg_abs = if x > zero { -x } else { x };
    pos + F::log1p(F::exp(neg_abs))
}

/// Chunk summaries the combine pass requests together.
const GROUP: usize = 16;

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
// `%` and not `is_multiple_of`: the kernel macro translates operators, not that method.
#[allow(clippy::manual_is_multiple_of)]
pub(crate) fn scan_chunk_summary<F: Float>(
    u: &Array<F>, // [batch, len, d_inner], dense
    // Δ_raw [batch, len, d_inner] (dense); with `rank` > 0 its low-rank factor instead, Mamba's
    // `dt_proj` input [batch, len, rank] (unit stride along rank, rows `delta_row` apart),
    // and Δ_raw = delta · dt_wᵀ.
    delta: &Array<F>,
    dt_w: &Array<F>, // [d_inner, rank] (`dt_proj`'s weight); unread when rank = 0
    delta_bias: &Array<F>, // [d_inner]
    a: &Array<F>,    // [d_inner, d_state]: A, or A_log with `a_is_log`
    bm: &Array<F>,   // [batch, len, d_state], unit stride along d_state, rows `b_row` apart
    chunk_state: &mut Array<F>, // [batch, chunks, d_state, d_inner]
    chunk_dsum: &mut Array<F>, // [batch, chunks, d_inner]
    dt_out: &mut Array<F>, // [batch, len, d_inner]: Δ after softplus, for the output pass
    len: u32,
    d_inner: u32,
    chunk_len: u32,
    // Batch and row strides of `bm` and (with rank > 0) of `delta`.
    b_batch: u32,
    b_row: u32,
    delta_batch: u32,
    delta_row: u32,
    #[comptime] d_state: usize,
    #[comptime] rank: usize,
    #[comptime] a_is_log: bool,
) {
    let len = len as usize;
    let d_inner = d_inner as usize;
    let tid = UNIT_POS_X as usize;
    let ch_pos = CUBE_POS_X as usize * CHANNELS_PER_CUBE + tid;
    // Threads past the last channel take part in the staging and its barriers (reading the
    // last channel) but write nothing.
    let active = ch_pos < d_inner;
    let ch = if active { ch_pos } else { d_inner - 1 };
    let chunk = CUBE_POS_Y as usize;
    let chunks = CUBE_COUNT_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let t0 = chunk * chunk_len as usize;
    let mut t1 = t0 + chunk_len as usize;
    if t1 > len {
        t1 = len;
    }
    let steps = t1 - t0;

    let mut h = Array::<F>::new(d_state);
    // A · log₂ e: Ā = exp(Δ A) = 2^(Δ · A log₂ e), see [`exp2`].
    let mut av = Array::<F>::new(d_state);
    #[unroll]
    for s in 0..d_state {
        h[s] = F::new(0.0);
        av[s] = a_log2e::<F>(a, ch * d_state + s, a_is_log);
    }
    let bias = delta_bias[ch];
    let mut dsum = F::new(0.0);
    let mut b_s = SharedMemory::<V4<F>>::new(STAGE * d_state / 4);
    // Low rank: the channel's row of `dt_proj` in registers, the cube's factor rows staged in
    // shared memory like B (every channel reads the same ones).
    let slots = comptime![Ord::max(rank, 4usize)];
    let mut w = Array::<F>::new(slots);
    let mut l_s = SharedMemory::<V4<F>>::new(STAGE * slots / 4);
    if rank > 0 {
        #[unroll]
        for k in 0..rank {
            w[k] = dt_w[ch * rank + k];
        }
    }
    // A sub-block's u and Δ are requested while the one before it is computed.
    let i0 = (batch * len + t0) * d_inner + ch;
    let mut x_cur = Array::<F>::new(SUB);
    let mut d_cur = Array::<F>::new(SUB);
    let mut x_next = Array::<F>::new(SUB);
    let mut d_next = Array::<F>::new(SUB);
    load_steps::<F>(u, &mut x_next, i0, d_inner, sub_count(steps));
    if rank == 0 {
        load_steps::<F>(delta, &mut d_next, i0, d_inner, sub_count(steps));
    }
    for sb in 0..steps.div_ceil(SUB) {
        let s0 = sb * SUB;
        if s0 % STAGE == 0 {
            sync_cube();
            stage_rows::<F>(
                bm,
                &mut b_s,
                batch,
                t0 + s0,
                t1,
                tid,
                b_batch as usize,
                b_row as usize,
                d_state,
            );
            if rank > 0 {
                stage_rows::<F>(
                    delta,
                    &mut l_s,
                    batch,
                    t0 + s0,
                    t1,
                    tid,
                    delta_batch as usize,
                    delta_row as usize,
                    rank,
                );
            }
            sync_cube();
        }
        advance_sub::<F>(u, &mut x_cur, &mut x_next, i0, d_inner, s0, steps);
        if rank == 0 {
            advance_sub::<F>(delta, &mut d_cur, &mut d_next, i0, d_inner, s0, steps);
        }
        let count = sub_count(steps - s0);
        let row0 = (s0 % STAGE) * (d_state / 4);
        #[unroll]
        for j in 0..SUB {
            if j < count {
                let raw = if rank > 0 {
                    // Δ_raw = Σ_k factor[t, k] · W[ch, k], in four partial sums.
                    let lrow = ((s0 % STAGE) + j) * (rank / 4);
                    let mut p = Array::<F>::new(4usize);
                    #[unroll]
                    for c in 0..4usize {
                        p[c] = F::new(0.0);
                    }
                    #[unroll]
                    for q in 0..rank / 4 {
                        let lv = l_s[lrow + q];
                        #[unroll]
                        for c in 0..4usize {
                            p[c] += lv[c] * w[q * 4 + c];
                        }
                    }
                    (p[0usize] + p[1usize]) + (p[2usize] + p[3usize])
                } else {
                    d_cur[j]
                };
                let dt = softplus::<F>(raw + bias);
                let dtx = dt * x_cur[j];
                dsum += dt;
                if active {
                    dt_out[i0 + (s0 + j) * d_inner] = dt;
                }
                let row = row0 + j * (d_state / 4);
                #[unroll]
                for q in 0..d_state / 4 {
                    let bv = b_s[row + q];
                    #[unroll]
                    for c in 0..4usize {
                        h[q * 4 + c] = exp2::<F>(dt * av[q * 4 + c]) * h[q * 4 + c] + dtx * bv[c];
                    }
                }
            }
        }
    }
    if active {
        let base = (batch * chunks + chunk) * d_state * d_inner + ch;
        #[unroll]
        for s in 0..d_state {
            chunk_state[base + s * d_inner] = h[s];
        }
        chunk_dsum[(batch * chunks + chunk) * d_inner + ch] = dsum;
    }
}

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision | FastMath::NotNaN | FastMath::NotInf
)]
pub(crate) fn scan_chunk_combine<F: Float>(
    a: &Array<F>,               // [d_inner, d_state]: A, or A_log with `a_is_log`
    chunk_state: &mut Array<F>, // [batch, chunks, d_state, d_inner]: final → entering states
    chunk_dsum: &Array<F>,      // [batch, chunks, d_inner]
    d_inner: u32,
    chunks: u32,
    #[comptime] d_state: usize,
    #[comptime] a_is_log: bool,
) {
    let d_inner = d_inner as usize;
    let i = (CUBE_POS_X * CUBE_DIM_X + UNIT_POS_X) as usize;
    if i >= d_state * d_inner {
        terminate!();
    }
    let s = i / d_inner;
    let ch = i % d_inner;
    let batch = CUBE_POS_Z as usize;
    let chunks = chunks as usize;
    let av = a_log2e::<F>(a, ch * d_state + s, a_is_log);
    let mut h = F::new(0.0);
    // The summaries are read GROUP chunks at a time, all requested before any is used: the
    // compiler cannot move a load above the previous chunk's store into the same buffer, so
    // one at a time each chunk waited for device memory.
    let mut sums = Array::<F>::new(GROUP);
    let mut dsums = Array::<F>::new(GROUP);
    for g in 0..chunks.div_ceil(GROUP) {
        let c0 = g * GROUP;
        #[unroll]
        for j in 0..GROUP {
            let mut sm = F::new(0.0);
            let mut ds = F::new(0.0);
            if c0 + j < chunks {
                sm = chunk_state[((batch * chunks + c0 + j) * d_state + s) * d_inner + ch];
                ds = chunk_dsum[(batch * chunks + c0 + j) * d_inner + ch];
            }
            sums[j] = sm;
            dsums[j] = ds;
        }
        #[unroll]
        for j in 0..GROUP {
            if c0 + j < chunks {
                chunk_state[((batch * chunks + c0 + j) * d_state + s) * d_inner + ch] = h;
                h = exp2::<F>(av * dsums[j]) * h + sums[j];
            }
        }
    }
}

#[cube(
    launch_unchecked,
    fast_math = FastMath::ReducedPrecision
        | FastMath::NotNaN
        | FastMath::NotInf
        | FastMath::AllowReciprocal
        | FastMath::UnsignedZero
)]
// `%` and not `is_multiple_of`: the kernel macro translates operators, not that method.
#[allow(clippy::manual_is_multiple_of)]
pub(crate) fn scan_chunk_output<F: Float>(
    u: &Array<F>,     // [batch, len, d_inner], dense
    delta: &Array<F>, // likewise
    delta_bias: &Array<F>,
    a: &Array<F>, // [d_inner, d_state]: A, or A_log with `a_is_log`
    bm: &Array<F>,
    cm: &Array<F>,             // [batch, len, d_state], unit stride along d_state
    dskip: &Array<F>,          // [d_inner]
    z: &Array<F>,              // [batch, len, d_inner], unit stride along d_inner
    chunk_state: &Array<F>, // [batch, chunks, d_state, d_inner]: entering states (unused with one chunk)
    out: &mut Array<F>,     // [batch, len, d_inner], dense
    last_state: &mut Array<F>, // [batch, d_inner, d_state]
    len: u32,
    d_inner: u32,
    chunk_len: u32,
    // Batch and row strides of `bm`, `cm` and `z`.
    b_batch: u32,
    b_row: u32,
    c_batch: u32,
    c_row: u32,
    z_batch: u32,
    z_row: u32,
    #[comptime] d_state: usize,
    // `delta` is Δ itself, written by `scan_chunk_summary`, not Δ before bias and softplus.
    #[comptime] delta_is_dt: bool,
    #[comptime] a_is_log: bool,
) {
    let len = len as usize;
    let d_inner = d_inner as usize;
    let tid = UNIT_POS_X as usize;
    let ch_pos = CUBE_POS_X as usize * CHANNELS_PER_CUBE + tid;
    // As in `scan_chunk_summary`: threads past the last channel only help with the staging.
    let active = ch_pos < d_inner;
    let ch = if active { ch_pos } else { d_inner - 1 };
    let chunk = CUBE_POS_Y as usize;
    let chunks = CUBE_COUNT_Y as usize;
    let batch = CUBE_POS_Z as usize;
    let t0 = chunk * chunk_len as usize;
    let mut t1 = t0 + chunk_len as usize;
    if t1 > len {
        t1 = len;
    }
    let steps = t1 - t0;

    let mut h = Array::<F>::new(d_state);
    let mut av = Array::<F>::new(d_state);
    let base = (batch * chunks + chunk) * d_state * d_inner + ch;
    #[unroll]
    for s in 0..d_state {
        h[s] = F::new(0.0);
        if chunks > 1 {
            h[s] = chunk_state[base + s * d_inner];
        }
        av[s] = a_log2e::<F>(a, ch * d_state + s, a_is_log);
    }

    let bias = delta_bias[ch];
    let dv = dskip[ch];
    let mut b_s = SharedMemory::<V4<F>>::new(STAGE * d_state / 4);
    let mut c_s = SharedMemory::<V4<F>>::new(STAGE * d_state / 4);
    // As in `scan_chunk_summary`, a sub-block ahead; z through its row stride.
    let z_row = z_row as usize;
    let i0 = (batch * len + t0) * d_inner + ch;
    let iz0 = batch * z_batch as usize + t0 * z_row + ch;
    let mut x_cur = Array::<F>::new(SUB);
    let mut d_cur = Array::<F>::new(SUB);
    let mut z_cur = Array::<F>::new(SUB);
    let mut x_next = Array::<F>::new(SUB);
    let mut d_next = Array::<F>::new(SUB);
    let mut z_next = Array::<F>::new(SUB);
    load_steps::<F>(u, &mut x_next, i0, d_inner, sub_count(steps));
    load_steps::<F>(delta, &mut d_next, i0, d_inner, sub_count(steps));
    load_steps::<F>(z, &mut z_next, iz0, z_row, sub_count(steps));
    for sb in 0..steps.div_ceil(SUB) {
        let s0 = sb * SUB;
        if s0 % STAGE == 0 {
            sync_cube();
            stage_rows::<F>(
                bm,
                &mut b_s,
                batch,
                t0 + s0,
                t1,
                tid,
                b_batch as usize,
                b_row as usize,
                d_state,
            );
            stage_rows::<F>(
                cm,
                &mut c_s,
                batch,
                t0 + s0,
                t1,
                tid,
                c_batch as usize,
                c_row as usize,
                d_state,
            );
            sync_cube();
        }
        advance_sub::<F>(u, &mut x_cur, &mut x_next, i0, d_inner, s0, steps);
        advance_sub::<F>(delta, &mut d_cur, &mut d_next, i0, d_inner, s0, steps);
        advance_sub::<F>(z, &mut z_cur, &mut z_next, iz0, z_row, s0, steps);
        let count = sub_count(steps - s0);
        let row0 = (s0 % STAGE) * (d_state / 4);
        #[unroll]
        for j in 0..SUB {
            if j < count {
                let x = x_cur[j];
                let zv = z_cur[j];
                let mut dt = d_cur[j];
                if !delta_is_dt {
                    dt = softplus::<F>(d_cur[j] + bias);
                }
                let dtx = dt * x;
                // C_t · h_t in four partial sums (one per vector lane), so that the sum is four
                // dependent adds deep instead of d_state.
                let mut yc = Array::<F>::new(4usize);
                #[unroll]
                for c in 0..4usize {
                    yc[c] = F::new(0.0);
                }
                let row = row0 + j * (d_state / 4);
                #[unroll]
                for q in 0..d_state / 4 {
                    let bv = b_s[row + q];
                    let cv = c_s[row + q];
                    #[unroll]
                    for c in 0..4usize {
                        let s = q * 4 + c;
                        h[s] = exp2::<F>(dt * av[s]) * h[s] + dtx * bv[c];
                        yc[c] += cv[c] * h[s];
                    }
                }
                let y = (yc[0usize] + yc[1usize]) + (yc[2usize] + yc[3usize]);
                if active {
                    out[i0 + (s0 + j) * d_inner] =
                        (y + dv * x) * (zv / (F::new(1.0) + F::exp(-zv)));
                }
            }
        }
    }
    if active && chunk == chunks - 1 {
        #[unroll]
        for s in 0..d_state {
            last_state[(batch * d_inner + ch) * d_state + s] = h[s];
        }
    }
}
