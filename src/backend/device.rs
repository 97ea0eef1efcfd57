//! Choosing where the models run: Burn's CUDA backend when a GPU is usable, else the CPU backend.
//!
//! cubecl panics deep inside its server thread (`RecvError`) when asked for a CUDA device on a
//! machine without one, so we first ask the driver ourselves (through cudarc, which cubecl
//! already links) and only then create the device.

use std::cell::RefCell;

use anyhow::{Result, bail};
use burn::tensor::backend::Backend;
use cubecl::{Runtime, cuda::CudaRuntime};
use serde::{Deserialize, Serialize};

use super::{CpuBackend, CudaBackend, SsmAutodiffBackend, SsmBackend};
pub use crate::provenance::DeviceInfo;

/// `--device`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// CUDA when a device is usable, else the CPU backend (with a notice).
    Auto,
    /// CUDA or fail.
    Cuda,
    /// The pure-Rust CPU backend (burn-flex).
    Cpu,
}

/// A snapshot of the device allocator.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemorySnapshot {
    /// Bytes handed out to live tensors.
    pub in_use: u64,
    /// Bytes the allocator holds from the driver (pools included).
    pub reserved: u64,
}

/// Reads the device allocator; `None` when the backend cannot say.
pub type MemorySampler = Box<dyn Fn() -> Option<MemorySnapshot>>;

/// One place to run: a backend, its autodiff twin, a device and what can be asked of it.
pub trait Platform {
    type B: SsmBackend;
    type AD: SsmAutodiffBackend<InnerBackend = Self::B>;

    fn device(&self) -> burn::tensor::Device<Self::B>;
    /// The same device, typed for the autodiff backend.
    fn ad_device(&self) -> burn::tensor::Device<Self::AD>;
    fn info(&self) -> &DeviceInfo;
    /// A handle that reads the allocator's view of device memory, where the backend has one.
    fn memory_sampler(&self) -> Option<MemorySampler>;
    /// The allocator's view of device memory now.
    fn memory(&self) -> Option<MemorySnapshot> {
        self.memory_sampler().and_then(|s| s())
    }
    /// Release cached, unused device memory (the analogue of `torch.cuda.empty_cache()`).
    fn release_cached_memory(&self);
    /// Wait for all queued device work (`torch.cuda.synchronize()`).
    fn sync(&self) {
        let _ = <Self::B as Backend>::sync(&self.device());
    }
    /// Traces the device's timeline over a few calls of `forward` into `file`, where the
    /// backend can ([`crate::kernels::timeline`]); a no-op elsewhere.
    fn trace_timeline(&self, _file: &std::path::Path, _label: &str, _forward: &mut dyn FnMut()) {}
}

/// Burn's CUDA backend (raw CubeCL, FP32) on device 0.
pub struct CudaPlatform {
    device: cubecl::cuda::CudaDevice,
    info: DeviceInfo,
}

impl Platform for CudaPlatform {
    type B = CudaBackend;
    type AD = burn::backend::Autodiff<CudaBackend>;

    fn device(&self) -> cubecl::cuda::CudaDevice {
        self.device.clone()
    }
    fn ad_device(&self) -> cubecl::cuda::CudaDevice {
        self.device.clone()
    }
    fn info(&self) -> &DeviceInfo {
        &self.info
    }
    fn memory_sampler(&self) -> Option<MemorySampler> {
        let client = CudaRuntime::client(&self.device);
        Some(Box::new(move || {
            let usage = client.memory_usage().ok()?;
            Some(MemorySnapshot {
                in_use: usage.bytes_in_use,
                reserved: usage.bytes_reserved,
            })
        }))
    }
    fn release_cached_memory(&self) {
        CudaRuntime::client(&self.device).memory_cleanup();
    }
    fn trace_timeline(&self, file: &std::path::Path, label: &str, forward: &mut dyn FnMut()) {
        crate::kernels::timeline::trace(&|| self.sync(), file, label, forward);
    }
}

/// The pure-Rust CPU backend.
pub struct CpuPlatform {
    info: DeviceInfo,
}

impl Platform for CpuPlatform {
    type B = CpuBackend;
    type AD = burn::backend::Autodiff<CpuBackend>;

    fn device(&self) -> burn::tensor::Device<CpuBackend> {
        Default::default()
    }
    fn ad_device(&self) -> burn::tensor::Device<CpuBackend> {
        Default::default()
    }
    fn info(&self) -> &DeviceInfo {
        &self.info
    }
    fn memory_sampler(&self) -> Option<MemorySampler> {
        None
    }
    fn release_cached_memory(&self) {}
}

impl CpuPlatform {
    pub fn new() -> Self {
        Self {
            info: DeviceInfo {
                backend: "cpu".into(),
                name: cpu_model_name(),
                ..Default::default()
            },
        }
    }
}

impl Default for CpuPlatform {
    fn default() -> Self {
        Self::new()
    }
}

fn cpu_model_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// Asks the CUDA driver, without cubecl, whether device 0 is usable; describes it if so.
pub fn probe_cuda() -> std::result::Result<DeviceInfo, String> {
    use cudarc::driver::{result, sys};
    // SAFETY: these only try to dlopen the libraries; nothing is called through them yet.
    if !unsafe { sys::is_culib_present() } {
        return Err("no CUDA driver library (libcuda.so) found".into());
    }
    if !unsafe { cudarc::nvrtc::sys::is_culib_present() } {
        return Err(
            "no NVRTC library (libnvrtc.so) found; the kernels are compiled at run time with it"
                .into(),
        );
    }
    let described = std::panic::catch_unwind(|| -> std::result::Result<DeviceInfo, String> {
        result::init().map_err(|e| format!("the CUDA driver did not initialise: {e:?}"))?;
        let count = result::device::get_count().map_err(|e| format!("{e:?}"))?;
        if count < 1 {
            return Err("the CUDA driver reports no device".into());
        }
        let dev = result::device::get(0).map_err(|e| format!("{e:?}"))?;
        let name = result::device::get_name(dev).map_err(|e| format!("{e:?}"))?;
        // SAFETY: plain queries on an initialised driver and a valid device handle.
        let memory_bytes = unsafe { result::device::total_mem(dev) }.unwrap_or(0) as u64;
        let mut v = 0;
        let cuda = match unsafe { sys::cuDriverGetVersion(&mut v) } {
            sys::CUresult::CUDA_SUCCESS => format!("CUDA {}.{}", v / 1000, (v % 1000) / 10),
            _ => String::new(),
        };
        // The kernel module's version (what `nvidia-smi` calls the driver), where Linux shows it.
        let module = std::fs::read_to_string("/proc/driver/nvidia/version")
            .ok()
            .and_then(|s| {
                let line = s.lines().next()?.to_string();
                // "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release …"
                let rest = line.split("Kernel Module").nth(1)?;
                rest.split_whitespace()
                    .find(|w| w.contains('.') && w.chars().all(|c| c.is_ascii_digit() || c == '.'))
                    .map(str::to_string)
            });
        let driver = match module {
            Some(m) => format!("{m} ({cuda})"),
            None => cuda,
        };
        let (mut major, mut minor) = (0, 0);
        let nvrtc = match unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) } {
            cudarc::nvrtc::sys::nvrtcResult::NVRTC_SUCCESS => format!("{major}.{minor}"),
            _ => String::new(),
        };
        Ok(DeviceInfo {
            backend: "cuda".into(),
            name,
            driver,
            nvrtc,
            memory_bytes,
        })
    });
    match described {
        Ok(r) => r,
        Err(_) => Err("probing the CUDA driver panicked".into()),
    }
}

/// Work to run on whichever platform is chosen (a generic closure, which Rust lacks).
pub trait PlatformTask {
    type Output;
    fn run<P: Platform>(self, platform: &P) -> Result<Self::Output>;
}

thread_local! {
    static NOTICE_SHOWN: RefCell<bool> = const { RefCell::new(false) };
}

/// Picks the platform for `choice` and runs `task` on it.
pub fn with_platform<T: PlatformTask>(choice: DeviceChoice, task: T) -> Result<T::Output> {
    match choice {
        DeviceChoice::Cpu => task.run(&CpuPlatform::new()),
        DeviceChoice::Cuda => match probe_cuda() {
            Ok(info) => task.run(&cuda_platform(info)),
            Err(why) => {
                bail!("--device cuda: {why}; use --device cpu (or auto) to run on the CPU backend")
            }
        },
        DeviceChoice::Auto => match probe_cuda() {
            Ok(info) => task.run(&cuda_platform(info)),
            Err(why) => {
                NOTICE_SHOWN.with(|shown| {
                    if !*shown.borrow() {
                        eprintln!("notice: no usable CUDA device ({why}); running on the CPU backend (burn-flex).");
                        *shown.borrow_mut() = true;
                    }
                });
                task.run(&CpuPlatform::new())
            }
        },
    }
}

fn cuda_platform(info: DeviceInfo) -> CudaPlatform {
    CudaPlatform {
        device: cubecl::cuda::CudaDevice::new(0),
        info,
    }
}

/// Configures CubeCL before its first use: compiled kernels are cached on disk (in the system
/// temp directory) so the benchmark's worker processes do not each recompile every kernel
/// with NVRTC — the flash-attention kernel alone takes ~20 s to compile on the H100 machine.
///
/// `SSMBENCH_KERNEL_LOG=<file>` appends the CUDA source of every kernel compiled (not those
/// found in the cache) to that file, for reading register use and spills off the device.
/// `SSMBENCH_KERNEL_PROFILE=<file>` runs every kernel launch synchronously and appends its
/// device time to that file (a per-kernel profile; the timings of such a run mean nothing).
/// `SSMBENCH_TIMELINE=<file>` makes each benchmark worker trace three forwards per
/// configuration after its timed runs and append the device's timeline to that file
/// ([`crate::kernels::timeline`]).
/// `SSMBENCH_AUTOTUNE_LOG=<file>` appends what Burn's own autotuner (fused element-wise and
/// reduction kernels; not ssmbench's matmul tuner) measured and chose.
pub fn configure_runtime() {
    use cubecl::config::{
        CubeClRuntimeConfig, RuntimeConfig, autotune::AutotuneLogLevel, cache::CacheConfig,
        compilation::CompilationLogLevel, profiling::ProfilingLogLevel,
    };
    let mut config = CubeClRuntimeConfig::default();
    config.compilation.cache = Some(CacheConfig::File(
        std::env::temp_dir().join("ssmbench-kernel-cache"),
    ));
    if let Some(file) = std::env::var_os("SSMBENCH_KERNEL_LOG") {
        config.compilation.logger.level = CompilationLogLevel::Full;
        config.compilation.logger.file = Some(file.into());
    }
    if let Some(file) = std::env::var_os("SSMBENCH_AUTOTUNE_LOG") {
        config.autotune.logger.level = AutotuneLogLevel::Full;
        config.autotune.logger.file = Some(file.into());
    }
    if let Some(file) = std::env::var_os("SSMBENCH_KERNEL_PROFILE") {
        config.profiling.logger.level = ProfilingLogLevel::Basic;
        config.profiling.logger.file = Some(file.into());
    }
    // Setting twice panics; a second call in the same process keeps the first setting.
    let _ = std::panic::catch_unwind(|| CubeClRuntimeConfig::set(config));
}
