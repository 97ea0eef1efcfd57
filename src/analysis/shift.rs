//! Dynamic-shift detection (paper §4.5, Table 5).
//!
//! A "shift score" between two stretches of a session is the cosine distance of their mean
//! final-layer hidden states, 1 − r_a·r_b / (‖r_a‖ ‖r_b‖). Two protocols:
//!
//! - `segments4`, the paper's: each session in 4 equal token segments (meant to be opening,
//!   exploration, intervention, closing), 3 boundaries per session. The paper never says what
//!   its ground truth was; ours comes from the sessions' own `phase` annotations: a boundary is
//!   positive when the majority phase of the two segments differs.
//! - `windows<W>`, ours: consecutive windows of W tokens; the boundary before window k+1 is
//!   positive when a turn annotated with a `shift` starts inside window k+1. Many more scored
//!   boundaries, and labels from the annotated shifts themselves.
//!
//! Metrics follow scikit-learn's conventions (`crate::stats::roc`): AUC-ROC, F1 with positives
//! above the 75th percentile of the scores (the paper's rule), F1 at the threshold maximising
//! TPR − FPR, that threshold, and the TPR reached at FPR ≤ 0.1.

use serde::{Deserialize, Serialize};

use crate::{
    data::Phase,
    stats::{self, RocCurve},
    tokenize::TurnSpan,
};

/// 1 − cos(a, b); 0 for a zero vector.
pub fn cosine_distance(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        1.0 - dot / (na * nb)
    }
}

/// Mean of rows `start..end` of a row-major `[T, d]` matrix.
pub fn mean_rows(h: &[f32], d: usize, start: usize, end: usize) -> Vec<f64> {
    let mut m = vec![0.0; d];
    for t in start..end {
        for (k, v) in m.iter_mut().enumerate() {
            *v += h[t * d + k] as f64;
        }
    }
    let count = (end - start).max(1) as f64;
    m.iter_mut().for_each(|v| *v /= count);
    m
}

/// `parts` contiguous token ranges covering `0..len` as equally as integers allow.
pub fn equal_segments(len: usize, parts: usize) -> Vec<(usize, usize)> {
    (0..parts)
        .map(|i| (i * len / parts, (i + 1) * len / parts))
        .collect()
}

/// Consecutive windows of `w` tokens; a shorter last window is kept when at least half full.
pub fn windows(len: usize, w: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = (0..len / w).map(|k| (k * w, (k + 1) * w)).collect();
    let rest = len % w;
    if rest > 0 && 2 * rest >= w {
        out.push((len - rest, len));
    }
    out
}

/// Phase of every token of one session (`None` where a turn has no phase), from its turns.
/// `offset` is the session's first token in the corpus.
pub fn token_phases(turns: &[&TurnSpan], offset: usize, len: usize) -> Vec<Option<Phase>> {
    let mut out = vec![None; len];
    for t in turns {
        for i in t.start.max(offset)..t.end.min(offset + len) {
            out[i - offset] = t.phase;
        }
    }
    out
}

/// The most frequent phase in a range (ties: the later phase; `None` when unannotated).
pub fn majority_phase(phases: &[Option<Phase>]) -> Option<Phase> {
    let mut counts = [0usize; 4];
    for p in phases.iter().flatten() {
        counts[Phase::ALL.iter().position(|q| q == p).expect("known phase")] += 1;
    }
    let best = (0..4).max_by_key(|&i| (counts[i], i))?;
    (counts[best] > 0).then_some(Phase::ALL[best])
}

/// Scores and labels of one session's boundaries under one protocol.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Boundaries {
    pub scores: Vec<f64>,
    pub labels: Vec<bool>,
}

impl Boundaries {
    pub fn extend(&mut self, other: Boundaries) {
        self.scores.extend(other.scores);
        self.labels.extend(other.labels);
    }
}

/// The paper's protocol on one session: `h` is the final layer's `[T, d]`, `phases` per token.
pub fn segments4(h: &[f32], d: usize, phases: &[Option<Phase>]) -> Boundaries {
    let t = h.len() / d;
    let segs = equal_segments(t, 4);
    let reps: Vec<Vec<f64>> = segs.iter().map(|&(a, b)| mean_rows(h, d, a, b)).collect();
    let maj: Vec<Option<Phase>> = segs
        .iter()
        .map(|&(a, b)| majority_phase(&phases[a..b]))
        .collect();
    Boundaries {
        scores: reps
            .windows(2)
            .map(|w| cosine_distance(&w[0], &w[1]))
            .collect(),
        labels: maj.windows(2).map(|w| w[0] != w[1]).collect(),
    }
}

/// Our finer protocol on one session: windows of `w` tokens; `shift_starts` are the session's
/// annotated shift turns' first tokens (relative to the session start).
pub fn windowed(h: &[f32], d: usize, w: usize, shift_starts: &[usize]) -> Boundaries {
    let t = h.len() / d;
    let wins = windows(t, w);
    let reps: Vec<Vec<f64>> = wins.iter().map(|&(a, b)| mean_rows(h, d, a, b)).collect();
    Boundaries {
        scores: reps
            .windows(2)
            .map(|r| cosine_distance(&r[0], &r[1]))
            .collect(),
        labels: wins[1..]
            .iter()
            .map(|&(a, b)| shift_starts.iter().any(|&s| s >= a && s < b))
            .collect(),
    }
}

/// Table 5's metrics on pooled boundaries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShiftMetrics {
    pub boundaries: usize,
    pub positives: usize,
    pub auc: f64,
    pub f1_default: f64,
    pub f1_optimal: f64,
    pub optimal_threshold: f64,
    pub tpr_at_fpr_01: f64,
    #[serde(skip)]
    pub curve: Option<RocCurve>,
}

/// Metrics of scores against labels; NaN where a single class makes them undefined.
pub fn metrics(b: &Boundaries) -> ShiftMetrics {
    let positives = b.labels.iter().filter(|&&l| l).count();
    let mut m = ShiftMetrics {
        boundaries: b.labels.len(),
        positives,
        auc: f64::NAN,
        f1_default: f64::NAN,
        f1_optimal: f64::NAN,
        optimal_threshold: f64::NAN,
        tpr_at_fpr_01: f64::NAN,
        curve: None,
    };
    if b.scores.is_empty() {
        return m;
    }
    // The paper's rule: positive when the score exceeds the 75th percentile of the scores.
    let cut = stats::percentile(&b.scores, 75.0).unwrap_or(f64::NAN);
    let predicted: Vec<bool> = b.scores.iter().map(|&s| s > cut).collect();
    m.f1_default = stats::f1_score(&b.labels, &predicted).unwrap_or(f64::NAN);
    if let Ok(curve) = stats::roc_curve(&b.labels, &b.scores) {
        m.auc = stats::roc_auc_score(&b.labels, &b.scores).unwrap_or(f64::NAN);
        if let Some((thr, _, _)) = stats::youden_optimal(&curve) {
            let at: Vec<bool> = b.scores.iter().map(|&s| s >= thr).collect();
            m.f1_optimal = stats::f1_score(&b.labels, &at).unwrap_or(f64::NAN);
            m.optimal_threshold = thr;
        }
        m.tpr_at_fpr_01 = stats::tpr_at_fpr(&curve, 0.1);
        m.curve = Some(curve);
    }
    m
}
