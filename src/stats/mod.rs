//! The `stats` stage: descriptive statistics, least-squares scaling fits,
//! crossover solving and binary-classification metrics, all in plain `f64`
//! with no dependencies beyond `std` (and `serde` derives for result types).
//!
//! Map onto the paper (arXiv 2601.01237):
//!
//! * [`describe`]: per-configuration summaries of the benchmark runs
//!   (§4.4: 5 timed runs after 2 warm-ups, mean reported; Table 2's
//!   "mean ± sd" rows).
//! * [`fit`]: least-squares fits of the scaling models, Eq. 2/4
//!   (`αN² + βN + γ`, Transformer) and Eq. 3/5 (`α'N + γ'`, SSM), plus the
//!   reduced forms printed in §5.1.2 (e.g. `αN² + γ`) and the R² values of
//!   Table 2.
//! * [`poly`]: a small dense polynomial type shared by [`fit`] and [`roots`].
//! * [`roots`]: where two fitted cost models cross (§5.1.2 "crossover
//!   points"), in closed form for degree ≤ 2 differences, by Brent's method
//!   for anything else, and by interpolating measured series directly.
//! * [`roc`]: ROC curve, AUC, F1, Youden-optimal threshold and TPR at a fixed
//!   FPR with scikit-learn's conventions (§4.5, Table 5).
//! * [`mod@ratio`]: efficiency ratios `ρ(N) = cost_T(N) / cost_M(N)` with the
//!   paper's "an OOM failure is recorded as +∞" convention (§4.5, Table 1).
//!
//! Every fallible function reports problems through [`StatsError`].

pub mod describe;
pub mod fit;
pub mod poly;
pub mod ratio;
pub mod roc;
pub mod roots;

pub use describe::{
    Summary, coefficient_of_variation, finite_values, mean, median, percentile, population_sd,
    sample_sd,
};
pub use fit::{BasisFit, Fit, finite_pairs, fit_basis, fit_poly, fit_powers, lstsq};
pub use poly::Polynomial;
pub use ratio::{is_failure, ratio};
pub use roc::{
    Confusion, RocCurve, auc, confusion, f1_score, precision_score, predict_at, recall_score,
    roc_auc_score, roc_curve, roc_curve_with, tpr_at_fpr, tpr_at_fpr_interpolated, youden_optimal,
};
pub use roots::{
    CrossKind, Crossover, XScale, bisect, brent, crossover_points, crossovers, dominance_onset,
    fit_crossovers, interpolate_crossover, interpolate_crossover_with, quadratic_roots, scan_roots,
};

use std::fmt;

/// Errors reported by the `stats` stage.
#[derive(Debug, Clone, PartialEq)]
pub enum StatsError {
    /// Two inputs that must be paired have different lengths.
    LengthMismatch {
        /// Length of the first input.
        left: usize,
        /// Length of the second input.
        right: usize,
    },
    /// An input that must not be empty is empty.
    Empty,
    /// A value that must be finite is NaN or infinite.
    NonFinite {
        /// Which input holds it (e.g. `"x"`, `"scores"`).
        what: &'static str,
        /// Its position in that input.
        index: usize,
    },
    /// Fewer observations than parameters to estimate.
    TooFewPoints {
        /// Observations needed.
        needed: usize,
        /// Observations given.
        got: usize,
    },
    /// The design matrix of a least-squares problem is (numerically) rank
    /// deficient, e.g. all `x` equal, or a basis function repeated.
    RankDeficient,
    /// `y_true` holds only one class, so ROC quantities are undefined.
    SingleClass {
        /// `true` when every label is positive, `false` when every label is
        /// negative.
        all_positive: bool,
    },
    /// The two curves are identical, so every `N` is a crossover.
    IdenticalCurves,
    /// A bracketing root finder was given `[lo, hi]` where the function does
    /// not change sign.
    NoSignChange {
        /// Lower end of the bracket.
        lo: f64,
        /// Upper end of the bracket.
        hi: f64,
    },
    /// A closed-form root solver was asked about a polynomial of too high a
    /// degree; use [`roots::scan_roots`] / [`roots::brent`] instead.
    DegreeTooHigh {
        /// Degree of the polynomial that was given.
        degree: usize,
    },
    /// Any other invalid argument, with a short explanation.
    InvalidArgument(&'static str),
}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthMismatch { left, right } => {
                write!(f, "paired inputs differ in length ({left} vs {right})")
            }
            Self::Empty => write!(f, "input is empty"),
            Self::NonFinite { what, index } => {
                write!(f, "{what}[{index}] is not finite")
            }
            Self::TooFewPoints { needed, got } => {
                write!(f, "need at least {needed} observations, got {got}")
            }
            Self::RankDeficient => write!(f, "least-squares design matrix is rank deficient"),
            Self::SingleClass { all_positive } => {
                let class = if *all_positive {
                    "positive"
                } else {
                    "negative"
                };
                write!(
                    f,
                    "only one class present in y_true (all {class}); ROC metrics are undefined"
                )
            }
            Self::IdenticalCurves => write!(f, "the two curves are identical"),
            Self::NoSignChange { lo, hi } => {
                write!(f, "function does not change sign on [{lo}, {hi}]")
            }
            Self::DegreeTooHigh { degree } => {
                write!(f, "closed-form roots need degree <= 2, got {degree}")
            }
            Self::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
        }
    }
}

impl std::error::Error for StatsError {}

/// Checks that two paired slices have equal length.
pub(crate) fn check_same_len(left: usize, right: usize) -> Result<(), StatsError> {
    if left == right {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch { left, right })
    }
}

/// Checks that every value is finite, naming the input in the error.
pub(crate) fn check_finite(values: &[f64], what: &'static str) -> Result<(), StatsError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(StatsError::NonFinite { what, index }),
    }
}
