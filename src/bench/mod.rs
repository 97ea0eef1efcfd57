//! Benchmarks: the efficiency sweep of paper §4.4 (Tables 1–2), the performance probe, and the
//! kernels' self-check.

pub mod breakdown;
pub mod flops;
pub mod maxlen;
pub mod rows;
pub mod selftest;
mod selftest_attention;
mod selftest_layers;
pub(crate) mod selftest_matmul;
pub(crate) mod selftest_scan;
mod selftest_wide;
pub mod summary;
pub mod sweep;
pub mod tensor_cores;
pub mod timing;
pub mod worker;
