use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, Result};
use ssmbench::{
    backend::{Platform, PlatformTask, with_platform},
    bench::worker::{WorkerSpec, print_event, run_worker},
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    spec: PathBuf,
    #[arg(long)]
    ids: PathBuf,
}

struct Task {
    spec: WorkerSpec,
    ids: Vec<i64>,
}

impl PlatformTask for Task {
    type Output = ();
    fn run<P: Platform>(self, p: &P) -> Result<()> {
        run_worker(p, &self.spec, &self.ids, |e| print_event(&e))
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("{}: cannot read", p.display()))
    };
    let spec: WorkerSpec = serde_json::from_str(&read(&a.spec)?)
        .with_context(|| format!("{}: not a worker spec", a.spec.display()))?;
    let ids: Vec<i64> = serde_json::from_str(&read(&a.ids)?)
        .with_context(|| format!("{}: not a list of token ids", a.ids.display()))?;
    with_platform(g.device, Task { spec, ids })?;
    Ok(ExitCode::SUCCESS)
}
