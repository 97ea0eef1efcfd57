//! The effective context window by gradient attribution (paper §3.2.3, §4.5; Table 4), through
//! burn-autodiff, the same method for both architectures.
//!
//! # What is differentiated
//! The paper says only "gradients of the output with respect to input embeddings". We
//! differentiate, at probe position p, the log-probability the model gives the token that
//! actually follows, s_p = log softmax(logits_p)[x_{p+1}] — the per-position training loss,
//! the standard saliency target, defined alike for both models and independent of any label
//! set. For each earlier token j the attribution is ‖∂s_p/∂e_j‖₂ over the embedding e_j; the
//! effective context is the tokens whose attribution exceeds 10% of the largest (§4.5).
//!
//! # One backward for all probes
//! The sequence is repeated once per probe as a batch; row i's scalar is s at probe i, and the
//! rows never interact, so one backward of Σ_i s_i gives every probe's gradient in its own row.

use burn::tensor::{Int, Tensor, TensorData, activation, backend::AutodiffBackend, s};

use crate::{
    backend::SsmBackend,
    model::{AttentionImpl, CausalLm, ForwardOptions, LogitsMode, NoObserver},
};

/// The §4.5 threshold: a token counts when its attribution exceeds this share of the maximum.
pub const ATTRIBUTION_THRESHOLD: f64 = 0.1;

/// What [`attribution`] differentiates, for the methods chapter.
pub const ATTRIBUTION_SCALAR: &str = "log-probability of the observed next token at the probe position, log softmax(logits_p)[x_{p+1}]";

/// Probe positions: `count` points evenly spread from 25% of the sequence to its last position
/// that still has a next token (`len − 2`).
pub fn probe_positions(len: usize, count: usize) -> Vec<usize> {
    assert!(len >= 3, "attribution needs at least three tokens");
    let first = (len as f64 * 0.25).floor() as usize;
    let last = len - 2;
    if count <= 1 {
        return vec![last];
    }
    (0..count)
        .map(|i| first + ((last - first) as f64 * i as f64 / (count - 1) as f64).round() as usize)
        .collect()
}

/// One probe's attribution summary.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeContext {
    pub position: usize,
    /// #{ j ≤ p : g_j > 0.1 · max g }
    pub effective_tokens: usize,
    /// p − min{ j : g_j > 0.1 · max g } + 1
    pub effective_range: usize,
    /// Largest ‖∂s/∂e_j‖ over j > p: causality makes it zero; kept as a check.
    pub future_leak: f64,
}

/// Summarises one probe's per-token gradient norms `g` (length = sequence length).
pub fn summarize_probe(g: &[f64], position: usize) -> ProbeContext {
    let visible = &g[..=position];
    let max = visible.iter().copied().fold(0.0, f64::max);
    let cut = ATTRIBUTION_THRESHOLD * max;
    let above: Vec<usize> = visible
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > cut)
        .map(|(j, _)| j)
        .collect();
    ProbeContext {
        position,
        effective_tokens: above.len(),
        effective_range: above.first().map_or(0, |&j| position - j + 1),
        future_leak: g[position + 1..].iter().copied().fold(0.0, f64::max),
    }
}

/// Per-probe, per-token gradient norms ‖∂s_i/∂e_j‖₂ for a model on the autodiff backend `A`.
/// Returns `probes.len()` rows of `ids.len()` values.
/// (Freeze the model's parameters first — `Module::no_grad` — so only the embeddings are
/// differentiated.)
pub fn gradient_norms<A>(
    model: &dyn CausalLm<A>,
    ids: &[i64],
    probes: &[usize],
    device: &A::Device,
) -> Vec<Vec<f64>>
where
    A: AutodiffBackend + SsmBackend,
{
    let n = ids.len();
    let p = probes.len();
    let rows: Vec<i64> = (0..p).flat_map(|_| ids.iter().copied()).collect();
    let ids_t = Tensor::<A, 2, Int>::from_data(TensorData::new(rows, [p, n]), device);
    // The embeddings are the leaves we differentiate with respect to.
    let e = model.embed(ids_t).detach().require_grad();
    let opts = ForwardOptions {
        logits: LogitsMode::None,
        hidden_states: true,
        attention: AttentionImpl::Eager,
    };
    let out = model.forward_embeds(e.clone(), opts, &mut NoObserver);
    let h = out.final_normed.expect("hidden states were asked for");
    let d = h.dims()[2];
    let picked: Vec<Tensor<A, 2>> = probes
        .iter()
        .enumerate()
        .map(|(i, &pos)| {
            h.clone()
                .slice(s![i..i + 1, pos..pos + 1, ..])
                .reshape([1, d])
        })
        .collect();
    let logp = activation::log_softmax(model.head(Tensor::cat(picked, 0)), 1); // [p, vocab]
    let targets: Vec<i64> = probes.iter().map(|&pos| ids[pos + 1]).collect();
    let idx = Tensor::<A, 2, Int>::from_data(TensorData::new(targets, [p, 1]), device);
    let score = logp.gather(1, idx).sum();
    let grads = score.backward();
    let g = e.grad(&grads).expect("embeddings are tracked"); // [p, n, d]
    let norms = g.square().sum_dim(2).sqrt().reshape([p * n]);
    let flat: Vec<f64> = norms
        .into_data()
        .convert::<f64>()
        .to_vec::<f64>()
        .expect("f64 data");
    flat.chunks(n).map(|c| c.to_vec()).collect()
}
