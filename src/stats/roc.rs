//! Binary classification metrics with scikit-learn's conventions, for the
//! dynamic-shift detection task (§4.5, Table 5: AUC-ROC, F1, F1 at the
//! Youden-optimal threshold, TPR at 0.1 FPR).
//!
//! Labels are `bool` (`true` = positive class, sklearn's `pos_label=1`) and
//! higher scores mean "more positive". The reference behaviour is
//! `sklearn.metrics` 1.3 or later (checked against 1.9.1).

use serde::{Deserialize, Serialize};

use crate::stats::{StatsError, check_finite, check_same_len};

/// An ROC curve as returned by `sklearn.metrics.roc_curve`: parallel arrays,
/// one entry per operating point, thresholds in decreasing order.
///
/// The point `i` classifies a sample as positive when
/// `score >= thresholds[i]` (see [`predict_at`]). `thresholds[0]` is `+∞`
/// (nothing predicted positive, the point `(0, 0)`). Note that `serde_json`
/// writes `+∞` as `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    /// False positive rates, non-decreasing, from 0 to 1.
    pub fpr: Vec<f64>,
    /// True positive rates (recall), non-decreasing, from 0 to 1.
    pub tpr: Vec<f64>,
    /// Decision thresholds, strictly decreasing, starting at `+∞`.
    pub thresholds: Vec<f64>,
}

impl RocCurve {
    /// Number of operating points.
    pub fn len(&self) -> usize {
        self.thresholds.len()
    }

    /// Whether the curve has no points (never the case for a curve from
    /// [`roc_curve`]).
    pub fn is_empty(&self) -> bool {
        self.thresholds.is_empty()
    }
}

/// Counts of a binary confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Confusion {
    /// Predicted positive, labelled positive.
    pub true_pos: usize,
    /// Predicted positive, labelled negative.
    pub false_pos: usize,
    /// Predicted negative, labelled negative.
    pub true_neg: usize,
    /// Predicted negative, labelled positive.
    pub false_neg: usize,
}

/// Confusion-matrix counts of `y_pred` against `y_true`.
pub fn confusion(y_true: &[bool], y_pred: &[bool]) -> Result<Confusion, StatsError> {
    check_same_len(y_true.len(), y_pred.len())?;
    let mut c = Confusion::default();
    for (&t, &p) in y_true.iter().zip(y_pred) {
        match (t, p) {
            (true, true) => c.true_pos += 1,
            (false, true) => c.false_pos += 1,
            (false, false) => c.true_neg += 1,
            (true, false) => c.false_neg += 1,
        }
    }
    Ok(c)
}

/// `num / den`, or 0.0 when `den = 0`: sklearn's default
/// `zero_division="warn"`, which warns and returns 0.0.
fn prf_divide(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn nonempty_confusion(y_true: &[bool], y_pred: &[bool]) -> Result<Confusion, StatsError> {
    if y_true.is_empty() {
        return Err(StatsError::Empty);
    }
    confusion(y_true, y_pred)
}

/// Precision `TP / (TP + FP)`, as `sklearn.metrics.precision_score`; 0.0
/// when nothing is predicted positive (sklearn's default
/// `zero_division="warn"` returns 0.0 with an `UndefinedMetricWarning`).
/// Errors on mismatched lengths or empty input.
pub fn precision_score(y_true: &[bool], y_pred: &[bool]) -> Result<f64, StatsError> {
    let c = nonempty_confusion(y_true, y_pred)?;
    Ok(prf_divide(c.true_pos, c.true_pos + c.false_pos))
}

/// Recall (TPR) `TP / (TP + FN)`, as `sklearn.metrics.recall_score`; 0.0
/// when there is no positive label (sklearn's default: warn, return 0.0).
/// Errors on mismatched lengths or empty input.
pub fn recall_score(y_true: &[bool], y_pred: &[bool]) -> Result<f64, StatsError> {
    let c = nonempty_confusion(y_true, y_pred)?;
    Ok(prf_divide(c.true_pos, c.true_pos + c.false_neg))
}

/// F1 score of the positive class, as `sklearn.metrics.f1_score` (binary
/// average), computed like sklearn ≥ 1.3 as `2·TP / (2·TP + FP + FN)`.
///
/// Zero division: the ratio is undefined only when `TP + FP + FN = 0`, i.e.
/// no positive label and no positive prediction; sklearn's default
/// `zero_division="warn"` then emits `UndefinedMetricWarning` and returns
/// **0.0**, which is what this returns. (When only precision or only recall
/// is undefined, `TP = 0` and F1 is a well-defined 0.0.)
/// Errors on mismatched lengths or empty input.
pub fn f1_score(y_true: &[bool], y_pred: &[bool]) -> Result<f64, StatsError> {
    let c = nonempty_confusion(y_true, y_pred)?;
    let pos_label = c.true_pos + c.false_neg;
    let pos_pred = c.true_pos + c.false_pos;
    Ok(prf_divide(2 * c.true_pos, pos_label + pos_pred))
}

/// Hard predictions at `threshold` with the ROC convention
/// `score >= threshold` ⇒ positive (so `predict_at(s, curve.thresholds[i])`
/// realises operating point `i`).
pub fn predict_at(scores: &[f64], threshold: f64) -> Vec<bool> {
    scores.iter().map(|&s| s >= threshold).collect()
}

/// `sklearn.metrics.roc_curve(y_true, scores)` with its default
/// `drop_intermediate=True`. See [`roc_curve_with`].
pub fn roc_curve(y_true: &[bool], scores: &[f64]) -> Result<RocCurve, StatsError> {
    roc_curve_with(y_true, scores, true)
}

/// The ROC curve exactly as `sklearn.metrics.roc_curve` builds it:
///
/// 1. sort samples by decreasing score; each group of tied scores is a single
///    operating point, at which the whole group is predicted positive;
/// 2. for each distinct score `s` (descending) record cumulative `FP`, `TP`
///    over samples with score `≥ s`, and threshold `s`;
/// 3. if `drop_intermediate` and there are more than two points, drop every
///    point (other than the first and last) where both cumulative-count
///    sequences have a zero second difference — that is, a point collinear
///    with both neighbours on a horizontal, vertical or diagonal run
///    (sklearn's `np.diff(fps, 2)`/`np.diff(tps, 2)` rule);
/// 4. prepend the point `(0, 0)` with threshold `+∞` (`np.inf`, as sklearn
///    ≥ 1.3 does; older versions used `max(score) + 1`);
/// 5. divide by the totals: `fpr = FP / N_neg`, `tpr = TP / N_pos`.
///
/// Errors: mismatched lengths, empty input, a non-finite score (sklearn
/// raises on NaN/∞ too), or a single class in `y_true`
/// ([`StatsError::SingleClass`]; sklearn warns and fills that axis with NaN,
/// which no later step can use).
pub fn roc_curve_with(
    y_true: &[bool],
    scores: &[f64],
    drop_intermediate: bool,
) -> Result<RocCurve, StatsError> {
    check_same_len(y_true.len(), scores.len())?;
    if y_true.is_empty() {
        return Err(StatsError::Empty);
    }
    check_finite(scores, "scores")?;
    let n_pos = y_true.iter().filter(|&&t| t).count();
    let n_neg = y_true.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(StatsError::SingleClass {
            all_positive: n_neg == 0,
        });
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[j].total_cmp(&scores[i]));

    // One point per distinct score, in decreasing score order.
    let (mut fps, mut tps, mut thr) = (Vec::new(), Vec::new(), Vec::new());
    let (mut fp, mut tp) = (0_usize, 0_usize);
    for (k, &i) in order.iter().enumerate() {
        if y_true[i] {
            tp += 1;
        } else {
            fp += 1;
        }
        let group_ends = order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]);
        if group_ends {
            fps.push(fp);
            tps.push(tp);
            thr.push(scores[i]);
        }
    }

    let keep: Vec<usize> = if drop_intermediate && fps.len() > 2 {
        let last = fps.len() - 1;
        let second_diff = |v: &[usize], i: usize| v[i - 1] + v[i + 1] != 2 * v[i];
        (0..=last)
            .filter(|&i| i == 0 || i == last || second_diff(&fps, i) || second_diff(&tps, i))
            .collect()
    } else {
        (0..fps.len()).collect()
    };

    let (neg_total, pos_total) = (n_neg as f64, n_pos as f64);
    let mut curve = RocCurve {
        fpr: vec![0.0],
        tpr: vec![0.0],
        thresholds: vec![f64::INFINITY],
    };
    for i in keep {
        curve.fpr.push(fps[i] as f64 / neg_total);
        curve.tpr.push(tps[i] as f64 / pos_total);
        curve.thresholds.push(thr[i]);
    }
    Ok(curve)
}

/// Area under a curve by the trapezoidal rule, as `sklearn.metrics.auc`:
/// `x` must be monotonic (non-decreasing, or non-increasing, in which case
/// the area is still reported positive). Errors: mismatched lengths, fewer
/// than two points, non-finite values, or non-monotonic `x`.
pub fn auc(x: &[f64], y: &[f64]) -> Result<f64, StatsError> {
    check_same_len(x.len(), y.len())?;
    if x.len() < 2 {
        return Err(StatsError::TooFewPoints {
            needed: 2,
            got: x.len(),
        });
    }
    check_finite(x, "x")?;
    check_finite(y, "y")?;
    let increasing = x.windows(2).all(|w| w[1] >= w[0]);
    let decreasing = x.windows(2).all(|w| w[1] <= w[0]);
    let direction = match (increasing, decreasing) {
        (true, _) => 1.0,
        (false, true) => -1.0,
        (false, false) => {
            return Err(StatsError::InvalidArgument(
                "x is neither increasing nor decreasing",
            ));
        }
    };
    let area: f64 = x
        .windows(2)
        .zip(y.windows(2))
        .map(|(xw, yw)| (xw[1] - xw[0]) * (yw[0] + yw[1]) / 2.0)
        .sum();
    Ok(direction * area)
}

/// `sklearn.metrics.roc_auc_score` for binary labels: the trapezoidal area
/// under the (default, `drop_intermediate=True`) ROC curve. Tied scores
/// form one diagonal segment, so each positive–negative tie earns half
/// credit (all scores tied ⇒ 0.5). Equals the Mann–Whitney probability
/// `P(s⁺ > s⁻) + ½·P(s⁺ = s⁻)`.
///
/// Errors as [`roc_curve_with`]; in particular a single class in `y_true`
/// is [`StatsError::SingleClass`] (sklearn < 1.6 raised `ValueError`; newer
/// versions warn and return NaN).
pub fn roc_auc_score(y_true: &[bool], scores: &[f64]) -> Result<f64, StatsError> {
    let curve = roc_curve(y_true, scores)?;
    auc(&curve.fpr, &curve.tpr)
}

/// The operating point maximising Youden's `J = TPR − FPR` (the paper's
/// "optimal threshold", §4.5), as `thresholds[np.argmax(tpr - fpr)]`: on
/// ties the **first** maximum in curve order (i.e. the highest threshold)
/// wins, as `np.argmax` does. Returns `(threshold, tpr, fpr)`; `None` only
/// for an empty curve. NaN entries are never selected.
///
/// When no point beats chance (`J ≤ 0` everywhere), this is the first point,
/// with threshold `+∞` (predict nothing positive), just as in Python.
pub fn youden_optimal(curve: &RocCurve) -> Option<(f64, f64, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, (t, f)) in curve.tpr.iter().zip(&curve.fpr).enumerate() {
        let j = t - f;
        if best.is_none_or(|(_, b)| j > b) && !j.is_nan() {
            best = Some((i, j));
        }
    }
    best.map(|(i, _)| (curve.thresholds[i], curve.tpr[i], curve.fpr[i]))
}

/// TPR at a false-positive budget, step version: the largest TPR among the
/// curve's points with `FPR ≤ max_fpr` (an achievable operating point; for
/// `drop_intermediate=True` curves, dropped points are collinear and never
/// change this value except on diagonal runs of ties). NaN if no point
/// qualifies (e.g. `max_fpr < 0` or NaN).
pub fn tpr_at_fpr(curve: &RocCurve, max_fpr: f64) -> f64 {
    curve
        .fpr
        .iter()
        .zip(&curve.tpr)
        .filter(|&(&f, _)| f <= max_fpr)
        .map(|(_, &t)| t)
        .fold(f64::NAN, f64::max)
}

/// TPR at a false-positive rate, interpolated: linear interpolation of the
/// ROC curve at `FPR = max_fpr`, exactly as `np.interp(max_fpr, fpr, tpr)`
/// and as sklearn's `roc_auc_score(max_fpr=…)` places its cut point. With
/// `i` the last point where `fpr[i] ≤ max_fpr`: returns `tpr[i]` if
/// `fpr[i] = max_fpr` or `i` is the last point, else the value on the
/// segment to point `i + 1`. NaN for an empty curve, `max_fpr < fpr[0]` or
/// NaN `max_fpr`.
pub fn tpr_at_fpr_interpolated(curve: &RocCurve, max_fpr: f64) -> f64 {
    let stop = curve.fpr.partition_point(|&f| f <= max_fpr);
    if stop == 0 || max_fpr.is_nan() {
        return f64::NAN;
    }
    let i = stop - 1;
    if i + 1 == curve.fpr.len() || curve.fpr[i] == max_fpr {
        return curve.tpr[i];
    }
    let (x0, x1, y0, y1) = (
        curve.fpr[i],
        curve.fpr[i + 1],
        curve.tpr[i],
        curve.tpr[i + 1],
    );
    let slope = (y1 - y0) / (x1 - x0);
    slope * (max_fpr - x0) + y0
}
