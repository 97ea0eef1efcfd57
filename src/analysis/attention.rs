//! LLaMA's attention statistics (paper §3.2.2, Eq. 8–9; §4.5), reduced on the device one layer
//! at a time as the forward hands each layer's probabilities over ([`AttentionStats`] is an
//! [`AttentionObserver`]): at most one layer's `heads × N × N` floats exist at once.

use burn::tensor::{ElementConversion, Int, Tensor, backend::Backend};

use crate::{backend::SsmBackend, model::AttentionObserver};

/// One layer's statistics, averaged over heads and query positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerAttention {
    /// −Σ_j A_ij ln(A_ij + 1e-10), nats (Eq. 8 with §4.5's ε)
    pub entropy: f64,
    /// Σ_{j≤i} A_ij (i − j), tokens (Eq. 9, backward distances only)
    pub distance: f64,
    /// Σ of the 5 largest A_ij
    pub top5: f64,
    /// i − (earliest j with A_ij > 0.01), over (head, i) pairs that have such a j
    pub span_mean: f64,
    pub span_max: f64,
    pub span_sd: f64,
    /// mean of span_i / (i + 1) over the same pairs
    pub span_fraction: f64,
    /// share of (head, i) pairs with no weight above 0.01 (diffuse rows have no span)
    pub span_undefined: f64,
}

/// The weight above which a key counts as attended (§4.5).
pub const SPAN_THRESHOLD: f64 = 0.01;
/// ε inside the logarithm of Eq. 8 (§4.5).
pub const ENTROPY_EPS: f64 = 1e-10;

fn scalar<B: Backend>(t: Tensor<B, 1>) -> f64 {
    t.into_scalar().elem::<f64>()
}

/// Statistics of one layer's probabilities `[batch, heads, n, n]` (rows sum to one, zero
/// above the diagonal).
pub fn layer_stats<B: SsmBackend>(probs: Tensor<B, 4>) -> LayerAttention {
    let [b, h, n, _] = probs.dims();
    let device = probs.device();
    let rows = (b * h * n) as f64;
    let keys = Tensor::<B, 1, Int>::arange(0..n as i64, &device).float(); // j
    let queries = keys.clone().reshape([1, 1, n, 1]); // i

    let entropy = scalar(
        (probs.clone() * (probs.clone() + ENTROPY_EPS).log())
            .sum()
            .neg(),
    ) / rows;

    // Σ_j A_ij (i − j) = i·Σ_j A_ij − Σ_j j·A_ij; the second term is one FP32 mat-vec.
    let weighted = B::matmul_fp32(
        probs.clone(),
        keys.clone()
            .reshape([1, 1, n, 1])
            .repeat_dim(0, b)
            .repeat_dim(1, h),
    );
    let mass = probs.clone().sum_dim(3);
    let distance = scalar((queries.clone() * mass - weighted).sum()) / rows;

    // Top-5: take the row maximum five times, removing exactly the chosen element each time
    // (masking by value would remove every tie at once, e.g. all of a uniform row).
    let mut rest = probs.clone();
    let mut top = Tensor::<B, 4>::zeros([b, h, n, 1], &device);
    let cols = keys.clone().reshape([1, 1, 1, n]);
    for _ in 0..5.min(n) {
        let (v, idx) = rest.clone().max_dim_with_indices(3);
        top = top + v;
        let chosen = (cols.clone() - idx.float()).abs().lower_elem(0.5);
        rest = rest.mask_fill(chosen, -1.0);
    }
    let top5 = scalar(top.sum()) / rows;

    // Effective span: i − min{ j : A_ij > 0.01 }.
    let big = n as f64 * 4.0;
    let attended = probs.greater_elem(SPAN_THRESHOLD).float();
    let earliest = (attended.clone() * cols + (attended.neg() + 1.0) * big).min_dim(3);
    let defined = earliest.clone().lower_elem(big / 2.0).float();
    let span = (queries.clone() - earliest) * defined.clone();
    let count = scalar(defined.clone().sum());
    let (span_mean, span_sd, span_fraction) = if count > 0.0 {
        let mean = scalar(span.clone().sum()) / count;
        let sq = scalar(span.clone().square().sum()) / count;
        let frac = scalar((span.clone() / (queries + 1.0)).sum()) / count;
        (
            mean,
            (sq - mean * mean).max(0.0).sqrt() * (count / (count - 1.0).max(1.0)).sqrt(),
            frac,
        )
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    };
    let span_max = if count > 0.0 {
        scalar(span.max())
    } else {
        f64::NAN
    };
    LayerAttention {
        entropy,
        distance,
        top5,
        span_mean,
        span_max,
        span_sd,
        span_fraction,
        span_undefined: 1.0 - count / rows,
    }
}

/// Collects [`layer_stats`] for every layer during one forward.
#[derive(Default)]
pub struct AttentionStats {
    pub layers: Vec<LayerAttention>,
}

impl<B: SsmBackend> AttentionObserver<B> for AttentionStats {
    fn observe(&mut self, layer: usize, probs: Tensor<B, 4>) {
        assert_eq!(layer, self.layers.len(), "layers are observed in order");
        self.layers.push(layer_stats(probs));
    }
}
