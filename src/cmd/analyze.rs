use std::process::ExitCode;

use anyhow::Result;
use ssmbench::{
    analysis::run::run_analysis,
    backend::{Platform, PlatformTask, with_platform},
    pipeline::{Inputs, effective_profile},
    profile::{Profile, ProfileName},
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum, default_value = "paper")]
    profile: ProfileName,
}

struct Task {
    profile: Profile,
    inputs: Inputs,
    dir: std::path::PathBuf,
}

impl PlatformTask for Task {
    type Output = ();
    fn run<P: Platform>(self, p: &P) -> Result<()> {
        run_analysis(p, &self.profile, &self.inputs, &self.dir, |m| {
            eprintln!("analyze: {m}")
        })?;
        Ok(())
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let profile = effective_profile(Profile::get(a.profile));
    let inputs = Inputs::prepare(&g.data, &profile)?;
    let dir = g.artifacts.join("representation");
    with_platform(
        g.device,
        Task {
            profile,
            inputs,
            dir: dir.clone(),
        },
    )?;
    println!("representation results in {}", dir.display());
    Ok(ExitCode::SUCCESS)
}
