//! Mamba (Gu & Dao, 2023) as Hugging Face's `MambaForCausalLM`, paper §4.2: 8 layers,
//! d_model 512, d_state 16, expand 2 (d_inner 1024), conv kernel 4, dt_rank ⌈512/16⌉ = 32,
//! conv bias, no in/out projection bias, RMSNorm (ε = 1e-5), LM head tied to the embedding,
//! vocab 32,000. 29,946,368 parameters.
//!
//! config → [`Mamba`] → [`MambaBlock`] → [`Mixer`] → the selective scan ([`scan`]).
//!
//! Initialisation follows Hugging Face's `MambaPreTrainedModel._init_weights` (transformers
//! 5.17): A = −[1 … d_state] per channel (stored as `A_log`), D = 1, Δ's bias the inverse
//! softplus of Δ drawn log-uniformly in [Δ_min, Δ_max] and floored, Δ's weight
//! U(±dt_rank^−½), the convolution's weight kaiming-uniform (U(±1/√K)) and its bias 0,
//! `out_proj` kaiming-uniform (U(±1/√d_inner), no depth rescaling), the embedding (hence the
//! tied head) and `in_proj`/`x_proj` N(0, σ²) with σ = `initializer_range` = 0.1.

pub mod scan;

use burn::{
    config::Config,
    module::{Module, Param},
    tensor::{Int, Tensor, TensorData, backend::Backend, s},
};

use super::{
    AttentionObserver, CausalLm, ForwardOptions, ForwardOutput, ModelKind,
    init::{self, Init},
    layers::{Linear, RmsNorm},
};
use crate::backend::{SsmBackend, mark};
use scan::ScanInputs;

/// The paper's Mamba configuration (the defaults) and the knobs tests shrink.
#[derive(Config, Debug, PartialEq)]
pub struct MambaConfig {
    #[config(default = 32000)]
    pub vocab_size: usize,
    #[config(default = 512)]
    pub d_model: usize,
    #[config(default = 8)]
    pub n_layers: usize,
    #[config(default = 16)]
    pub d_state: usize,
    #[config(default = 2)]
    pub expand: usize,
    #[config(default = 4)]
    pub d_conv: usize,
    #[config(default = 1e-5)]
    pub rms_eps: f64,
    /// σ of the embedding and of the in/x projections (HF `MambaConfig.initializer_range`).
    #[config(default = 0.1)]
    pub init_std: f64,
    #[config(default = 0.001)]
    pub dt_min: f64,
    #[config(default = 0.1)]
    pub dt_max: f64,
    #[config(default = 1e-4)]
    pub dt_floor: f64,
}

impl MambaConfig {
    pub fn d_inner(&self) -> usize {
        self.expand * self.d_model
    }
    /// ⌈d_model / 16⌉, Mamba's default rank of Δ's projection.
    pub fn dt_rank(&self) -> usize {
        self.d_model.div_ceil(16)
    }

    /// Draws the model for `seed` on `device` (see [`init`]).
    pub fn init<B: Backend>(&self, seed: u64, device: &B::Device) -> Mamba<B> {
        let (d, di, ds, r, k) = (
            self.d_model,
            self.d_inner(),
            self.d_state,
            self.dt_rank(),
            self.d_conv,
        );
        let normal = Init::Normal { std: self.init_std };
        let blocks = (0..self.n_layers)
            .map(|i| {
                let p = format!("backbone.layers.{i}");
                let m = format!("{p}.mixer");
                let conv_bound = 1.0 / (k as f64).sqrt(); // fan_in = (channels / groups) · K = K
                let dt_std = (r as f64).powf(-0.5);
                let out_bound = 1.0 / (di as f64).sqrt(); // kaiming_uniform(a = √5): √(1/3)·√(3/fan_in)
                MambaBlock {
                    norm: RmsNorm::new(seed, &format!("{p}.norm"), d, self.rms_eps, device),
                    mixer: Mixer {
                        in_proj: Linear::new(
                            seed,
                            &format!("{m}.in_proj"),
                            d,
                            2 * di,
                            normal,
                            device,
                        ),
                        conv_weight: init::param(
                            seed,
                            &format!("{m}.conv1d.weight"),
                            [di, k],
                            Init::Uniform {
                                lo: -conv_bound,
                                hi: conv_bound,
                            },
                            device,
                        ),
                        conv_bias: init::param(
                            seed,
                            &format!("{m}.conv1d.bias"),
                            [di],
                            Init::Constant(0.0),
                            device,
                        ),
                        x_proj: Linear::new(
                            seed,
                            &format!("{m}.x_proj"),
                            di,
                            r + 2 * ds,
                            normal,
                            device,
                        ),
                        dt_proj: Linear::new(
                            seed,
                            &format!("{m}.dt_proj"),
                            r,
                            di,
                            Init::Uniform {
                                lo: -dt_std,
                                hi: dt_std,
                            },
                            device,
                        ),
                        dt_bias: Param::from_tensor(Tensor::from_data(
                            TensorData::new(self.dt_bias(seed, &m), [di]),
                            device,
                        )),
                        a_log: Param::from_tensor(Tensor::from_data(
                            TensorData::new(a_log(di, ds), [di, ds]),
                            device,
                        )),
                        d: init::param(seed, &format!("{m}.D"), [di], Init::Constant(1.0), device),
                        out_proj: Linear::new(
                            seed,
                            &format!("{m}.out_proj"),
                            di,
                            d,
                            Init::Uniform {
                                lo: -out_bound,
                                hi: out_bound,
                            },
                            device,
                        ),
                        dt_rank: r,
                        d_state: ds,
                    },
                }
            })
            .collect();
        Mamba {
            embed: init::param(
                seed,
                "backbone.embeddings.weight",
                [self.vocab_size, d],
                normal,
                device,
            ),
            blocks,
            norm: RmsNorm::new(seed, "backbone.norm_f", d, self.rms_eps, device),
        }
    }

    /// Δ's bias: Δ ~ exp(U(ln Δ_min, ln Δ_max)) floored at Δ_floor, stored as softplus⁻¹(Δ) =
    /// Δ + ln(−expm1(−Δ)), so that softplus(bias) starts at Δ.
    fn dt_bias(&self, seed: u64, mixer: &str) -> Vec<f32> {
        let u = init::draw(
            seed,
            &format!("{mixer}.dt_proj.bias"),
            self.d_inner(),
            Init::Uniform { lo: 0.0, hi: 1.0 },
        );
        let (lo, hi) = (self.dt_min.ln(), self.dt_max.ln());
        u.into_iter()
            .map(|u| {
                let dt = (lo + u as f64 * (hi - lo)).exp().max(self.dt_floor);
                (dt + (-(-dt).exp_m1()).ln()) as f32
            })
            .collect()
    }
}

/// A_log = ln([1, 2, …, d_state]) for every channel (S4D-real initialisation).
fn a_log(d_inner: usize, d_state: usize) -> Vec<f32> {
    (0..d_inner)
        .flat_map(|_| (1..=d_state).map(|n| (n as f32).ln()))
        .collect()
}

/// The Mamba mixer: in-projection, causal conv, selective scan, gated out-projection.
#[derive(Module, Debug)]
pub struct Mixer<B: Backend> {
    /// `d_model → 2·d_inner`: the scan branch x and the gate z.
    pub in_proj: Linear<B>,
    /// `[d_inner, d_conv]`, depthwise.
    pub conv_weight: Param<Tensor<B, 2>>,
    /// `[d_inner]`
    pub conv_bias: Param<Tensor<B, 1>>,
    /// `d_inner → dt_rank + 2·d_state`: Δ (low rank), B, C — the input-dependent "selection".
    pub x_proj: Linear<B>,
    /// `dt_rank → d_inner`, its bias kept apart (`dt_bias`) so the scan kernel can fuse it.
    pub dt_proj: Linear<B>,
    /// `[d_inner]`
    pub dt_bias: Param<Tensor<B, 1>>,
    /// `[d_inner, d_state]`, A = −exp(A_log).
    pub a_log: Param<Tensor<B, 2>>,
    /// `[d_inner]`, the skip D.
    pub d: Param<Tensor<B, 1>>,
    /// `d_inner → d_model`
    pub out_proj: Linear<B>,
    pub dt_rank: usize,
    pub d_state: usize,
}

impl<B: SsmBackend> Mixer<B> {
    /// # Shapes
    /// `x: [batch, len, d_model] → [batch, len, d_model]`
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        let xz = self.in_proj.forward(x);
        mark("in_proj");
        let di = xz.dims()[2] / 2;
        let u = xz.clone().slice(s![.., .., 0..di]);
        let z = xz.slice(s![.., .., di..]);
        let u = B::causal_conv1d_silu(u, self.conv_weight.val(), self.conv_bias.val());
        mark("conv1d, SiLU");
        let sel = self.x_proj.forward(u.clone());
        let (r, n) = (self.dt_rank, self.d_state);
        let b = B::column_view(sel.clone(), r..r + n);
        let c = B::column_view(sel.clone(), r + n..r + 2 * n);
        mark("x_proj");
        // `dt_proj` (Δ_raw = low · Wᵀ, its bias applied in the scan) and A = −exp(A_log) are
        // formed inside the scan where the backend fuses them.
        let out = B::selective_scan_mamba(
            ScanInputs {
                u,
                delta: B::column_view(sel, 0..r),
                delta_bias: self.dt_bias.val(),
                a: self.a_log.val(),
                b,
                c,
                d: self.d.val(),
                z,
            },
            self.dt_proj.weight.val(),
        );
        mark("dt_proj, selective scan");
        let y = self.out_proj.forward(out.y);
        mark("out_proj");
        y
    }
}

/// One pre-norm residual block: x + mixer(norm(x)).
#[derive(Module, Debug)]
pub struct MambaBlock<B: Backend> {
    pub norm: RmsNorm<B>,
    pub mixer: Mixer<B>,
}

/// The whole causal LM; the LM head is the embedding matrix (tied).
#[derive(Module, Debug)]
pub struct Mamba<B: Backend> {
    /// `[vocab, d_model]`
    pub embed: Param<Tensor<B, 2>>,
    pub blocks: Vec<MambaBlock<B>>,
    pub norm: RmsNorm<B>,
}

impl<B: SsmBackend> CausalLm<B> for Mamba<B> {
    fn embed(&self, ids: Tensor<B, 2, Int>) -> Tensor<B, 3> {
        burn::tensor::module::embedding(self.embed.val(), ids)
    }

    fn forward_embeds(
        &self,
        x: Tensor<B, 3>,
        opts: ForwardOptions,
        _observer: &mut dyn AttentionObserver<B>,
    ) -> ForwardOutput<B> {
        let mut hidden = Vec::new();
        let embeddings = opts.hidden_states.then(|| x.clone());
        mark("embedding");
        // Every residual add is followed by an RMSNorm (the next block's, or the final one),
        // so the two run as one op: `(x, h) = (x + mixer(h), norm(x + mixer(h)))`. The norm
        // before block i, or the final one past the last block:
        let norm = |i: usize| self.blocks.get(i).map_or(&self.norm, |b| &b.norm);
        let mut h = norm(0).forward(x.clone());
        mark("RMSNorm");
        let mut x = x;
        for (i, block) in self.blocks.iter().enumerate() {
            let m = block.mixer.forward(h);
            (x, h) = norm(i + 1).forward_residual(x, m);
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

    /// Tied head: logits = h · Eᵀ.
    fn head(&self, h: Tensor<B, 2>) -> Tensor<B, 2> {
        B::matmul_fp32(h, self.embed.val().transpose())
    }

    fn parameter_count(&self) -> usize {
        self.num_params()
    }

    fn kind(&self) -> ModelKind {
        ModelKind::Mamba
    }
}
