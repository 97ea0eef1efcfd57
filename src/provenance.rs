//! Where a result came from: software versions, git revision, time — stamped on every row and
//! gathered in `artifacts/environment.json`.

use std::process::Command;

use serde::{Deserialize, Serialize};

/// Burn as pinned in Cargo.toml (`=0.21.0`); a test keeps the two in step.
pub const BURN_VERSION: &str = "0.21.0";
/// CubeCL as pinned in Cargo.toml (`=0.10.0`).
pub const CUBECL_VERSION: &str = "0.10.0";

/// The software line and revision every result row carries.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// e.g. `ssmbench 0.1.0; burn 0.21.0; cubecl 0.10.0`
    pub software: String,
    /// `git rev-parse HEAD` (+`-dirty` with uncommitted changes to tracked files), or the
    /// `SSMBENCH_GIT_REV` environment variable where the tree has no `.git` (the GPU machine).
    pub git_rev: String,
}

impl Provenance {
    pub fn current() -> Self {
        Self {
            software: format!(
                "ssmbench {}; burn {BURN_VERSION}; cubecl {CUBECL_VERSION}",
                env!("CARGO_PKG_VERSION")
            ),
            git_rev: git_rev(),
        }
    }
}

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The git revision of the working tree (see [`Provenance::git_rev`]).
pub fn git_rev() -> String {
    if let Ok(rev) = std::env::var("SSMBENCH_GIT_REV")
        && !rev.is_empty()
    {
        return rev;
    }
    match run("git", &["rev-parse", "HEAD"]) {
        Some(rev) => {
            let dirty = run("git", &["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty { format!("{rev}-dirty") } else { rev }
        }
        None => "unknown".into(),
    }
}

/// The rustc that built this binary (recorded by `src/build.rs`; `SSMBENCH_RUSTC` overrides).
pub fn rustc_version() -> String {
    std::env::var("SSMBENCH_RUSTC")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| env!("SSMBENCH_BUILD_RUSTC").into())
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (no time-zone crate needed for UTC).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_utc(secs)
}

/// Formats seconds since the Unix epoch (Howard Hinnant's civil-from-days algorithm).
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// What ran the computation; written into every result row.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DeviceInfo {
    /// `cuda` or `cpu`.
    pub backend: String,
    /// GPU name as the driver reports it, or the CPU's model name.
    pub name: String,
    /// Driver version (e.g. `580.159.04 (CUDA 13.0)`), empty on the CPU backend.
    pub driver: String,
    /// NVRTC version used to compile the kernels, empty on the CPU backend.
    pub nvrtc: String,
    /// Device memory in bytes (0 where unknown).
    pub memory_bytes: u64,
}

/// `artifacts/environment.json`: everything about the run that a reviewer would ask.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Environment {
    pub device: DeviceInfo,
    pub software: String,
    pub burn: String,
    pub cubecl: String,
    pub rustc: String,
    pub git_rev: String,
    pub profile: String,
    pub model_seeds: Vec<u64>,
    pub analysis_seeds: Vec<u64>,
    pub data_seed: Option<u64>,
    pub os: String,
    pub started: String,
    pub finished: String,
    /// Kernels the fast paths chose (matmul autotune, attention strategy, scan chunking).
    pub kernel_choices: Vec<String>,
}
