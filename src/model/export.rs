//! Exporting a model as a Hugging Face checkpoint, with the outputs ssmbench computed, so
//! `peers/hf_parity.py` can load the same weights into `LlamaForCausalLM` /
//! `MambaForCausalLM` and compare logits and hidden states.
//!
//! Layouts: the linear weights are stored `[out, in]` as in PyTorch and written as they are
//! (q/k/v and gate/up split back out of their stacks); Mamba's depthwise conv weight
//! `[channels, K]` becomes `[channels, 1, K]`; Δ's bias, kept apart here for the fused kernel,
//! becomes `dt_proj.bias`. RoPE needs no permutation: the model rotates halves as HF does (see
//! `model::rope`).

use std::{collections::BTreeMap, path::Path};

use anyhow::{Context, Result};
use burn::tensor::{Tensor, backend::Backend};
use safetensors::{Dtype, tensor::TensorView};
use serde_json::json;

use super::{
    ForwardOptions, LogitsMode, ModelKind,
    layers::Linear,
    llama::{Llama, LlamaConfig},
    mamba::{Mamba, MambaConfig},
};
use crate::{backend::SsmBackend, manifest};

/// A named f32 tensor on the host.
type Named = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

fn host<B: Backend, const D: usize>(t: Tensor<B, D>) -> (Vec<usize>, Vec<f32>) {
    let shape = t.dims().to_vec();
    (
        shape,
        t.into_data()
            .convert::<f32>()
            .to_vec::<f32>()
            .expect("f32 data"),
    )
}

/// A linear layer's weight, stored `[out, in]` as in PyTorch.
fn linear<B: Backend>(l: &Linear<B>) -> (Vec<usize>, Vec<f32>) {
    host(l.weight.val())
}

fn put(map: &mut Named, name: String, t: (Vec<usize>, Vec<f32>)) {
    map.insert(name, t);
}

/// HF-named weights of a LLaMA.
pub fn llama_state<B: Backend>(m: &Llama<B>) -> Named {
    let mut s = Named::new();
    put(
        &mut s,
        "model.embed_tokens.weight".into(),
        host(m.embed.val()),
    );
    for (i, b) in m.blocks.iter().enumerate() {
        let p = format!("model.layers.{i}");
        put(
            &mut s,
            format!("{p}.input_layernorm.weight"),
            host(b.attn_norm.weight.val()),
        );
        put(
            &mut s,
            format!("{p}.post_attention_layernorm.weight"),
            host(b.mlp_norm.weight.val()),
        );
        // q, k, v (and gate, up) are stored stacked; HF keeps one matrix each.
        let (d, d_ff) = (b.attn.o.d_out(), b.mlp.down.weight.dims()[1]);
        let stacks = [
            (&b.attn.qkv, "self_attn", &["q", "k", "v"][..], d),
            (&b.mlp.gate_up, "mlp", &["gate", "up"][..], d_ff),
        ];
        for (stack, group, names, width) in stacks {
            for (i, n) in names.iter().enumerate() {
                let w = stack.outputs(i * width..(i + 1) * width);
                put(&mut s, format!("{p}.{group}.{n}_proj.weight"), host(w));
            }
        }
        for (group, n, l) in [("self_attn", "o", &b.attn.o), ("mlp", "down", &b.mlp.down)] {
            put(&mut s, format!("{p}.{group}.{n}_proj.weight"), linear(l));
        }
    }
    put(
        &mut s,
        "model.norm.weight".into(),
        host(m.norm.weight.val()),
    );
    put(&mut s, "lm_head.weight".into(), host(m.lm_head.val()));
    s
}

/// HF-named weights of a Mamba (the tied `lm_head.weight` written as a copy of the embedding).
pub fn mamba_state<B: Backend>(m: &Mamba<B>) -> Named {
    let mut s = Named::new();
    put(
        &mut s,
        "backbone.embeddings.weight".into(),
        host(m.embed.val()),
    );
    for (i, b) in m.blocks.iter().enumerate() {
        let p = format!("backbone.layers.{i}");
        let x = &b.mixer;
        put(
            &mut s,
            format!("{p}.norm.weight"),
            host(b.norm.weight.val()),
        );
        put(
            &mut s,
            format!("{p}.mixer.in_proj.weight"),
            linear(&x.in_proj),
        );
        let (shape, v) = host(x.conv_weight.val());
        put(
            &mut s,
            format!("{p}.mixer.conv1d.weight"),
            (vec![shape[0], 1, shape[1]], v),
        );
        put(
            &mut s,
            format!("{p}.mixer.conv1d.bias"),
            host(x.conv_bias.val()),
        );
        put(
            &mut s,
            format!("{p}.mixer.x_proj.weight"),
            linear(&x.x_proj),
        );
        put(
            &mut s,
            format!("{p}.mixer.dt_proj.weight"),
            linear(&x.dt_proj),
        );
        put(
            &mut s,
            format!("{p}.mixer.dt_proj.bias"),
            host(x.dt_bias.val()),
        );
        put(&mut s, format!("{p}.mixer.A_log"), host(x.a_log.val()));
        put(&mut s, format!("{p}.mixer.D"), host(x.d.val()));
        put(
            &mut s,
            format!("{p}.mixer.out_proj.weight"),
            linear(&x.out_proj),
        );
    }
    put(
        &mut s,
        "backbone.norm_f.weight".into(),
        host(m.norm.weight.val()),
    );
    put(&mut s, "lm_head.weight".into(), host(m.embed.val()));
    s
}

/// `transformers` config for [`LlamaConfig`].
pub fn llama_hf_config(c: &LlamaConfig) -> serde_json::Value {
    json!({
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "vocab_size": c.vocab_size, "hidden_size": c.d_model, "intermediate_size": c.d_ff,
        "num_hidden_layers": c.n_layers, "num_attention_heads": c.n_heads, "num_key_value_heads": c.n_heads,
        "head_dim": c.head_dim(), "max_position_embeddings": c.max_positions, "rms_norm_eps": c.rms_eps,
        "rope_theta": c.rope_theta, "attention_bias": false, "mlp_bias": false, "hidden_act": "silu",
        "tie_word_embeddings": false, "initializer_range": c.init_std, "torch_dtype": "float32"
    })
}

/// `transformers` config for [`MambaConfig`].
pub fn mamba_hf_config(c: &MambaConfig) -> serde_json::Value {
    json!({
        "model_type": "mamba", "architectures": ["MambaForCausalLM"],
        "vocab_size": c.vocab_size, "hidden_size": c.d_model, "state_size": c.d_state,
        "num_hidden_layers": c.n_layers, "expand": c.expand, "conv_kernel": c.d_conv,
        "time_step_rank": c.dt_rank(), "use_bias": false, "use_conv_bias": true, "hidden_act": "silu",
        "layer_norm_epsilon": c.rms_eps, "tie_word_embeddings": true, "initializer_range": c.init_std,
        "time_step_min": c.dt_min, "time_step_max": c.dt_max, "time_step_floor": c.dt_floor,
        "residual_in_fp32": true, "rescale_prenorm_residual": false, "use_mambapy": false, "torch_dtype": "float32"
    })
}

fn write_safetensors(path: &Path, tensors: &Named) -> Result<()> {
    let bytes: BTreeMap<&String, (Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(k, (shape, v))| {
            (
                k,
                (
                    shape.clone(),
                    v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                ),
            )
        })
        .collect();
    let views: Vec<(&String, TensorView<'_>)> = bytes
        .iter()
        .map(|(k, (shape, b))| Ok((*k, TensorView::new(Dtype::F32, shape.clone(), b)?)))
        .collect::<Result<_, safetensors::SafeTensorError>>()?;
    let out = safetensors::serialize(views, None)?;
    manifest::write_atomic(path, &out)
}

/// What an export contains.
pub struct Export<'a> {
    pub kind: ModelKind,
    pub seed: u64,
    pub ids: &'a [i64],
    pub device_name: String,
    pub git_rev: String,
}

/// Writes `config.json`, `model.safetensors`, `input_ids.json`, `ssmbench_outputs.safetensors`
/// (logits and HF-ordered hidden states computed by ssmbench on `device`) and `meta.json`.
pub fn export<B: SsmBackend>(
    dir: &Path,
    e: &Export<'_>,
    llama: &LlamaConfig,
    mamba: &MambaConfig,
    device: &B::Device,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let n = e.ids.len();
    let ids = Tensor::from_data(
        burn::tensor::TensorData::new(e.ids.to_vec(), [1, n]),
        device,
    );
    let opts = ForwardOptions {
        logits: LogitsMode::Full,
        hidden_states: true,
        ..Default::default()
    };
    let (state, config, out) = match e.kind {
        ModelKind::Llama => {
            let m = llama.init::<B>(e.seed, device);
            let out = super::CausalLm::forward(&m, ids, opts);
            (llama_state(&m), llama_hf_config(llama), out)
        }
        ModelKind::Mamba => {
            let m = mamba.init::<B>(e.seed, device);
            let out = super::CausalLm::forward(&m, ids, opts);
            (mamba_state(&m), mamba_hf_config(mamba), out)
        }
    };
    let mut outputs = Named::new();
    for (i, h) in out.hf_hidden_states(e.kind).into_iter().enumerate() {
        outputs.insert(format!("hidden_states.{i}"), host(h));
    }
    outputs.insert(
        "logits".into(),
        host(out.logits.expect("full logits were asked for")),
    );
    manifest::write_json(&dir.join("config.json"), &config)?;
    write_safetensors(&dir.join("model.safetensors"), &state)?;
    write_safetensors(&dir.join("ssmbench_outputs.safetensors"), &outputs)?;
    manifest::write_json(&dir.join("input_ids.json"), &json!({ "input_ids": e.ids }))?;
    manifest::write_json(
        &dir.join("meta.json"),
        &json!({"model": e.kind.as_str(), "seed": e.seed, "n": n, "device": e.device_name, "ssmbench_version": env!("CARGO_PKG_VERSION"), "git_rev": e.git_rev}),
    )?;
    Ok(())
}
