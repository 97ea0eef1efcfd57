//! The representation analysis' result files (`artifacts/representation/`), one struct per CSV
//! row. Raw rows are per (model, seed, session[, layer | probe]); `summary.json`
//! ([`RepresentationSummary`]) aggregates them as mean ± sd across seeds, which is what the
//! book's Tables 3–5 show. Layers are numbered 1 … L: layer ℓ is the output of block ℓ (the
//! residual stream before the final norm), the same for both architectures.

use serde::{Deserialize, Serialize};

/// `hidden.csv`: hidden-state dynamics of one layer on one session (§3.2.1, Eq. 6–7).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HiddenRow {
    pub model: String,
    pub seed: u64,
    pub session: String,
    pub layer: usize,
    pub tokens: usize,
    /// mean_t ‖h_t − h_{t−1}‖₂ (Eq. 6)
    pub velocity_mean: f64,
    pub velocity_max: f64,
    /// ‖h_T − h_0‖₂ at the last token (Eq. 7)
    pub drift_final: f64,
    /// Exponent k of drift_t ≈ c·t^k fitted in log–log space (k < 1: sublinear growth).
    pub drift_exponent: f64,
    /// Mean over windows of the per-dimension variance inside a sliding window (lower = more stable).
    pub stability: f64,
    /// ‖h_T‖₂, the final token's hidden-state norm (§5.2.5).
    pub final_norm: f64,
}

/// `drift_curve.csv`: drift of the last layer at evenly spaced positions (for the plot).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DriftPoint {
    pub model: String,
    pub seed: u64,
    pub session: String,
    pub layer: usize,
    pub t: usize,
    pub drift: f64,
}

/// `attention.csv`: LLaMA's attention statistics of one layer on one session (§3.2.2, Eq. 8–9).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttentionRow {
    pub seed: u64,
    pub session: String,
    pub layer: usize,
    pub tokens: usize,
    /// mean over heads and positions of −Σ_j A_ij ln(A_ij + 1e-10), nats (Eq. 8)
    pub entropy: f64,
    /// mean over heads and positions of Σ_{j≤i} A_ij (i − j), tokens (Eq. 9)
    pub distance: f64,
    /// mean over heads and positions of the sum of the 5 largest weights
    pub top5: f64,
    /// distance to the earliest key with weight > 0.01, over positions and heads
    pub span_mean: f64,
    pub span_max: f64,
    pub span_sd: f64,
    /// mean over positions and heads of span_i / (i + 1), the share of visible context used
    pub span_fraction: f64,
    /// share of (head, position) pairs with no weight above 0.01 (no span defined)
    pub span_undefined: f64,
}

/// `context.csv`: the effective context window at one probe (§3.2.3, Table 4).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ContextRow {
    pub model: String,
    /// `gradient` (attribution, both models) or `attention-span` (LLaMA, the paper's way).
    pub method: String,
    pub seed: u64,
    pub session: String,
    /// Probe index 0 … P−1 (`attention-span`: one row per session with probe = 0).
    pub probe: usize,
    /// Probe position (0-based); for `attention-span`, the sequence length.
    pub position: usize,
    /// Tokens whose gradient norm exceeds 10% of the maximum (for `attention-span`: the mean span).
    pub effective_tokens: f64,
    /// Distance from the probe back to the earliest such token, plus one.
    pub effective_range: f64,
    /// effective_tokens / (position + 1): the share of the context the probe could see.
    pub fraction_of_visible: f64,
    /// effective_tokens / sequence length.
    pub fraction_of_sequence: f64,
    pub sequence_length: usize,
    /// Largest gradient norm on tokens after the probe: zero by causality (a check).
    pub future_leak: f64,
    /// `attention-span` only: span sd / span mean over heads and positions, averaged over
    /// layers (for `gradient` the CoV is across probes, computed in the summary).
    pub span_cov: f64,
}

/// `shift.csv`: dynamic-shift detection for one model, protocol and seed (§4.5, Table 5).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShiftRow {
    /// `mamba`, `llama` or `random`.
    pub model: String,
    /// `segments4` (the paper's) or `windows<W>` (ours).
    pub protocol: String,
    pub seed: u64,
    pub boundaries: usize,
    pub positives: usize,
    pub auc: f64,
    /// F1 with positives = score above the 75th percentile of the scores (the paper's rule).
    pub f1_default: f64,
    /// F1 at the threshold maximising TPR − FPR.
    pub f1_optimal: f64,
    pub optimal_threshold: f64,
    /// Largest TPR among ROC points with FPR ≤ 0.1.
    pub tpr_at_fpr_01: f64,
}

/// `roc.csv`: ROC curve points for plotting.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RocPoint {
    pub model: String,
    pub protocol: String,
    pub seed: u64,
    pub fpr: f64,
    pub tpr: f64,
}

/// A mean and sample standard deviation across seeds (sd is NaN for one seed).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct MeanSd {
    pub mean: f64,
    pub sd: f64,
    pub n: usize,
}

/// One layer of Table 3 (values mean ± sd across seeds of the session means).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LayerSummary {
    pub layer: usize,
    pub mamba_velocity: MeanSd,
    pub mamba_norm: MeanSd,
    pub mamba_drift: MeanSd,
    pub mamba_stability: MeanSd,
    pub llama_velocity: MeanSd,
    pub llama_norm: MeanSd,
    pub attn_entropy: MeanSd,
    pub attn_distance: MeanSd,
    pub attn_top5: MeanSd,
    pub attn_span: MeanSd,
}

/// One model × method of Table 4.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ContextSummary {
    pub model: String,
    pub method: String,
    pub effective_tokens: MeanSd,
    pub effective_range: MeanSd,
    pub percent_of_visible: MeanSd,
    pub percent_of_sequence: MeanSd,
    /// Coefficient of variation across probes (gradient) or positions/heads (attention span).
    pub cov: MeanSd,
    pub sequence_length: usize,
}

/// One model × protocol of Table 5.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShiftSummary {
    pub model: String,
    pub protocol: String,
    pub boundaries: usize,
    pub positives: usize,
    pub auc: MeanSd,
    pub f1_default: MeanSd,
    pub f1_optimal: MeanSd,
    pub optimal_threshold: MeanSd,
    pub tpr_at_fpr_01: MeanSd,
}

/// `summary.json`: everything the book's §5.2 tables read.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepresentationSummary {
    pub seeds: Vec<u64>,
    pub sessions: Vec<String>,
    /// Tokens per session analysed (hidden states, attention, shifts).
    pub session_tokens: Vec<usize>,
    /// Tokens per sequence of the effective-context analysis.
    pub context_length: usize,
    pub probes: usize,
    /// What is differentiated in the gradient attribution (stated in the methods chapter).
    pub attribution_scalar: String,
    pub stability_window: usize,
    pub shift_window: usize,
    pub layers: Vec<LayerSummary>,
    pub context: Vec<ContextSummary>,
    pub shifts: Vec<ShiftSummary>,
    /// Mean final-token norm per layer, both models (for §5.2.5's plot).
    pub backend: String,
    pub device: String,
}
