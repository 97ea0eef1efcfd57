//! Command-line verbs. Global options come first: `ssmbench [--device …] [--artifacts DIR]
//! [--data DIR] <verb> …`.

mod analyze;
mod bench;
mod export_weights;
mod gen_data;
mod pin;
mod report;
mod reproduce;
mod selftest;
mod verify;
mod worker;

use std::{path::PathBuf, process::ExitCode};

use anyhow::Result;
use clap::{Parser, Subcommand};
use ssmbench::backend::DeviceChoice;

#[derive(Parser, Debug)]
#[command(
    name = "ssmbench",
    version,
    about = "Re-runs arXiv 2601.01237 (Mamba vs LLaMA on long dyadic sessions) in Burn"
)]
pub struct Cli {
    /// Where the models run: CUDA when usable (else the CPU backend, with a notice), or forced.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub device: DeviceChoice,
    /// Results directory.
    #[arg(long, default_value = "artifacts", global = true)]
    pub artifacts: PathBuf,
    /// Directory of session files (*.json), pinned by SHA256SUMS in it or its parent.
    #[arg(long, default_value = "data/sessions", global = true)]
    pub data: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write the synthetic sessions (data/sessions/*.json) and their pin (data/SHA256SUMS).
    GenData(gen_data::Args),
    /// Write DIR/SHA256SUMS over the session files in DIR (for your own transcripts).
    Pin(pin::Args),
    /// Re-hash the data and every artifact against artifacts/SHA256SUMS.
    Verify(verify::Args),
    /// The whole paper: efficiency sweep, largest-N probes, representation analysis, book.
    Reproduce(reproduce::Args),
    /// Re-render the book from artifacts/ alone (no GPU, no model run) and rewrite the manifest.
    Report(report::Args),
    /// Benchmarks: `efficiency` (paper §4.4, Tables 1–2); `perf` (largest N, vs the peers).
    Bench(bench::Args),
    /// Representation analysis (paper §4.5, Tables 3–5).
    Analyze(analyze::Args),
    /// Write a model's random weights as a Hugging Face checkpoint, with ssmbench's outputs.
    ExportWeights(export_weights::Args),
    /// Check every fast kernel against its reference on fresh random inputs.
    Selftest(selftest::Args),
    /// (internal) Run one benchmark worker; used by `bench` for process isolation.
    #[command(hide = true)]
    BenchWorker(worker::Args),
}

pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    let global = Global {
        device: cli.device,
        artifacts: cli.artifacts,
        data: cli.data,
    };
    match cli.command {
        Command::GenData(a) => gen_data::run(&global, a),
        Command::Pin(a) => pin::run(&global, a),
        Command::Verify(a) => verify::run(&global, a),
        Command::Reproduce(a) => reproduce::run(&global, a),
        Command::Report(a) => report::run(&global, a),
        Command::Bench(a) => bench::run(&global, a),
        Command::Analyze(a) => analyze::run(&global, a),
        Command::Selftest(a) => selftest::run(&global, a),
        Command::ExportWeights(a) => export_weights::run(&global, a),
        Command::BenchWorker(a) => worker::run(&global, a),
    }
}

/// Options shared by every verb.
pub struct Global {
    pub device: DeviceChoice,
    pub artifacts: PathBuf,
    pub data: PathBuf,
}

/// After a run: the manifest over the new artifacts, then the book (HTML included).
pub fn finish(g: &Global) -> Result<()> {
    report::render(
        g,
        &report::Args {
            templates: "templates".into(),
            book: "book".into(),
            no_html: false,
            keep_manifest: false,
        },
    )
}
