use std::process::ExitCode;

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
        let rows = selftest::run(p, &plan, &scan, &attn, |msg| eprintln!("selftest {msg}"))?;
        set_flash_kind(DEFAULT_FLASH);
        Ok((rows, ssmbench::reproduce::kernel_choices::<P::B>()))
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let partial = !a.only.is_empty();
    let (rows, choices) = with_platform(
        g.device,
        Task {
            quick: a.quick,
            only: a.only,
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
