use std::process::ExitCode;

use anyhow::Result;
use ssmbench::manifest;

use super::Global;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(g: &Global, _: Args) -> Result<ExitCode> {
    manifest::verify_data_dir(&g.data)?;
    println!("data: {} matches its pin", g.data.display());
    Ok(ExitCode::SUCCESS)
}
