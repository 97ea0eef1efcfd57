//! The paper's two models (§4.2), random-initialised from a seed and never trained.
//!
//! - [`llama::Llama`]: Hugging Face `LlamaForCausalLM` with the paper's configuration;
//! - [`mamba::Mamba`]: Hugging Face `MambaForCausalLM` with the paper's configuration.
//!
//! Both are generic over the backend (`B: SsmBackend`), so the same code runs on CUDA in the
//! benchmarks and on the CPU backend in the tests.

pub mod export;
pub mod init;
pub mod layers;
pub mod llama;
pub mod mamba;
pub mod rope;

use burn::tensor::{Int, Tensor, backend::Backend};
use serde::{Deserialize, Serialize};

use crate::backend::SsmBackend;

/// Which logits a forward computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogitsMode {
    /// Every position, `[batch, len, vocab]`: what the paper's forward returns.
    #[default]
    Full,
    /// The final position only, `[batch, 1, vocab]`: for lengths where `len × vocab` floats
    /// alone would not fit. Labelled `last` wherever a result used it.
    Last,
    /// No LM head (hidden-state analyses).
    None,
}

impl LogitsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LogitsMode::Full => "full",
            LogitsMode::Last => "last",
            LogitsMode::None => "none",
        }
    }
}

/// LLaMA's attention implementation for one forward.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttentionImpl {
    /// softmax(QKᵀ/√d)V with the `len × len` matrix in memory (Hugging Face's "eager").
    #[default]
    Eager,
    /// Flash-style, the matrix never in device memory (falls back to eager where the backend
    /// has no fused kernel).
    Fused,
}

/// Options of one forward.
#[derive(Clone, Copy, Debug, Default)]
pub struct ForwardOptions {
    pub logits: LogitsMode,
    /// Keep every layer's hidden state (Hugging Face's `output_hidden_states`).
    pub hidden_states: bool,
    pub attention: AttentionImpl,
}

/// What a forward returns. The hidden states are kept only when asked for
/// ([`ForwardOptions::hidden_states`]); each is `[batch, len, d_model]`.
#[derive(Debug)]
pub struct ForwardOutput<B: Backend> {
    /// `[batch, len, vocab]` (or `[batch, 1, vocab]` with [`LogitsMode::Last`]).
    pub logits: Option<Tensor<B, 3>>,
    /// The input embeddings.
    pub embeddings: Option<Tensor<B, 3>>,
    /// The output of every block (residual stream), before the final norm: `L` entries.
    pub block_outputs: Vec<Tensor<B, 3>>,
    /// The last block's output after the final norm (what the LM head reads).
    pub final_normed: Option<Tensor<B, 3>>,
}

impl<B: Backend> ForwardOutput<B> {
    /// Hugging Face's `output_hidden_states` tuple for this architecture (transformers 5.17,
    /// read from its modeling code): `L + 1` entries either way, but
    /// - `LlamaForCausalLM`: the embeddings, blocks 0 … L−2, then the final norm of block L−1;
    /// - `MambaForCausalLM`: blocks 0 … L−1 (no embeddings), then the final norm of block L−1.
    pub fn hf_hidden_states(&self, kind: ModelKind) -> Vec<Tensor<B, 3>> {
        let mut out = Vec::new();
        let l = self.block_outputs.len();
        match kind {
            ModelKind::Llama => {
                out.extend(self.embeddings.clone());
                out.extend(self.block_outputs.iter().take(l.saturating_sub(1)).cloned());
            }
            ModelKind::Mamba => out.extend(self.block_outputs.iter().cloned()),
        }
        out.extend(self.final_normed.clone());
        out
    }
}

/// Receives LLaMA's attention probabilities one layer at a time, so an analysis can reduce
/// them before the next layer allocates its own (never `L × H × N × N` floats at once).
pub trait AttentionObserver<B: Backend> {
    /// `probs`: `[batch, heads, len, len]`, rows summing to one, zero above the diagonal.
    fn observe(&mut self, layer: usize, probs: Tensor<B, 4>);
}

/// An observer that looks at nothing.
pub struct NoObserver;

impl<B: Backend> AttentionObserver<B> for NoObserver {
    fn observe(&mut self, _layer: usize, _probs: Tensor<B, 4>) {}
}

/// What both models offer the benchmarks and the analyses.
pub trait CausalLm<B: SsmBackend> {
    /// Token ids `[batch, len]` → input embeddings `[batch, len, d_model]`.
    fn embed(&self, ids: Tensor<B, 2, Int>) -> Tensor<B, 3>;

    /// The forward from input embeddings (what the gradient attribution differentiates).
    fn forward_embeds(
        &self,
        x: Tensor<B, 3>,
        opts: ForwardOptions,
        observer: &mut dyn AttentionObserver<B>,
    ) -> ForwardOutput<B>;

    /// The forward from token ids.
    fn forward(&self, ids: Tensor<B, 2, Int>, opts: ForwardOptions) -> ForwardOutput<B> {
        self.forward_embeds(self.embed(ids), opts, &mut NoObserver)
    }

    /// The LM head alone: final-normed states `[rows, d_model]` → logits `[rows, vocab]`.
    fn head(&self, h: Tensor<B, 2>) -> Tensor<B, 2>;

    /// The logits `mode` asks for, from the final-normed states: [`CausalLm::head`] over the
    /// selected positions, flattened to rows and shaped back.
    ///
    /// # Shapes
    /// `x: [batch, len, d_model]` → `[batch, len or 1, vocab]`
    fn logits(&self, x: Tensor<B, 3>, mode: LogitsMode) -> Option<Tensor<B, 3>> {
        logits_input(x, mode).map(|h| {
            let [batch, len, d] = h.dims();
            let logits = self.head(h.reshape([batch * len, d]));
            let vocab = logits.dims()[1];
            logits.reshape([batch, len, vocab])
        })
    }

    /// Number of distinct trainable scalars (tied weights counted once).
    fn parameter_count(&self) -> usize;

    /// `llama` or `mamba`.
    fn kind(&self) -> ModelKind;
}

/// The two architectures.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    Llama,
    Mamba,
}

impl ModelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Llama => "llama",
            ModelKind::Mamba => "mamba",
        }
    }
    /// The paper's name for it.
    pub fn paper_name(self) -> &'static str {
        match self {
            ModelKind::Llama => "Transformer (LLaMA)",
            ModelKind::Mamba => "SSM (Mamba)",
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The LM head's input for [`LogitsMode`]: all positions, or only the last.
fn logits_input<B: Backend>(x: Tensor<B, 3>, mode: LogitsMode) -> Option<Tensor<B, 3>> {
    let [_, len, _] = x.dims();
    match mode {
        LogitsMode::Full => Some(x),
        LogitsMode::Last => Some(x.narrow(1, len - 1, 1)),
        LogitsMode::None => None,
    }
}
