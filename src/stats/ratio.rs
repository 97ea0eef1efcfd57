//! Efficiency ratios between the two architectures (§3.1.3, Table 1).
//!
//! The paper defines `ρ_M(N) = M_T(N) / M_M(N)` (and the time analogue) and
//! records an out-of-memory failure as `+∞` for both memory and time (§4.5),
//! so that a failed configuration shows up as an infinite ratio ("∞ (OOM)"
//! in Table 1).

/// Whether a measurement is a recorded failure (`+∞`, the paper's OOM
/// marker, §4.5).
pub fn is_failure(measurement: f64) -> bool {
    measurement == f64::INFINITY
}

/// Efficiency ratio `numerator / denominator` (e.g. Transformer cost over
/// Mamba cost, `ρ_M(N)` of §3.1.3) with the paper's failure convention:
///
/// * if **either** measurement is a failure (`+∞`), the ratio is `+∞`
///   ("∞ (OOM)"). Plain IEEE division would give `0` for a failed
///   denominator and NaN when both fail, which would misreport an OOM;
/// * otherwise, if either value is NaN, the result is NaN;
/// * otherwise it is the IEEE quotient (so a zero denominator gives ±∞, or
///   NaN for `0 / 0`).
pub fn ratio(numerator: f64, denominator: f64) -> f64 {
    if is_failure(numerator) || is_failure(denominator) {
        f64::INFINITY
    } else {
        numerator / denominator
    }
}
