//! How the scan's threads get their inputs, shared by the forward passes
//! ([`super::forward`]): the rows of B and C (and Mamba's low-rank Δ factor) that every channel
//! of a cube reads alike are staged in shared memory once per cube, [`STAGE`] steps at a time;
//! each channel's own inputs (u, Δ, z) are requested [`SUB`] steps at a time, a sub-block ahead
//! of the steps being computed. The module docs of [`super::forward`] give the timings that
//! chose both.

use cubecl::{cube, prelude::*};

use super::CHANNELS_PER_CUBE;

pub(super) type V4<F> = Vector<F, Const<4>>;

/// Steps whose B (and C) rows a cube stages in shared memory at a time.
pub(super) const STAGE: usize = 64;

/// Copies the [`STAGE`] rows from `tb` of `src`, `[batch, len, d_state]` with unit stride along
/// `d_state`, into `dst` as vectors of 4 states, `dst[(t − tb) · d_state/4 + q]`; rows at or
/// past `end` (the chunk's end) read as zero. The cube's threads share the copy. Every channel
/// of the cube reads the same rows, so they are loaded from device memory once per cube instead
/// of once per thread and step.
#[cube]
// The loop bound is comptime arithmetic, left as it was when measured on the device.
#[allow(clippy::too_many_arguments, clippy::manual_div_ceil)]
pub(super) fn stage_rows<F: Float>(
    src: &Array<F>,
    dst: &mut SharedMemory<V4<F>>,
    batch: usize,
    tb: usize,
    end: usize,
    tid: usize,
    batch_stride: usize,
    row_stride: usize,
    #[comptime] d_state: usize,
) {
    let lines = d_state / 4;
    let total = STAGE * lines;
    #[unroll]
    for k in 0..(total + CHANNELS_PER_CUBE - 1) / CHANNELS_PER_CUBE {
        let e = tid + k * CHANNELS_PER_CUBE;
        if e < total {
            let t = tb + e / lines;
            let q = e % lines;
            let mut v = V4::<F>::empty();
            #[unroll]
            for c in 0..4usize {
                let mut x = F::new(0.0);
                if t < end {
                    x = src[batch * batch_stride + t * row_stride + q * 4 + c];
                }
                v[c] = x;
            }
            dst[e] = v;
        }
    }
}

/// Steps whose per-channel inputs (u, Δ, and in the output pass z) a thread requests together,
/// one sub-block ahead of the steps it computes (see the module docs).
pub(super) const SUB: usize = 8;

/// Requests `count` (at most [`SUB`]) consecutive steps of one channel of `src`, starting at
/// index `start`, `step` apart; the rest of `dst` reads as zero.
#[cube]
pub(super) fn load_steps<F: Float>(
    src: &Array<F>,
    dst: &mut Array<F>,
    start: usize,
    step: usize,
    count: usize,
) {
    #[unroll]
    for j in 0..SUB {
        let mut v = F::new(0.0);
        if j < count {
            v = src[start + j * step];
        }
        dst[j] = v;
    }
}

/// `min(SUB, rest)`: the steps of a sub-block that lie inside the chunk.
#[cube]
pub(super) fn sub_count(rest: usize) -> usize {
    let mut n = rest;
    if n > SUB {
        n = SUB;
    }
    n
}

/// Moves the sub-block requested last (`next`) into `cur` and, if the chunk has another
/// sub-block after the one starting at step `s0`, requests it into `next`: steps
/// `s0 + SUB ..` of one channel of `src`, whose step `0` is at index `start`, `step` apart.
#[cube]
#[allow(clippy::too_many_arguments)]
pub(super) fn advance_sub<F: Float>(
    src: &Array<F>,
    cur: &mut Array<F>,
    next: &mut Array<F>,
    start: usize,
    step: usize,
    s0: usize,
    steps: usize,
) {
    #[unroll]
    for j in 0..SUB {
        cur[j] = next[j];
    }
    let s1 = s0 + SUB;
    if s1 < steps {
        load_steps::<F>(src, next, start + s1 * step, step, sub_count(steps - s1));
    }
}
