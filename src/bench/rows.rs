//! The efficiency results schema, shared by ssmbench's own sweep and the Hugging Face peer
//! (`peers/hf_bench.py` writes the same columns), one row per (stack, model, variant, seed, N,
//! run). A failed configuration (out of memory, over the time budget, crash) is one row with
//! an empty `run`, `inf` time and memory, and the reason in `error` — never a missing row.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One timed forward, or one failed configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EfficiencyRow {
    /// `ssmbench` or `hf`.
    pub stack: String,
    /// `llama` or `mamba`.
    pub model: String,
    /// ssmbench: `eager`/`fused` (LLaMA attention), `fused` (Mamba scan); hf: `eager`, `sdpa`,
    /// `slow`, `mambapy`.
    pub variant: String,
    pub seed: u64,
    pub n: usize,
    /// `full` or `last` (see `LogitsMode`).
    pub logits: String,
    /// 1-based index of the timed run; empty for a failure row.
    pub run: Option<u32>,
    pub time_ms: f64,
    /// Peak bytes allocated during the forward, GiB (2³⁰ bytes).
    pub peak_alloc_gib: f64,
    /// Bytes the allocator held from the driver after the timed forwards, GiB.
    pub reserved_gib: f64,
    pub params: u64,
    /// Empty on success; `OOM: …`, `time budget: …` or `crash: …` otherwise.
    pub error: String,
    pub device: String,
    pub driver: String,
    pub backend: String,
    pub software: String,
    pub git_rev: String,
    pub timestamp: String,
}

impl EfficiencyRow {
    pub fn failed(&self) -> bool {
        !self.error.is_empty()
    }
    pub fn is_oom(&self) -> bool {
        self.error.starts_with("OOM")
    }
    /// The configuration this row belongs to.
    pub fn config_key(&self) -> (String, String, String, u64, usize, String) {
        (
            self.stack.clone(),
            self.model.clone(),
            self.variant.clone(),
            self.seed,
            self.n,
            self.logits.clone(),
        )
    }
}

/// Reads a results CSV (empty when the file does not exist yet).
pub fn read_rows(path: &Path) -> Result<Vec<EfficiencyRow>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot open", path.display()))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, r)| {
            r.with_context(|| {
                format!(
                    "{}: row {} does not match the efficiency schema",
                    path.display(),
                    i + 2
                )
            })
        })
        .collect()
}

/// Writes a results CSV atomically (temp file, then rename).
pub fn write_rows(path: &Path, rows: &[EfficiencyRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    crate::manifest::write_atomic(path, &w.into_inner()?)
}
