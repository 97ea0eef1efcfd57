//! The referee of [`super::matmul`]'s tuner: sampled entries of `lhs · rhs`, recomputed in f64
//! on the host.
//!
//! A referee must be simpler than what it judges. This project first used an on-device naive
//! kernel (one thread per output element, a plain loop over the shared dimension); on the H200
//! that kernel itself was wrong for outputs whose rows were not aligned with its 256-thread
//! cubes (`selftest`, which compares with the host, caught it: every tiling candidate agreed
//! with each other and with the host, the naive kernel with neither). Here nothing runs on the
//! device but Burn's `select`, a gather: a few rows of `lhs` and columns of `rhs` (for every
//! batch) come to the host, their dot products are taken in f64, and the candidate's output is
//! gathered at the same entries.
//!
//! # Which entries
//! Rows `0`, `m − 1`, `m / 2` and up to [`PICKS`] − 3 more spread pseudo-randomly (seeded by the
//! shape, so a rerun samples the same ones); columns likewise. The first and last rows and
//! columns sit in the edge tiles, where a tiling kernel's bounds checks go wrong; the product
//! of the two sets covers every (row-tile, column-tile) kind a tiling bug could live in, within
//! every batch.

use burn::tensor::{Int, Tensor, TensorData};

use super::{Cube, wrap};
use crate::backend::CudaBackend;

/// Rows (and columns) sampled per problem.
pub const PICKS: usize = 16;

/// The exact values at the sampled entries.
pub(crate) struct Sample {
    rows: Vec<usize>,
    cols: Vec<usize>,
    /// `[batch, rows, cols]`, row-major.
    exact: Vec<f64>,
    /// max |exact|: deviations are relative to it.
    scale: f64,
}

/// `0, len − 1, len / 2`, then pseudo-random distinct indices, at most [`PICKS`] in all.
fn picks(len: usize, seed: u64) -> Vec<usize> {
    let want = PICKS.min(len);
    let mut out: Vec<usize> = Vec::new();
    let mut rng = crate::data::rng::Rng::new(seed ^ len as u64);
    // Edges and middle, then random draws, then (unlucky draws on a short axis) in order.
    let fixed = [0, len - 1, len / 2];
    let drawn = (0..4 * PICKS).map(|_| rng.below(len));
    for i in fixed.into_iter().chain(drawn).chain(0..len) {
        if out.len() >= want {
            break;
        }
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn index(v: &[usize], on: &Cube) -> Tensor<CudaBackend, 1, Int> {
    let ids: Vec<i64> = v.iter().map(|&i| i as i64).collect();
    Tensor::from_data(TensorData::new(ids, [v.len()]), &on.device)
}

fn host<const D: usize>(t: Tensor<CudaBackend, D>) -> Vec<f64> {
    t.into_data()
        .convert::<f32>()
        .to_vec::<f32>()
        .expect("f32 tensor")
        .into_iter()
        .map(f64::from)
        .collect()
}

/// Row-major index of batch coordinate `b` (of the output's batch shape) in an operand whose
/// batch axes may be broadcast (size 1).
fn batch_offset(b: usize, out_batch: &[usize], operand_batch: &[usize]) -> usize {
    let (mut rest, mut off, mut stride) = (b, 0, 1);
    for (o, p) in out_batch.iter().zip(operand_batch).rev() {
        let c = rest % o;
        rest /= o;
        if *p != 1 {
            off += c * stride;
        }
        stride *= p;
    }
    off
}

/// Gathers the sampled rows of `lhs` and columns of `rhs` and multiplies them in f64.
pub(crate) fn sample<const D: usize>(lhs: &Cube, rhs: &Cube) -> Sample {
    let ls = lhs.meta.shape().to_vec();
    let rs = rhs.meta.shape().to_vec();
    let (m, k, n) = (ls[D - 2], ls[D - 1], rs[D - 1]);
    let seed = (m * 31 + k) as u64 * 131 + n as u64;
    let (rows, cols) = (picks(m, seed), picks(n, seed.rotate_left(17)));
    let (r, c) = (rows.len(), cols.len());
    let a = host(wrap::<D>(lhs.clone()).select(D - 2, index(&rows, lhs)));
    let b = host(wrap::<D>(rhs.clone()).select(D - 1, index(&cols, rhs)));
    let out_batch: Vec<usize> = ls[..D - 2]
        .iter()
        .zip(&rs[..D - 2])
        .map(|(x, y)| *x.max(y))
        .collect();
    let batches: usize = out_batch.iter().product();
    let mut exact = Vec::with_capacity(batches * r * c);
    for bi in 0..batches {
        // a: [.., r, k] row-major; b: [.., k, c] row-major.
        let a0 = batch_offset(bi, &out_batch, &ls[..D - 2]) * r * k;
        let b0 = batch_offset(bi, &out_batch, &rs[..D - 2]) * k * c;
        for i in 0..r {
            for j in 0..c {
                let dot: f64 = (0..k).map(|l| a[a0 + i * k + l] * b[b0 + l * c + j]).sum();
                exact.push(dot);
            }
        }
    }
    let scale = exact
        .iter()
        .fold(0.0f64, |s, v| s.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    Sample {
        rows,
        cols,
        exact,
        scale,
    }
}

/// max |out − exact| / max |exact| over the sampled entries (NaN if `out` holds a NaN there).
pub(crate) fn deviation<const D: usize>(out: &Cube, s: &Sample) -> f64 {
    let got = host(
        wrap::<D>(out.clone())
            .select(D - 2, index(&s.rows, out))
            .select(D - 1, index(&s.cols, out)),
    );
    let mut worst = 0.0f64;
    for (g, e) in got.iter().zip(&s.exact) {
        let d = (g - e).abs();
        if d.is_nan() {
            return f64::NAN;
        }
        worst = worst.max(d);
    }
    worst / s.scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_cover_the_edges_and_stay_distinct() {
        for len in [1, 2, 7, 80, 7066] {
            let p = picks(len, 3);
            assert!(p.contains(&0) && p.contains(&(len - 1)));
            assert_eq!(p.len(), PICKS.min(len));
            let mut q = p.clone();
            q.sort();
            q.dedup();
            assert_eq!(q.len(), p.len());
            assert!(p.iter().all(|&i| i < len));
        }
    }

    #[test]
    fn broadcast_batch_offsets() {
        // Output batch [2, 3]; an operand broadcast on the first axis.
        assert_eq!(batch_offset(4, &[2, 3], &[1, 3]), 1);
        assert_eq!(batch_offset(4, &[2, 3], &[2, 3]), 4);
        assert_eq!(batch_offset(5, &[2, 3], &[2, 1]), 1);
    }
}
