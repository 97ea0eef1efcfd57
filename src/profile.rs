//! Run profiles: `paper` (the paper's lengths and protocol, then beyond) and `smoke` (tiny
//! lengths for the CPU backend and CI). Every number a profile sets is written into the
//! results' environment record and the book's methods chapter.

use serde::{Deserialize, Serialize};

use crate::{
    model::{LogitsMode, llama::LlamaConfig, mamba::MambaConfig},
    tokenize::VocabPolicy,
};

/// `--profile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    Paper,
    Smoke,
}

/// §4.4's sweep and what we add beyond it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EfficiencyPlan {
    /// The paper's lengths, measured with every seed.
    pub lengths: Vec<usize>,
    /// Model seeds for the paper's lengths.
    pub seeds: Vec<u64>,
    /// Beyond the paper: doubling after the last length up to this ceiling (0 = none).
    pub ceiling: usize,
    /// Seeds for the lengths beyond the paper (timings barely depend on the seed; each extra
    /// seed costs minutes at 10⁵ tokens).
    pub extended_seeds: Vec<u64>,
    pub warmup: usize,
    pub runs: usize,
    /// A configuration whose first forward exceeds this many seconds is recorded as over the
    /// time budget and ends that sweep (it is not an out-of-memory failure).
    pub max_forward_s: f64,
    pub logits: LogitsMode,
}

impl EfficiencyPlan {
    /// Lengths after the paper's: 2× the last, doubling, up to the ceiling.
    pub fn extended_lengths(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let Some(&last) = self.lengths.last() else {
            return out;
        };
        let mut n = last * 2;
        while self.ceiling > 0 && n <= self.ceiling {
            out.push(n);
            n *= 2;
        }
        out
    }
}

/// §4.5's analyses.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AnalysisPlan {
    /// Model seeds; results are reported as mean ± sd across them.
    pub seeds: Vec<u64>,
    /// Sessions are analysed whole (hidden states, attention, shifts) unless this caps them.
    pub session_limit: Option<usize>,
    /// Tokens of each session's prefix in the effective-context analysis (the paper's analysis
    /// lengths: "≥ 2,048").
    pub context_length: usize,
    /// Probe positions for the gradient attribution, spread from 25% of the sequence to its end.
    pub probes: usize,
    /// Window for hidden-state stability (local variance), tokens.
    pub stability_window: usize,
    /// Window of the finer shift-detection protocol, tokens.
    pub shift_window: usize,
}

/// Everything a run needs to know.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Profile {
    pub name: ProfileName,
    pub llama: LlamaConfig,
    pub mamba: MambaConfig,
    pub vocab_policy: VocabPolicy,
    pub efficiency: EfficiencyPlan,
    pub analysis: AnalysisPlan,
    /// Lengths of `bench perf`'s largest-N probe (one forward each, logits of the last position).
    pub perf_max_lengths: Vec<usize>,
    /// Lengths at which `bench perf` breaks a forward of every benchmark path into stages.
    #[serde(default)]
    pub perf_breakdown_lengths: Vec<usize>,
}

impl Profile {
    pub fn get(name: ProfileName) -> Self {
        match name {
            ProfileName::Paper => Self::paper(),
            ProfileName::Smoke => Self::smoke(),
        }
    }

    /// The paper: N = 512…8,192, 2 warm-ups + 5 timed forwards, 3 seeds; then to 262,144.
    pub fn paper() -> Self {
        Self {
            name: ProfileName::Paper,
            llama: LlamaConfig::new(),
            mamba: MambaConfig::new(),
            vocab_policy: VocabPolicy::Modulo,
            efficiency: EfficiencyPlan {
                lengths: vec![512, 1024, 2048, 4096, 8192],
                seeds: vec![0, 1, 2],
                ceiling: 262_144,
                extended_seeds: vec![0],
                warmup: 2,
                runs: 5,
                max_forward_s: 4.0,
                logits: LogitsMode::Full,
            },
            analysis: AnalysisPlan {
                seeds: vec![0, 1, 2, 3, 4],
                session_limit: None,
                context_length: 2048,
                probes: 5,
                stability_window: 50,
                shift_window: 256,
            },
            perf_max_lengths: vec![131_072, 262_144],
            perf_breakdown_lengths: vec![8192],
        }
    }

    /// Tiny lengths, one seed, the real architectures: minutes on two CPU cores.
    pub fn smoke() -> Self {
        Self {
            name: ProfileName::Smoke,
            llama: LlamaConfig::new(),
            mamba: MambaConfig::new(),
            vocab_policy: VocabPolicy::Modulo,
            efficiency: EfficiencyPlan {
                lengths: vec![32, 64],
                seeds: vec![0],
                ceiling: 0,
                extended_seeds: vec![],
                warmup: 1,
                runs: 2,
                max_forward_s: 60.0,
                logits: LogitsMode::Full,
            },
            analysis: AnalysisPlan {
                seeds: vec![0, 1],
                session_limit: Some(96),
                context_length: 48,
                probes: 5,
                stability_window: 8,
                shift_window: 16,
            },
            perf_max_lengths: vec![],
            perf_breakdown_lengths: vec![64],
        }
    }
}
