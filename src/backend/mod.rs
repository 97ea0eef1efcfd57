//! Backends: which devices ssmbench runs on and the operations it adds to Burn.
//!
//! - [`ops::SsmBackend`]: the extension trait (FP32 matmul, selective scan, causal conv,
//!   fused attention) with tensor-op defaults;
//! - [`cube`]: the CUDA overrides, backed by the CubeCL kernels in [`crate::kernels`];
//! - [`autodiff`]: backward steps for burn-autodiff;
//! - [`device`]: choosing CUDA or CPU, and reading device memory;
//! - [`marks`]: stage marks in the forwards, for peak memory and per-stage time.

pub mod autodiff;
pub mod cube;
pub mod device;
pub mod marks;
pub mod ops;

pub use device::{
    CpuPlatform, CudaPlatform, DeviceChoice, DeviceInfo, MemorySnapshot, Platform, PlatformTask,
    probe_cuda, with_platform,
};
pub use marks::{ClockMethod, PeakProbe, StageClock, mark};
pub use ops::{SsmAutodiffBackend, SsmBackend};

/// Burn's CUDA backend without the fusion layer: FP32 floats, i32 ints, u8 bools. The custom
/// kernels target this type directly (burn's `Cuda` alias wraps it in `Fusion`).
pub type CudaBackend = burn_cubecl::CubeBackend<cubecl::cuda::CudaRuntime, f32, i32, u8>;

/// The pure-Rust CPU backend (burn-flex), used in tests and when no GPU is present.
pub type CpuBackend = burn::backend::Flex;
