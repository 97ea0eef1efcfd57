//! Least-squares fits of the paper's scaling models.
//!
//! §3.1 models memory and time as polynomials in the sequence length `N`:
//!
//! * Eq. 2 `M_T(N) = αN² + βN + γ` and Eq. 4 `T_T(N) = aN² + bN + c`
//!   (Transformer): [`fit_poly`]`(n, y, 2)` or [`fit_powers`]`(n, y, &[0, 1, 2])`;
//! * Eq. 3 `M_M(N) = α'N + γ'` and Eq. 5 `T_M(N) = a'N + c'` (SSM):
//!   [`fit_poly`]`(n, y, 1)`;
//! * the reduced forms printed in §5.1.2, e.g. `M_T(N) = αN² + γ`:
//!   [`fit_powers`]`(n, y, &[0, 2])`.
//!
//! # Numerics
//!
//! `N` runs up to 262 144, so `N²` reaches 7·10¹⁰ and the normal equations
//! (whose condition number is the square of the design matrix's) lose most
//! of the available precision. Instead:
//!
//! 1. `x` is divided by a power of two `s ≥ max|x|` (exact in binary floating
//!    point), so the monomials `t^p = (x/s)^p` lie in `[-1, 1]`;
//! 2. each design-matrix column is scaled to unit 2-norm (equilibration);
//! 3. the least-squares problem is solved by Householder QR (never forming
//!    `AᵀA`), followed by one step of iterative refinement on the residual;
//! 4. coefficients are mapped back to powers of `x` by dividing by `s^p`
//!    (again exact).
//!
//! Inputs must be finite: failed measurements (`+∞`, §4.5) must be removed
//! before fitting, e.g. with [`finite_pairs`].

use serde::{Deserialize, Serialize};

use crate::stats::poly::Polynomial;
use crate::stats::{StatsError, check_finite, check_same_len};

/// A column whose remaining norm after orthogonalisation is below this
/// fraction of the largest diagonal entry of `R` makes the problem rank
/// deficient (columns are unit-norm at that point, so this is a bound on the
/// reciprocal condition number).
const RANK_TOL: f64 = 1e-12;

/// The pairs `(x[i], y[i])` where both are finite, as two vectors. Use it to
/// drop failed (`+∞`) measurements before fitting.
pub fn finite_pairs(x: &[f64], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>), StatsError> {
    check_same_len(x.len(), y.len())?;
    Ok(x.iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(&a, &b)| (a, b))
        .unzip())
}

/// Householder QR factorisation of an equilibrated design matrix.
struct Qr {
    /// Column-major `m × p`; below the diagonal, the Householder vectors.
    a: Vec<Vec<f64>>,
    /// Diagonal of `R`.
    r_diag: Vec<f64>,
    /// The Householder vectors' squared norms (`vᵀv`), one per column.
    v_norm_sq: Vec<f64>,
    /// The equilibration factors (original column norms).
    col_scale: Vec<f64>,
}

impl Qr {
    fn factor(columns: &[Vec<f64>]) -> Result<Self, StatsError> {
        let p = columns.len();
        let mut col_scale = Vec::with_capacity(p);
        let mut a = Vec::with_capacity(p);
        for col in columns {
            let s = norm2(col);
            if s == 0.0 || !s.is_finite() {
                return Err(StatsError::RankDeficient);
            }
            col_scale.push(s);
            a.push(col.iter().map(|v| v / s).collect::<Vec<f64>>());
        }
        let mut r_diag = Vec::with_capacity(p);
        let mut v_norm_sq = Vec::with_capacity(p);
        for k in 0..p {
            let norm = norm2(&a[k][k..]);
            let alpha = if a[k][k] >= 0.0 { -norm } else { norm };
            // v = x − alpha·e1, stored in place of x.
            a[k][k] -= alpha;
            let vtv = a[k][k..].iter().map(|v| v * v).sum::<f64>();
            r_diag.push(alpha);
            v_norm_sq.push(vtv);
            if vtv == 0.0 {
                continue; // zero column below the diagonal: rank check below
            }
            let (head, tail) = a.split_at_mut(k + 1);
            let v = &head[k][k..];
            for col in tail.iter_mut() {
                reflect(v, vtv, &mut col[k..]);
            }
        }
        let max_r = r_diag.iter().fold(0.0_f64, |m, r| m.max(r.abs()));
        if r_diag.iter().any(|r| r.abs() <= RANK_TOL * max_r) {
            return Err(StatsError::RankDeficient);
        }
        Ok(Self {
            a,
            r_diag,
            v_norm_sq,
            col_scale,
        })
    }

    /// Least-squares solution of `A·c ≈ b` for the original (unscaled)
    /// columns.
    fn solve(&self, b: &[f64]) -> Vec<f64> {
        let p = self.r_diag.len();
        let mut qtb = b.to_vec();
        for k in 0..p {
            if self.v_norm_sq[k] != 0.0 {
                reflect(&self.a[k][k..], self.v_norm_sq[k], &mut qtb[k..]);
            }
        }
        let mut c = vec![0.0; p];
        for i in (0..p).rev() {
            let mut s = qtb[i];
            for (j, cj) in c.iter().enumerate().skip(i + 1) {
                s -= self.a[j][i] * cj;
            }
            c[i] = s / self.r_diag[i];
        }
        for (ci, s) in c.iter_mut().zip(&self.col_scale) {
            *ci /= s;
        }
        c
    }
}

/// Applies the reflector `I − 2vvᵀ/(vᵀv)` to `x`.
fn reflect(v: &[f64], vtv: f64, x: &mut [f64]) {
    let dot: f64 = v.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
    let f = 2.0 * dot / vtv;
    for (xi, vi) in x.iter_mut().zip(v) {
        *xi -= f * vi;
    }
}

/// Overflow-safe Euclidean norm.
fn norm2(v: &[f64]) -> f64 {
    let scale = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    scale
        * v.iter()
            .map(|x| (x / scale) * (x / scale))
            .sum::<f64>()
            .sqrt()
}

/// `y − Σ c_j·col_j`.
fn residuals_of(columns: &[Vec<f64>], c: &[f64], y: &[f64]) -> Vec<f64> {
    (0..y.len())
        .map(|i| {
            y[i] - columns
                .iter()
                .zip(c)
                .map(|(col, cj)| cj * col[i])
                .sum::<f64>()
        })
        .collect()
}

/// Solves the linear least-squares problem `min ‖y − Σ c_j·columns[j]‖₂`
/// by equilibrated Householder QR plus one step of iterative refinement.
///
/// Errors: no columns ([`StatsError::Empty`]), column/`y` length mismatch,
/// non-finite entries, fewer rows than columns
/// ([`StatsError::TooFewPoints`]), or numerically dependent columns
/// ([`StatsError::RankDeficient`]).
pub fn lstsq(columns: &[Vec<f64>], y: &[f64]) -> Result<Vec<f64>, StatsError> {
    if columns.is_empty() {
        return Err(StatsError::Empty);
    }
    for col in columns {
        check_same_len(col.len(), y.len())?;
        check_finite(col, "design column")?;
    }
    check_finite(y, "y")?;
    if y.len() < columns.len() {
        return Err(StatsError::TooFewPoints {
            needed: columns.len(),
            got: y.len(),
        });
    }
    let qr = Qr::factor(columns)?;
    let mut c = qr.solve(y);
    let r = residuals_of(columns, &c, y);
    let delta = qr.solve(&r);
    for (ci, di) in c.iter_mut().zip(&delta) {
        *ci += di;
    }
    Ok(c)
}

/// Coefficient of determination `R² = 1 − SS_res/SS_tot`. When `SS_tot = 0`
/// (constant `y`) it follows `sklearn.metrics.r2_score`'s default
/// (`force_finite=True`): 1.0 for a perfect fit, else 0.0.
fn r_squared(y: &[f64], residuals: &[f64]) -> f64 {
    let m = y.iter().sum::<f64>() / y.len() as f64;
    let ss_tot: f64 = y.iter().map(|v| (v - m) * (v - m)).sum();
    let ss_res: f64 = residuals.iter().map(|r| r * r).sum();
    if ss_tot == 0.0 {
        if ss_res == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - ss_res / ss_tot
    }
}

/// A least-squares polynomial fit `y ≈ Σ_p c_p·x^p` over a chosen set of
/// powers (the scaling models Eq. 2–5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// The powers of `x` in the model, ascending and distinct.
    pub powers: Vec<u32>,
    /// The fitted coefficient of `x^powers[i]`, lowest power first.
    pub coefficients: Vec<f64>,
    /// `R² = 1 − SS_res/SS_tot` (see Table 2's "R² (Quadratic/Linear fit)").
    pub r_squared: f64,
    /// Residuals `y_i − ŷ_i`, in input order.
    pub residuals: Vec<f64>,
    /// Number of observations fitted.
    pub n: usize,
}

impl Fit {
    /// Coefficient of `x^power`; 0.0 if that power is not in the model.
    pub fn coef(&self, power: u32) -> f64 {
        self.powers
            .iter()
            .position(|&p| p == power)
            .map_or(0.0, |i| self.coefficients[i])
    }

    /// Constant term: γ in Eq. 2/3 (γ'), c in Eq. 4/5 (c').
    pub fn constant(&self) -> f64 {
        self.coef(0)
    }

    /// Coefficient of `N`: β in Eq. 2, α' in Eq. 3, b in Eq. 4, a' in Eq. 5.
    pub fn linear(&self) -> f64 {
        self.coef(1)
    }

    /// Coefficient of `N²`: α in Eq. 2, a in Eq. 4.
    pub fn quadratic(&self) -> f64 {
        self.coef(2)
    }

    /// Highest power in the model.
    pub fn degree(&self) -> u32 {
        self.powers.last().copied().unwrap_or(0)
    }

    /// The fitted model as a dense [`Polynomial`].
    pub fn polynomial(&self) -> Polynomial {
        let terms: Vec<(u32, f64)> = self
            .powers
            .iter()
            .copied()
            .zip(self.coefficients.iter().copied())
            .collect();
        Polynomial::from_terms(&terms)
    }

    /// Model prediction at `x` (Horner's rule).
    pub fn predict(&self, x: f64) -> f64 {
        self.polynomial().eval(x)
    }

    /// Model predictions at each of `xs`.
    pub fn predict_many(&self, xs: &[f64]) -> Vec<f64> {
        let poly = self.polynomial();
        xs.iter().map(|&x| poly.eval(x)).collect()
    }

    /// Residual sum of squares `Σ (y_i − ŷ_i)²`.
    pub fn ss_res(&self) -> f64 {
        self.residuals.iter().map(|r| r * r).sum()
    }

    /// Root-mean-square residual `sqrt(SS_res / n)`.
    pub fn rmse(&self) -> f64 {
        (self.ss_res() / self.n as f64).sqrt()
    }

    /// Adjusted R², `1 − (1 − R²)(n − 1)/(n − k)` with `k` = number of
    /// coefficients; NaN when `n ≤ k` (no residual degrees of freedom).
    pub fn adjusted_r_squared(&self) -> f64 {
        let k = self.coefficients.len();
        if self.n <= k {
            return f64::NAN;
        }
        1.0 - (1.0 - self.r_squared) * (self.n - 1) as f64 / (self.n - k) as f64
    }
}

/// Fits `y ≈ Σ_{p ∈ powers} c_p·x^p` by least squares.
///
/// `powers` may be in any order and contain duplicates; the model uses the
/// sorted distinct set. Examples: `&[0, 1, 2]` is Eq. 2/4, `&[0, 1]` is
/// Eq. 3/5, `&[0, 2]` is the reduced `αN² + γ` form of §5.1.2.
///
/// Errors: mismatched lengths, non-finite inputs, empty `powers`, fewer
/// observations than coefficients, or a rank-deficient design (e.g. fewer
/// distinct `x` values than coefficients).
pub fn fit_powers(x: &[f64], y: &[f64], powers: &[u32]) -> Result<Fit, StatsError> {
    check_same_len(x.len(), y.len())?;
    check_finite(x, "x")?;
    check_finite(y, "y")?;
    let mut powers = powers.to_vec();
    powers.sort_unstable();
    powers.dedup();
    if powers.is_empty() {
        return Err(StatsError::InvalidArgument("no powers to fit"));
    }
    if x.len() < powers.len() {
        return Err(StatsError::TooFewPoints {
            needed: powers.len(),
            got: x.len(),
        });
    }
    // Scale by a power of two so that the scaling and its inverse are exact.
    let max_abs = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let exp = if max_abs > 0.0 {
        max_abs.log2().ceil() as i32
    } else {
        0
    };
    let scale = 2.0_f64.powi(exp);
    let columns: Vec<Vec<f64>> = powers
        .iter()
        .map(|&p| x.iter().map(|v| (v / scale).powi(p as i32)).collect())
        .collect();
    let scaled = lstsq(&columns, y)?;
    let coefficients: Vec<f64> = scaled
        .iter()
        .zip(&powers)
        .map(|(c, &p)| c / scale.powi(p as i32))
        .collect();
    let poly = Polynomial::from_terms(
        &powers
            .iter()
            .copied()
            .zip(coefficients.iter().copied())
            .collect::<Vec<_>>(),
    );
    let residuals: Vec<f64> = x
        .iter()
        .zip(y)
        .map(|(&xi, &yi)| yi - poly.eval(xi))
        .collect();
    Ok(Fit {
        r_squared: r_squared(y, &residuals),
        powers,
        coefficients,
        residuals,
        n: x.len(),
    })
}

/// Fits the full polynomial of the given degree, `Σ_{p=0}^{degree} c_p·x^p`
/// (degree 2 is Eq. 2/4, degree 1 is Eq. 3/5). See [`fit_powers`].
pub fn fit_poly(x: &[f64], y: &[f64], degree: u32) -> Result<Fit, StatsError> {
    let powers: Vec<u32> = (0..=degree).collect();
    fit_powers(x, y, &powers)
}

/// A least-squares fit on an arbitrary basis, `y ≈ Σ_j c_j·φ_j(x)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasisFit {
    /// Coefficient of each basis function, in the order given.
    pub coefficients: Vec<f64>,
    /// `R² = 1 − SS_res/SS_tot`.
    pub r_squared: f64,
    /// Residuals `y_i − ŷ_i`, in input order.
    pub residuals: Vec<f64>,
    /// Fitted values `ŷ_i`, in input order.
    pub fitted: Vec<f64>,
}

impl BasisFit {
    /// Prediction at `x`; `basis` must be the one that was fitted.
    pub fn predict(&self, basis: &[&dyn Fn(f64) -> f64], x: f64) -> f64 {
        basis
            .iter()
            .zip(&self.coefficients)
            .map(|(phi, c)| c * phi(x))
            .sum()
    }
}

/// Fits `y ≈ Σ_j c_j·basis[j](x)` by least squares (equilibrated
/// Householder QR; see the module docs). Unlike [`fit_powers`] it cannot
/// rescale `x` inside the basis functions, so prefer [`fit_powers`] for
/// polynomials.
///
/// ```
/// # use ssmbench::stats::fit::fit_basis;
/// let n = [512.0, 1024.0, 2048.0, 4096.0];
/// let y: Vec<f64> = n.iter().map(|v| 2.0 * v * v + 3.0).collect();
/// let basis: [&dyn Fn(f64) -> f64; 2] = [&|_| 1.0, &|v| v * v];
/// let fit = fit_basis(&n, &y, &basis).unwrap();
/// assert!((fit.coefficients[1] - 2.0).abs() < 1e-9);
/// ```
pub fn fit_basis(
    x: &[f64],
    y: &[f64],
    basis: &[&dyn Fn(f64) -> f64],
) -> Result<BasisFit, StatsError> {
    check_same_len(x.len(), y.len())?;
    check_finite(x, "x")?;
    check_finite(y, "y")?;
    let columns: Vec<Vec<f64>> = basis
        .iter()
        .map(|phi| x.iter().map(|&v| phi(v)).collect())
        .collect();
    let coefficients = lstsq(&columns, y)?;
    let residuals = residuals_of(&columns, &coefficients, y);
    let fitted = y.iter().zip(&residuals).map(|(yi, ri)| yi - ri).collect();
    Ok(BasisFit {
        r_squared: r_squared(y, &residuals),
        coefficients,
        residuals,
        fitted,
    })
}
