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
        let isolation = if p.info().backend == "cuda" {
            Isolation::Subprocess {
                exe: std::env::current_exe()?,
                device: "cuda".into(),
            }
        } else {
            Isolation::InProcess
        };
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
    }
    Ok(ExitCode::SUCCESS)
}
