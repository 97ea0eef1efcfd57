//! Flash-style causal attention for LLaMA's benchmark path: cubek's FP32 "unit" flash kernel
//! (tiles of QKᵀ in fast memory, online softmax, the `len × len` matrix never in device
//! memory), reached through burn-cubecl.
//!
//! burn-cubecl's default attention autotunes among a materialising fallback, tensor-core
//! ("blackbox accelerated") flash kernels — which stage f32 operands as TF32 — and the unit
//! flash kernel. We pin the strategy instead: the fallback would defeat the point of a fused
//! path and TF32 would break the FP32 protocol. `selftest` checks every strategy against the
//! materialised reference and reports their errors and times, so the choice is on record.

use std::sync::Mutex;

use burn::tensor::{Tensor, ops::AttentionModuleOptions};
use burn_cubecl::kernel::attention::{AttentionStrategy, attention};
use cubek::attention::routines::blackbox_accelerated::BlackboxAcceleratedStrategy;

use super::{raw, wrap};
use crate::backend::CudaBackend;

/// The strategies `selftest` can compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    /// FP32 FMA inner products (the default).
    Unit,
    /// Tensor-core inner products (TF32 for f32 inputs): measured, never used for results.
    Accelerated,
    /// burn-cubecl's autotuner.
    Autotune,
}

static KIND: Mutex<FlashKind> = Mutex::new(FlashKind::Unit);

/// Selects the strategy for later calls.
pub fn set_flash_kind(kind: FlashKind) {
    *KIND.lock().unwrap() = kind;
}

/// The strategy in use.
pub fn flash_kind() -> FlashKind {
    *KIND.lock().unwrap()
}

/// # Shapes
/// `q, k, v: [batch, heads, len, head_dim] → [batch, heads, len, head_dim]`
pub fn flash_causal(
    q: Tensor<CudaBackend, 4>,
    k: Tensor<CudaBackend, 4>,
    v: Tensor<CudaBackend, 4>,
) -> Tensor<CudaBackend, 4> {
    let strategy = match flash_kind() {
        FlashKind::Unit => AttentionStrategy::FlashUnit,
        FlashKind::Accelerated => {
            AttentionStrategy::FlashBlackboxAccelerated(BlackboxAcceleratedStrategy {
                num_planes: 4,
                seq_q: 1,
                seq_kv: 1,
            })
        }
        FlashKind::Autotune => AttentionStrategy::Autotune,
    };
    let options = AttentionModuleOptions {
        scale: None,
        softcap: None,
        is_causal: true,
    };
    let out = attention(raw(q), raw(k), raw(v), None, None, options, strategy)
        .expect("flash attention kernel failed to set up");
    wrap(out)
}
