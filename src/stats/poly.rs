//! Dense univariate polynomials with `f64` coefficients, lowest power first.
//!
//! The paper's cost models are polynomials in the sequence length `N`:
//! Eq. 2/4 `αN² + βN + γ` is `Polynomial::new(vec![γ, β, α])` and Eq. 3/5
//! `α'N + γ'` is `Polynomial::new(vec![γ', α'])`.

use serde::{Deserialize, Serialize};

/// A polynomial `c[0] + c[1]·x + c[2]·x² + …` (coefficients lowest power
/// first). Trailing zero coefficients are kept as given; [`Self::degree`]
/// ignores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polynomial {
    coeffs: Vec<f64>,
}

impl Polynomial {
    /// Builds `c[0] + c[1]·x + …` from coefficients, lowest power first.
    pub fn new(coeffs: Vec<f64>) -> Self {
        Self { coeffs }
    }

    /// Builds the polynomial `Σ c·x^p` from `(power, coefficient)` pairs;
    /// repeated powers are summed.
    pub fn from_terms(terms: &[(u32, f64)]) -> Self {
        let len = terms
            .iter()
            .map(|&(p, _)| p as usize + 1)
            .max()
            .unwrap_or(0);
        let mut coeffs = vec![0.0; len];
        for &(p, c) in terms {
            coeffs[p as usize] += c;
        }
        Self { coeffs }
    }

    /// Coefficients, lowest power first.
    pub fn coeffs(&self) -> &[f64] {
        &self.coeffs
    }

    /// Coefficient of `x^power` (0 if beyond the stored coefficients).
    pub fn coef(&self, power: usize) -> f64 {
        self.coeffs.get(power).copied().unwrap_or(0.0)
    }

    /// Degree, ignoring trailing zero coefficients; `None` for the zero
    /// polynomial.
    pub fn degree(&self) -> Option<usize> {
        self.coeffs.iter().rposition(|&c| c != 0.0)
    }

    /// Evaluates at `x` by Horner's rule.
    pub fn eval(&self, x: f64) -> f64 {
        self.coeffs.iter().rev().fold(0.0, |acc, &c| acc * x + c)
    }

    /// First derivative.
    pub fn derivative(&self) -> Self {
        let coeffs = self
            .coeffs
            .iter()
            .enumerate()
            .skip(1)
            .map(|(p, &c)| p as f64 * c)
            .collect();
        Self { coeffs }
    }

    /// Coefficient-wise difference `self − other`.
    pub fn minus(&self, other: &Self) -> Self {
        let len = self.coeffs.len().max(other.coeffs.len());
        let coeffs = (0..len).map(|p| self.coef(p) - other.coef(p)).collect();
        Self { coeffs }
    }
}
