//! Tables 1–2, the fitted scaling equations (Eq. 2–5) and the crossover points, computed from
//! the efficiency rows (`efficiency/runs.csv`, and the peers' `peers/hf_bench.csv`).
//!
//! Statistic: as in the paper, the mean of the timed runs; with several model seeds, each seed's
//! mean first, then mean ± sample sd across seeds. Memory is the peak allocated during the timed
//! forwards, in GiB (2³⁰ bytes; the paper writes "GB" without saying which).

use std::collections::BTreeMap;

use serde::Serialize;

use super::rows::EfficiencyRow;
use crate::stats::{
    self, Fit, Polynomial, fit_powers,
    roots::{crossover_points, interpolate_crossover},
};

/// The paper's sequence lengths (§4.4).
pub const PAPER_LENGTHS: [usize; 5] = [512, 1024, 2048, 4096, 8192];

/// One (series, N): the statistics of its timed runs, or why it has none.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub n: usize,
    /// Mean over seeds of the per-seed mean time, ms (∞ when failed).
    pub time_ms: f64,
    pub time_sd: f64,
    pub time_median: f64,
    pub time_min: f64,
    pub time_max: f64,
    pub mem_gib: f64,
    pub mem_sd: f64,
    pub seeds: usize,
    pub runs: usize,
    /// Empty, or the failure (OOM, unsupported, time budget).
    pub error: String,
}

impl Point {
    pub fn ok(&self) -> bool {
        self.error.is_empty() && self.time_ms.is_finite()
    }
}

/// All lengths of one (stack, model, variant, logits).
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub stack: String,
    pub model: String,
    pub variant: String,
    pub logits: String,
    pub label: String,
    pub points: Vec<Point>,
    /// Largest N with a successful forward.
    pub max_n: Option<usize>,
}

impl Series {
    pub fn at(&self, n: usize) -> Option<&Point> {
        self.points.iter().find(|p| p.n == n)
    }
}

/// Human name of a series, from the book's names of models and paths.
pub fn label(stack: &str, model: &str, variant: &str) -> String {
    use crate::report::format::{model_name, path_name};
    let (m, path) = (model_name(model), path_name(stack, model, variant));
    match (stack, model, variant) {
        ("ssmbench", "llama", "eager" | "fused") => format!("{m} (ssmbench, {path} attention)"),
        ("hf", ..) => format!("{m} (HF transformers, {path})"),
        (s, ..) => format!("{m} ({s}, {path})"),
    }
}

/// Groups rows into series, sorted by N.
pub fn series(rows: &[EfficiencyRow]) -> Vec<Series> {
    let mut groups: BTreeMap<(String, String, String, String), Vec<&EfficiencyRow>> =
        BTreeMap::new();
    for r in rows {
        groups
            .entry((
                r.stack.clone(),
                r.model.clone(),
                r.variant.clone(),
                r.logits.clone(),
            ))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((stack, model, variant, logits), rows)| {
            let mut by_n: BTreeMap<usize, Vec<&EfficiencyRow>> = BTreeMap::new();
            for r in rows {
                by_n.entry(r.n).or_default().push(r);
            }
            let points: Vec<Point> = by_n.into_iter().map(|(n, rs)| point(n, &rs)).collect();
            let max_n = points.iter().filter(|p| p.ok()).map(|p| p.n).max();
            Series {
                label: label(&stack, &model, &variant),
                stack,
                model,
                variant,
                logits,
                points,
                max_n,
            }
        })
        .collect()
}

fn point(n: usize, rows: &[&EfficiencyRow]) -> Point {
    let ok: Vec<&&EfficiencyRow> = rows.iter().filter(|r| !r.failed()).collect();
    let failure = rows.iter().find(|r| r.failed()).map(|r| r.error.clone());
    if ok.is_empty() {
        let inf = f64::INFINITY;
        return Point {
            n,
            time_ms: inf,
            time_sd: f64::NAN,
            time_median: inf,
            time_min: inf,
            time_max: inf,
            mem_gib: inf,
            mem_sd: f64::NAN,
            seeds: 0,
            runs: 0,
            error: failure.unwrap_or_else(|| "no rows".into()),
        };
    }
    let mut seeds: BTreeMap<u64, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in &ok {
        let e = seeds.entry(r.seed).or_default();
        e.0.push(r.time_ms);
        e.1.push(r.peak_alloc_gib);
    }
    let seed_time: Vec<f64> = seeds.values().filter_map(|(t, _)| stats::mean(t)).collect();
    let seed_mem: Vec<f64> = seeds.values().filter_map(|(_, m)| stats::mean(m)).collect();
    let all: Vec<f64> = ok.iter().map(|r| r.time_ms).collect();
    let sd = |v: &[f64]| stats::sample_sd(v).unwrap_or(f64::NAN);
    Point {
        n,
        time_ms: stats::mean(&seed_time).unwrap_or(f64::NAN),
        // One seed: the sd of its runs; several: the sd across seeds.
        time_sd: if seed_time.len() > 1 {
            sd(&seed_time)
        } else {
            sd(&all)
        },
        time_median: stats::median(&all).unwrap_or(f64::NAN),
        time_min: all.iter().copied().fold(f64::INFINITY, f64::min),
        time_max: all.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mem_gib: stats::mean(&seed_mem).unwrap_or(f64::NAN),
        mem_sd: if seed_mem.len() > 1 {
            sd(&seed_mem)
        } else {
            0.0
        },
        seeds: seeds.len(),
        runs: all.len(),
        error: failure.unwrap_or_default(),
    }
}

/// A fitted scaling equation, for the book.
#[derive(Clone, Debug, Serialize)]
pub struct Equation {
    /// Coefficients by power, lowest first (`[γ, β, α]` or `[γ', α']`).
    pub coefficients: Vec<f64>,
    pub r_squared: f64,
    pub points: usize,
    /// Lengths fitted.
    pub range: String,
}

impl Equation {
    fn from_fit(f: &Fit, xs: &[f64]) -> Self {
        let mut coefficients = vec![0.0; f.degree() as usize + 1];
        for (p, c) in f.powers.iter().zip(&f.coefficients) {
            coefficients[*p as usize] = *c;
        }
        Self {
            coefficients,
            r_squared: f.r_squared,
            points: f.n,
            range: match (xs.first(), xs.last()) {
                (Some(a), Some(b)) => format!("{a:.0}–{b:.0}"),
                _ => "—".into(),
            },
        }
    }
    pub fn polynomial(&self) -> Polynomial {
        Polynomial::new(self.coefficients.clone())
    }
}

/// Fits `powers` to the finite points of `s` with N in `keep`.
fn fit_series(
    s: &Series,
    keep: impl Fn(usize) -> bool,
    y: impl Fn(&Point) -> f64,
    powers: &[u32],
) -> Option<Equation> {
    let pts: Vec<&Point> = s.points.iter().filter(|p| p.ok() && keep(p.n)).collect();
    let xs: Vec<f64> = pts.iter().map(|p| p.n as f64).collect();
    let ys: Vec<f64> = pts.iter().map(|p| y(p)).collect();
    if xs.len() < powers.len() {
        return None;
    }
    fit_powers(&xs, &ys, powers)
        .ok()
        .map(|f| Equation::from_fit(&f, &xs))
}

/// Memory and time fits of one series.
#[derive(Clone, Debug, Serialize)]
pub struct Fits {
    pub memory: Option<Equation>,
    pub time: Option<Equation>,
}

/// Positive crossovers of two equations (the Transformer's minus Mamba's).
pub fn crossings(t: &Option<Equation>, m: &Option<Equation>) -> Vec<f64> {
    match (t, m) {
        (Some(t), Some(m)) => crossover_points(&t.polynomial(), &m.polynomial())
            .unwrap_or_default()
            .into_iter()
            .filter(|n| *n > 0.0)
            .collect(),
        _ => Vec::new(),
    }
}

/// One row of Table 1.
#[derive(Clone, Debug, Serialize)]
pub struct RatioRow {
    pub n: usize,
    /// LLaMA materialised / Mamba (the paper's comparison).
    pub mem_ratio: f64,
    pub time_ratio: f64,
    /// LLaMA flash / Mamba (ssmbench's fused attention).
    pub mem_ratio_fused: f64,
    pub time_ratio_fused: f64,
    pub transformer_error: String,
}

/// One column of Table 2.
#[derive(Clone, Debug, Serialize)]
pub struct Table2Column {
    pub label: String,
    pub mem_mean: f64,
    pub mem_sd: f64,
    pub time_mean: f64,
    pub time_sd: f64,
    /// Largest N that ran, over the whole sweep (paper range and beyond).
    pub max_n: Option<usize>,
    pub failures: usize,
    pub lengths: usize,
    pub r_squared_quadratic: f64,
    pub r_squared_linear: f64,
}

/// Everything the efficiency chapter needs.
#[derive(Clone, Debug, Serialize)]
pub struct EfficiencySummary {
    pub series: Vec<Series>,
    pub table1: Vec<RatioRow>,
    pub table2: Vec<Table2Column>,
    /// Fits on the paper's range (512–8,192), then on every length that ran.
    pub llama_paper: Fits,
    pub mamba_paper: Fits,
    pub llama_full: Fits,
    pub mamba_full: Fits,
    pub memory_crossings: Vec<f64>,
    pub time_crossings: Vec<f64>,
    /// From the measurements directly (linear interpolation); None when they never meet in range.
    pub memory_crossing_measured: Option<f64>,
    pub time_crossing_measured: Option<f64>,
    /// Whether the Transformer already costs more at the smallest length measured.
    pub transformer_costlier_at_start: (bool, bool),
}

/// The full-logits series of one (stack, model, variant).
pub fn find<'a>(all: &'a [Series], stack: &str, model: &str, variant: &str) -> Option<&'a Series> {
    all.iter().find(|s| {
        s.stack == stack && s.model == model && s.variant == variant && s.logits == "full"
    })
}

fn ratio(a: Option<&Point>, b: Option<&Point>, f: impl Fn(&Point) -> f64) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => stats::ratio::ratio(f(a), f(b)),
        _ => f64::NAN,
    }
}

fn table2(s: &Series, fits: &Fits, quadratic: bool) -> Table2Column {
    let paper: Vec<&Point> = s
        .points
        .iter()
        .filter(|p| PAPER_LENGTHS.contains(&p.n))
        .collect();
    let ok: Vec<&&Point> = paper.iter().filter(|p| p.ok()).collect();
    let mem: Vec<f64> = ok.iter().map(|p| p.mem_gib).collect();
    let time: Vec<f64> = ok.iter().map(|p| p.time_ms).collect();
    let r2 = |e: &Option<Equation>| e.as_ref().map_or(f64::NAN, |e| e.r_squared);
    Table2Column {
        label: s.label.clone(),
        mem_mean: stats::mean(&mem).unwrap_or(f64::NAN),
        mem_sd: stats::sample_sd(&mem).unwrap_or(f64::NAN),
        time_mean: stats::mean(&time).unwrap_or(f64::NAN),
        time_sd: stats::sample_sd(&time).unwrap_or(f64::NAN),
        max_n: s.max_n,
        failures: paper.len() - ok.len(),
        lengths: paper.len(),
        r_squared_quadratic: if quadratic {
            r2(&fits.time).min(r2(&fits.memory))
        } else {
            f64::NAN
        },
        r_squared_linear: if quadratic {
            f64::NAN
        } else {
            r2(&fits.time).min(r2(&fits.memory))
        },
    }
}

/// Builds the summary from ssmbench's rows and the peers' rows (either may be empty).
pub fn summarize(rows: &[EfficiencyRow]) -> EfficiencySummary {
    let all = series(rows);
    let empty = Series {
        stack: String::new(),
        model: String::new(),
        variant: String::new(),
        logits: "full".into(),
        label: "—".into(),
        points: vec![],
        max_n: None,
    };
    let eager = find(&all, "ssmbench", "llama", "eager").unwrap_or(&empty);
    let flash = find(&all, "ssmbench", "llama", "fused").unwrap_or(&empty);
    let mamba = find(&all, "ssmbench", "mamba", "fused")
        .or_else(|| find(&all, "ssmbench", "mamba", "reference"))
        .unwrap_or(&empty);
    let paper = |n: usize| PAPER_LENGTHS.contains(&n);
    let any = |_: usize| true;
    let fits = |s: &Series, keep: &dyn Fn(usize) -> bool, powers: &[u32]| Fits {
        memory: fit_series(s, keep, |p| p.mem_gib, powers),
        time: fit_series(s, keep, |p| p.time_ms, powers),
    };
    let llama_paper = fits(eager, &paper, &[0, 1, 2]);
    let mamba_paper = fits(mamba, &paper, &[0, 1]);
    let llama_full = fits(eager, &any, &[0, 1, 2]);
    let mamba_full = fits(mamba, &any, &[0, 1]);
    let table1 = PAPER_LENGTHS
        .iter()
        .map(|&n| RatioRow {
            n,
            mem_ratio: ratio(eager.at(n), mamba.at(n), |p| p.mem_gib),
            time_ratio: ratio(eager.at(n), mamba.at(n), |p| p.time_ms),
            mem_ratio_fused: ratio(flash.at(n), mamba.at(n), |p| p.mem_gib),
            time_ratio_fused: ratio(flash.at(n), mamba.at(n), |p| p.time_ms),
            transformer_error: eager.at(n).map(|p| p.error.clone()).unwrap_or_default(),
        })
        .collect();
    let measured = |f: fn(&Point) -> f64| {
        let ns: Vec<usize> = PAPER_LENGTHS
            .iter()
            .copied()
            .filter(|&n| eager.at(n).is_some_and(Point::ok) && mamba.at(n).is_some_and(Point::ok))
            .collect();
        let xs: Vec<f64> = ns.iter().map(|&n| n as f64).collect();
        let a: Vec<f64> = ns.iter().map(|&n| f(eager.at(n).unwrap())).collect();
        let b: Vec<f64> = ns.iter().map(|&n| f(mamba.at(n).unwrap())).collect();
        let first = a.first().zip(b.first()).is_some_and(|(a, b)| a > b);
        (interpolate_crossover(&xs, &a, &b).ok().flatten(), first)
    };
    let (memory_crossing_measured, mem_first) = measured(|p| p.mem_gib);
    let (time_crossing_measured, time_first) = measured(|p| p.time_ms);
    EfficiencySummary {
        table2: vec![
            table2(eager, &llama_paper, true),
            table2(flash, &fits(flash, &paper, &[0, 1, 2]), true),
            table2(mamba, &mamba_paper, false),
        ],
        memory_crossings: crossings(&llama_paper.memory, &mamba_paper.memory),
        time_crossings: crossings(&llama_paper.time, &mamba_paper.time),
        memory_crossing_measured,
        time_crossing_measured,
        transformer_costlier_at_start: (mem_first, time_first),
        table1,
        llama_paper,
        mamba_paper,
        llama_full,
        mamba_full,
        series: all,
    }
}
