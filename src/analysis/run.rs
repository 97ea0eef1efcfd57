//! `ssmbench analyze`: every representation metric, per model and seed, on the shipped sessions.
//!
//! The unit of work is one (model, seed): forwards over every whole session (hidden-state
//! dynamics; LLaMA's attention statistics; shift scores), then the gradient attribution on
//! each session's first `context_length` tokens. Each unit's rows are written as soon as it
//! ends, and a re-run skips units already in `shift.csv` (the last file a unit writes).

use std::path::Path;

use anyhow::Result;
use burn::module::{AutodiffModule, Module};
use serde::{Serialize, de::DeserializeOwned};

use super::{
    attention::AttentionStats,
    context::{gradient_norms, probe_positions, summarize_probe},
    hidden::{drift_curve, dynamics},
    schema::*,
    shift::{self, Boundaries},
    summary::summarize,
};
use crate::{
    backend::Platform,
    bench::worker::input_ids,
    manifest,
    model::{AttentionImpl, CausalLm, ForwardOptions, LogitsMode, ModelKind},
    pipeline::Inputs,
    profile::Profile,
};

/// All rows of the representation analysis.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    pub hidden: Vec<HiddenRow>,
    pub drift: Vec<DriftPoint>,
    pub attention: Vec<AttentionRow>,
    pub context: Vec<ContextRow>,
    pub shift: Vec<ShiftRow>,
    pub roc: Vec<RocPoint>,
}

fn read_csv<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut r = csv::Reader::from_path(path)?;
    Ok(r.deserialize().collect::<std::result::Result<_, _>>()?)
}

fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    manifest::write_atomic(path, &w.into_inner()?)
}

impl Tables {
    pub fn read(dir: &Path) -> Result<Self> {
        Ok(Self {
            hidden: read_csv(&dir.join("hidden.csv"))?,
            drift: read_csv(&dir.join("drift_curve.csv"))?,
            attention: read_csv(&dir.join("attention.csv"))?,
            context: read_csv(&dir.join("context.csv"))?,
            shift: read_csv(&dir.join("shift.csv"))?,
            roc: read_csv(&dir.join("roc.csv"))?,
        })
    }
    /// Writes every file; `shift.csv` last, as it marks a unit complete.
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_csv(&dir.join("hidden.csv"), &self.hidden)?;
        write_csv(&dir.join("drift_curve.csv"), &self.drift)?;
        write_csv(&dir.join("attention.csv"), &self.attention)?;
        write_csv(&dir.join("context.csv"), &self.context)?;
        write_csv(&dir.join("roc.csv"), &self.roc)?;
        write_csv(&dir.join("shift.csv"), &self.shift)
    }
    fn done(&self, model: ModelKind, seed: u64) -> bool {
        self.shift
            .iter()
            .any(|r| r.model == model.as_str() && r.seed == seed)
    }
}

/// One session's token ids (mapped into the model vocabulary) and annotations.
struct SessionTokens<'a> {
    id: String,
    ids: &'a [i64],
    phases: Vec<Option<crate::data::Phase>>,
    shift_starts: Vec<usize>,
}

fn sessions(inputs: &Inputs, limit: Option<usize>) -> Vec<SessionTokens<'_>> {
    inputs
        .corpus
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let turns: Vec<_> = inputs
                .corpus
                .turns
                .iter()
                .filter(|t| t.session == i)
                .collect();
            let len = limit.map_or(s.end - s.start, |l| l.min(s.end - s.start));
            SessionTokens {
                id: s.id.clone(),
                ids: &inputs.ids[s.start..s.start + len],
                phases: shift::token_phases(&turns, s.start, len),
                shift_starts: turns
                    .iter()
                    .filter(|t| t.shift.is_some() && t.start - s.start < len)
                    .map(|t| t.start - s.start)
                    .collect(),
            }
        })
        .collect()
}

fn host<B: burn::tensor::backend::Backend>(t: burn::tensor::Tensor<B, 3>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .to_vec::<f32>()
        .expect("f32 data")
}

/// Runs (or resumes) the analysis into `dir` (`artifacts/representation`).
pub fn run_analysis<P: Platform>(
    platform: &P,
    profile: &Profile,
    inputs: &Inputs,
    dir: &Path,
    mut progress: impl FnMut(&str),
) -> Result<Tables> {
    let mut tables = Tables::read(dir)?;
    let sess = sessions(inputs, profile.analysis.session_limit);
    let a = &profile.analysis;
    let protocol_w = format!("windows{}", a.shift_window);
    for &seed in &a.seeds {
        for model in [ModelKind::Mamba, ModelKind::Llama] {
            if tables.done(model, seed) {
                progress(&format!("{model} seed {seed}: already done"));
                continue;
            }
            let started = std::time::Instant::now();
            let (ad, lm) = build_pair(platform, profile, model, seed);
            let mut seg = Boundaries::default();
            let mut win = Boundaries::default();
            for s in &sess {
                let mut stats = AttentionStats::default();
                let opts = ForwardOptions {
                    logits: LogitsMode::None,
                    hidden_states: true,
                    attention: AttentionImpl::Eager,
                };
                let out = lm.forward_embeds(
                    lm.embed(input_ids(platform, s.ids, s.ids.len())),
                    opts,
                    &mut stats,
                );
                let d = out.block_outputs.first().map_or(0, |h| h.dims()[2]);
                let layers = out.block_outputs.len();
                for (l, h) in out.block_outputs.into_iter().enumerate() {
                    let h = host(h);
                    let dy = dynamics(&h, d, a.stability_window);
                    tables.hidden.push(HiddenRow {
                        model: model.as_str().into(),
                        seed,
                        session: s.id.clone(),
                        layer: l + 1,
                        tokens: dy.tokens,
                        velocity_mean: dy.velocity_mean,
                        velocity_max: dy.velocity_max,
                        drift_final: dy.drift_final,
                        drift_exponent: dy.drift_exponent,
                        stability: dy.stability,
                        final_norm: dy.final_norm,
                    });
                    if l + 1 == layers {
                        let curve = drift_curve(&h, d);
                        let step = (curve.len() / 64).max(1);
                        tables.drift.extend(
                            curve
                                .iter()
                                .enumerate()
                                .filter(|(t, _)| t % step == 0 || *t + 1 == curve.len())
                                .map(|(t, &v)| DriftPoint {
                                    model: model.as_str().into(),
                                    seed,
                                    session: s.id.clone(),
                                    layer: l + 1,
                                    t,
                                    drift: v,
                                }),
                        );
                    }
                }
                for (l, st) in stats.layers.iter().enumerate() {
                    tables
                        .attention
                        .push(attention_row(seed, &s.id, l + 1, s.ids.len(), st));
                }
                // The paper's final layer: what HF returns last, after the final norm.
                let last = host(out.final_normed.expect("hidden states were asked for"));
                seg.extend(shift::segments4(&last, d, &s.phases));
                win.extend(shift::windowed(&last, d, a.shift_window, &s.shift_starts));
            }
            for (protocol, b) in [("segments4", &seg), (protocol_w.as_str(), &win)] {
                let m = shift::metrics(b);
                if let Some(c) = &m.curve {
                    tables
                        .roc
                        .extend(c.fpr.iter().zip(&c.tpr).map(|(&fpr, &tpr)| RocPoint {
                            model: model.as_str().into(),
                            protocol: protocol.into(),
                            seed,
                            fpr,
                            tpr,
                        }));
                }
                tables
                    .shift
                    .push(shift_row(model.as_str(), protocol, seed, &m));
            }
            context_unit::<P>(
                platform,
                profile,
                &sess,
                model,
                seed,
                ad.as_ref(),
                lm.as_ref(),
                &mut tables,
            )?;
            drop((ad, lm));
            // shift.csv is written last and marks this unit complete.
            tables.write(dir)?;
            progress(&format!(
                "{model} seed {seed}: {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
    }
    tables.shift.retain(|r| r.model != "random");
    tables.shift.extend(random_baseline(&tables, profile));
    tables.write(dir)?;
    let summary = summarize(
        &tables,
        profile,
        inputs,
        &platform.info().backend,
        &platform.info().name,
    );
    manifest::write_json(&dir.join("summary.json"), &summary)?;
    Ok(tables)
}

fn attention_row(
    seed: u64,
    session: &str,
    layer: usize,
    tokens: usize,
    st: &super::attention::LayerAttention,
) -> AttentionRow {
    AttentionRow {
        seed,
        session: session.into(),
        layer,
        tokens,
        entropy: st.entropy,
        distance: st.distance,
        top5: st.top5,
        span_mean: st.span_mean,
        span_max: st.span_max,
        span_sd: st.span_sd,
        span_fraction: st.span_fraction,
        span_undefined: st.span_undefined,
    }
}

fn shift_row(model: &str, protocol: &str, seed: u64, m: &shift::ShiftMetrics) -> ShiftRow {
    ShiftRow {
        model: model.into(),
        protocol: protocol.into(),
        seed,
        boundaries: m.boundaries,
        positives: m.positives,
        auc: m.auc,
        f1_default: m.f1_default,
        f1_optimal: m.f1_optimal,
        optimal_threshold: m.optimal_threshold,
        tpr_at_fpr_01: m.tpr_at_fpr_01,
    }
}

/// Gradient attribution (both models) and LLaMA's attention span on each session's prefix.
/// The model for `seed` on the autodiff backend with frozen parameters (only the input
/// embeddings are differentiated), and the same weights on the plain backend (`valid()`
/// shares the device buffers) for the forward-only analyses: drawn once per unit.
type Pair<P> = (
    Box<dyn CausalLm<<P as Platform>::AD>>,
    Box<dyn CausalLm<<P as Platform>::B>>,
);

fn build_pair<P: Platform>(
    platform: &P,
    profile: &Profile,
    model: ModelKind,
    seed: u64,
) -> Pair<P> {
    let device = platform.ad_device();
    match model {
        ModelKind::Llama => {
            let ad = profile.llama.init::<P::AD>(seed, &device).no_grad();
            let fwd = ad.valid();
            (Box::new(ad), Box::new(fwd))
        }
        ModelKind::Mamba => {
            let ad = profile.mamba.init::<P::AD>(seed, &device).no_grad();
            let fwd = ad.valid();
            (Box::new(ad), Box::new(fwd))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn context_unit<P: Platform>(
    platform: &P,
    profile: &Profile,
    sess: &[SessionTokens<'_>],
    model: ModelKind,
    seed: u64,
    lm: &dyn CausalLm<P::AD>,
    fwd: &dyn CausalLm<P::B>,
    tables: &mut Tables,
) -> Result<()> {
    let a = &profile.analysis;
    let ad_device = platform.ad_device();
    for s in sess {
        let n = a.context_length.min(s.ids.len());
        let ids = &s.ids[..n];
        let probes = probe_positions(n, a.probes);
        let norms = gradient_norms::<P::AD>(lm, ids, &probes, &ad_device);
        for (i, (g, &p)) in norms.iter().zip(&probes).enumerate() {
            let c = summarize_probe(g, p);
            tables.context.push(ContextRow {
                model: model.as_str().into(),
                method: "gradient".into(),
                seed,
                session: s.id.clone(),
                probe: i,
                position: p,
                effective_tokens: c.effective_tokens as f64,
                effective_range: c.effective_range as f64,
                fraction_of_visible: c.effective_tokens as f64 / (p + 1) as f64,
                fraction_of_sequence: c.effective_tokens as f64 / n as f64,
                sequence_length: n,
                future_leak: c.future_leak,
                span_cov: f64::NAN,
            });
        }
    }
    if model == ModelKind::Llama {
        // The paper's way for the Transformer: attention spans on the same prefixes.
        let lm = fwd;
        for s in sess {
            let n = a.context_length.min(s.ids.len());
            let mut stats = AttentionStats::default();
            let opts = ForwardOptions {
                logits: LogitsMode::None,
                hidden_states: false,
                attention: AttentionImpl::Eager,
            };
            let _ = lm.forward_embeds(
                lm.embed(input_ids(platform, &s.ids[..n], n)),
                opts,
                &mut stats,
            );
            let k = stats.layers.len().max(1) as f64;
            let mean = |f: fn(&super::attention::LayerAttention) -> f64| {
                stats.layers.iter().map(f).sum::<f64>() / k
            };
            let span = mean(|l| l.span_mean);
            tables.context.push(ContextRow {
                model: model.as_str().into(),
                method: "attention-span".into(),
                seed,
                session: s.id.clone(),
                probe: 0,
                position: n,
                effective_tokens: span,
                effective_range: span,
                fraction_of_visible: mean(|l| l.span_fraction),
                fraction_of_sequence: span / n as f64,
                sequence_length: n,
                future_leak: f64::NAN,
                span_cov: mean(|l| l.span_sd / l.span_mean),
            });
        }
    }
    Ok(())
}

/// Random scores on the same boundaries: the chance level each metric should be read against.
/// 200 draws from a fixed stream; each draw is one row (`seed` = draw index).
fn random_baseline(tables: &Tables, profile: &Profile) -> Vec<ShiftRow> {
    use rand_chacha::rand_core::RngCore;
    let mut out = Vec::new();
    let Some(&seed0) = profile.analysis.seeds.first() else {
        return out;
    };
    let protocol_w = format!("windows{}", profile.analysis.shift_window);
    for protocol in ["segments4", protocol_w.as_str()] {
        // Labels do not depend on the model; take one unit's by recomputing from its ROC count.
        let Some(reference) = tables
            .shift
            .iter()
            .find(|r| r.model != "random" && r.protocol == protocol && r.seed == seed0)
        else {
            continue;
        };
        let (n, pos) = (reference.boundaries, reference.positives);
        let labels: Vec<bool> = (0..n).map(|i| i < pos).collect();
        let mut rng = crate::model::init::param_rng(0, &format!("shift-random-{protocol}"));
        for draw in 0..200u64 {
            let scores: Vec<f64> = (0..n)
                .map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
                .collect();
            let m = shift::metrics(&Boundaries {
                scores,
                labels: labels.clone(),
            });
            out.push(shift_row("random", protocol, draw, &m));
        }
    }
    out
}
