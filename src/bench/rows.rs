//! The efficiency results schema, shared by ssmbench's own sweep and the Hugging Face peer
//! (`peers/hf_bench.py` writes the same columns), one row per (stack, model, variant, seed, N,
//! run). A failed configuration (out of memory, over the time budget, crash) is one row with
//! an empty `run`, `inf` time and memory, and the reason in `error` — never a missing row.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

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
    #[serde(with = "non_finite")]
    pub time_ms: f64,
    /// Peak bytes allocated during the forward, GiB (2³⁰ bytes).
    #[serde(with = "non_finite")]
    pub peak_alloc_gib: f64,
    /// Bytes the allocator held from the driver after the timed forwards, GiB.
    #[serde(with = "non_finite")]
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

/// `inf`/`NaN` as strings, so a failure row survives JSON (the worker → parent protocol):
/// serde_json writes non-finite floats as `null`, which does not read back as `f64`. In CSV
/// the text is the same either way (`inf`).
mod non_finite {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_str(&v.to_string())
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrText {
        Num(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match NumOrText::deserialize(d)? {
            NumOrText::Num(v) => Ok(v),
            NumOrText::Text(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| serde::de::Error::custom(format!("not a number: {t:?}"))),
        }
    }
}

/// Reads a results CSV (empty when the file does not exist yet).
pub fn read_rows(path: &Path) -> Result<Vec<EfficiencyRow>> {
    read_csv(path, "efficiency")
}

/// Writes a results CSV atomically (temp file, then rename).
pub fn write_rows(path: &Path, rows: &[EfficiencyRow]) -> Result<()> {
    write_csv(path, rows)
}

/// Reads a CSV of `T` rows (empty when the file does not exist yet); a row that does not
/// parse is an error naming the file, the line and the `schema`.
pub fn read_csv<T: DeserializeOwned>(path: &Path, schema: &str) -> Result<Vec<T>> {
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
                    "{}: row {} does not match the {schema} schema",
                    path.display(),
                    i + 2
                )
            })
        })
        .collect()
}

/// Writes a CSV of `T` rows atomically (temp file, then rename).
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    crate::manifest::write_atomic(path, &w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> EfficiencyRow {
        EfficiencyRow {
            stack: "ssmbench".into(),
            model: "llama".into(),
            variant: "eager".into(),
            seed: 0,
            n: 32768,
            logits: "full".into(),
            run: None,
            time_ms: f64::INFINITY,
            peak_alloc_gib: f64::INFINITY,
            reserved_gib: f64::INFINITY,
            params: 1,
            error: "OOM: test".into(),
            device: "d".into(),
            driver: "x".into(),
            backend: "cpu".into(),
            software: "s".into(),
            git_rev: "r".into(),
            timestamp: "t".into(),
        }
    }

    #[test]
    fn failure_rows_survive_json_and_csv() {
        let row = failure();
        let json = serde_json::to_string(&row).unwrap();
        let back: EfficiencyRow = serde_json::from_str(&json).unwrap();
        assert_eq!(back, row);

        let dir = std::env::temp_dir().join(format!("ssmbench-rows-{}", std::process::id()));
        let path = dir.join("runs.csv");
        let mut ok = failure();
        ok.run = Some(1);
        ok.time_ms = 1.5;
        ok.error.clear();
        write_rows(&path, &[row.clone(), ok.clone()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(",inf,inf,inf,"), "{text}");
        assert_eq!(read_rows(&path).unwrap(), vec![row, ok]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
