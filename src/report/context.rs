//! The book's data: typed, serializable views built from the files under `artifacts/` alone
//! (no model run, no GPU). A missing file leaves its part `None`, and the chapter says so.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::{
    claims::{self, Claim, Evidence, Tally},
    format::{model_name, path_name, stack_name},
};
use crate::{
    analysis::{run::Tables, schema::RepresentationSummary, summary::summarize as summarize_repr},
    bench::{
        flops::{self, AttentionWork, Dims},
        rows::{EfficiencyRow, read_rows},
        summary::{EfficiencySummary, PAPER_LENGTHS, summarize},
    },
    manifest::Manifest,
    model::ModelKind,
    pipeline::Inputs,
    profile::{Profile, ProfileName},
    provenance::Environment,
    tokenize::CorpusStats,
};

/// A CSV read as rows of column → text (for tables the book prints as they are).
pub type Records = Vec<BTreeMap<String, String>>;

/// One row of the Performance chapter: ssmbench vs the paper's stack at one N.
#[derive(Clone, Debug, Serialize)]
pub struct PeerRow {
    pub model: String,
    /// Full labels of the two series (for the terminal table).
    pub ours: String,
    pub theirs: String,
    /// Short names of the two paths ("flash", "sdpa"), for the book.
    pub ours_path: String,
    pub theirs_path: String,
    pub n: usize,
    pub ours_ms: f64,
    pub ours_median_ms: f64,
    pub theirs_ms: f64,
    /// theirs / ours: how many times faster ssmbench is.
    pub speedup: f64,
    pub ours_gib: f64,
    pub theirs_gib: f64,
    /// Achieved TFLOP/s of ssmbench's forward (FLOPs counted in `bench::flops`).
    pub ours_tflops: f64,
    /// FLOPs of one forward of ssmbench's path, in units of 10⁹.
    pub gflop: f64,
}

/// The rows of one pairing (ssmbench path vs Hugging Face path), one table in the book.
#[derive(Clone, Debug, Serialize)]
pub struct PeerGroup {
    pub model: String,
    pub ours_path: String,
    pub theirs_path: String,
    pub rows: Vec<PeerRow>,
}

/// The Hugging Face benchmark's software: versions (name, version) and, apart, the input.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PeerSoftware {
    pub versions: Vec<(String, String)>,
    /// Where its token ids came from (the file the script was given), if recorded.
    pub input: String,
}

/// Where the results came from, for the Methods and Artifacts chapters.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub device: String,
    pub driver: String,
    pub software: String,
    pub git_revs: Vec<String>,
    pub first: String,
    pub last: String,
    /// The driver version `nvidia-smi` reported in the same device session, when logged.
    pub driver_smi: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct BookContext {
    pub environment: Option<Environment>,
    pub run: Option<RunInfo>,
    pub corpus: Option<CorpusStats>,
    pub efficiency: Option<EfficiencySummary>,
    pub maxlen: Vec<EfficiencyRow>,
    /// The largest-N probes' time budget per forward, seconds.
    pub maxlen_budget_s: f64,
    /// One forward of each benchmark path cut into stages (`perf/breakdown.csv`).
    pub breakdown: Vec<super::perf::BreakdownGroup>,
    /// The benchmark paths' forwards on Burn's matmul beside the FP32 ones
    /// (`perf/tensor_cores.csv`; comparison only).
    pub tensor_cores: Vec<super::perf::TensorCoreGroup>,
    /// The performance issue's targets beside the measurements.
    pub targets: Vec<super::perf::Target>,
    pub representation: Option<RepresentationSummary>,
    /// Seeds actually present per model in the representation rows.
    pub representation_seeds: BTreeMap<String, Vec<u64>>,
    /// Whether both models finished every planned analysis seed.
    pub representation_complete: bool,
    pub peers: Vec<PeerGroup>,
    pub peer_software: PeerSoftware,
    /// Each efficiency series' label → its short name ("LLaMA flash", "HF Mamba slow").
    pub short: BTreeMap<String, String>,
    pub parity: Records,
    pub selftest: Records,
    pub selftest_rev: String,
    /// ssmbench's FP32 matmul kernels beside cuBLAS on the models' weight products.
    pub gemm: super::gemm::GemmView,
    pub claims: Vec<Claim>,
    pub tally: Tally,
    pub tolerance: f64,
    pub params: (u64, u64),
    pub manifest: Vec<(String, String)>,
    pub plots: BTreeMap<String, String>,
    pub paper: super::paper::PaperView,
    /// Profile settings the chapters quote (lengths, seeds, protocol).
    pub profile: Profile,
    /// The share of the largest attribution a token must exceed to count as effective.
    pub attribution_threshold: f64,
    /// The performance issue's time target for Mamba at N = 8,192, ms.
    pub mamba_target_ms: f64,
}

fn read_records(path: &Path) -> Result<Records> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot open", path.display()))?;
    r.deserialize()
        .collect::<std::result::Result<_, _>>()
        .with_context(|| format!("{}: not a CSV table", path.display()))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)?;
    Ok(Some(serde_json::from_str(&text).with_context(|| {
        format!("{}: unreadable JSON", path.display())
    })?))
}

fn run_info(rows: &[EfficiencyRow]) -> Option<RunInfo> {
    let first = rows.iter().find(|r| r.stack == "ssmbench")?;
    let mut revs: Vec<String> = rows
        .iter()
        .filter(|r| r.stack == "ssmbench")
        .map(|r| r.git_rev.clone())
        .collect();
    revs.sort();
    revs.dedup();
    let stamps: Vec<&str> = rows.iter().map(|r| r.timestamp.as_str()).collect();
    Some(RunInfo {
        device: first.device.clone(),
        driver: first.driver.clone(),
        software: first.software.clone(),
        git_revs: revs,
        first: stamps
            .iter()
            .min()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        last: stamps
            .iter()
            .max()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        driver_smi: String::new(),
    })
}

/// ssmbench beside the paper's stack, per model, path and paper length.
pub fn peers(s: &EfficiencySummary) -> Vec<PeerRow> {
    let pairs = [
        (
            "LLaMA",
            ("ssmbench", "llama", "eager"),
            ("hf", "llama", "eager"),
        ),
        (
            "LLaMA",
            ("ssmbench", "llama", "fused"),
            ("hf", "llama", "sdpa"),
        ),
        (
            "Mamba",
            ("ssmbench", "mamba", "fused"),
            ("hf", "mamba", "slow"),
        ),
    ];
    let find = |(st, m, v): (&str, &str, &str)| {
        s.series
            .iter()
            .find(|x| x.stack == st && x.model == m && x.variant == v && x.logits == "full")
    };
    let mut out = Vec::new();
    for (model, a, b) in pairs {
        let (Some(sa), Some(sb)) = (find(a), find(b)) else {
            continue;
        };
        for n in PAPER_LENGTHS {
            let (Some(pa), Some(pb)) = (sa.at(n), sb.at(n)) else {
                continue;
            };
            let work = match (a.1, a.2) {
                ("llama", "eager") => {
                    flops::llama(&Dims::PAPER_LLAMA, n, AttentionWork::FullSquare, false)
                }
                ("llama", _) => {
                    flops::llama(&Dims::PAPER_LLAMA, n, AttentionWork::CausalHalf, false)
                }
                _ => flops::mamba(&Dims::PAPER_MAMBA, n, false),
            };
            out.push(PeerRow {
                model: model.into(),
                ours: sa.label.clone(),
                theirs: sb.label.clone(),
                ours_path: path_name(a.0, a.1, a.2),
                theirs_path: path_name(b.0, b.1, b.2),
                n,
                ours_ms: pa.time_ms,
                ours_median_ms: pa.time_median,
                theirs_ms: pb.time_ms,
                speedup: pb.time_ms / pa.time_ms,
                ours_gib: pa.mem_gib,
                theirs_gib: pb.mem_gib,
                ours_tflops: work / (pa.time_ms * 1e-3) / 1e12,
                gflop: work / 1e9,
            });
        }
    }
    out
}

/// [`peers`] grouped by pairing, in order.
pub fn peer_groups(rows: Vec<PeerRow>) -> Vec<PeerGroup> {
    let mut out: Vec<PeerGroup> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|g| {
            g.ours_path == r.ours_path && g.theirs_path == r.theirs_path && g.model == r.model
        }) {
            Some(g) => g.rows.push(r),
            None => out.push(PeerGroup {
                model: r.model.clone(),
                ours_path: r.ours_path.clone(),
                theirs_path: r.theirs_path.clone(),
                rows: vec![r],
            }),
        }
    }
    out
}

/// Splits the peer rows' software field ("torch 2.11.0; transformers 5.17.0; python 3.12.3;
/// input_ids=input_ids.json") into versions and the input it was given.
pub fn peer_software(field: &str) -> PeerSoftware {
    let mut out = PeerSoftware::default();
    for part in field.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((_, v)) = part.split_once('=') {
            let item = v.trim().to_string();
            out.input = if out.input.is_empty() {
                item
            } else {
                format!("{}, {item}", out.input)
            };
        } else {
            let (name, version) = part.split_once(' ').unwrap_or((part, ""));
            out.versions
                .push((name.to_string(), version.trim().to_string()));
        }
    }
    out
}

/// Short names of the efficiency series, by label.
fn short_names(s: &EfficiencySummary) -> BTreeMap<String, String> {
    s.series
        .iter()
        .map(|x| {
            let stack = if x.stack == "ssmbench" {
                String::new()
            } else {
                format!("{} ", stack_name(&x.stack))
            };
            let name = format!(
                "{stack}{} {}",
                model_name(&x.model),
                path_name(&x.stack, &x.model, &x.variant)
            );
            (x.label.clone(), name)
        })
        .collect()
}

/// Builds the whole context from `artifacts` (and, for §5.2's summary, the pinned data).
pub fn build(artifacts: &Path, data: &Path) -> Result<BookContext> {
    let environment: Option<Environment> = read_json(&artifacts.join("environment.json"))?;
    let corpus: Option<CorpusStats> = read_json(&artifacts.join("tokens").join("corpus.json"))?;
    let ours = read_rows(&artifacts.join("efficiency").join("runs.csv"))?;
    let theirs = read_rows(&artifacts.join("peers").join("hf_bench.csv"))?;
    let mut all = ours.clone();
    all.extend(theirs.iter().cloned());
    let efficiency = (!ours.is_empty()).then(|| summarize(&all));
    let params = {
        let p = |m: &str| {
            ours.iter()
                .find(|r| r.model == m && r.params > 0)
                .map_or(0, |r| r.params)
        };
        (p("llama"), p("mamba"))
    };
    // The profile the artifacts were produced with (paper unless the run recorded smoke).
    let profile = Profile::get(match environment.as_ref().map(|e| e.profile.as_str()) {
        Some("smoke") => ProfileName::Smoke,
        _ => ProfileName::Paper,
    });
    let run = run_info(&ours).map(|r| RunInfo {
        driver_smi: smi_driver(artifacts),
        ..r
    });
    let tables = Tables::read(&artifacts.join("representation"))?;
    let mut representation_seeds: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in &tables.shift {
        if r.model != "random" {
            let v = representation_seeds.entry(r.model.clone()).or_default();
            if !v.contains(&r.seed) {
                v.push(r.seed);
            }
        }
    }
    let representation = if tables.shift.is_empty() {
        None
    } else {
        let inputs = Inputs::prepare(data, &profile)?;
        let backend = environment
            .as_ref()
            .map_or("cuda".to_string(), |e| e.device.backend.clone());
        let device = run.as_ref().map_or(String::new(), |r| r.device.clone());
        let mut s = summarize_repr(&tables, &profile, &inputs, &backend, &device);
        let mut seeds: Vec<u64> = representation_seeds.values().flatten().copied().collect();
        seeds.sort();
        seeds.dedup();
        s.seeds = seeds;
        Some(s)
    };
    let claims = claims::claims(&Evidence {
        device: run.as_ref().map(|r| r.device.clone()),
        efficiency: efficiency.as_ref(),
        representation: representation.as_ref(),
        params,
        remapped: corpus.as_ref().map_or((0, 0), |c| {
            (c.mapping.remapped_tokens, c.mapping.max_raw_id as usize)
        }),
    });
    let selftest = read_records(&artifacts.join("selftest").join("selftest.csv"))?;
    let profile_seeds = profile.analysis.seeds.len();
    let peer_rows = efficiency.as_ref().map(peers).unwrap_or_default();
    let maxlen = read_rows(&artifacts.join("perf").join("maxlen.csv"))?;
    let breakdown =
        crate::bench::breakdown::read_breakdown(&artifacts.join("perf").join("breakdown.csv"))?;
    let tensor_cores = crate::bench::tensor_cores::read_tensor_cores(
        &artifacts.join("perf").join("tensor_cores.csv"),
    )?;
    // Each model's fastest path at the self-check's matmul length.
    let forwards: Vec<(ModelKind, f64)> = [
        (ModelKind::Llama, "flash"),
        (ModelKind::Mamba, "fused scan"),
    ]
    .iter()
    .filter_map(|&(model, path)| {
        peer_rows
            .iter()
            .find(|p| p.ours_path == path && p.n == super::gemm::N)
            .map(|p| (model, p.ours_median_ms))
    })
    .collect();
    let gemm = super::gemm::view(
        &selftest,
        &read_records(&artifacts.join("peers").join("gemm_bench.csv"))?,
        &forwards,
    );
    Ok(BookContext {
        gemm,
        run,
        targets: super::perf::targets(&peer_rows, &maxlen, &ours),
        breakdown: super::perf::breakdown_groups(&breakdown),
        tensor_cores: super::perf::tensor_core_groups(&tensor_cores),
        peers: peer_groups(peer_rows),
        peer_software: peer_software(theirs.first().map_or("", |r| r.software.as_str())),
        short: efficiency.as_ref().map(short_names).unwrap_or_default(),
        maxlen,
        maxlen_budget_s: crate::bench::maxlen::BUDGET_S,
        parity: read_records(&artifacts.join("parity").join("parity.csv"))?,
        selftest_rev: std::fs::read_to_string(artifacts.join("selftest").join("git_rev.txt"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
        selftest,
        tally: claims::tally(&claims),
        tolerance: claims::TOLERANCE,
        claims,
        params,
        manifest: read_manifest(artifacts)?,
        plots: BTreeMap::new(),
        paper: super::paper::view(),
        profile,
        attribution_threshold: crate::analysis::context::ATTRIBUTION_THRESHOLD,
        mamba_target_ms: super::perf::MAMBA_TARGET_MS,
        environment,
        corpus,
        efficiency,
        representation,
        representation_complete: ["llama", "mamba"]
            .iter()
            .all(|m| representation_seeds.get(*m).map_or(0, Vec::len) >= profile_seeds),
        representation_seeds,
    })
}

/// `artifacts/SHA256SUMS` as (path, hash) pairs; empty when it does not exist yet.
pub fn read_manifest(artifacts: &Path) -> Result<Vec<(String, String)>> {
    let path = artifacts.join("SHA256SUMS");
    Ok(if path.exists() {
        Manifest::read(&path)?.entries.into_iter().collect()
    } else {
        Vec::new()
    })
}

/// The driver version `logs/nvidia-smi.csv` ("name, driver_version, memory.total") recorded.
fn smi_driver(artifacts: &Path) -> String {
    std::fs::read_to_string(artifacts.join("logs").join("nvidia-smi.csv"))
        .ok()
        .and_then(|s| {
            s.lines()
                .nth(1)
                .and_then(|l| l.split(',').nth(1))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// The repository root an artifacts directory belongs to (its parent; `.` for `artifacts`).
pub fn root_of(artifacts: &Path) -> PathBuf {
    artifacts
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
