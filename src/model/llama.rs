//! LLaMA (Touvron et al., 2023) as Hugging Face's `LlamaForCausalLM`, paper §4.2:
//! 8 layers, 8 heads, d_model 512, SwiGLU FFN 1024, RoPE (θ = 10,000), RMSNorm (ε = 1e-6), no
//! biases, an untied LM head, vocab 32,000. 53,748,224 parameters.
//!
//! config → [`Llama`] → [`LlamaBlock`] → [`Attention`] (eager or fused) and [`SwiGlu`].

use burn::{
    config::Config,
    module::{Module, Param},
    tensor::{Bool, Int, Tensor, activation, backend::Backend, s},
};

use super::{
    AttentionImpl, AttentionObserver, CausalLm, ForwardOptions, ForwardOutput, ModelKind,
    init::{self, Init},
    layers::{Linear, RmsNorm},
    rope,
};
use crate::backend::{SsmBackend, mark};

/// The paper's LLaMA configuration (the defaults) and the knobs tests shrink.
#[derive(Config, Debug, PartialEq)]
pub struct LlamaConfig {
    #[config(default = 32000)]
    pub vocab_size: usize,
    #[config(default = 512)]
    pub d_model: usize,
    #[config(default = 8)]
    pub n_layers: usize,
    #[config(default = 8)]
    pub n_heads: usize,
    /// SwiGLU inner width.
    #[config(default = 1024)]
    pub d_ff: usize,
    #[config(default = 10000.0)]
    pub rope_theta: f64,
    #[config(default = 1e-6)]
    pub rms_eps: f64,
    /// Recorded for the Hugging Face config; RoPE itself has no length limit.
    #[config(default = 32768)]
    pub max_positions: usize,
    /// σ of every linear and embedding weight (HF `initializer_range`).
    #[config(default = 0.02)]
    pub init_std: f64,
}

impl LlamaConfig {
    pub fn head_dim(&self) -> usize {
        self.d_model / self.n_heads
    }

    /// Draws the model for `seed` on `device` (see [`init`]).
    pub fn init<B: Backend>(&self, seed: u64, device: &B::Device) -> Llama<B> {
        assert_eq!(
            self.d_model % self.n_heads,
            0,
            "d_model must divide into heads"
        );
        let normal = Init::Normal { std: self.init_std };
        let d = self.d_model;
        let blocks = (0..self.n_layers)
            .map(|i| {
                let p = format!("model.layers.{i}");
                let lin = |name: &str, din, dout| {
                    Linear::new(seed, &format!("{p}.{name}"), din, dout, normal, device)
                };
                LlamaBlock {
                    attn_norm: RmsNorm::new(
                        seed,
                        &format!("{p}.input_layernorm"),
                        d,
                        self.rms_eps,
                        device,
                    ),
                    attn: Attention {
                        qkv: Linear::stacked(vec![
                            lin("self_attn.q_proj", d, d),
                            lin("self_attn.k_proj", d, d),
                            lin("self_attn.v_proj", d, d),
                        ]),
                        o: lin("self_attn.o_proj", d, d),
                        n_heads: self.n_heads,
                    },
                    mlp_norm: RmsNorm::new(
                        seed,
                        &format!("{p}.post_attention_layernorm"),
                        d,
                        self.rms_eps,
                        device,
                    ),
                    mlp: SwiGlu {
                        gate_up: Linear::stacked(vec![
                            lin("mlp.gate_proj", d, self.d_ff),
                            lin("mlp.up_proj", d, self.d_ff),
                        ]),
                        down: lin("mlp.down_proj", self.d_ff, d),
                    },
                }
            })
            .collect();
        Llama {
            embed: init::param(
                seed,
                "model.embed_tokens.weight",
                [self.vocab_size, d],
                normal,
                device,
            ),
            blocks,
            norm: RmsNorm::new(seed, "model.norm", d, self.rms_eps, device),
            // Kept in Hugging Face's [vocab, d] layout: the head reads it as Wᵀ, contiguous
            // along the shared dimension, which the FP32 matmul stages faster (Mamba's tied
            // head is read the same way).
            lm_head: init::param(seed, "lm_head.weight", [self.vocab_size, d], normal, device),
            rope_theta: self.rope_theta,
        }
    }
}

/// Multi-head causal self-attention with RoPE.
#[derive(Module, Debug)]
pub struct Attention<B: Backend> {
    /// q_proj, k_proj and v_proj stacked (weight `[3·d_model, d_model]`, see
    /// [`Linear::stacked`]): one matmul for all three.
    pub qkv: Linear<B>,
    pub o: Linear<B>,
    pub n_heads: usize,
}

/// softmax(QKᵀ/√d + causal mask) V, materialising the `[batch, heads, len, len]` scores
/// (Hugging Face's "eager" path, and the one whose probabilities the analyses read).
///
/// # Shapes
/// `q, k, v: [batch, heads, len, head_dim]` → (`[batch, heads, len, head_dim]`, probabilities)
pub fn eager_attention<B: SsmBackend>(
    q: Tensor<B, 4>,
    k: Tensor<B, 4>,
    v: Tensor<B, 4>,
) -> (Tensor<B, 4>, Tensor<B, 4>) {
    let head_dim = q.dims()[3];
    let scores = B::matmul_fp32(q, k.swap_dims(2, 3));
    mark("attention: QKᵀ");
    let probs = B::causal_softmax(scores.clone(), 1.0 / (head_dim as f64).sqrt());
    // Scores and probabilities are both alive here (the softmax reads one while writing the
    // other): the peak-memory probe samples at this mark, before the scores are released.
    mark("attention: scale, mask, softmax");
    drop(scores);
    let out = B::matmul_fp32(probs.clone(), v);
    mark("attention: PV");
    (out, probs)
}

/// `softmax(scores · scale)` with keys after the query masked out, in tensor ops: the
/// reference of [`SsmBackend::causal_softmax`].
///
/// # Shapes
/// `scores: [batch, heads, len, len] → [batch, heads, len, len]`
pub fn causal_softmax_reference<B: Backend>(scores: Tensor<B, 4>, scale: f64) -> Tensor<B, 4> {
    let len = scores.dims()[2];
    // Burn's `tril_mask` is a fill mask: false on and below the diagonal, true above it.
    let future: Tensor<B, 4, Bool> =
        Tensor::<B, 2, Bool>::tril_mask([len, len], 0, &scores.device()).reshape([1, 1, len, len]);
    activation::softmax((scores * scale).mask_fill(future, f32::NEG_INFINITY), 3)
}

/// `SiLU(gate) ⊙ up` in tensor ops, from the gate/up projections side by side (gate first):
/// the reference of [`SsmBackend::swiglu`].
///
/// # Shapes
/// `gate_up: [batch, len, 2·d_ff] → [batch, len, d_ff]`
pub fn swiglu_reference<B: Backend>(gate_up: Tensor<B, 3>) -> Tensor<B, 3> {
    let d_ff = gate_up.dims()[2] / 2;
    let gate = gate_up.clone().slice(s![.., .., 0..d_ff]);
    let up = gate_up.slice(s![.., .., d_ff..]);
    activation::silu(gate) * up
}

/// Causal attention one block of `chunk` queries at a time, each against only the keys it
/// may see (`0 .. block end`): the same arithmetic as [`eager_attention`] with at most
/// `heads × chunk × len` scores alive, and the upper triangle's blocks never computed.
///
/// # Shapes
/// `q, k, v: [batch, heads, len, head_dim] → [batch, heads, len, head_dim]`
pub fn chunked_attention<B: SsmBackend>(
    q: Tensor<B, 4>,
    k: Tensor<B, 4>,
    v: Tensor<B, 4>,
    chunk: usize,
) -> Tensor<B, 4> {
    let [b, h, len, d] = q.dims();
    let scale = 1.0 / (d as f64).sqrt();
    let mut outs = Vec::new();
    let mut start = 0;
    while start < len {
        let end = (start + chunk).min(len);
        let qb = q.clone().slice(s![.., .., start..end, ..]);
        let kb = k.clone().slice(s![.., .., 0..end, ..]);
        let vb = v.clone().slice(s![.., .., 0..end, ..]);
        let scores = B::matmul_fp32(qb, kb.swap_dims(2, 3)) * scale;
        // Query start + i may see keys 0 ..= start + i.
        let future: Tensor<B, 4, Bool> =
            Tensor::<B, 2, Bool>::tril_mask([end - start, end], start as i64, &scores.device())
                .reshape([1, 1, end - start, end]);
        let probs = activation::softmax(scores.mask_fill(future, f32::NEG_INFINITY), 3);
        mark("attention");
        outs.push(B::matmul_fp32(probs, vb));
        start = end;
    }
    let out = Tensor::cat(outs, 2);
    debug_assert_eq!(out.dims(), [b, h, len, d]);
    out
}

impl<B: SsmBackend> Attention<B> {
    /// # Shapes
    /// `x: [batch, len, d_model] → [batch, len, d_model]`
    pub fn forward(
        &self,
        x: Tensor<B, 3>,
        rope_tables: &(Tensor<B, 2>, Tensor<B, 2>),
        attention: AttentionImpl,
        mut observe: impl FnMut(Tensor<B, 4>),
    ) -> Tensor<B, 3> {
        let [batch, len, d] = x.dims();
        let h = self.n_heads;
        // q, k and v in one product, seen as 3·h heads: [batch, 3·h, len, head_dim] (a view).
        let qkv = self
            .qkv
            .forward(x)
            .reshape([batch, len, 3 * h, d / h])
            .swap_dims(1, 2);
        let (cos, sin) = rope_tables;
        // q and k rotated in one launch, as 2·h heads; each is then a view of the result.
        let qk = B::rope(
            qkv.clone().slice(s![.., 0..2 * h, .., ..]),
            cos.clone(),
            sin.clone(),
        );
        let q = qk.clone().slice(s![.., 0..h, .., ..]);
        let k = qk.slice(s![.., h..2 * h, .., ..]);
        let v = qkv.slice(s![.., 2 * h..3 * h, .., ..]);
        mark("q, k, v, RoPE");
        let fused = match attention {
            AttentionImpl::Fused => B::fused_causal_attention(q.clone(), k.clone(), v.clone()),
            AttentionImpl::Eager => None,
        };
        let out = match fused {
            Some(out) => {
                mark("attention");
                out
            }
            // Marks its own stages (QKᵀ, softmax, PV).
            None => {
                let (out, probs) = eager_attention(q, k, v);
                observe(probs);
                out
            }
        };
        let y = self.o.forward(out.swap_dims(1, 2).reshape([batch, len, d]));
        mark("o_proj");
        y
    }
}

/// The SwiGLU feed-forward: down(SiLU(gate(x)) ⊙ up(x)).
#[derive(Module, Debug)]
pub struct SwiGlu<B: Backend> {
    /// gate_proj and up_proj stacked (weight `[2·d_ff, d_model]`, gate first).
    pub gate_up: Linear<B>,
    pub down: Linear<B>,
}

impl<B: SsmBackend> SwiGlu<B> {
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        let h = B::swiglu(self.gate_up.forward(x));
        mark("gate, up, SiLU");
        let y = self.down.forward(h);
        mark("down");
        y
    }
}

/// One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(·)).
#[derive(Module, Debug)]
pub struct LlamaBlock<B: Backend> {
    pub attn_norm: RmsNorm<B>,
    pub attn: Attention<B>,
    pub mlp_norm: RmsNorm<B>,
    pub mlp: SwiGlu<B>,
}

/// The whole causal LM.
#[derive(Module, Debug)]
pub struct Llama<B: Backend> {
    /// `[vocab, d_model]`
    pub embed: Param<Tensor<B, 2>>,
    pub blocks: Vec<LlamaBlock<B>>,
    pub norm: RmsNorm<B>,
    /// `[vocab, d_model]`, untied from `embed`.
    pub lm_head: Param<Tensor<B, 2>>,
    pub rope_theta: f64,
}

impl<B: SsmBackend> CausalLm<B> for Llama<B> {
    fn embed(&self, ids: Tensor<B, 2, Int>) -> Tensor<B, 3> {
        burn::tensor::module::embedding(self.embed.val(), ids)
    }

    fn forward_embeds(
        &self,
        x: Tensor<B, 3>,
        opts: ForwardOptions,
        observer: &mut dyn AttentionObserver<B>,
    ) -> ForwardOutput<B> {
        let [_, len, d] = x.dims();
        let head_dim = d / self.blocks.first().map_or(1, |b| b.attn.n_heads);
        let tables = rope::tables::<B>(len, head_dim, self.rope_theta, &x.device());
        let mut hidden = Vec::new();
        let embeddings = opts.hidden_states.then(|| x.clone());
        let mut x = x;
        mark("embedding, RoPE tables");
        // Every residual add is followed by an RMSNorm (the next sub-layer's, or the final
        // one), so the two run as one op: `(x, h) = (x + a, norm(x + a))`. The norm before
        // block i's attention, or the final one past the last block:
        let attn_norm = |i: usize| self.blocks.get(i).map_or(&self.norm, |b| &b.attn_norm);
        let mut h = attn_norm(0).forward(x.clone());
        mark("RMSNorm");
        for (i, block) in self.blocks.iter().enumerate() {
            let a = block
                .attn
                .forward(h, &tables, opts.attention, |p| observer.observe(i, p));
            (x, h) = block.mlp_norm.forward_residual(x, a);
            mark("residual, RMSNorm");
            let m = block.mlp.forward(h);
            (x, h) = attn_norm(i + 1).forward_residual(x, m);
            mark("residual, RMSNorm");
            if opts.hidden_states {
                hidden.push(x.clone());
            }
        }
        let x = h;
        let final_normed = opts.hidden_states.then(|| x.clone());
        let logits = self.logits(x, opts.logits);
        mark("LM head");
        ForwardOutput {
            logits,
            embeddings,
            block_outputs: hidden,
            final_normed,
        }
    }

    /// logits = h · W_headᵀ.
    fn head(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        B::matmul_fp32(h, self.lm_head.val().transpose())
    }

    fn parameter_count(&self) -> usize {
        self.num_params()
    }

    fn kind(&self) -> ModelKind {
        ModelKind::Llama
    }
}
