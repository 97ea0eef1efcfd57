//! Descriptive statistics for repeated benchmark measurements.
//!
//! The paper (§4.4) times every configuration 5 times after 2 warm-up runs
//! and reports means; Table 2 reports "mean ± sd" rows. This module provides
//! those summaries.
//!
//! # Non-finite values
//!
//! Failed measurements are recorded as `+∞` (§4.5: an OOM is stored as
//! `float("inf")`), and NaN can appear from upstream arithmetic. Every
//! function here works on the **finite values only**: NaN and ±∞ are skipped
//! (as `numpy.nan*` functions skip NaN), and a function returns `None` when no
//! finite value is left (or too few for the statistic). [`Summary`] records
//! how many values were skipped in [`Summary::n_nonfinite`], so failures are
//! never silently lost.

use serde::{Deserialize, Serialize};

/// The finite values of `values`, in their original order.
pub fn finite_values(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|v| v.is_finite()).collect()
}

/// Neumaier-compensated sum (accurate to about one rounding for the sizes
/// used here).
fn compensated_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sum = 0.0_f64;
    let mut comp = 0.0_f64;
    for v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            comp += (sum - t) + v;
        } else {
            comp += (v - t) + sum;
        }
        sum = t;
    }
    sum + comp
}

/// Mean of a slice that is known to be finite and non-empty.
fn mean_of_finite(values: &[f64]) -> f64 {
    compensated_sum(values.iter().copied()) / values.len() as f64
}

/// Sum of squared deviations from `m` (two-pass, as `numpy.var` does).
fn sum_sq_dev(values: &[f64], m: f64) -> f64 {
    compensated_sum(values.iter().map(|v| (v - m) * (v - m)))
}

/// Finite values sorted ascending.
fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut v = finite_values(values);
    v.sort_by(f64::total_cmp);
    v
}

/// Median of a sorted, non-empty slice; for even `n` the mean of the two
/// middle values, as `numpy.median`.
fn median_of_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Arithmetic mean of the finite values; `None` if there are none.
pub fn mean(values: &[f64]) -> Option<f64> {
    let v = finite_values(values);
    (!v.is_empty()).then(|| mean_of_finite(&v))
}

/// Median of the finite values (mean of the middle pair for even counts);
/// `None` if there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    let v = sorted_finite(values);
    (!v.is_empty()).then(|| median_of_sorted(&v))
}

/// Sample standard deviation of the finite values, with Bessel's correction
/// (divisor `n − 1`, i.e. `numpy.std(ddof=1)`); `None` for fewer than two
/// finite values.
pub fn sample_sd(values: &[f64]) -> Option<f64> {
    let v = finite_values(values);
    if v.len() < 2 {
        return None;
    }
    let m = mean_of_finite(&v);
    Some((sum_sq_dev(&v, m) / (v.len() - 1) as f64).sqrt())
}

/// Population standard deviation of the finite values (divisor `n`, i.e.
/// `numpy.std()` with its default `ddof=0`); `None` if there are none.
pub fn population_sd(values: &[f64]) -> Option<f64> {
    let v = finite_values(values);
    if v.is_empty() {
        return None;
    }
    let m = mean_of_finite(&v);
    Some((sum_sq_dev(&v, m) / v.len() as f64).sqrt())
}

/// Coefficient of variation of the finite values: sample sd (`n − 1`)
/// divided by the mean. `None` for fewer than two finite values or a zero
/// mean. (Note `scipy.stats.variation` defaults to the population sd; use
/// `population_sd(v) / mean(v)` to reproduce it.)
pub fn coefficient_of_variation(values: &[f64]) -> Option<f64> {
    let sd = sample_sd(values)?;
    let m = mean(values)?;
    (m != 0.0).then(|| sd / m)
}

/// The `q`-th percentile (`q` in `[0, 100]`) of the finite values, with
/// numpy's default `method="linear"` (type 7 of Hyndman & Fan): sort the
/// values `a[0..n]`, take the virtual index `h = (n − 1)·q/100`, and
/// interpolate between `a[⌊h⌋]` and `a[⌊h⌋ + 1]` with weight `h − ⌊h⌋`.
/// The interpolation is evaluated as numpy's `_lerp` does (from the nearer
/// end), so results agree with `numpy.percentile` to the last bit in
/// ordinary cases.
///
/// Returns `None` when there is no finite value or `q` is NaN or outside
/// `[0, 100]`.
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if !(0.0..=100.0).contains(&q) {
        return None;
    }
    let a = sorted_finite(values);
    if a.is_empty() {
        return None;
    }
    Some(percentile_of_sorted(&a, q))
}

/// [`percentile`] on an already sorted, finite, non-empty slice.
fn percentile_of_sorted(a: &[f64], q: f64) -> f64 {
    let n = a.len();
    let h = (n - 1) as f64 * (q / 100.0);
    if h >= (n - 1) as f64 {
        return a[n - 1];
    }
    let lo = h.floor();
    let gamma = h - lo;
    let i = lo as usize;
    let (x0, x1) = (a[i], a[i + 1]);
    let diff = x1 - x0;
    if gamma >= 0.5 {
        x1 - diff * (1.0 - gamma)
    } else {
        x0 + diff * gamma
    }
}

/// Summary of a sample of measurements (finite values only; see the module
/// docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of finite values summarised.
    pub n: usize,
    /// Number of non-finite values (NaN, ±∞ — e.g. OOM failures) that were
    /// skipped.
    pub n_nonfinite: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (mean of the middle pair for even `n`).
    pub median: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// **Sample** standard deviation, divisor `n − 1` (`numpy.std(ddof=1)`).
    /// NaN when `n == 1`, where it is undefined (as numpy and pandas give).
    pub sd: f64,
    /// Population standard deviation, divisor `n` (`numpy.std()` default).
    /// `0.0` when `n == 1`.
    pub population_sd: f64,
}

impl Summary {
    /// Summarises the finite values of `values`; `None` if there are none.
    pub fn from_slice(values: &[f64]) -> Option<Self> {
        let a = sorted_finite(values);
        if a.is_empty() {
            return None;
        }
        let n = a.len();
        let m = mean_of_finite(&a);
        let ss = sum_sq_dev(&a, m);
        Some(Self {
            n,
            n_nonfinite: values.len() - n,
            mean: m,
            median: median_of_sorted(&a),
            min: a[0],
            max: a[n - 1],
            sd: if n >= 2 {
                (ss / (n - 1) as f64).sqrt()
            } else {
                f64::NAN
            },
            population_sd: (ss / n as f64).sqrt(),
        })
    }

    /// Coefficient of variation `sd / mean` with the sample sd; NaN when
    /// `n == 1`, ±∞ or NaN when the mean is zero.
    pub fn cv(&self) -> f64 {
        self.sd / self.mean
    }
}
