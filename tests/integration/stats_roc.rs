//! Known-answer tests for the `stats` stage's sklearn-compatible ROC metrics (ROC curve,
//! AUC, Youden's threshold, F1), against sklearn's own documented and computed answers.

use ssmbench::stats::*;

use super::stats::{assert_abs, assert_rel, assert_vec};

#[test]
fn roc_separable_reversed_and_tied() {
    let y = [false, false, true, true];
    // Separable. Distinct scores 0.9, 0.8, 0.2, 0.1 give (FP, TP) =
    // (0,1), (0,2), (1,2), (2,2); (1,2) lies on the top edge between its
    // neighbours and is dropped.
    let c = roc_curve(&y, &[0.1, 0.2, 0.8, 0.9]).unwrap();
    assert_vec(&c.fpr, &[0.0, 0.0, 0.0, 1.0], 0.0);
    assert_vec(&c.tpr, &[0.0, 0.5, 1.0, 1.0], 0.0);
    assert_vec(&c.thresholds, &[f64::INFINITY, 0.9, 0.8, 0.1], 0.0);
    assert_eq!(roc_auc_score(&y, &[0.1, 0.2, 0.8, 0.9]), Ok(1.0));
    assert_eq!(roc_auc_score(&y, &[0.9, 0.8, 0.2, 0.1]), Ok(0.0));
    // All tied: one diagonal segment, AUC 0.5.
    let c = roc_curve(&y, &[0.5; 4]).unwrap();
    assert_vec(&c.fpr, &[0.0, 1.0], 0.0);
    assert_vec(&c.tpr, &[0.0, 1.0], 0.0);
    assert_vec(&c.thresholds, &[f64::INFINITY, 0.5], 0.0);
    assert_eq!(roc_auc_score(&y, &[0.5; 4]), Ok(0.5));
}

#[test]
fn roc_sklearn_docstring_case() {
    // y = [0,0,1,1], s = [0.1,0.4,0.35,0.8]. Descending: 0.8(P), 0.4(N),
    // 0.35(P), 0.1(N) ⇒ (FP, TP) = (0,1), (1,1), (1,2), (2,2); no three
    // consecutive points are collinear, so none is dropped. Prepending
    // (0,0,∞) and dividing by 2: fpr [0,0,.5,.5,1], tpr [0,.5,.5,1,1].
    // Area: 0.5·0.5 + 0.5·1 = 0.75.
    let y = [false, false, true, true];
    let s = [0.1, 0.4, 0.35, 0.8];
    let c = roc_curve(&y, &s).unwrap();
    assert_vec(&c.fpr, &[0.0, 0.0, 0.5, 0.5, 1.0], 0.0);
    assert_vec(&c.tpr, &[0.0, 0.5, 0.5, 1.0, 1.0], 0.0);
    assert_vec(&c.thresholds, &[f64::INFINITY, 0.8, 0.4, 0.35, 0.1], 0.0);
    assert_eq!(c.len(), 5);
    assert_eq!(roc_auc_score(&y, &s), Ok(0.75));
    assert_eq!(auc(&c.fpr, &c.tpr), Ok(0.75));
}

/// A longer case with a vertical, a horizontal and a diagonal (tied) run.
fn long_case() -> (Vec<bool>, Vec<f64>) {
    let y = [1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1].map(|v| v == 1).to_vec();
    let s = vec![0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.4, 0.3];
    (y, s)
}

#[test]
fn roc_drop_intermediate_long_case() {
    // 6 positives, 5 negatives. Per distinct score (FP, TP):
    //   0.95 (0,1)  0.9 (0,2)  0.85 (0,3)  0.8 (1,3)  0.7 (2,3)
    //   0.6 (3,4)   0.5 (4,5)  0.4 (5,5)   0.3 (5,6)
    // Second differences of FP and TP both vanish at 0.9 (vertical run),
    // 0.8 (horizontal run) and 0.6 (diagonal run of ties): dropped.
    // Kept: 0.95, 0.85, 0.7, 0.5, 0.4, 0.3 (+ the leading ∞ point).
    let (y, s) = long_case();
    let c = roc_curve(&y, &s).unwrap();
    assert_vec(
        &c.thresholds,
        &[f64::INFINITY, 0.95, 0.85, 0.7, 0.5, 0.4, 0.3],
        0.0,
    );
    assert_vec(&c.fpr, &[0.0, 0.0, 0.0, 0.4, 0.8, 1.0, 1.0], 1e-15);
    let sixths = [0.0, 1.0, 3.0, 3.0, 5.0, 5.0, 6.0].map(|v| v / 6.0);
    assert_vec(&c.tpr, &sixths, 1e-15);
    let full = roc_curve_with(&y, &s, false).unwrap();
    assert_eq!(full.len(), 10);
    assert_vec(
        &full.thresholds,
        &[f64::INFINITY, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3],
        0.0,
    );
    // Area 0.4·0.5 + 0.4·(0.5 + 5/6)/2 + 0.2·5/6 = 19/30; Mann–Whitney:
    // 15 + 2.5 + 1.5 + 0 = 19 wins of 30 pairs.
    assert_rel(roc_auc_score(&y, &s).unwrap(), 19.0 / 30.0, 1e-15);
    assert_rel(auc(&full.fpr, &full.tpr).unwrap(), 19.0 / 30.0, 1e-15);
    // J = tpr − fpr = 0, 1/6, 1/2, 1/10, 1/30, −1/6, 0: best at 0.85.
    assert_eq!(youden_optimal(&c), Some((0.85, 0.5, 0.0)));
    assert_eq!(youden_optimal(&full), Some((0.85, 0.5, 0.0)));
    // F1 there: TP 3, FP 0, FN 3 ⇒ 6/9.
    let pred = predict_at(&s, 0.85);
    assert_rel(f1_score(&y, &pred).unwrap(), 2.0 / 3.0, 1e-15);
    // TPR at FPR budgets. Step: best point with fpr ≤ 0.1 is (0, 0.5).
    assert_eq!(tpr_at_fpr(&c, 0.1), 0.5);
    assert_eq!(tpr_at_fpr_interpolated(&c, 0.1), 0.5);
    // At 0.6: the dropped diagonal point (0.6, 4/6) only exists on the full
    // curve; the interpolated value is on that diagonal either way.
    assert_eq!(tpr_at_fpr(&c, 0.6), 0.5);
    assert_rel(tpr_at_fpr(&full, 0.6), 4.0 / 6.0, 1e-15);
    assert_rel(tpr_at_fpr_interpolated(&c, 0.6), 4.0 / 6.0, 1e-14);
    assert_rel(tpr_at_fpr_interpolated(&full, 0.6), 4.0 / 6.0, 1e-14);
    assert_eq!(tpr_at_fpr(&c, 1.0), 1.0);
    assert_eq!(tpr_at_fpr_interpolated(&c, 2.0), 1.0);
    assert!(tpr_at_fpr(&c, -0.1).is_nan());
}

#[test]
fn roc_matches_sklearn_on_random_ties() {
    // Generated with numpy 2.4.6 / scikit-learn 1.9.1:
    //   rng = np.random.default_rng(7); y = rng.random(30) < 0.45
    //   s = np.round(rng.random(30)*0.6 + 0.4*y, 1)
    let y = [
        0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0,
    ]
    .map(|v| v == 1);
    let s = [
        0.3, 0.1, 0.0, 0.5, 0.8, 0.1, 0.6, 0.0, 0.5, 0.1, 0.6, 0.9, 0.7, 0.9, 0.4, 0.4, 0.1, 0.3,
        0.3, 0.5, 0.6, 0.8, 0.0, 0.6, 0.6, 0.1, 0.5, 0.2, 0.6, 0.4,
    ];
    let c = roc_curve(&y, &s).unwrap();
    let n19 = |k: f64| k / 19.0;
    let n11 = |k: f64| k / 11.0;
    // sklearn: thresholds [inf, .9, .8, .7, .6, .5, .3, .2, .1, 0] (0.4 dropped).
    assert_vec(
        &c.thresholds,
        &[f64::INFINITY, 0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1, 0.0],
        0.0,
    );
    let fpr = [0.0, 0.0, 0.0, 0.0, 1.0, 4.0, 10.0, 11.0, 16.0, 19.0].map(n19);
    let tpr = [0.0, 2.0, 4.0, 5.0, 10.0, 11.0, 11.0, 11.0, 11.0, 11.0].map(n11);
    assert_eq!(c.fpr, fpr.to_vec());
    assert_eq!(c.tpr, tpr.to_vec());
    assert_eq!(roc_curve_with(&y, &s, false).unwrap().len(), 11);
    assert_abs(roc_auc_score(&y, &s).unwrap(), 0.9760765550239235, 1e-15);
    let (thr, t, f) = youden_optimal(&c).unwrap();
    assert_eq!((thr, t, f), (0.6, 0.9090909090909091, 0.05263157894736842));
    assert_abs(
        f1_score(&y, &predict_at(&s, thr)).unwrap(),
        0.9090909090909091,
        1e-15,
    );
    // np.interp(0.1, fpr, tpr), np.interp(0.3, fpr, tpr).
    assert_abs(tpr_at_fpr_interpolated(&c, 0.1), 0.9363636363636364, 1e-15);
    assert_eq!(tpr_at_fpr_interpolated(&c, 0.3), 1.0);
    assert_eq!(tpr_at_fpr(&c, 0.1), 10.0 / 11.0);
}

#[test]
fn youden_takes_first_maximum() {
    // Descending 0.9(P) 0.8(N) 0.7(P) 0.6(N): J = 0, .5, 0, .5, 0.
    let c = roc_curve(&[true, false, true, false], &[0.9, 0.8, 0.7, 0.6]).unwrap();
    assert_eq!(c.len(), 5);
    assert_eq!(youden_optimal(&c), Some((0.9, 0.5, 0.0)));
    // Worse than chance everywhere: J ≤ 0, first point (threshold +∞) wins.
    let c = roc_curve(&[false, true], &[0.9, 0.1]).unwrap();
    assert_eq!(youden_optimal(&c), Some((f64::INFINITY, 0.0, 0.0)));
    let empty = RocCurve {
        fpr: vec![],
        tpr: vec![],
        thresholds: vec![],
    };
    assert!(empty.is_empty());
    assert_eq!(youden_optimal(&empty), None);
}

#[test]
fn f1_precision_recall_and_zero_division() {
    let y = [true, true, false, false];
    let p = [true, false, true, false];
    assert_eq!(f1_score(&y, &p), Ok(0.5));
    assert_eq!(precision_score(&y, &p), Ok(0.5));
    assert_eq!(recall_score(&y, &p), Ok(0.5));
    let c = confusion(&y, &p).unwrap();
    assert_eq!(
        (c.true_pos, c.false_pos, c.true_neg, c.false_neg),
        (1, 1, 1, 1)
    );
    // 2·TP/(2·TP + FP + FN) = 4/5 with TP 2, FP 1, FN 0.
    assert_eq!(f1_score(&[true, true, false], &[true, true, true]), Ok(0.8));
    // Nothing positive anywhere: sklearn warns and returns 0.0.
    let none = [false; 4];
    assert_eq!(f1_score(&none, &none), Ok(0.0));
    assert_eq!(precision_score(&none, &none), Ok(0.0));
    assert_eq!(recall_score(&none, &none), Ok(0.0));
    // No positive predictions but positive labels: precision undefined → 0,
    // F1 a well-defined 0.
    assert_eq!(precision_score(&y, &none), Ok(0.0));
    assert_eq!(f1_score(&y, &none), Ok(0.0));
    assert_eq!(f1_score(&[], &[]), Err(StatsError::Empty));
    assert_eq!(
        f1_score(&y, &p[..3]),
        Err(StatsError::LengthMismatch { left: 4, right: 3 })
    );
}

#[test]
fn roc_errors() {
    assert_eq!(
        roc_auc_score(&[true, true], &[0.1, 0.2]),
        Err(StatsError::SingleClass { all_positive: true })
    );
    assert_eq!(
        roc_curve(&[false, false], &[0.1, 0.2]),
        Err(StatsError::SingleClass {
            all_positive: false
        })
    );
    assert_eq!(
        roc_curve(&[false, true], &[0.1, f64::NAN]),
        Err(StatsError::NonFinite {
            what: "scores",
            index: 1
        })
    );
    assert_eq!(roc_curve(&[], &[]), Err(StatsError::Empty));
    assert!(roc_curve(&[true], &[0.1, 0.2]).is_err());
    // auc(): decreasing x is fine (area stays positive), zigzag is not.
    assert_eq!(auc(&[1.0, 0.5, 0.0], &[1.0, 1.0, 1.0]), Ok(1.0));
    assert!(auc(&[0.0, 1.0, 0.5], &[1.0, 1.0, 1.0]).is_err());
    assert!(auc(&[0.0], &[1.0]).is_err());
}

#[test]
fn roc_curve_serializes() {
    let c = roc_curve(&[false, true], &[0.2, 0.7]).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    // serde_json has no infinity: the leading threshold becomes null.
    assert!(json.contains("\"thresholds\":[null,0.7,0.2]"), "{json}");
}
