//! Known-answer tests for the `stats` stage (descriptive statistics, scaling
//! fits, crossovers, efficiency ratios); the ROC metrics are in `stats_roc`.

use ssmbench::stats::*;

pub(crate) fn assert_rel(actual: f64, expected: f64, rel: f64) {
    let err = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        err <= rel,
        "actual {actual:e} vs expected {expected:e}: relative error {err:e} > {rel:e}"
    );
}

pub(crate) fn assert_abs(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "actual {actual:e} vs expected {expected:e} (tol {tol:e})"
    );
}

pub(crate) fn assert_vec(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        if e.is_infinite() {
            assert_eq!(a, e, "{actual:?} vs {expected:?}");
        } else {
            assert!((a - e).abs() <= tol, "{actual:?} vs {expected:?}");
        }
    }
}

/// The doubling grid 512, 1024, …, 262 144 (10 points).
fn doubling_grid() -> Vec<f64> {
    (9..=18).map(|k| f64::from(1_u32 << k)).collect()
}

// ---------------------------------------------------------------- describe

#[test]
fn summary_by_hand() {
    // mean = 110/5 = 22; deviations −21, −20, −19, −18, 78; squares sum to
    // 441 + 400 + 361 + 324 + 6084 = 7610.
    let s = Summary::from_slice(&[4.0, 1.0, 100.0, 3.0, 2.0]).unwrap();
    assert_eq!((s.n, s.n_nonfinite), (5, 0));
    assert_eq!((s.mean, s.median, s.min, s.max), (22.0, 3.0, 1.0, 100.0));
    assert_rel(s.sd, (7610.0_f64 / 4.0).sqrt(), 1e-15);
    assert_rel(s.population_sd, (7610.0_f64 / 5.0).sqrt(), 1e-15);
    assert_rel(s.cv(), (7610.0_f64 / 4.0).sqrt() / 22.0, 1e-15);
    assert_eq!(sample_sd(&[4.0, 1.0, 100.0, 3.0, 2.0]), Some(s.sd));
    assert_eq!(
        population_sd(&[4.0, 1.0, 100.0, 3.0, 2.0]),
        Some(s.population_sd)
    );
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
}

#[test]
fn summary_skips_nonfinite_and_handles_small_samples() {
    let s = Summary::from_slice(&[1.0, f64::INFINITY, 3.0, f64::NAN]).unwrap();
    assert_eq!((s.n, s.n_nonfinite, s.mean, s.median), (2, 2, 2.0, 2.0));
    assert_rel(s.sd, 2.0_f64.sqrt(), 1e-15);
    assert_eq!(s.population_sd, 1.0);

    let one = Summary::from_slice(&[5.0, f64::INFINITY]).unwrap();
    assert_eq!((one.n, one.mean, one.population_sd), (1, 5.0, 0.0));
    assert!(one.sd.is_nan());
    assert_eq!(sample_sd(&[5.0]), None);
    assert_eq!(coefficient_of_variation(&[5.0]), None);
    assert_eq!(coefficient_of_variation(&[-1.0, 1.0]), None);

    assert_eq!(Summary::from_slice(&[]), None);
    assert_eq!(Summary::from_slice(&[f64::INFINITY, f64::NAN]), None);
    assert_eq!(mean(&[f64::NAN]), None);
    assert_eq!(
        finite_values(&[1.0, f64::NEG_INFINITY, 2.0]),
        vec![1.0, 2.0]
    );
}

#[test]
fn summary_is_accurate_with_large_offset() {
    // A naive one-pass variance loses everything here.
    let v: Vec<f64> = [4.0, 7.0, 13.0, 16.0].iter().map(|x| 1e9 + x).collect();
    // Deviations −6, −3, 3, 6 → SS = 90.
    assert_rel(sample_sd(&v).unwrap(), 30.0_f64.sqrt(), 1e-12);
}

#[test]
fn percentile_matches_numpy_linear() {
    // By hand on [1, 2, 3, 4]: h = 3·q/100.
    let a = [4.0, 2.0, 3.0, 1.0];
    assert_eq!(percentile(&a, 0.0), Some(1.0));
    assert_eq!(percentile(&a, 25.0), Some(1.75)); // h = 0.75
    assert_eq!(percentile(&a, 50.0), Some(2.5)); // h = 1.5
    assert_eq!(percentile(&a, 75.0), Some(3.25)); // h = 2.25
    assert_eq!(percentile(&a, 100.0), Some(4.0));
    // numpy 2.4.6: np.percentile([3,1,4,1.5,9,2.6,5.3], [0,10,25,33.3,50,75,90,100])
    let b = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.3];
    let qs = [0.0, 10.0, 25.0, 33.3, 50.0, 75.0, 90.0, 100.0];
    let numpy = [1.0, 1.3, 2.05, 2.5978, 3.0, 4.65, 6.780000000000001, 9.0];
    for (q, e) in qs.iter().zip(numpy) {
        assert_eq!(percentile(&b, *q), Some(e), "q = {q}");
    }
    // np.percentile([0.1, 0.7, 0.2, 1e6, 0.3, 0.05], [12.5, 37, 62.5, 95])
    let c = [0.1, 0.7, 0.2, 1e6, 0.3, 0.05];
    let numpy = [0.08125, 0.18500000000000003, 0.35, 750000.175];
    for (q, e) in [12.5, 37.0, 62.5, 95.0].iter().zip(numpy) {
        assert_eq!(percentile(&c, *q), Some(e), "q = {q}");
    }
    // Non-finite values are skipped; bad q and empty input give None.
    assert_eq!(
        percentile(&[f64::INFINITY, 1.0, 3.0, f64::NAN], 50.0),
        Some(2.0)
    );
    assert_eq!(percentile(&a, 100.5), None);
    assert_eq!(percentile(&a, -1.0), None);
    assert_eq!(percentile(&a, f64::NAN), None);
    assert_eq!(percentile(&[f64::NAN], 50.0), None);
    assert_eq!(percentile(&[7.0], 30.0), Some(7.0));
}

// --------------------------------------------------------------------- fit

#[test]
fn fit_recovers_exact_quadratic_over_wide_range() {
    // Eq. 2 with α = 5.9e-7, β = 3e-5, γ = 0.12 on N = 512 … 262 144.
    let n = doubling_grid();
    let y: Vec<f64> = n.iter().map(|v| 5.9e-7 * v * v + 3e-5 * v + 0.12).collect();
    let fit = fit_poly(&n, &y, 2).unwrap();
    assert_eq!(fit.powers, vec![0, 1, 2]);
    assert_rel(fit.quadratic(), 5.9e-7, 1e-9);
    assert_rel(fit.linear(), 3e-5, 1e-9);
    assert_rel(fit.constant(), 0.12, 1e-9);
    assert_eq!(
        fit.coefficients,
        vec![fit.coef(0), fit.coef(1), fit.coef(2)]
    );
    assert_eq!(fit.coef(3), 0.0);
    assert_eq!((fit.n, fit.degree()), (10, 2));
    assert_abs(fit.r_squared, 1.0, 1e-12);
    assert_rel(
        fit.predict(8192.0),
        5.9e-7 * 8192.0 * 8192.0 + 3e-5 * 8192.0 + 0.12,
        1e-12,
    );
    assert!(fit.residuals.iter().all(|r| r.abs() < 1e-9));
}

#[test]
fn fit_reduced_and_linear_forms_of_the_paper() {
    // §5.1.2's reduced forms: M_T = 5.9e-7·N² + 0.12, M_M = 1.3e-4·N + 0.24.
    let n = doubling_grid();
    let mt: Vec<f64> = n.iter().map(|v| 5.9e-7 * v * v + 0.12).collect();
    let mm: Vec<f64> = n.iter().map(|v| 1.3e-4 * v + 0.24).collect();
    let ft = fit_powers(&n, &mt, &[2, 0, 2]).unwrap();
    assert_eq!(ft.powers, vec![0, 2]);
    assert_rel(ft.quadratic(), 5.9e-7, 1e-10);
    assert_rel(ft.constant(), 0.12, 1e-9);
    assert_eq!(ft.linear(), 0.0);
    let fm = fit_poly(&n, &mm, 1).unwrap();
    assert_rel(fm.linear(), 1.3e-4, 1e-12);
    assert_rel(fm.constant(), 0.24, 1e-9);
    assert_abs(fm.r_squared, 1.0, 1e-12);
    assert_eq!(
        ft.polynomial().coeffs(),
        &[ft.constant(), 0.0, ft.quadratic()]
    );
}

#[test]
fn fit_line_with_noise_by_hand() {
    // x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5 ⇒ slope 1.1, intercept 1.1.
    // ŷ = 1.1, 2.2, 3.3, 4.4; residuals −0.1, 0.8, −1.3, 0.6; SS_res = 2.7;
    // SS_tot = 8.75 ⇒ R² = 1 − 2.7/8.75 = 6.05/8.75.
    let fit = fit_poly(&[0.0, 1.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 5.0], 1).unwrap();
    assert_rel(fit.linear(), 1.1, 1e-14);
    assert_rel(fit.constant(), 1.1, 1e-14);
    assert_rel(fit.r_squared, 6.05 / 8.75, 1e-14);
    assert_vec(&fit.residuals, &[-0.1, 0.8, -1.3, 0.6], 1e-14);
    assert_rel(fit.ss_res(), 2.7, 1e-13);
    assert_rel(fit.rmse(), (2.7_f64 / 4.0).sqrt(), 1e-13);
    // Adjusted: 1 − (1 − R²)·3/2.
    assert_rel(fit.adjusted_r_squared(), 1.0 - (2.7 / 8.75) * 1.5, 1e-13);
}

#[test]
fn fit_quadratic_with_orthogonal_noise_by_hand() {
    // y = 0.5x² − x + 3 + 0.1·e, x = 0…4, e = (−1, 2, 0, −2, 1): e is the
    // discrete cubic orthogonal polynomial on 5 points, orthogonal to 1, x
    // and x², so the least-squares fit is exactly (3, −1, 0.5) and the
    // residuals are 0.1·e (SS_res = 0.1). y = (2.9, 2.7, 3.0, 4.3, 7.1),
    // ȳ = 4, SS_tot = 1.21 + 1.69 + 1 + 0.09 + 9.61 = 13.6.
    let x = [0.0, 1.0, 2.0, 3.0, 4.0];
    let y = [2.9, 2.7, 3.0, 4.3, 7.1];
    let fit = fit_poly(&x, &y, 2).unwrap();
    assert_rel(fit.constant(), 3.0, 1e-13);
    assert_rel(fit.linear(), -1.0, 1e-13);
    assert_rel(fit.quadratic(), 0.5, 1e-13);
    assert_vec(&fit.residuals, &[-0.1, 0.2, 0.0, -0.2, 0.1], 1e-13);
    assert_rel(fit.r_squared, 1.0 - 0.1 / 13.6, 1e-13);
    // Same problem in "token" units (N = 512·x): α scales by 512⁻², β by 512⁻¹.
    let n: Vec<f64> = x.iter().map(|v| 512.0 * v).collect();
    let fit_n = fit_poly(&n, &y, 2).unwrap();
    assert_rel(fit_n.quadratic(), 0.5 / (512.0 * 512.0), 1e-12);
    assert_rel(fit_n.linear(), -1.0 / 512.0, 1e-12);
    assert_rel(fit_n.r_squared, fit.r_squared, 1e-13);
}

#[test]
fn fit_basis_general() {
    // y = 2 + 3·ln x exactly.
    let x = [1.0, 2.0, 4.0, 10.0, 100.0];
    let y: Vec<f64> = x.iter().map(|v: &f64| 2.0 + 3.0 * v.ln()).collect();
    let basis: [&dyn Fn(f64) -> f64; 2] = [&|_| 1.0, &f64::ln];
    let fit = fit_basis(&x, &y, &basis).unwrap();
    assert_rel(fit.coefficients[0], 2.0, 1e-13);
    assert_rel(fit.coefficients[1], 3.0, 1e-13);
    assert_abs(fit.r_squared, 1.0, 1e-14);
    assert_rel(fit.predict(&basis, 50.0), 2.0 + 3.0 * 50.0_f64.ln(), 1e-13);
    assert_vec(&fit.fitted, &y, 1e-12);
    // The raw solver.
    let c = lstsq(
        &[vec![1.0, 1.0, 1.0], vec![0.0, 1.0, 2.0]],
        &[1.0, 3.0, 5.0],
    )
    .unwrap();
    assert_vec(&c, &[1.0, 2.0], 1e-14);
}

#[test]
fn fit_errors_and_finite_pairs() {
    assert_eq!(
        fit_poly(&[1.0, 2.0], &[1.0, 2.0], 2),
        Err(StatsError::TooFewPoints { needed: 3, got: 2 })
    );
    assert_eq!(
        fit_poly(&[2.0, 2.0, 2.0], &[1.0, 2.0, 3.0], 1),
        Err(StatsError::RankDeficient)
    );
    assert_eq!(
        fit_poly(&[1.0, 2.0], &[1.0], 1),
        Err(StatsError::LengthMismatch { left: 2, right: 1 })
    );
    assert_eq!(
        fit_poly(&[1.0, 2.0, 3.0], &[1.0, f64::INFINITY, 3.0], 1),
        Err(StatsError::NonFinite {
            what: "y",
            index: 1
        })
    );
    assert!(matches!(
        fit_powers(&[1.0], &[1.0], &[]),
        Err(StatsError::InvalidArgument(_))
    ));
    // Transformer OOM at 8192 recorded as +inf: dropped before fitting.
    let n = [512.0, 1024.0, 2048.0, 4096.0, 8192.0];
    let m = [0.27, 0.74, 2.59, 10.02, f64::INFINITY];
    let (fx, fy) = finite_pairs(&n, &m).unwrap();
    assert_eq!(fx, vec![512.0, 1024.0, 2048.0, 4096.0]);
    assert_eq!(fy.len(), 4);
    let fit = fit_poly(&fx, &fy, 2).unwrap();
    assert!(fit.r_squared > 0.99 && fit.r_squared <= 1.0);
    // Constant y: sklearn's r2_score convention (1.0 only for a perfect fit).
    let flat = fit_poly(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0], 0).unwrap();
    assert_eq!((flat.constant(), flat.r_squared), (4.0, 1.0));
}

#[test]
fn fit_serializes() {
    let fit = fit_poly(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0], 1).unwrap();
    let json = serde_json::to_string(&fit).unwrap();
    let back: Fit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fit);
}

// ------------------------------------------------------------------- roots

#[test]
fn paper_memory_crossover() {
    // M_T − M_M = 5.9e-7·N² − 1.3e-4·N − 0.12 = 0. By hand:
    // D = (1.3e-4)² + 4·5.9e-7·0.12 = 1.69e-8 + 2.832e-7 = 3.001e-7,
    // N = (1.3e-4 + √3.001e-7) / (2·5.9e-7) = (1.3e-4 + 5.47814e-4)/1.18e-6
    //   ≈ 574.4185 tokens (the other root, ≈ −354.08, is not positive).
    let expected = (1.3e-4 + 3.001e-7_f64.sqrt()) / 1.18e-6;
    let mt = Polynomial::new(vec![0.12, 0.0, 5.9e-7]);
    let mm = Polynomial::new(vec![0.24, 1.3e-4]);
    let cs = crossovers(&mt, &mm).unwrap();
    assert_eq!(cs.len(), 1);
    assert_rel(cs[0].n, expected, 1e-12);
    assert_rel(cs[0].n, 574.418505925503, 1e-6);
    assert_eq!(cs[0].kind, CrossKind::Crossing);
    assert!(cs[0].f_above_after);
    assert_eq!(dominance_onset(&mt, &mm).unwrap(), Some(cs[0].n));
    // The same from fits to data generated by the two models on 512…4096.
    let n = [512.0, 1024.0, 2048.0, 4096.0];
    let yt: Vec<f64> = n.iter().map(|&v| mt.eval(v)).collect();
    let ym: Vec<f64> = n.iter().map(|&v| mm.eval(v)).collect();
    let ft = fit_powers(&n, &yt, &[0, 2]).unwrap();
    let fm = fit_poly(&n, &ym, 1).unwrap();
    let cs = fit_crossovers(&ft, &fm).unwrap();
    assert_eq!(cs.len(), 1);
    assert_rel(cs[0].n, expected, 1e-9);
}

#[test]
fn paper_time_equations_do_not_cross() {
    // T_T − T_M = 4.3e-5·N² − 1.6e-2·N + 4.4. By hand:
    // D = (1.6e-2)² − 4·4.3e-5·4.4 = 2.56e-4 − 7.568e-4 = −5.008e-4 < 0,
    // so there is no real crossover: T_T > T_M for every N (minimum gap
    // 4.4 − (1.6e-2)²/(4·4.3e-5) ≈ 2.912 ms at N ≈ 186).
    let tt = Polynomial::new(vec![5.2, 0.0, 4.3e-5]);
    let tm = Polynomial::new(vec![0.8, 1.6e-2]);
    assert!(crossovers(&tt, &tm).unwrap().is_empty());
    assert_eq!(dominance_onset(&tt, &tm).unwrap(), Some(0.0));
    let gap = tt.minus(&tm);
    assert_rel(
        gap.eval(1.6e-2 / (2.0 * 4.3e-5)),
        4.4 - 2.56e-4 / (4.0 * 4.3e-5),
        1e-12,
    );
}

#[test]
fn paper_crossovers_with_constants_dropped() {
    // The quoted ≈220 / ≈370 tokens are the roots of αN² = α'N:
    // N = α'/α = 1.3e-4/5.9e-7 ≈ 220.34 and 1.6e-2/4.3e-5 ≈ 372.09.
    let cs = crossover_points(
        &Polynomial::new(vec![0.0, 0.0, 5.9e-7]),
        &Polynomial::new(vec![0.0, 1.3e-4]),
    )
    .unwrap();
    assert_eq!(cs.len(), 1);
    assert_rel(cs[0], 1.3e-4 / 5.9e-7, 1e-14);
    let cs = crossover_points(
        &Polynomial::new(vec![0.0, 0.0, 4.3e-5]),
        &Polynomial::new(vec![0.0, 1.6e-2]),
    )
    .unwrap();
    assert_eq!(cs.len(), 1);
    assert_rel(cs[0], 1.6e-2 / 4.3e-5, 1e-14);
    assert_rel(cs[0], 372.093, 1e-6);
}

#[test]
fn tangent_and_degenerate_cases() {
    // N² vs 2N − 1: (N − 1)² = 0, a double root at 1, exact discriminant 0.
    let cs = crossovers(
        &Polynomial::new(vec![0.0, 0.0, 1.0]),
        &Polynomial::new(vec![-1.0, 2.0]),
    )
    .unwrap();
    assert_eq!(cs.len(), 1);
    assert_eq!(
        (cs[0].n, cs[0].kind, cs[0].f_above_after),
        (1.0, CrossKind::Tangent, true)
    );
    // 1e-4·N² + 4 vs 0.04·N: (0.01N − 2)² = 0 at N = 200; the discriminant
    // 0.04² − 16e-4 is zero only up to rounding, caught by the tolerance.
    let cs = crossovers(
        &Polynomial::new(vec![4.0, 0.0, 1e-4]),
        &Polynomial::new(vec![0.0, 0.04]),
    )
    .unwrap();
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].kind, CrossKind::Tangent);
    assert_rel(cs[0].n, 200.0, 1e-12);
    // Parallel lines never meet; identical curves meet everywhere.
    let a = Polynomial::new(vec![1.0, 2.0]);
    let b = Polynomial::new(vec![3.0, 2.0]);
    assert!(crossovers(&a, &b).unwrap().is_empty());
    assert_eq!(crossovers(&a, &a), Err(StatsError::IdenticalCurves));
    // Two positive crossings: (N − 100)(N − 300) = N² − 400N + 30000.
    let cs = crossovers(
        &Polynomial::new(vec![30000.0, 0.0, 1.0]),
        &Polynomial::new(vec![0.0, 400.0]),
    )
    .unwrap();
    assert_eq!(cs.len(), 2);
    assert_rel(cs[0].n, 100.0, 1e-14);
    assert_rel(cs[1].n, 300.0, 1e-14);
    assert!(!cs[0].f_above_after && cs[1].f_above_after);
    // A linear difference with a negative root is not a crossover.
    assert!(
        crossover_points(&a, &Polynomial::new(vec![0.0, 1.0]))
            .unwrap()
            .is_empty()
    );
    // An SSM that ends up above: no dominance onset.
    assert_eq!(
        dominance_onset(
            &Polynomial::new(vec![0.0, 1.0]),
            &Polynomial::new(vec![0.0, 2.0])
        ),
        Ok(None)
    );
    // Degree 3 is not closed-form here.
    assert_eq!(
        crossovers(&Polynomial::new(vec![0.0, 0.0, 0.0, 1.0]), &a),
        Err(StatsError::DegreeTooHigh { degree: 3 })
    );
}

#[test]
fn quadratic_formula_is_cancellation_free() {
    // x² − 1e8·x + 1 = 0: roots ≈ 1e-8 (+1e-24) and ≈ 1e8. The textbook
    // formula gets the small root from 1e8 − √(1e16 − 4): garbage.
    let r = quadratic_roots(1.0, -1e8, 1.0).unwrap();
    assert_eq!(r.len(), 2);
    assert_rel(r[0], 1e-8, 1e-15);
    assert_rel(r[1], 1e8, 1e-15);
    assert_eq!(quadratic_roots(1.0, 0.0, 1.0).unwrap(), Vec::<f64>::new());
    assert_eq!(quadratic_roots(0.0, 2.0, -4.0).unwrap(), vec![2.0]);
    assert_eq!(quadratic_roots(1.0, 0.0, -4.0).unwrap(), vec![-2.0, 2.0]);
}

#[test]
fn bracketing_solvers() {
    let f = |x: f64| x.cos() - x;
    let root = 0.739_085_133_215_160_6;
    assert_abs(brent(f, 0.0, 1.0, 1e-14).unwrap(), root, 1e-13);
    assert_abs(bisect(f, 1.0, 0.0, 1e-14).unwrap(), root, 1e-13);
    assert_eq!(brent(|x| x - 2.0, 0.0, 2.0, 1e-12), Ok(2.0));
    assert_eq!(
        brent(|x| x * x + 1.0, -1.0, 1.0, 1e-12),
        Err(StatsError::NoSignChange { lo: -1.0, hi: 1.0 })
    );
    // Memory crossover again, by Brent on the fitted models.
    let mt = Polynomial::new(vec![0.12, 0.0, 5.9e-7]);
    let mm = Polynomial::new(vec![0.24, 1.3e-4]);
    let n = brent(|v| mt.eval(v) - mm.eval(v), 1.0, 1e5, 1e-9).unwrap();
    assert_rel(n, (1.3e-4 + 3.001e-7_f64.sqrt()) / 1.18e-6, 1e-12);
    // A cubic difference: (x − 1)(x − 2)(x − 3) = x³ − 6x² + 11x − 6.
    let cubic = Polynomial::new(vec![-6.0, 11.0, -6.0, 1.0]);
    let roots = scan_roots(|x| cubic.eval(x), 0.5, 3.7, 64, XScale::Log, 1e-13).unwrap();
    assert_eq!(roots.len(), 3);
    for (r, e) in roots.iter().zip([1.0, 2.0, 3.0]) {
        assert_abs(*r, e, 1e-12);
    }
    assert!(scan_roots(|x| x, -1.0, 1.0, 5, XScale::Log, 1e-12).is_err());
}

#[test]
fn measured_series_crossover() {
    let n = [512.0, 1024.0, 2048.0, 4096.0];
    let a = [1.0, 2.0, 5.0, 12.0];
    let b = [2.0, 3.0, 4.0, 5.0];
    // a − b = −1, −1, 1, 7: crosses halfway between 1024 and 2048.
    assert_eq!(interpolate_crossover(&n, &a, &b), Ok(Some(1536.0)));
    let log = interpolate_crossover_with(&n, &a, &b, XScale::Log)
        .unwrap()
        .unwrap();
    assert_rel(log, 1024.0 * 2.0_f64.sqrt(), 1e-14);
    // Never cross within range.
    assert_eq!(interpolate_crossover(&n, &a, &[0.0; 4]), Ok(None));
    // Equal at a measured point.
    assert_eq!(
        interpolate_crossover(&n, &a, &[2.0, 2.0, 9.0, 9.0]),
        Ok(Some(1024.0))
    );
    assert_eq!(interpolate_crossover(&n, &b, &b), Ok(Some(512.0)));
    // An OOM (+inf) point is skipped: 1024 and 4096 become adjacent.
    let a_oom = [1.0, 2.0, f64::INFINITY, 12.0];
    // a − b = −1 at 1024, 7 at 4096 ⇒ t = 1/8 ⇒ 1024 + 384 = 1408.
    assert_eq!(interpolate_crossover(&n, &a_oom, &b), Ok(Some(1408.0)));
    assert!(interpolate_crossover(&[2.0, 1.0], &[0.0, 1.0], &[1.0, 0.0]).is_err());
    assert!(interpolate_crossover(&n, &a, &b[..3]).is_err());
}

// ------------------------------------------------------------------- ratio

#[test]
fn ratio_failure_convention() {
    assert_eq!(ratio(12.46, 1.0), 12.46);
    assert_eq!(ratio(f64::INFINITY, 0.67), f64::INFINITY);
    assert_eq!(ratio(3.47, f64::INFINITY), f64::INFINITY);
    assert_eq!(ratio(f64::INFINITY, f64::INFINITY), f64::INFINITY);
    assert!(ratio(f64::NAN, 1.0).is_nan());
    assert!(ratio(1.0, f64::NAN).is_nan());
    assert_eq!(ratio(1.0, 0.0), f64::INFINITY);
    assert!(is_failure(f64::INFINITY) && !is_failure(f64::NEG_INFINITY) && !is_failure(1.0));
}
