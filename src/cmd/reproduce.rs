use std::process::ExitCode;

use anyhow::Result;
use ssmbench::{
    backend::{Platform, PlatformTask, with_platform},
    bench::sweep::Isolation,
    pipeline::{Inputs, effective_profile},
    profile::{Profile, ProfileName},
    reproduce::{Layout, Parts, reproduce},
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// `paper`: the paper's lengths and protocol, then beyond; `smoke`: tiny, for CPU and CI.
    #[arg(long, value_enum, default_value = "paper")]
    profile: ProfileName,
    /// Skip the efficiency sweep.
    #[arg(long)]
    no_efficiency: bool,
    /// Skip the representation analysis.
    #[arg(long)]
    no_analysis: bool,
    /// Skip the largest-N probes and the per-stage breakdown.
    #[arg(long)]
    no_maxlen: bool,
    /// Run benchmark workers in this process even on CUDA (an out-of-memory abort then ends
    /// the whole run instead of becoming a recorded row).
    #[arg(long)]
    in_process: bool,
}

struct Task {
    profile: Profile,
    inputs: Inputs,
    layout: Layout,
    parts: Parts,
    in_process: bool,
}

impl PlatformTask for Task {
    type Output = ();
    fn run<P: Platform>(self, p: &P) -> Result<()> {
        let isolation = if self.in_process {
            Isolation::InProcess
        } else {
            Isolation::for_platform(p)?
        };
        reproduce(
            p,
            &self.profile,
            &self.inputs,
            &self.layout,
            &self.parts,
            &isolation,
            false,
        )?;
        Ok(())
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let profile = effective_profile(Profile::get(a.profile));
    // Data hashes first: nothing runs, nothing is written, on unverified data.
    let inputs = Inputs::prepare(&g.data, &profile)?;
    let parts = Parts {
        efficiency: !a.no_efficiency,
        maxlen: !a.no_maxlen,
        analysis: !a.no_analysis,
    };
    let layout = Layout::new(&g.artifacts);
    with_platform(
        g.device,
        Task {
            profile,
            inputs,
            layout,
            parts,
            in_process: a.in_process,
        },
    )?;
    super::finish(g)?;
    print_table1(g)?;
    Ok(ExitCode::SUCCESS)
}

/// The run's Table 1 beside the paper's, on the terminal.
fn print_table1(g: &Global) -> anyhow::Result<()> {
    use ssmbench::{
        bench::{rows::read_rows, summary::summarize},
        report::paper::TABLE1,
    };
    let rows = read_rows(&g.artifacts.join("efficiency").join("runs.csv"))?;
    if rows.is_empty() {
        return Ok(());
    }
    let s = summarize(&rows);
    let show = |v: Option<f64>| v.map_or("∞ (OOM)".to_string(), |x| format!("{x:.2}×"));
    println!("Table 1     memory T/M            time T/M");
    println!("     N      paper     ours        paper     ours");
    for (row, (n, pm, pt)) in s.table1.iter().zip(TABLE1) {
        println!(
            "{n:>6}   {:>8} {:>8.2}×   {:>8} {:>8.2}×",
            show(pm),
            row.mem_ratio,
            show(pt),
            row.time_ratio
        );
    }
    Ok(())
}
