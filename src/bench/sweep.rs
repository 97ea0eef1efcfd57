//! The efficiency sweep (paper §4.4, issue "Tables 1–2"): every (model variant, seed, N) of a
//! profile, resumable, each worker isolated in a child process on CUDA.
//!
//! Results go to `efficiency/runs.csv`, rewritten atomically after every configuration, so an
//! interrupted sweep loses at most the configuration in flight and a re-run skips every
//! configuration that already has rows (a success or a recorded failure).

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::{
    rows::{EfficiencyRow, read_rows, write_rows},
    worker::{WorkerEvent, WorkerSpec, failure_reason, run_worker},
};
use crate::{backend::Platform, model::ModelKind, profile::Profile, provenance::Provenance};

/// Where the workers run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// In this process (CPU backend, tests): a panic is caught and recorded.
    InProcess,
    /// One child process per worker (`<exe> bench-worker`): an abort in the CUDA runtime only
    /// ends the child, and the parent records the configuration that was running.
    Subprocess { exe: PathBuf, device: String },
}

impl Isolation {
    /// One child process per worker on CUDA (this executable, hidden `bench-worker` verb);
    /// in process on the CPU backend, where nothing aborts the process.
    pub fn for_platform<P: Platform>(p: &P) -> anyhow::Result<Self> {
        Ok(if p.info().backend == "cuda" {
            Isolation::Subprocess {
                exe: std::env::current_exe()?,
                device: "cuda".into(),
            }
        } else {
            Isolation::InProcess
        })
    }
}

/// The model variants the sweep measures, named by what runs: with fused kernels (CUDA),
/// LLaMA eager and fused attention and Mamba's fused scan; without (CPU), LLaMA eager and
/// Mamba's reference scan.
pub fn variants(fused: bool) -> Vec<(ModelKind, &'static str)> {
    // Mamba first: it is the paper's subject and the cheapest to sweep far.
    if fused {
        vec![
            (ModelKind::Mamba, "fused"),
            (ModelKind::Llama, "fused"),
            (ModelKind::Llama, "eager"),
        ]
    } else {
        vec![(ModelKind::Mamba, "reference"), (ModelKind::Llama, "eager")]
    }
}

/// The workers a profile asks for, before removing finished configurations.
pub fn plan(profile: &Profile, provenance: &Provenance, fused: bool) -> Vec<WorkerSpec> {
    let mut specs = Vec::new();
    for (model, variant) in variants(fused) {
        let mut configs = Vec::new();
        for &seed in &profile.efficiency.seeds {
            for &n in &profile.efficiency.lengths {
                configs.push((seed, n));
            }
            if profile.efficiency.extended_seeds.contains(&seed) {
                for n in profile.efficiency.extended_lengths() {
                    configs.push((seed, n));
                }
            }
        }
        specs.push(WorkerSpec {
            model,
            variant: variant.into(),
            logits: profile.efficiency.logits,
            configs,
            warmup: profile.efficiency.warmup,
            runs: profile.efficiency.runs,
            max_forward_s: profile.efficiency.max_forward_s,
            llama: profile.llama.clone(),
            mamba: profile.mamba.clone(),
            provenance: provenance.clone(),
        });
    }
    specs
}

type Key = (String, String, u64, usize, String);

fn key(model: ModelKind, variant: &str, seed: u64, n: usize, logits: &str) -> Key {
    (
        model.as_str().into(),
        variant.into(),
        seed,
        n,
        logits.into(),
    )
}

/// Drops configurations that already have rows, and those larger than a recorded failure of
/// the same (model, variant, seed, logits): a sweep stops growing N at its first failure.
fn remaining(spec: &WorkerSpec, done: &[EfficiencyRow]) -> Vec<(u64, usize)> {
    let logits = spec.logits.as_str();
    let finished: BTreeSet<Key> = done
        .iter()
        .filter(|r| r.stack == "ssmbench")
        .map(|r| {
            (
                r.model.clone(),
                r.variant.clone(),
                r.seed,
                r.n,
                r.logits.clone(),
            )
        })
        .collect();
    let failed_at = |seed: u64| {
        done.iter()
            .filter(|r| {
                r.stack == "ssmbench"
                    && r.failed()
                    && r.model == spec.model.as_str()
                    && r.variant == spec.variant
                    && r.seed == seed
                    && r.logits == logits
            })
            .map(|r| r.n)
            .min()
    };
    spec.configs
        .iter()
        .copied()
        .filter(|&(seed, n)| !finished.contains(&key(spec.model, &spec.variant, seed, n, logits)))
        .filter(|&(seed, n)| failed_at(seed).is_none_or(|f| n < f))
        .collect()
}

/// Runs the profile's sweep, appending to `out` (the runs CSV). `ids`: the token sequence
/// (at least as long as the largest N).
pub fn run_sweep<P: Platform>(
    platform: &P,
    profile: &Profile,
    ids: &[i64],
    out: &Path,
    isolation: &Isolation,
    quiet: bool,
) -> Result<Vec<EfficiencyRow>> {
    let specs = plan(
        profile,
        &Provenance::current(),
        <P::B as crate::backend::SsmBackend>::has_fused_kernels(),
    );
    run_sweep_specs(platform, specs, ids, out, isolation, quiet)
}

/// Runs the given workers' configurations that `out` does not hold yet.
pub fn run_sweep_specs<P: Platform>(
    platform: &P,
    mut specs: Vec<WorkerSpec>,
    ids: &[i64],
    out: &Path,
    isolation: &Isolation,
    quiet: bool,
) -> Result<Vec<EfficiencyRow>> {
    let provenance = Provenance::current();
    let mut rows = read_rows(out)?;
    for s in &mut specs {
        s.configs = remaining(s, &rows);
    }
    let total: usize = specs.iter().map(|s| s.configs.len()).sum();
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("efficiency [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    for spec in specs.into_iter().filter(|s| !s.configs.is_empty()) {
        let mut pending = spec.configs.clone();
        while !pending.is_empty() {
            let mut this = spec.clone();
            this.configs = pending.clone();
            let mut started: Option<(u64, usize)> = None;
            let mut on_event = |e: WorkerEvent, rows: &mut Vec<EfficiencyRow>| -> Result<()> {
                match e {
                    WorkerEvent::Start { seed, n } => {
                        started = Some((seed, n));
                        bar.set_message(format!(
                            "{} {} seed {seed} N={n}",
                            spec.model, spec.variant
                        ));
                    }
                    WorkerEvent::Row(r) => rows.push(*r),
                    WorkerEvent::Done { seed, n } => {
                        started = None;
                        pending.retain(|&c| c != (seed, n));
                        write_rows(out, rows)?;
                        bar.inc(1);
                    }
                    WorkerEvent::Kernels { lines } => {
                        let tag = format!("{} {}", spec.model, spec.variant);
                        record_kernels(&kernels_path(out), &tag, &lines)?;
                    }
                }
                Ok(())
            };
            let crash = match isolation {
                Isolation::InProcess => {
                    let mut err = None;
                    run_worker(platform, &this, ids, |e| {
                        if let Err(x) = on_event(e, &mut rows) {
                            err.get_or_insert(x);
                        }
                    })?;
                    if let Some(e) = err {
                        return Err(e);
                    }
                    None
                }
                Isolation::Subprocess { exe, device } => {
                    run_child(exe, device, &this, ids, out, |e| on_event(e, &mut rows))?
                }
            };
            // The child died inside a configuration: record it and skip that seed's larger N.
            if let Some((seed, n)) = started {
                let reason = failure_reason(
                    crash
                        .as_deref()
                        .unwrap_or("the worker process ended without a result"),
                );
                rows.push(crash_row(&spec, platform, seed, n, &reason, &provenance));
                write_rows(out, &rows)?;
                pending.retain(|&(s, m)| !(s == seed && m >= n));
                bar.inc(1);
            } else if crash.is_some() {
                // Died between configurations: nothing lost, but do not loop forever.
                break;
            }
            // Configurations skipped by the worker after a failure are not pending any more.
            pending = remaining(
                &WorkerSpec {
                    configs: pending.clone(),
                    ..spec.clone()
                },
                &rows,
            );
        }
    }
    bar.finish_and_clear();
    Ok(rows)
}

/// Where the kernel choices of the workers writing `out` are kept: `runs.csv` →
/// `runs-kernels.txt`, beside it.
pub fn kernels_path(out: &Path) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map_or("runs".into(), |s| s.to_string_lossy());
    out.with_file_name(format!("{stem}-kernels.txt"))
}

/// Adds a worker's kernel choices, each line prefixed with `tag` (model and variant), to the
/// sorted, de-duplicated record at `path`. A resumed sweep adds its processes' choices to
/// those of the earlier ones, since its rows join theirs.
fn record_kernels(path: &Path, tag: &str, lines: &[String]) -> Result<()> {
    let mut all: std::collections::BTreeSet<String> = match std::fs::read_to_string(path) {
        Ok(s) => s.lines().map(str::to_string).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let before = all.len();
    all.extend(lines.iter().map(|l| format!("{tag}: {l}")));
    if all.len() == before {
        return Ok(());
    }
    let mut text = all.into_iter().collect::<Vec<_>>().join("\n");
    text.push('\n');
    crate::manifest::write_atomic(path, text.as_bytes())
}

fn crash_row<P: Platform>(
    spec: &WorkerSpec,
    platform: &P,
    seed: u64,
    n: usize,
    reason: &str,
    provenance: &Provenance,
) -> EfficiencyRow {
    let info = platform.info();
    EfficiencyRow {
        stack: "ssmbench".into(),
        model: spec.model.as_str().into(),
        variant: spec.variant.clone(),
        seed,
        n,
        logits: spec.logits.as_str().into(),
        run: None,
        time_ms: f64::INFINITY,
        peak_alloc_gib: f64::INFINITY,
        reserved_gib: f64::INFINITY,
        params: 0,
        error: reason.into(),
        device: info.name.clone(),
        driver: info.driver.clone(),
        backend: info.backend.clone(),
        software: provenance.software.clone(),
        git_rev: provenance.git_rev.clone(),
        timestamp: crate::provenance::now_utc(),
    }
}

/// Runs one worker as a child process; returns the tail of its stderr if it failed.
fn run_child(
    exe: &Path,
    device: &str,
    spec: &WorkerSpec,
    ids: &[i64],
    out: &Path,
    mut on_event: impl FnMut(WorkerEvent) -> Result<()>,
) -> Result<Option<String>> {
    let dir = std::env::temp_dir().join(format!("ssmbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let _ = out;
    let spec_path = dir.join(format!("spec-{}-{}.json", spec.model, spec.variant));
    let ids_path = dir.join("input_ids.json");
    crate::manifest::write_json(&spec_path, spec)?;
    crate::manifest::write_json(&ids_path, &ids)?;
    let mut child = Command::new(exe)
        .args(["bench-worker", "--device", device, "--spec"])
        .arg(&spec_path)
        .arg("--ids")
        .arg(&ids_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start the benchmark worker {}", exe.display()))?;
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        // Events are JSON objects; anything else on stdout is a library's chatter. An event
        // that does not parse is a protocol bug and must not vanish silently.
        if line.starts_with('{') {
            let e = serde_json::from_str::<WorkerEvent>(&line)
                .with_context(|| format!("unreadable benchmark worker event: {line}"))?;
            on_event(e)?;
        }
    }
    let status = child.wait()?;
    let err = err_thread.join().unwrap_or_default();
    let _ = std::fs::remove_file(&spec_path);
    if status.success() {
        Ok(None)
    } else {
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        Ok(Some(if tail.is_empty() {
            format!("worker exited with {status}")
        } else {
            tail
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_records_sit_beside_the_rows_and_merge_without_repeats() {
        let dir = std::env::temp_dir().join(format!("ssmbench-kernels-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("runs.csv");
        let path = kernels_path(&out);
        assert_eq!(path, dir.join("runs-kernels.txt"));
        let _ = std::fs::remove_file(&path);
        record_kernels(&path, "mamba fused", &["b".into(), "a".into()]).unwrap();
        // The same worker reporting again, and another worker with an identical line.
        record_kernels(&path, "mamba fused", &["a".into(), "b".into(), "c".into()]).unwrap();
        record_kernels(&path, "llama eager", &["a".into()]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "llama eager: a\nmamba fused: a\nmamba fused: b\nmamba fused: c\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
