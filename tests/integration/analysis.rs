//! The representation metrics on tiny hand-built inputs with known answers.

use burn::{
    backend::{Autodiff, Flex},
    tensor::{Int, Tensor, TensorData},
};
use ssmbench::{
    analysis::{attention::layer_stats, context, hidden, shift},
    data::Phase,
    model::{AttentionObserver, CausalLm, ForwardOptions, ForwardOutput, ModelKind, llama},
};

type B = Flex;

fn tensor4(v: Vec<f32>, shape: [usize; 4]) -> Tensor<B, 4> {
    Tensor::from_data(TensorData::new(v, shape), &Default::default())
}

/// A_ij = 1/(i+1) for j ≤ i: every causal row uniform.
fn uniform(n: usize) -> Tensor<B, 4> {
    let mut v = vec![0.0f32; n * n];
    for i in 0..n {
        for j in 0..=i {
            v[i * n + j] = 1.0 / (i + 1) as f32;
        }
    }
    tensor4(v, [1, 1, n, n])
}

#[test]
fn uniform_attention_has_known_statistics() {
    let n = 20;
    let s = layer_stats(uniform(n));
    let mean = |f: &dyn Fn(f64) -> f64| (0..n).map(|i| f(i as f64)).sum::<f64>() / n as f64;
    // Entropy of a uniform row over i+1 keys is ln(i+1) (ε = 1e-10 moves it by < 1e-8).
    assert!(
        (s.entropy - mean(&|i| (i + 1.0).ln())).abs() < 1e-5,
        "entropy {}",
        s.entropy
    );
    // Distance Σ_j (i−j)/(i+1) = i/2.
    assert!(
        (s.distance - mean(&|i| i / 2.0)).abs() < 1e-4,
        "distance {}",
        s.distance
    );
    // Top-5 mass: min(5, i+1)/(i+1) — ties must not be removed together.
    assert!(
        (s.top5 - mean(&|i| (5.0f64).min(i + 1.0) / (i + 1.0))).abs() < 1e-5,
        "top5 {}",
        s.top5
    );
    // Every weight 1/(i+1) ≥ 1/20 > 0.01, so the earliest attended key is 0 and the span is i.
    assert!((s.span_mean - mean(&|i| i)).abs() < 1e-4);
    assert_eq!(s.span_max, (n - 1) as f64);
    assert_eq!(s.span_undefined, 0.0);
}

#[test]
fn one_hot_attention_distance_is_exact() {
    // Row i attends only to key k(i) = i / 2.
    let n = 9;
    let mut v = vec![0.0f32; n * n];
    for i in 0..n {
        v[i * n + i / 2] = 1.0;
    }
    let s = layer_stats(tensor4(v, [1, 1, n, n]));
    let expect = (0..n).map(|i| (i - i / 2) as f64).sum::<f64>() / n as f64;
    assert!((s.distance - expect).abs() < 1e-6);
    assert!((s.span_mean - expect).abs() < 1e-6);
    assert!(s.entropy.abs() < 1e-6, "a one-hot row has zero entropy");
    assert!((s.top5 - 1.0).abs() < 1e-6);
}

#[test]
fn diffuse_rows_have_no_span() {
    // 200 keys at 1/200 = 0.005 < 0.01 each: the last row has no attended key.
    let n = 200;
    let s = layer_stats(uniform(n));
    let defined = (0..n).filter(|&i| 1.0 / (i + 1) as f64 > 0.01).count();
    assert!((s.span_undefined - (1.0 - defined as f64 / n as f64)).abs() < 1e-9);
}

#[test]
fn chunked_attention_equals_eager() {
    let dev = Default::default();
    let shape = [1, 2, 23, 8];
    let r = |name| {
        ssmbench::model::init::tensor::<B, 4>(
            5,
            name,
            shape,
            ssmbench::model::init::Init::Normal { std: 1.0 },
            &dev,
        )
    };
    let (q, k, v) = (r("q"), r("k"), r("v"));
    let (eager, _) = llama::eager_attention(q.clone(), k.clone(), v.clone());
    let e = eager.into_data().to_vec::<f32>().unwrap();
    for chunk in [1, 4, 7, 23, 64] {
        let c = llama::chunked_attention(q.clone(), k.clone(), v.clone(), chunk)
            .into_data()
            .to_vec::<f32>()
            .unwrap();
        let (rel, _) = ssmbench::bench::selftest::compare(&c, &e);
        assert!(rel < 1e-6, "chunk {chunk}: {rel}");
    }
}

#[test]
fn hidden_dynamics_known_answers() {
    // h_t = t·u for a unit vector u in d = 3: velocity 1, drift t, final norm T−1.
    let t_len = 10;
    let d = 3;
    let mut h = vec![0.0f32; t_len * d];
    for t in 0..t_len {
        h[t * d + 1] = t as f32;
    }
    let dy = hidden::dynamics(&h, d, 4);
    assert!((dy.velocity_mean - 1.0).abs() < 1e-12);
    assert!((dy.velocity_max - 1.0).abs() < 1e-12);
    assert!((dy.drift_final - 9.0).abs() < 1e-12);
    assert!(
        (dy.drift_exponent - 1.0).abs() < 1e-9,
        "linear drift has exponent 1"
    );
    assert!((dy.final_norm - 9.0).abs() < 1e-12);
    // A window of 4 consecutive integers has variance 1.25 in that dimension, 0 in the others.
    assert!((dy.stability - 1.25 / 3.0).abs() < 1e-12);
    // Constant states: zero velocity, zero drift, zero variance.
    let c = hidden::dynamics(&[2.0; 12], 3, 2);
    assert_eq!(
        (c.velocity_mean, c.drift_final, c.stability),
        (0.0, 0.0, 0.0)
    );
}

#[test]
fn shift_protocols_score_and_label() {
    assert_eq!(
        shift::equal_segments(10, 4),
        vec![(0, 2), (2, 5), (5, 7), (7, 10)]
    );
    assert_eq!(shift::windows(10, 4), vec![(0, 4), (4, 8), (8, 10)]);
    assert_eq!(shift::windows(9, 4), vec![(0, 4), (4, 8)]);
    assert!((shift::cosine_distance(&[1.0, 0.0], &[0.0, 2.0]) - 1.0).abs() < 1e-12);
    assert!(shift::cosine_distance(&[1.0, 1.0], &[3.0, 3.0]).abs() < 1e-12);
    // Two tokens per phase, one dimension pointing along the phase index.
    let d = 4;
    let mut h = vec![0.0f32; 8 * d];
    let mut phases = Vec::new();
    for t in 0..8 {
        h[t * d + t / 2] = 1.0;
        phases.push(Some(Phase::ALL[t / 2]));
    }
    let b = shift::segments4(&h, d, &phases);
    assert_eq!(b.labels, vec![true, true, true]);
    assert!(
        b.scores.iter().all(|s| (s - 1.0).abs() < 1e-12),
        "orthogonal segments"
    );
    let w = shift::windowed(&h, d, 2, &[5]);
    assert_eq!(w.labels, vec![false, true, false]);
    // Perfectly separating scores give AUC 1.
    let m = shift::metrics(&shift::Boundaries {
        scores: vec![0.1, 0.9, 0.2, 0.8],
        labels: vec![false, true, false, true],
    });
    assert_eq!(m.auc, 1.0);
    assert_eq!(m.tpr_at_fpr_01, 1.0);
}

#[test]
fn probe_summary_counts_tokens_above_ten_percent() {
    let g = [0.05, 1.0, 0.2, 0.09, 0.5, 0.0, 0.0];
    let c = context::summarize_probe(&g, 4);
    assert_eq!(c.effective_tokens, 3); // 1.0, 0.2, 0.5 exceed 0.1
    assert_eq!(c.effective_range, 4); // from position 1 to 4
    assert_eq!(c.future_leak, 0.0);
    assert_eq!(context::probe_positions(100, 5), vec![25, 43, 62, 80, 98]);
}

/// A toy causal "model" with a closed-form gradient: h_p = Σ_{j≤p} e_j / (p − j + 1), logits
/// = [h·u, 0]. Then ∂s/∂e_j = (∂s/∂h_p) / (p − j + 1), so the per-token norms fall off as
/// 1/(p − j + 1) and vanish after p.
struct Toy {
    n: usize,
}

type Ad = Autodiff<Flex>;

impl CausalLm<Ad> for Toy {
    fn embed(&self, ids: Tensor<Ad, 2, Int>) -> Tensor<Ad, 3> {
        let [b, n] = ids.dims();
        let v: Vec<f32> = (0..b * n * 2).map(|i| 1.0 + (i % 7) as f32).collect();
        Tensor::from_data(TensorData::new(v, [b, n, 2]), &ids.device())
    }
    fn forward_embeds(
        &self,
        x: Tensor<Ad, 3>,
        _: ForwardOptions,
        _: &mut dyn AttentionObserver<Ad>,
    ) -> ForwardOutput<Ad> {
        let [b, n, _] = x.dims();
        let mut m = vec![0.0f32; n * n];
        for p in 0..n {
            for j in 0..=p {
                m[p * n + j] = 1.0 / (p - j + 1) as f32;
            }
        }
        let m: Tensor<Ad, 3> = Tensor::<Ad, 2>::from_data(TensorData::new(m, [n, n]), &x.device())
            .unsqueeze::<3>()
            .repeat_dim(0, b);
        let h = m.matmul(x);
        ForwardOutput {
            logits: None,
            embeddings: None,
            block_outputs: vec![],
            final_normed: Some(h),
        }
    }
    fn head(&self, h: Tensor<Ad, 2>) -> Tensor<Ad, 2> {
        let w = Tensor::<Ad, 2>::from_data(
            TensorData::new(vec![0.3f32, 0.0, -0.7, 0.0], [2, 2]),
            &h.device(),
        );
        h.matmul(w)
    }
    fn parameter_count(&self) -> usize {
        0
    }
    fn kind(&self) -> ModelKind {
        ModelKind::Mamba
    }
}

#[test]
fn gradient_attribution_matches_closed_form() {
    let toy = Toy { n: 12 };
    let ids: Vec<i64> = vec![1; toy.n];
    let probes = [5usize, 9];
    let g = context::gradient_norms::<Ad>(&toy, &ids, &probes, &Default::default());
    for (row, &p) in g.iter().zip(&probes) {
        let top = row[p];
        for (j, &v) in row.iter().enumerate() {
            let expect = if j <= p {
                top / (p - j + 1) as f64
            } else {
                0.0
            };
            assert!(
                (v - expect).abs() < 1e-5 * top,
                "probe {p}, token {j}: {v} vs {expect}"
            );
        }
    }
}
