//! The fused causal attention of LLaMA's benchmark path, and the alternatives it was chosen
//! from (`selftest` checks each against the materialised reference and times it):
//!
//! - [`FlashKind::WidePrefetch`], the default: our wide-tile FP32 flash kernel
//!   ([`super::flash_wide`]: 128 queries × 64 keys per cube, 8 queries × 4 keys per thread),
//!   requesting the next key tile's K and V while the current tile's `P · V` runs;
//! - [`FlashKind::Wide`]: the same kernel fetching each key tile at the top of its step;
//! - [`FlashKind::Ssmbench`]: our first FP32 flash kernel, one query per thread
//!   ([`super::flash`]);
//! - [`FlashKind::Chunked`]: query blocks against their causal key prefix with ordinary
//!   matmuls (memory-efficient, `block × len` scores at a time, but not flash);
//! - burn-cubecl 0.21's kernels: its FP32 "unit" flash kernel and its autotuner (which may
//!   also pick a materialising fallback). (Its tensor-core flash kernel refuses f32 operands
//!   at these shapes, so it is not a candidate.)

use std::sync::Mutex;

use burn::tensor::{Tensor, ops::AttentionModuleOptions};
use burn_cubecl::kernel::attention::{AttentionStrategy, attention};

use super::{raw, wrap};
use crate::backend::CudaBackend;

/// The strategies `selftest` can compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    /// ssmbench's wide-tile FP32 flash kernel.
    Wide,
    /// The same, with the next key tile fetched while the current one is used.
    WidePrefetch,
    /// ssmbench's first FP32 flash kernel (one query per thread).
    Ssmbench,
    /// Causal query blocks through the FP32 matmul.
    Chunked,
    /// burn-cubecl's FP32 unit flash kernel.
    Unit,
    /// burn-cubecl's autotuner.
    Autotune,
}

/// The strategy the benchmarks use unless told otherwise.
pub const DEFAULT_FLASH: FlashKind = FlashKind::WidePrefetch;

static KIND: Mutex<FlashKind> = Mutex::new(DEFAULT_FLASH);

/// Selects the strategy for later calls.
pub fn set_flash_kind(kind: FlashKind) {
    *KIND.lock().unwrap() = kind;
}

/// The strategy in use.
pub fn flash_kind() -> FlashKind {
    *KIND.lock().unwrap()
}

/// Query rows per block of [`FlashKind::Chunked`].
const CHUNK: usize = 2048;

/// The name of the strategy in use, for the results' provenance.
pub fn describe() -> String {
    format!("fused attention: {:?}", flash_kind())
}

/// # Shapes
/// `q, k, v: [batch, heads, len, head_dim] → [batch, heads, len, head_dim]`
pub fn flash_causal(
    q: Tensor<CudaBackend, 4>,
    k: Tensor<CudaBackend, 4>,
    v: Tensor<CudaBackend, 4>,
) -> Tensor<CudaBackend, 4> {
    let strategy = match flash_kind() {
        FlashKind::Wide if q.dims()[3] == super::flash_wide::HEAD_DIM => {
            return super::flash_wide::flash_wide(q, k, v, false);
        }
        FlashKind::WidePrefetch if q.dims()[3] == super::flash_wide::HEAD_DIM => {
            return super::flash_wide::flash_wide(q, k, v, true);
        }
        FlashKind::Wide | FlashKind::WidePrefetch | FlashKind::Ssmbench => {
            return super::flash::flash_causal(q, k, v);
        }
        FlashKind::Chunked => return crate::model::llama::chunked_attention(q, k, v, CHUNK),
        FlashKind::Unit => AttentionStrategy::FlashUnit,
        FlashKind::Autotune => AttentionStrategy::Autotune,
    };
    let options = AttentionModuleOptions {
        scale: None,
        softcap: None,
        is_causal: true,
    };
    match attention(raw(q), raw(k), raw(v), None, None, options, strategy) {
        Ok(out) => wrap(out),
        // Only the comparison strategies can refuse a shape; `selftest` reports it as such.
        Err(e) => panic!("unsupported: burn-cubecl's attention refused this shape: {e:?}"),
    }
}
