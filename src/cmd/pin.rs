use std::{path::PathBuf, process::ExitCode};

use anyhow::Result;
use ssmbench::{data, manifest};

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory of session files to pin.
    dir: PathBuf,
}

pub fn run(_: &Global, a: Args) -> Result<ExitCode> {
    // Validate before pinning: a pin over malformed files would only defer the error.
    let sessions = data::load_dir(&a.dir)?;
    let m = manifest::pin_dir(&a.dir)?;
    println!(
        "pinned {} session files ({} turns) in {}",
        m.entries.len(),
        sessions
            .iter()
            .map(|s| s.session.turns.len())
            .sum::<usize>(),
        a.dir.join("SHA256SUMS").display()
    );
    Ok(ExitCode::SUCCESS)
}
