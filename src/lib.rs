//! ssmbench: a reproducible re-run of "Benchmarking the Computational and Representational
//! Efficiency of State Space Models against Transformers on Long-Context Dyadic Sessions"
//! (arXiv 2601.01237) in Rust and Burn.
//!
//! One folder per pipeline stage: [`data`] → [`tokenize`] → [`model`] → [`bench`] /
//! [`analysis`] → [`stats`] → [`report`], with [`manifest`] pinning inputs and outputs by
//! sha256. [`backend`] and [`kernels`] hold the CUDA fast paths.

pub mod analysis;
pub mod backend;
pub mod bench;
pub mod data;
pub mod kernels;
pub mod manifest;
pub mod model;
pub mod pipeline;
pub mod profile;
pub mod provenance;
pub mod report;
pub mod reproduce;
pub mod stats;
pub mod tokenize;
