//! Crossover points between cost models (§5.1.2).
//!
//! With a Transformer model `f` (Eq. 2/4, quadratic in `N`) and an SSM model
//! `g` (Eq. 3/5, linear in `N`), the crossovers are the positive roots of
//! the difference `d = f − g`, a polynomial of degree ≤ 2, solved here in
//! closed form with the cancellation-free quadratic formula
//! ([`crossovers`], [`fit_crossovers`]). Arbitrary functions are handled by
//! bracketing ([`brent`], [`bisect`], [`scan_roots`]), and measured series
//! can be intersected directly ([`interpolate_crossover`]).

use serde::{Deserialize, Serialize};

use crate::stats::StatsError;
use crate::stats::fit::Fit;
use crate::stats::poly::Polynomial;

/// Iteration cap for the bracketing solvers (each halves the bracket at
/// worst, so this is far beyond what `f64` can resolve).
const MAX_ITER: usize = 2000;

/// A discriminant whose magnitude is within this many ulps of the terms it
/// is computed from is treated as exactly zero (a tangent / double root).
const DISCRIMINANT_REL_TOL: f64 = 8.0 * f64::EPSILON;

/// How a crossover behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CrossKind {
    /// A simple root: `f − g` changes sign at `n`.
    Crossing,
    /// A double root: `f` touches `g` at `n` without crossing.
    Tangent,
}

/// A point `N = n > 0` where `f(N) = g(N)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Crossover {
    /// The sequence length `N` at which the curves meet.
    pub n: f64,
    /// Whether the curves cross or only touch there.
    pub kind: CrossKind,
    /// Whether `f > g` just after `n` (for a [`CrossKind::Tangent`] point:
    /// on both sides of it).
    pub f_above_after: bool,
}

/// Real roots of `a·x² + b·x + c = 0`, ascending, a double root listed once.
///
/// Uses the numerically stable form `q = −(b + sign(b)·√D)/2`,
/// `x₁ = q/a`, `x₂ = c/q` (no subtraction of nearly equal numbers), with the
/// discriminant `D = b² − 4ac` evaluated with fused multiply-adds (Kahan's
/// scheme). `|D|` below `8ε·(b² + |4ac|)` counts as `D = 0` (tangent).
/// `a = 0` degrades to the linear root; `a = b = 0` has no root unless
/// `c = 0`, where every `x` is a root and [`StatsError::IdenticalCurves`] is
/// returned.
pub fn quadratic_roots(a: f64, b: f64, c: f64) -> Result<Vec<f64>, StatsError> {
    Ok(solve_quadratic(a, b, c)?
        .into_iter()
        .map(|(x, _)| x)
        .collect())
}

/// Roots of `a·x² + b·x + c` with a flag telling double roots, ascending.
fn solve_quadratic(a: f64, b: f64, c: f64) -> Result<Vec<(f64, bool)>, StatsError> {
    if a == 0.0 {
        if b == 0.0 {
            return if c == 0.0 {
                Err(StatsError::IdenticalCurves)
            } else {
                Ok(Vec::new())
            };
        }
        return Ok(vec![(-c / b, false)]);
    }
    // Kahan: D = b² − 4ac with the rounding error of 4ac compensated.
    let w = 4.0 * a * c;
    let e = (-4.0 * a).mul_add(c, w);
    let d = b.mul_add(b, -w) + e;
    let scale = b * b + w.abs();
    if d.abs() <= DISCRIMINANT_REL_TOL * scale {
        return Ok(vec![(-b / (2.0 * a), true)]);
    }
    if d < 0.0 {
        return Ok(Vec::new());
    }
    let q = -0.5 * (b + d.sqrt().copysign(b));
    let (r1, r2) = (q / a, c / q);
    Ok(if r1 <= r2 {
        vec![(r1, false), (r2, false)]
    } else {
        vec![(r2, false), (r1, false)]
    })
}

/// All crossovers `N > 0` of `f` and `g` (i.e. positive real roots of
/// `f − g`), ascending, computed in closed form.
///
/// Intended for the paper's models: `f` a Transformer model (Eq. 2 or 4)
/// and `g` an SSM model (Eq. 3 or 5). Errors: [`StatsError::IdenticalCurves`]
/// when `f − g` is identically zero, [`StatsError::DegreeTooHigh`] when it
/// has degree > 2 (use [`scan_roots`] then).
pub fn crossovers(f: &Polynomial, g: &Polynomial) -> Result<Vec<Crossover>, StatsError> {
    let d = f.minus(g);
    let degree = d.degree().ok_or(StatsError::IdenticalCurves)?;
    if degree > 2 {
        return Err(StatsError::DegreeTooHigh { degree });
    }
    let (a, b, c) = (d.coef(2), d.coef(1), d.coef(0));
    let roots = solve_quadratic(a, b, c)?;
    let count = roots.len();
    let out = roots
        .into_iter()
        .enumerate()
        .filter(|&(_, (x, _))| x > 0.0)
        .map(|(i, (n, double))| {
            let f_above_after = if double {
                a > 0.0
            } else if a == 0.0 {
                b > 0.0
            } else if i + 1 == count {
                // Beyond the largest root d has the sign of its leading term.
                a > 0.0
            } else {
                a < 0.0
            };
            Crossover {
                n,
                kind: if double {
                    CrossKind::Tangent
                } else {
                    CrossKind::Crossing
                },
                f_above_after,
            }
        })
        .collect();
    Ok(out)
}

/// The `N` values of [`crossovers`] (crossings and tangent points).
pub fn crossover_points(f: &Polynomial, g: &Polynomial) -> Result<Vec<f64>, StatsError> {
    Ok(crossovers(f, g)?.into_iter().map(|c| c.n).collect())
}

/// [`crossovers`] of two fitted models, e.g. `fit_crossovers(&transformer,
/// &mamba)` with fits of Eq. 2 and Eq. 3 (memory) or Eq. 4 and Eq. 5 (time).
pub fn fit_crossovers(f: &Fit, g: &Fit) -> Result<Vec<Crossover>, StatsError> {
    crossovers(&f.polynomial(), &g.polynomial())
}

/// The sequence length beyond which `f` is strictly above `g` for good: the
/// largest crossover `N > 0`, or `Some(0.0)` if `f > g` for every `N > 0`.
/// `None` when `f` does not end up above `g` (e.g. the SSM is eventually the
/// more expensive one). This is the paper's notion of the point "where the
/// Transformer becomes strictly more expensive" (§5.1.2).
pub fn dominance_onset(f: &Polynomial, g: &Polynomial) -> Result<Option<f64>, StatsError> {
    let d = f.minus(g);
    let degree = d.degree().ok_or(StatsError::IdenticalCurves)?;
    if d.coef(degree) < 0.0 {
        return Ok(None);
    }
    let last = crossovers(f, g)?.last().map_or(0.0, |c| c.n);
    Ok(Some(last))
}

/// Finds a root of `f` in `[lo, hi]` by bisection, to an interval width of
/// `xtol` (or until `f64` cannot split the interval). `f(lo)` and `f(hi)`
/// must have opposite signs (or one be zero).
pub fn bisect(
    mut f: impl FnMut(f64) -> f64,
    lo: f64,
    hi: f64,
    xtol: f64,
) -> Result<f64, StatsError> {
    let (mut a, mut b) = (lo.min(hi), lo.max(hi));
    let (fa, fb) = (f(a), f(b));
    check_bracket(fa, fb, a, b)?;
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    let neg_at_a = fa < 0.0;
    for _ in 0..MAX_ITER {
        let m = a + 0.5 * (b - a);
        if b - a <= xtol || m <= a || m >= b {
            return Ok(m);
        }
        let fm = f(m);
        if fm.is_nan() {
            return Err(StatsError::InvalidArgument("function returned NaN"));
        }
        if fm == 0.0 {
            return Ok(m);
        }
        if (fm < 0.0) == neg_at_a {
            a = m;
        } else {
            b = m;
        }
    }
    Ok(a + 0.5 * (b - a))
}

fn check_bracket(fa: f64, fb: f64, lo: f64, hi: f64) -> Result<(), StatsError> {
    if fa.is_nan() || fb.is_nan() {
        return Err(StatsError::InvalidArgument("function returned NaN"));
    }
    if fa != 0.0 && fb != 0.0 && (fa < 0.0) == (fb < 0.0) {
        return Err(StatsError::NoSignChange { lo, hi });
    }
    Ok(())
}

/// Finds a root of `f` in `[lo, hi]` by Brent's method (inverse quadratic
/// interpolation and secant steps safeguarded by bisection), to within
/// `xtol + 4ε|x|`. `f(lo)` and `f(hi)` must have opposite signs (or one be
/// zero).
pub fn brent(
    mut f: impl FnMut(f64) -> f64,
    lo: f64,
    hi: f64,
    xtol: f64,
) -> Result<f64, StatsError> {
    let (mut a, mut b) = (lo, hi);
    let (mut fa, mut fb) = (f(a), f(b));
    check_bracket(fa, fb, lo, hi)?;
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    let (mut c, mut fc) = (b, fb);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..MAX_ITER {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return Ok(b);
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol1 * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b);
        if fb.is_nan() {
            return Err(StatsError::InvalidArgument("function returned NaN"));
        }
    }
    Ok(b)
}

/// Spacing of sample points for [`scan_roots`] and of the interpolation in
/// [`interpolate_crossover_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum XScale {
    /// Linear in `N` (the default).
    #[default]
    Linear,
    /// Linear in `ln N` (requires `N > 0`); suits doubling grids such as
    /// 512, 1024, …, 8192.
    Log,
}

/// All roots of `f` in `[lo, hi]` that show up as a sign change (or an
/// exact zero) between adjacent points of a `samples`-point grid, each
/// refined by [`brent`] to `xtol`; ascending. A tangent root, or two roots
/// inside one grid cell, can be missed: sample densely enough.
pub fn scan_roots(
    mut f: impl FnMut(f64) -> f64,
    lo: f64,
    hi: f64,
    samples: usize,
    scale: XScale,
    xtol: f64,
) -> Result<Vec<f64>, StatsError> {
    if samples < 2 || !lo.is_finite() || !hi.is_finite() || lo >= hi {
        return Err(StatsError::InvalidArgument(
            "scan_roots needs samples >= 2 and finite lo < hi",
        ));
    }
    if scale == XScale::Log && lo <= 0.0 {
        return Err(StatsError::InvalidArgument("log scale needs lo > 0"));
    }
    let step = (samples - 1) as f64;
    let grid: Vec<f64> = (0..samples)
        .map(|i| {
            let t = i as f64 / step;
            match scale {
                XScale::Linear => lo + t * (hi - lo),
                XScale::Log => (lo.ln() + t * (hi.ln() - lo.ln())).exp(),
            }
        })
        .map(|x| x.clamp(lo, hi))
        .collect();
    let values: Vec<f64> = grid.iter().map(|&x| f(x)).collect();
    let mut roots = Vec::new();
    for i in 0..samples {
        if values[i] == 0.0 {
            roots.push(grid[i]);
        } else if i + 1 < samples
            && values[i + 1] != 0.0
            && !values[i].is_nan()
            && !values[i + 1].is_nan()
            && (values[i] < 0.0) != (values[i + 1] < 0.0)
        {
            roots.push(brent(&mut f, grid[i], grid[i + 1], xtol)?);
        }
    }
    Ok(roots)
}

/// The first `N` at which two measured series meet, interpolating linearly
/// in `N` between adjacent measurements ([`XScale::Linear`], the default;
/// see [`interpolate_crossover_with`]).
pub fn interpolate_crossover(
    xs: &[f64],
    ys_a: &[f64],
    ys_b: &[f64],
) -> Result<Option<f64>, StatsError> {
    interpolate_crossover_with(xs, ys_a, ys_b, XScale::Linear)
}

/// The first `N` at which the measured series `a` and `b` meet: the first
/// measured `N` where `a = b` exactly, or else the point between the first
/// adjacent pair of measurements where `a − b` changes sign, found by
/// linear interpolation of `a − b` against `N` ([`XScale::Linear`]) or
/// against `ln N` ([`XScale::Log`]). `Ok(None)` if they never meet within
/// the measured range.
///
/// Points where `x`, `a` or `b` is not finite (e.g. an OOM recorded as `+∞`,
/// §4.5) are skipped, so the remaining finite neighbours count as adjacent.
/// Errors: mismatched lengths; remaining `xs` not strictly increasing; or,
/// for [`XScale::Log`], a non-positive `x`.
pub fn interpolate_crossover_with(
    xs: &[f64],
    ys_a: &[f64],
    ys_b: &[f64],
    scale: XScale,
) -> Result<Option<f64>, StatsError> {
    crate::stats::check_same_len(xs.len(), ys_a.len())?;
    crate::stats::check_same_len(xs.len(), ys_b.len())?;
    let pts: Vec<(f64, f64)> = (0..xs.len())
        .filter(|&i| xs[i].is_finite() && ys_a[i].is_finite() && ys_b[i].is_finite())
        .map(|i| (xs[i], ys_a[i] - ys_b[i]))
        .collect();
    if pts.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(StatsError::InvalidArgument(
            "xs must be strictly increasing",
        ));
    }
    if scale == XScale::Log && pts.iter().any(|&(x, _)| x <= 0.0) {
        return Err(StatsError::InvalidArgument("log scale needs xs > 0"));
    }
    if let Some(&(x0, d0)) = pts.first()
        && d0 == 0.0
    {
        return Ok(Some(x0));
    }
    for w in pts.windows(2) {
        let ((x0, d0), (x1, d1)) = (w[0], w[1]);
        if d1 == 0.0 {
            return Ok(Some(x1));
        }
        if (d0 < 0.0) != (d1 < 0.0) {
            let t = d0 / (d0 - d1);
            let x = match scale {
                XScale::Linear => x0 + t * (x1 - x0),
                XScale::Log => (x0.ln() + t * (x1.ln() - x0.ln())).exp(),
            };
            return Ok(Some(x.clamp(x0, x1)));
        }
    }
    Ok(None)
}
