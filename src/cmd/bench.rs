use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use ssmbench::{
    backend::{Platform, PlatformTask, with_platform},
    bench::sweep::{Isolation, run_sweep},
    pipeline::{Inputs, effective_profile},
    profile::{Profile, ProfileName},
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand, Debug)]
enum What {
    /// Memory and time per (model, N), paper §4.4 (Tables 1–2).
    Efficiency {
        #[arg(long, value_enum, default_value = "paper")]
        profile: ProfileName,
    },
    /// The largest-N probes (CUDA), the time per stage of a forward, the same forwards on Burn's
    /// own (TF32) matmul beside the FP32 ones (CUDA; comparison only), then ssmbench vs the
    /// paper's stack per (model, path, N): median ms, achieved TFLOP/s, peak GiB, the peer's
    /// time and the ratio (from artifacts/).
    Perf {
        #[arg(long, value_enum, default_value = "paper")]
        profile: ProfileName,
    },
}

struct Perf {
    profile: Profile,
    inputs: Inputs,
    artifacts: std::path::PathBuf,
}

impl PlatformTask for Perf {
    type Output = ssmbench::reproduce::PerfRows;
    fn run<P: Platform>(self, p: &P) -> Result<Self::Output> {
        ssmbench::reproduce::run_perf(
            p,
            &self.profile,
            &self.inputs,
            &ssmbench::reproduce::Layout::new(&self.artifacts),
            &Isolation::for_platform(p)?,
            true,
            |m| eprintln!("{m}"),
        )
    }
}

/// Prints each configuration's stages: ms per forward and share of the observed total.
fn print_breakdown(rows: &[ssmbench::bench::breakdown::BreakdownRow]) {
    use ssmbench::report::table;
    let mut configs: Vec<(String, String, usize)> = Vec::new();
    for r in rows {
        let key = (r.model.clone(), r.variant.clone(), r.n);
        if !configs.contains(&key) {
            configs.push(key);
        }
    }
    for (model, variant, n) in configs {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.model == model && r.variant == variant && r.n == n)
            .collect();
        let Some(first) = mine.first() else { continue };
        let cells: Vec<Vec<String>> = mine
            .iter()
            .map(|r| {
                vec![
                    r.stage.clone(),
                    r.calls.to_string(),
                    table::num(r.ms, 2),
                    format!("{}%", table::num(100.0 * r.ms / r.observed_total_ms, 1)),
                ]
            })
            .collect();
        let clock = if first.clock == ssmbench::backend::ClockMethod::DeviceEvents.as_str() {
            "a CUDA event"
        } else {
            "a sync"
        };
        println!(
            "\n{model} ({variant}), N = {n}: forward {} ms unobserved, {} ms with {clock} per stage",
            table::num(first.forward_ms, 2),
            table::num(first.observed_total_ms, 2)
        );
        println!(
            "{}",
            table::render(&["stage", "calls", "ms", "share"], &cells)
        );
    }
}

/// Prints the forwards on Burn's matmul beside the FP32 ones (medians over seeds).
fn print_tensor_cores(rows: &[ssmbench::bench::tensor_cores::TensorCoreRow]) {
    use ssmbench::report::{perf::tensor_core_groups, table};
    let cells: Vec<Vec<String>> = tensor_core_groups(rows)
        .iter()
        .map(|g| {
            vec![
                format!("{} {}", g.model, g.path),
                g.n.to_string(),
                table::num(g.fp32_ms, 2),
                table::num(g.tf32_ms, 2),
                format!("{}×", table::num(g.fp32_ms / g.tf32_ms, 2)),
                format!("{:.1e}", g.max_rel_l2),
                format!("{}%", table::num(100.0 * g.min_argmax_agreement, 2)),
            ]
        })
        .collect();
    if cells.is_empty() {
        return;
    }
    println!(
        "\nthe same forwards with Burn's matmul (TF32 tensor cores): comparison only, not the protocol"
    );
    println!(
        "{}",
        table::render(
            &[
                "path",
                "N",
                "FP32 ms",
                "Burn matmul ms",
                "speed-up",
                "logits rel. diff.",
                "same argmax"
            ],
            &cells
        )
    );
}

/// Prints the performance table and the largest-N rows.
fn print_perf(g: &Global, maxlen: &[ssmbench::bench::rows::EfficiencyRow]) -> Result<()> {
    use ssmbench::{
        bench::{rows::read_rows, summary::summarize},
        report::{context::peers, table},
    };
    let mut rows = read_rows(&g.artifacts.join("efficiency").join("runs.csv"))?;
    rows.extend(read_rows(&g.artifacts.join("peers").join("hf_bench.csv"))?);
    let cells: Vec<Vec<String>> = peers(&summarize(&rows))
        .iter()
        .map(|p| {
            vec![
                p.ours.clone(),
                p.n.to_string(),
                table::num(p.ours_median_ms, 2),
                table::num(p.ours_tflops, 2),
                table::num(p.ours_gib, 3),
                p.theirs.clone(),
                table::num(p.theirs_ms, 2),
                format!("{}×", table::num(p.speedup, 2)),
            ]
        })
        .collect();
    if cells.is_empty() {
        println!(
            "no efficiency rows with a peer beside them: run `bench efficiency` and peers/hf_bench.py"
        );
    } else {
        println!(
            "{}",
            table::render(
                &[
                    "ssmbench",
                    "N",
                    "median ms",
                    "TFLOP/s",
                    "peak GiB",
                    "peer",
                    "peer ms",
                    "peer/ours"
                ],
                &cells
            )
        );
    }
    let big: Vec<Vec<String>> = maxlen
        .iter()
        .map(|r| {
            vec![
                r.model.clone(),
                r.variant.clone(),
                r.n.to_string(),
                table::num(r.time_ms, 1),
                table::num(r.peak_alloc_gib, 2),
                r.error.clone(),
            ]
        })
        .collect();
    if !big.is_empty() {
        println!("\nlargest single forward (logits of the last position only)");
        println!(
            "{}",
            table::render(&["model", "path", "N", "ms", "peak GiB", "note"], &big)
        );
    }
    Ok(())
}

struct Efficiency {
    profile: Profile,
    inputs: Inputs,
    out: std::path::PathBuf,
}

impl PlatformTask for Efficiency {
    type Output = usize;
    fn run<P: Platform>(self, p: &P) -> Result<usize> {
        let max_n = self
            .profile
            .efficiency
            .lengths
            .iter()
            .chain(self.profile.efficiency.extended_lengths().iter())
            .copied()
            .max()
            .unwrap_or(0);
        let ids = self.inputs.sequence(max_n);
        let isolation = Isolation::for_platform(p)?;
        Ok(run_sweep(p, &self.profile, &ids, &self.out, &isolation, false)?.len())
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    match a.what {
        What::Efficiency { profile } => {
            let profile = effective_profile(Profile::get(profile));
            let inputs = Inputs::prepare(&g.data, &profile)?;
            let out = g.artifacts.join("efficiency").join("runs.csv");
            let n = with_platform(
                g.device,
                Efficiency {
                    profile,
                    inputs,
                    out: out.clone(),
                },
            )?;
            println!("{n} rows in {}", out.display());
        }
        What::Perf { profile } => {
            let profile = effective_profile(Profile::get(profile));
            let inputs = Inputs::prepare(&g.data, &profile)?;
            let perf = with_platform(
                g.device,
                Perf {
                    profile,
                    inputs,
                    artifacts: g.artifacts.clone(),
                },
            )?;
            print_perf(g, &perf.maxlen)?;
            print_breakdown(&perf.stages);
            print_tensor_cores(&perf.tensor_cores);
        }
    }
    Ok(ExitCode::SUCCESS)
}
