//! The two models on the CPU backend: shapes, parameter counts, seed determinism, causality,
//! RoPE's relative-position property, and the hidden-state conventions.

use burn::{
    backend::Flex,
    tensor::{Int, Tensor, TensorData},
};
use ssmbench::model::{
    CausalLm, ForwardOptions, LogitsMode, ModelKind,
    llama::{Llama, LlamaConfig},
    mamba::{Mamba, MambaConfig},
    rope,
};

type B = Flex;

fn tiny_llama() -> LlamaConfig {
    LlamaConfig::new()
        .with_vocab_size(97)
        .with_d_model(32)
        .with_n_layers(2)
        .with_n_heads(4)
        .with_d_ff(48)
}

fn tiny_mamba() -> MambaConfig {
    MambaConfig::new()
        .with_vocab_size(97)
        .with_d_model(32)
        .with_n_layers(2)
        .with_d_state(8)
}

fn ids(v: &[i64]) -> Tensor<B, 2, Int> {
    Tensor::from_data(
        TensorData::new(v.to_vec(), [1, v.len()]),
        &Default::default(),
    )
}

fn logits(m: &dyn CausalLm<B>, v: &[i64]) -> Vec<f32> {
    let out = m.forward(
        ids(v),
        ForwardOptions {
            logits: LogitsMode::Full,
            ..Default::default()
        },
    );
    out.logits.unwrap().into_data().to_vec::<f32>().unwrap()
}

fn models(seed: u64) -> Vec<Box<dyn CausalLm<B>>> {
    let dev = Default::default();
    vec![
        Box::new(tiny_llama().init::<B>(seed, &dev)),
        Box::new(tiny_mamba().init::<B>(seed, &dev)),
    ]
}

const SEQ: [i64; 12] = [5, 17, 3, 96, 41, 0, 8, 8, 23, 70, 2, 11];

#[test]
fn parameter_counts_equal_hugging_face() {
    let dev = Default::default();
    let llama: Llama<B> = LlamaConfig::new().init(0, &dev);
    let mamba: Mamba<B> = MambaConfig::new().init(0, &dev);
    assert_eq!(
        llama.parameter_count(),
        53_748_224,
        "LlamaForCausalLM with the paper's config"
    );
    assert_eq!(
        mamba.parameter_count(),
        29_946_368,
        "MambaForCausalLM with the paper's config"
    );
}

#[test]
fn output_shapes() {
    for m in models(0) {
        let out = m.forward(
            ids(&SEQ),
            ForwardOptions {
                logits: LogitsMode::Full,
                hidden_states: true,
                ..Default::default()
            },
        );
        assert_eq!(out.logits.as_ref().unwrap().dims(), [1, SEQ.len(), 97]);
        assert_eq!(out.block_outputs.len(), 2);
        assert!(
            out.block_outputs
                .iter()
                .all(|h| h.dims() == [1, SEQ.len(), 32])
        );
        assert_eq!(
            out.hf_hidden_states(m.kind()).len(),
            3,
            "HF returns L + 1 hidden states"
        );
        let last = m.forward(
            ids(&SEQ),
            ForwardOptions {
                logits: LogitsMode::Last,
                ..Default::default()
            },
        );
        assert_eq!(last.logits.unwrap().dims(), [1, 1, 97]);
    }
}

#[test]
fn same_seed_same_bits_other_seed_other_weights() {
    for (a, b) in models(3).iter().zip(models(3)) {
        assert_eq!(
            logits(a.as_ref(), &SEQ),
            logits(b.as_ref(), &SEQ),
            "{}",
            a.kind()
        );
    }
    for (a, b) in models(3).iter().zip(models(4)) {
        assert_ne!(
            logits(a.as_ref(), &SEQ),
            logits(b.as_ref(), &SEQ),
            "{}",
            a.kind()
        );
    }
}

#[test]
fn changing_a_token_never_changes_earlier_outputs() {
    for m in models(1) {
        let base = logits(m.as_ref(), &SEQ);
        for t in [0, 5, 11] {
            let mut changed = SEQ;
            changed[t] = (changed[t] + 1) % 97;
            let other = logits(m.as_ref(), &changed);
            let v = 97;
            assert_eq!(
                &base[..t * v],
                &other[..t * v],
                "{}: position {t} leaked into the past",
                m.kind()
            );
            assert_ne!(
                &base[t * v..(t + 1) * v],
                &other[t * v..(t + 1) * v],
                "{}: position {t} had no effect",
                m.kind()
            );
        }
    }
}

#[test]
fn rope_scores_depend_only_on_relative_position() {
    // ⟨R_m q, R_n k⟩ must equal ⟨R_{m+s} q, R_{n+s} k⟩.
    let dev = Default::default();
    let d = 16;
    let len = 40;
    let (cos, sin) = rope::tables::<B>(len, d, 10_000.0, &dev);
    let q: Tensor<B, 4> = ssmbench::model::init::tensor(
        1,
        "q",
        [1, 1, 1, d],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let k: Tensor<B, 4> = ssmbench::model::init::tensor(
        1,
        "k",
        [1, 1, 1, d],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let at = |x: &Tensor<B, 4>, pos: usize| -> Vec<f32> {
        let rot = rope::apply(x.clone().repeat_dim(2, len), &cos, &sin);
        rot.slice([0..1, 0..1, pos..pos + 1, 0..d])
            .into_data()
            .to_vec::<f32>()
            .unwrap()
    };
    let dot = |a: Vec<f32>, b: Vec<f32>| a.iter().zip(&b).map(|(x, y)| (x * y) as f64).sum::<f64>();
    let base = dot(at(&q, 7), at(&k, 3));
    for shift in [1, 10, 30] {
        let moved = dot(at(&q, 7 + shift), at(&k, 3 + shift));
        assert!(
            (base - moved).abs() < 1e-4 * base.abs().max(1.0),
            "shift {shift}: {base} vs {moved}"
        );
    }
    // And it is a rotation: norms are kept.
    let n0: f64 = at(&q, 0).iter().map(|x| (x * x) as f64).sum();
    let n9: f64 = at(&q, 9).iter().map(|x| (x * x) as f64).sum();
    assert!((n0 - n9).abs() < 1e-4 * n0);
}

#[test]
fn hidden_state_conventions_follow_hugging_face() {
    for m in models(2) {
        let out = m.forward(
            ids(&SEQ),
            ForwardOptions {
                logits: LogitsMode::None,
                hidden_states: true,
                ..Default::default()
            },
        );
        let hf = out.hf_hidden_states(m.kind());
        let first = hf[0].clone().into_data().to_vec::<f32>().unwrap();
        let emb = out
            .embeddings
            .clone()
            .unwrap()
            .into_data()
            .to_vec::<f32>()
            .unwrap();
        let block0 = out.block_outputs[0]
            .clone()
            .into_data()
            .to_vec::<f32>()
            .unwrap();
        match m.kind() {
            ModelKind::Llama => {
                assert_eq!(first, emb, "LLaMA's first hidden state is the embeddings")
            }
            ModelKind::Mamba => assert_eq!(
                first, block0,
                "Mamba's first hidden state is block 0's output"
            ),
        }
    }
}

#[test]
fn exported_llama_projections_are_the_ones_drawn_under_their_hugging_face_names() {
    // q/k/v and gate/up are stored stacked; the export must split them back in order.
    use ssmbench::model::{
        export::llama_state,
        init::{Init, draw},
    };
    let c = tiny_llama();
    let m: Llama<B> = c.init(3, &Default::default());
    let state = llama_state(&m);
    let (d, f) = (c.d_model, c.d_ff);
    for (name, rows, cols) in [
        ("self_attn.q_proj", d, d),
        ("self_attn.k_proj", d, d),
        ("self_attn.v_proj", d, d),
        ("self_attn.o_proj", d, d),
        ("mlp.gate_proj", f, d),
        ("mlp.up_proj", f, d),
        ("mlp.down_proj", d, f),
    ] {
        let key = format!("model.layers.1.{name}.weight");
        let (shape, values) = &state[&key];
        assert_eq!(shape, &vec![rows, cols], "{key}");
        let want = draw(3, &key, rows * cols, Init::Normal { std: c.init_std });
        assert_eq!(values, &want, "{key}");
    }
}

#[test]
fn weight_products_account_for_the_forward_flops_outside_attention_and_scan() {
    use ssmbench::bench::flops::{self, AttentionWork, Dims};
    let n = 8192;
    let products = |model: ModelKind, d: &Dims| -> f64 {
        flops::weight_products(model, d)
            .iter()
            .map(|p| 2.0 * (n * p.k * p.cols * p.count) as f64)
            .sum()
    };
    // LLaMA: everything but QKᵀ and PV, which with no rows at all is zero.
    let d = Dims::PAPER_LLAMA;
    let attention = flops::llama(&d, n, AttentionWork::FullSquare, false)
        - 2.0 * 2.0 * (n * d.d_model * n) as f64 * d.n_layers as f64;
    assert_eq!(products(ModelKind::Llama, &d), attention);
    // Mamba: everything but the conv and the scan's per-state work.
    let d = Dims::PAPER_MAMBA;
    let rest = d.n_layers as f64
        * (2.0 * (n * d.d_inner * d.d_conv) as f64
            + (n * d.d_inner * d.d_state) as f64 * 7.0
            + (n * d.d_inner) as f64 * 4.0);
    assert_eq!(
        products(ModelKind::Mamba, &d),
        flops::mamba(&d, n, false) - rest
    );
}
