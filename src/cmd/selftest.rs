use std::{fs::File, path::PathBuf, process::ExitCode};

use anyhow::Result;
use ssmbench::{
    backend::{Platform, PlatformTask, with_platform},
    bench::selftest::{self, Check, SelftestPlan},
    kernels::{
        attention::{DEFAULT_FLASH, FlashKind, set_flash_kind},
        scan::set_chunks_override,
    },
    report::table,
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Tiny sizes (the CPU backend's plan) even on CUDA.
    #[arg(long)]
    quick: bool,
    /// Only these groups of checks, comma-separated (for kernel work; a partial run prints its
    /// table but leaves `artifacts/selftest/` as it was).
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(selftest::GROUPS))]
    only: Vec<String>,
}

/// A named way to configure a fast path before a check (scan chunks, attention kernel).
type NamedSetting = (&'static str, Box<dyn Fn()>);

struct Task {
    quick: bool,
    only: Vec<String>,
    /// Where a full run keeps its rows as they come (see [`PartialRows`]).
    partial_rows: Option<PathBuf>,
}

/// The rows of a full run, appended to `selftest/selftest.partial.csv` as each check finishes
/// and flushed, so that a run cut short (a device command's time limit) keeps what it measured;
/// the finished run writes `selftest.csv` and removes this file. The book never reads it.
struct PartialRows {
    path: PathBuf,
    writer: Option<csv::Writer<File>>,
    failed: bool,
}

impl PartialRows {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            writer: None,
            failed: false,
        }
    }

    fn push(&mut self, row: &Check) {
        if self.failed {
            return;
        }
        let written = (|| -> Result<()> {
            if self.writer.is_none() {
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                self.writer = Some(csv::Writer::from_path(&self.path)?);
            }
            let w = self.writer.as_mut().expect("opened above");
            w.serialize(row)?;
            w.flush()?;
            Ok(())
        })();
        if let Err(e) = written {
            self.failed = true;
            eprintln!(
                "selftest: cannot keep rows in {} as they come ({e}); the run goes on",
                self.path.display()
            );
        }
    }
}

impl PlatformTask for Task {
    type Output = (Vec<Check>, Vec<String>);
    fn run<P: Platform>(self, p: &P) -> Result<Self::Output> {
        let cuda = p.info().backend == "cuda";
        let mut plan = if cuda && !self.quick {
            SelftestPlan::full()
        } else {
            SelftestPlan::small()
        };
        plan.only = self.only;
        let scan: Vec<NamedSetting> = if cuda {
            vec![
                ("chunks=1", Box::new(|| set_chunks_override(1))),
                ("chunks=4", Box::new(|| set_chunks_override(4))),
                ("chunks=16", Box::new(|| set_chunks_override(16))),
                ("chunks=64", Box::new(|| set_chunks_override(64))),
                ("chunks=128", Box::new(|| set_chunks_override(128))),
                ("chunks=256", Box::new(|| set_chunks_override(256))),
                ("chunks=auto", Box::new(|| set_chunks_override(0))),
            ]
        } else {
            vec![("reference", Box::new(|| ()))]
        };
        let attn: Vec<NamedSetting> = if cuda {
            vec![
                (
                    "flash-ssmbench-wide",
                    Box::new(|| set_flash_kind(FlashKind::Wide)),
                ),
                (
                    "flash-ssmbench-wide-prefetch",
                    Box::new(|| set_flash_kind(FlashKind::WidePrefetch)),
                ),
                (
                    "flash-ssmbench-rowwise",
                    Box::new(|| set_flash_kind(FlashKind::Ssmbench)),
                ),
                ("chunked", Box::new(|| set_flash_kind(FlashKind::Chunked))),
                (
                    "burn-flash-unit",
                    Box::new(|| set_flash_kind(FlashKind::Unit)),
                ),
            ]
        } else {
            vec![]
        };
        let scan: Vec<(&str, &dyn Fn())> = scan.iter().map(|(n, f)| (*n, f.as_ref())).collect();
        let attn: Vec<(&str, &dyn Fn())> = attn.iter().map(|(n, f)| (*n, f.as_ref())).collect();
        let mut kept = self.partial_rows.map(PartialRows::new);
        let rows = selftest::run(p, &plan, &scan, &attn, |msg, row| {
            eprintln!("selftest {msg}");
            if let (Some(k), Some(r)) = (kept.as_mut(), row) {
                k.push(r);
            }
        })?;
        set_flash_kind(DEFAULT_FLASH);
        Ok((rows, ssmbench::reproduce::kernel_choices::<P::B>()))
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let partial = !a.only.is_empty();
    let partial_rows = g.artifacts.join("selftest").join("selftest.partial.csv");
    let (rows, choices) = with_platform(
        g.device,
        Task {
            quick: a.quick,
            only: a.only,
            partial_rows: (!partial).then(|| partial_rows.clone()),
        },
    )?;
    let failed = rows.iter().filter(|r| !r.pass && r.in_use).count();
    if partial {
        println!("{}", table::selftest(&rows));
        println!(
            "{} checks (partial run: artifacts/selftest/ left as it was): {failed} failed on paths ssmbench uses",
            rows.len()
        );
        for c in &choices {
            println!("{c}");
        }
        return Ok(if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let path = g.artifacts.join("selftest").join("selftest.csv");
    // Which kernel each tuned problem got, and every rejected candidate, for the record.
    let choices_path = g.artifacts.join("selftest").join("kernels.txt");
    ssmbench::manifest::write_atomic(&choices_path, (choices.join("\n") + "\n").as_bytes())?;
    // The CSV has no provenance columns: the revision that produced it, beside it.
    let rev = ssmbench::provenance::Provenance::current().git_rev + "\n";
    ssmbench::manifest::write_atomic(
        &g.artifacts.join("selftest").join("git_rev.txt"),
        rev.as_bytes(),
    )?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.serialize(r)?;
    }
    ssmbench::manifest::write_atomic(&path, &w.into_inner()?)?;
    // The finished rows are in `selftest.csv` now; a missing file is fine (nothing was kept).
    let _ = std::fs::remove_file(&partial_rows);
    println!("{}", table::selftest(&rows));
    let compared = rows.iter().filter(|r| !r.pass && !r.in_use).count();
    println!(
        "{} checks: {failed} failed on paths ssmbench uses; {compared} outside tolerance on comparison-only paths; written to {}",
        rows.len(),
        path.display()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize) -> Check {
        Check {
            check: "scan".into(),
            variant: "chunks=auto".into(),
            n,
            channels: 4,
            quantity: "output".into(),
            rel_err: 1e-7,
            max_abs_err: 1e-7,
            tol: 1e-5,
            pass: true,
            fast_ms: 0.1,
            reference_ms: 1.0,
            in_use: true,
        }
    }

    #[test]
    fn rows_are_on_disk_as_soon_as_each_check_ends() {
        let dir = std::env::temp_dir().join(format!("ssmbench-partial-{}", std::process::id()));
        let path = dir.join("selftest").join("selftest.partial.csv");
        let mut kept = PartialRows::new(path.clone());
        kept.push(&row(1));
        kept.push(&row(7));
        // Read while the writer is still open, as after a run killed mid-way.
        let rows: Vec<Check> = csv::Reader::from_path(&path)
            .unwrap()
            .deserialize()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, vec![row(1), row(7)]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
