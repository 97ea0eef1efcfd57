//! Build script: records the compiler that builds ssmbench, so every result names it, also
//! where the binary runs on a machine without a Rust toolchain (the GPU machine). Asking
//! `rustc --version` at run time would name whatever compiler that machine has, if any.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SSMBENCH_BUILD_RUSTC={version}");
    println!("cargo:rerun-if-changed=src/build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
