use std::process::ExitCode;

use anyhow::Result;
use ssmbench::{manifest, report::context::root_of};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {}

/// The data pin first, then every artifact against `artifacts/SHA256SUMS`.
pub fn run(g: &Global, _: Args) -> Result<ExitCode> {
    manifest::verify_data_dir(&g.data)?;
    println!("data: {} matches its pin", g.data.display());
    let root = root_of(&g.artifacts);
    let problems = manifest::verify_artifacts(&root, &g.artifacts)?;
    if problems.is_empty() {
        println!(
            "artifacts: every file matches {}",
            g.artifacts.join("SHA256SUMS").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!(
        "{} file(s) differ from {} — re-run what produced them, or 'ssmbench report' to re-pin deliberately",
        problems.len(),
        g.artifacts.join("SHA256SUMS").display()
    );
    Ok(ExitCode::from(1))
}
