//! The Performance chapter's comparison of ssmbench's FP32 matmul kernels with cuBLAS on the
//! models' own weight products at N = 8,192: the self-check's times (`selftest/selftest.csv`)
//! of ssmbench's own tuned kernels and of the tuner's choice once cuBLAS's SGEMM is among the
//! candidates (what the models run), beside PyTorch's `torch.mm` with TF32 off
//! (`peers/gemm_bench.csv`, written by `peers/gemm_bench.py` on the same GPU), and what the
//! products of one forward add up to on each; beside them, the self-check's timings of the same
//! products on tensor cores (Burn's own matmul, TF32; and 3×TF32), which the models never use.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::Records;
use crate::{
    bench::{
        flops::{Dims, HEAD, weight_products},
        selftest_matmul::{
            BURN_MODEL, SAMPLED_QUANTITY, TF32X3_MODEL, TUNED_MODEL, TUNED_MODEL_RHS_T,
        },
    },
    model::ModelKind,
};

/// The number of rows (tokens) of the timed products: the self-check's and the peer script's.
pub const N: usize = 8192;

/// One problem shape, both stacks.
#[derive(Clone, Debug, Serialize)]
pub struct GemmRow {
    /// The products of the two models with this shape ("LLaMA gate/up, Mamba in_proj").
    pub roles: String,
    pub m: usize,
    pub k: usize,
    pub n: usize,
    /// Whether the weight is stored `[out, in]` (the models' layout) or `[in, out]`.
    pub out_in: bool,
    pub ours_ms: f64,
    pub ours_tflops: f64,
    pub cublas_ms: Option<f64>,
    pub cublas_tflops: Option<f64>,
    /// ssmbench ÷ cuBLAS time (above 1: cuBLAS is faster).
    pub ratio: Option<f64>,
    /// ssmbench's relative error over the sampled entries (against f64).
    pub ours_err: Option<f64>,
    /// The tuner's choice among ssmbench's kernels and cuBLAS's SGEMM (what the models run),
    /// where the self-check timed it (runs before cuBLAS was a candidate did not).
    pub used: Option<Timed>,
    /// Burn's own matmul (tensor cores, TF32) on the same product: time, error.
    pub tf32: Option<Timed>,
    /// The 3×TF32 product on Burn's matmul: time, error.
    pub tf32x3: Option<Timed>,
}

/// A self-check timing of a product and its relative error against f64.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Timed {
    pub ms: f64,
    pub tflops: f64,
    pub rel_err: f64,
}

/// The weight products of one forward at the self-check's N, summed.
#[derive(Clone, Debug, Serialize)]
pub struct GemmTotal {
    pub model: String,
    pub ours_ms: f64,
    /// The products summed at the tuner's choice (what the models run), where timed.
    pub used_ms: Option<f64>,
    pub cublas_ms: Option<f64>,
    /// The fastest path's median forward at the same N, from the benchmark rows.
    pub forward_ms: Option<f64>,
    /// That forward with its weight products at PyTorch's cuBLAS times instead of the ones it
    /// ran: an estimate (the rest of the forward as measured, plus those products).
    pub forward_at_cublas_ms: Option<f64>,
    /// The products summed on Burn's matmul (TF32) and on 3×TF32, and the forward estimated
    /// with them in the same way.
    pub tf32_ms: Option<f64>,
    pub forward_at_tf32_ms: Option<f64>,
    pub tf32x3_ms: Option<f64>,
    pub forward_at_tf32x3_ms: Option<f64>,
    /// The largest relative error of the forward's products: ssmbench's, TF32's, 3×TF32's.
    pub ours_max_err: Option<f64>,
    pub tf32_max_err: Option<f64>,
    pub tf32x3_max_err: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct GemmView {
    pub rows: Vec<GemmRow>,
    pub totals: Vec<GemmTotal>,
    /// The cuBLAS rows' device and software, as recorded.
    pub cublas_device: String,
    pub cublas_software: String,
}

fn field<T: std::str::FromStr>(r: &BTreeMap<String, String>, key: &str) -> Option<T> {
    r.get(key)?.trim().parse().ok()
}

/// The products of both models with a `k × n` weight ("LLaMA gate/up, Mamba in_proj").
fn roles(models: &[(ModelKind, Dims)], k: usize, n: usize) -> String {
    let mut roles: Vec<String> = Vec::new();
    for (model, d) in models {
        for p in weight_products(*model, d) {
            let role = if p.role == HEAD {
                "LM head".to_string()
            } else {
                format!("{} {}", super::format::model_name(model.as_str()), p.role)
            };
            if p.k == k && p.cols == n && !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    roles.join(", ")
}

/// cuBLAS's median time for `(m, k, n)` with the weight stored `[out, in]` or not, if timed.
fn cublas_time(cublas: &Records, (m, k, n): (usize, usize, usize), out_in: bool) -> Option<f64> {
    let rhs = if out_in { "out_in" } else { "in_out" };
    cublas
        .iter()
        .find(|c| {
            field::<usize>(c, "m") == Some(m)
                && field::<usize>(c, "k") == Some(k)
                && field::<usize>(c, "n") == Some(n)
                && c.get("rhs").map(String::as_str) == Some(rhs)
        })
        .and_then(|c| field::<f64>(c, "median_ms"))
}

/// A self-check row of a model-shape product: its variant, `(m, k, n)` (the row records m as
/// `n`, the product's columns as `channels` and k in the quantity) and median ms; `None` for
/// any other row.
fn model_product(r: &BTreeMap<String, String>) -> Option<(&str, (usize, usize, usize), f64)> {
    if r.get("check").map(String::as_str) != Some("matmul") {
        return None;
    }
    let k = r
        .get("quantity")?
        .strip_prefix(SAMPLED_QUANTITY)?
        .parse()
        .ok()?;
    Some((
        r.get("variant")?.as_str(),
        (field(r, "n")?, k, field(r, "channels")?),
        field(r, "fast_ms")?,
    ))
}

/// The self-check's row of `variant` for `(m, k, n)`, as (median ms, relative error).
fn selftest_time(
    selftest: &Records,
    variant: &str,
    shape: (usize, usize, usize),
) -> Option<(f64, f64)> {
    selftest.iter().find_map(|r| match model_product(r)? {
        (v, s, ms) if v == variant && s == shape => Some((ms, field(r, "rel_err")?)),
        _ => None,
    })
}

/// Sum of `f` over one forward's products (`None` if any is missing) and their largest error.
fn forward_sum(
    rows: &[GemmRow],
    model: ModelKind,
    d: &Dims,
    f: impl Fn(&GemmRow) -> Option<(f64, Option<f64>)>,
) -> Option<(f64, Option<f64>)> {
    let mut total = 0.0;
    let mut worst: Option<f64> = None;
    for p in weight_products(model, d) {
        let row = rows
            .iter()
            .find(|r| r.out_in && r.m == N && r.k == p.k && r.n == p.cols)?;
        let (ms, err) = f(row)?;
        total += ms * p.count as f64;
        if let Some(e) = err {
            worst = Some(worst.map_or(e, |w| w.max(e)));
        }
    }
    Some((total, worst))
}

/// Joins the self-check's model-shape rows with the cuBLAS rows; empty without the former.
/// `forward_ms` gives each model's fastest median forward at the self-check's N, where
/// measured.
pub fn view(selftest: &Records, cublas: &Records, forward_ms: &[(ModelKind, f64)]) -> GemmView {
    let models = [
        (ModelKind::Llama, Dims::PAPER_LLAMA),
        (ModelKind::Mamba, Dims::PAPER_MAMBA),
    ];
    let mut rows = Vec::new();
    for r in selftest {
        let Some((variant, (m, k, n), ours_ms)) = model_product(r) else {
            continue;
        };
        let out_in = match variant {
            "fp32-model-rhsT" => true,
            "fp32-model" => false,
            _ => continue,
        };
        let cublas_ms = cublas_time(cublas, (m, k, n), out_in);
        let tflops = |ms: f64| 2.0 * (m * k * n) as f64 / (ms * 1e-3) / 1e12;
        let timed_any_layout = |variant: &str| {
            selftest_time(selftest, variant, (m, k, n)).map(|(ms, rel_err)| Timed {
                ms,
                tflops: tflops(ms),
                rel_err,
            })
        };
        let used = timed_any_layout(if out_in {
            TUNED_MODEL_RHS_T
        } else {
            TUNED_MODEL
        });
        // The tensor-core rows were timed in the models' layout only.
        let timed = |variant: &str| timed_any_layout(variant).filter(|_| out_in);
        rows.push(GemmRow {
            roles: roles(&models, k, n),
            m,
            k,
            n,
            out_in,
            ours_ms,
            ours_tflops: tflops(ours_ms),
            cublas_ms,
            cublas_tflops: cublas_ms.map(tflops),
            ratio: cublas_ms.map(|c| ours_ms / c),
            ours_err: field(r, "rel_err"),
            used,
            tf32: timed(BURN_MODEL),
            tf32x3: timed(TF32X3_MODEL),
        });
    }
    // One forward's products, in the layout the models use.
    let totals = models
        .iter()
        .filter_map(|(model, d)| {
            let (ours, ours_max_err) =
                forward_sum(&rows, *model, d, |r| Some((r.ours_ms, r.ours_err)))?;
            let used = forward_sum(&rows, *model, d, |r| r.used.map(|t| (t.ms, None)));
            let theirs = forward_sum(&rows, *model, d, |r| r.cublas_ms.map(|c| (c, None)));
            let tf32 = forward_sum(&rows, *model, d, |r| {
                r.tf32.map(|t| (t.ms, Some(t.rel_err)))
            });
            let tf32x3 = forward_sum(&rows, *model, d, |r| {
                r.tf32x3.map(|t| (t.ms, Some(t.rel_err)))
            });
            let forward = forward_ms
                .iter()
                .find(|(m, _)| m == model)
                .map(|(_, ms)| *ms);
            // The forward with its products swapped: the rest as measured, plus the others'.
            // The forward ran the tuner's choices (ssmbench's own kernels in runs that timed
            // no choice separately, before cuBLAS was a candidate).
            let ran = used.map_or(ours, |u| u.0);
            let swapped = |other: Option<(f64, Option<f64>)>| {
                forward.zip(other).map(|(f, (o, _))| f - ran + o)
            };
            Some(GemmTotal {
                model: super::format::model_name(model.as_str()),
                ours_ms: ours,
                used_ms: used.map(|t| t.0),
                cublas_ms: theirs.map(|t| t.0),
                forward_ms: forward,
                forward_at_cublas_ms: swapped(theirs),
                tf32_ms: tf32.map(|t| t.0),
                forward_at_tf32_ms: swapped(tf32),
                tf32x3_ms: tf32x3.map(|t| t.0),
                forward_at_tf32x3_ms: swapped(tf32x3),
                ours_max_err,
                tf32_max_err: tf32.and_then(|t| t.1),
                tf32x3_max_err: tf32x3.and_then(|t| t.1),
            })
        })
        .collect();
    let first = cublas.first();
    let text = |key: &str| first.and_then(|c| c.get(key)).cloned().unwrap_or_default();
    GemmView {
        rows,
        totals,
        cublas_device: text("device"),
        cublas_software: text("software"),
    }
}
