//! Hidden-state dynamics (paper §3.2.1, Eq. 6–7; §4.5), computed on the host from one layer's
//! states `h_0 … h_{T−1}` (row-major `[T, d]`, f32 as the model produced them, f64 sums).

/// Eq. 6–7 and the §4.5 stability, for one layer of one sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Dynamics {
    pub tokens: usize,
    /// mean and max over t ≥ 1 of v_t = ‖h_t − h_{t−1}‖₂
    pub velocity_mean: f64,
    pub velocity_max: f64,
    /// d_{T−1} = ‖h_{T−1} − h_0‖₂
    pub drift_final: f64,
    /// k in d_t ≈ c·t^k, least squares on (ln t, ln d_t) over t ≥ 1 with d_t > 0
    pub drift_exponent: f64,
    /// mean over sliding windows of the mean per-dimension variance inside the window
    pub stability: f64,
    /// ‖h_{T−1}‖₂
    pub final_norm: f64,
}

fn row(h: &[f32], d: usize, t: usize) -> &[f32] {
    &h[t * d..(t + 1) * d]
}

fn dist(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// ‖h_t − h_0‖₂ for every t.
pub fn drift_curve(h: &[f32], d: usize) -> Vec<f64> {
    let t_len = h.len() / d;
    (0..t_len)
        .map(|t| dist(row(h, d, t), row(h, d, 0)))
        .collect()
}

/// Mean over every window of `w` consecutive states of the per-dimension variance (population)
/// averaged over dimensions, by prefix sums (O(T·d)). With fewer than `w` states, one window.
pub fn windowed_variance(h: &[f32], d: usize, w: usize) -> f64 {
    let t_len = h.len() / d;
    if t_len == 0 {
        return f64::NAN;
    }
    let w = w.clamp(1, t_len);
    // s1[t][k] = Σ_{u<t} h_u[k], s2 likewise of squares.
    let mut s1 = vec![0.0f64; (t_len + 1) * d];
    let mut s2 = vec![0.0f64; (t_len + 1) * d];
    for t in 0..t_len {
        for k in 0..d {
            let x = h[t * d + k] as f64;
            s1[(t + 1) * d + k] = s1[t * d + k] + x;
            s2[(t + 1) * d + k] = s2[t * d + k] + x * x;
        }
    }
    let windows = t_len - w + 1;
    let mut total = 0.0;
    for start in 0..windows {
        let end = start + w;
        let mut v = 0.0;
        for k in 0..d {
            let m1 = (s1[end * d + k] - s1[start * d + k]) / w as f64;
            let m2 = (s2[end * d + k] - s2[start * d + k]) / w as f64;
            v += (m2 - m1 * m1).max(0.0);
        }
        total += v / d as f64;
    }
    total / windows as f64
}

/// Slope of ln d_t on ln t (t ≥ 1, d_t > 0); NaN with fewer than two usable points.
pub fn growth_exponent(curve: &[f64]) -> f64 {
    let pts: Vec<(f64, f64)> = curve
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, d)| **d > 0.0)
        .map(|(t, d)| ((t as f64).ln(), d.ln()))
        .collect();
    if pts.len() < 2 {
        return f64::NAN;
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
    crate::stats::fit_poly(&xs, &ys, 1)
        .map(|f| f.linear())
        .unwrap_or(f64::NAN)
}

/// All of Eq. 6–7 and the stability for one layer: `h` is `[T, d]` row-major.
pub fn dynamics(h: &[f32], d: usize, window: usize) -> Dynamics {
    let t_len = h.len() / d;
    assert!(
        t_len > 0 && h.len() == t_len * d,
        "hidden states must be [T, d] with T ≥ 1"
    );
    let velocities: Vec<f64> = (1..t_len)
        .map(|t| dist(row(h, d, t), row(h, d, t - 1)))
        .collect();
    let curve = drift_curve(h, d);
    let last = row(h, d, t_len - 1);
    Dynamics {
        tokens: t_len,
        velocity_mean: if velocities.is_empty() {
            0.0
        } else {
            velocities.iter().sum::<f64>() / velocities.len() as f64
        },
        velocity_max: velocities.iter().copied().fold(0.0, f64::max),
        drift_final: *curve.last().unwrap_or(&0.0),
        drift_exponent: growth_exponent(&curve),
        stability: windowed_variance(h, d, window),
        final_norm: last.iter().map(|&x| (x as f64).powi(2)).sum::<f64>().sqrt(),
    }
}
