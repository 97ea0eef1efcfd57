use std::{path::PathBuf, process::ExitCode};

use anyhow::Result;
use ssmbench::{
    backend::{Platform, PlatformTask, with_platform},
    model::{
        ModelKind,
        export::{Export, export},
    },
    pipeline::{Inputs, effective_profile},
    profile::{Profile, ProfileName},
    provenance::git_rev,
};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum)]
    model: ModelKind,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Tokens of the corpus to run (the outputs written beside the weights).
    #[arg(long, default_value_t = 512)]
    n: usize,
    #[arg(long)]
    out: PathBuf,
}

struct Task {
    a: Args,
    profile: Profile,
    ids: Vec<i64>,
}

impl PlatformTask for Task {
    type Output = ();
    fn run<P: Platform>(self, p: &P) -> Result<()> {
        let e = Export {
            kind: self.a.model,
            seed: self.a.seed,
            ids: &self.ids,
            device_name: p.info().name.clone(),
            git_rev: git_rev(),
        };
        export::<P::B>(
            &self.a.out,
            &e,
            &self.profile.llama,
            &self.profile.mamba,
            &p.device(),
        )
    }
}

pub fn run(g: &Global, a: Args) -> Result<ExitCode> {
    let profile = effective_profile(Profile::get(ProfileName::Paper));
    let inputs = Inputs::prepare(&g.data, &profile)?;
    let ids = inputs.sequence(a.n);
    let out = a.out.clone();
    with_platform(g.device, Task { a, profile, ids })?;
    println!(
        "exported to {} (load with peers/hf_parity.py)",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
