//! `ssmbench selftest`: every fast path against its reference, on fresh random inputs.
//!
//! Run on the device, this is the kernels' test suite (CI has no GPU); on the CPU backend the
//! fast paths *are* the references, so it only exercises the harness. Each check reports the
//! relative error ‖fast − ref‖₂ / ‖ref‖₂ against a tolerance per quantity (FP32 throughout):
//!
//! | quantity | tolerance | why |
//! |---|---|---|
//! | forward outputs, final states | 1e-5 | FP32 rounding over ≤ 8,192 sequential steps |
//! | gradients | 1e-4 | the backward re-associates sums over time and channels |
//! | FP32 matmul vs f64 | 1e-5 | exact-FP32 kernels land near 1e-7; TF32 near 1e-4 |

use anyhow::Result;
use burn::tensor::{Tensor, TensorData, backend::Backend, s};
use serde::{Deserialize, Serialize};

use super::timing::time_ms;
use crate::{
    backend::{Platform, SsmBackend},
    model::{
        init::{self, Init},
        mamba::scan::{
            ScanInputs, causal_conv1d_silu_reference, scan_reference, scan_reference_backward,
        },
    },
};

/// One comparison.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Check {
    pub check: String,
    pub variant: String,
    pub n: usize,
    pub channels: usize,
    pub quantity: String,
    pub rel_err: f64,
    pub max_abs_err: f64,
    pub tol: f64,
    pub pass: bool,
    pub fast_ms: f64,
    pub reference_ms: f64,
    /// Whether ssmbench's results use this path (the others are measured for comparison, e.g.
    /// Burn's own TF32 matmul and attention kernels); only these decide the exit status.
    pub in_use: bool,
}

impl Check {
    /// A timing row: `ms`, the median of a fast path's synchronised calls, with no reference to
    /// compare (errors NaN, always passing).
    pub fn timing(
        check: &str,
        variant: &str,
        (n, channels): (usize, usize),
        ms: f64,
        in_use: bool,
    ) -> Self {
        Self {
            check: check.into(),
            variant: variant.into(),
            n,
            channels,
            quantity: "median_ms".into(),
            rel_err: f64::NAN,
            max_abs_err: f64::NAN,
            tol: f64::NAN,
            pass: true,
            fast_ms: ms,
            reference_ms: f64::NAN,
            in_use,
        }
    }
}

/// Variants measured for comparison only (see [`Check::in_use`]).
pub const COMPARISON_ONLY: &[&str] = &[
    "burn-default",
    super::selftest_matmul::BURN_MODEL,
    super::selftest_matmul::TF32X3_MODEL,
    // ssmbench's own kernels alone; the models run the tuner's choice (`*-tuned`), which may
    // be cuBLAS. `fp32-model-tuned` is the [in, out] layout, which the models never use.
    "fp32-model",
    "fp32-model-rhsT",
    super::selftest_matmul::TUNED_MODEL,
    "chunked",
    "burn-flash-unit",
    "flash-ssmbench-rowwise",
    "flash-ssmbench-wide",
];

/// What to run: lengths and channel counts.
#[derive(Clone, Debug)]
pub struct SelftestPlan {
    pub scan_lengths: Vec<usize>,
    pub scan_channels: Vec<usize>,
    pub grad_lengths: Vec<usize>,
    pub attention_lengths: Vec<usize>,
    /// Lengths at which every scan variant is timed (d_inner 1,024, median of 10).
    pub timing_lengths: Vec<usize>,
    /// The models' own matmul problems `(m, k, n, rhs stored transposed)`, checked on sampled
    /// entries against f64 and timed: where the FP32 floor is decided.
    pub model_matmuls: Vec<(usize, usize, usize, bool)>,
    /// `(heads, len)` of a materialised attention whose scores pass `u32::MAX` elements (the
    /// 64-bit-index paths), if any.
    pub wide_attention: Option<(usize, usize)>,
    /// Groups of checks to run (`matmul`, `scan`, `layers`, `backward`, `attention`, `wide`);
    /// empty: all.
    pub only: Vec<String>,
    pub seed: u64,
}

/// The group names [`SelftestPlan::only`] accepts.
pub const GROUPS: &[&str] = &["matmul", "scan", "layers", "backward", "attention", "wide"];

impl SelftestPlan {
    /// The plan: N = 1, 7, 64, 1000, 4096 and several channel counts.
    pub fn full() -> Self {
        Self {
            scan_lengths: vec![1, 7, 64, 1000, 4096],
            scan_channels: vec![64, 1024],
            grad_lengths: vec![1, 7, 64, 1000],
            // 16,384: the materialised scores hold exactly 2³¹ elements there.
            attention_lengths: vec![1, 7, 64, 1000, 4096, 16_384],
            timing_lengths: vec![8192, 65_536],
            // At N = 8,192, every product of both models, each weight stored `[out, in]` as the
            // models store it: LLaMA's q/k/v, o, gate/up and down; Mamba's in_proj (= gate/up's
            // shape), x_proj, dt_proj and out_proj (= down's); the head (Eᵀ). The head's shape
            // once more with the weight stored `[in, out]`, the layout the models used before,
            // for comparison.
            model_matmuls: vec![
                (8192, 512, 1536, true),
                (8192, 512, 512, true),
                (8192, 512, 2048, true),
                (8192, 1024, 512, true),
                (8192, 1024, 64, true),
                (8192, 32, 1024, true),
                (8192, 512, 32_000, true),
                (8192, 512, 32_000, false),
            ],
            // LLaMA's 8 heads at 32,768: 8.6 × 10⁹ scores, offsets past 2³² from the fifth
            // head on. (Power-of-two sizes: cubecl 0.10's 64-bit fast division overflows for
            // other divisors; see the methods chapter.)
            wide_attention: Some((8, 32_768)),
            only: Vec::new(),
            seed: 7,
        }
    }
    /// Tiny sizes for the CPU backend.
    pub fn small() -> Self {
        Self {
            scan_lengths: vec![1, 7, 33],
            scan_channels: vec![32],
            grad_lengths: vec![1, 9],
            attention_lengths: vec![1, 9],
            timing_lengths: vec![],
            model_matmuls: vec![(40, 24, 56, true)],
            wide_attention: None,
            only: Vec::new(),
            seed: 7,
        }
    }
}

impl SelftestPlan {
    /// Whether the checks of `group` are to run.
    pub fn wants(&self, group: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|g| g == group)
    }
}

pub(crate) fn host<B: Backend, const D: usize>(t: Tensor<B, D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .to_vec::<f32>()
        .expect("f32 tensor")
}

/// (‖a − b‖₂ / ‖b‖₂, max |a − b|), in f64. Equal-zero references give the absolute norm.
pub fn compare(a: &[f32], b: &[f32]) -> (f64, f64) {
    assert_eq!(a.len(), b.len(), "compared tensors differ in size");
    let (mut num, mut den, mut max) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let d = x as f64 - y as f64;
        num += d * d;
        den += (y as f64) * (y as f64);
        max = max.max(d.abs());
    }
    let rel = if den > 0.0 {
        (num / den).sqrt()
    } else {
        num.sqrt()
    };
    (if rel.is_nan() { f64::INFINITY } else { rel }, max)
}

pub(super) fn randn<B: Backend, const D: usize>(
    seed: u64,
    name: &str,
    shape: [usize; D],
    std: f64,
    device: &B::Device,
) -> Tensor<B, D> {
    init::tensor(seed, name, shape, Init::Normal { std }, device)
}

/// Scan inputs shaped like a trained-from-init Mamba layer's (HF's Δ-bias recipe, A = −[1..N]).
pub fn random_scan_inputs<B: SsmBackend>(
    seed: u64,
    len: usize,
    d_inner: usize,
    d_state: usize,
    device: &B::Device,
) -> ScanInputs<B> {
    let bias: Vec<f32> = init::draw(seed, "bias", d_inner, Init::Uniform { lo: 0.0, hi: 1.0 })
        .into_iter()
        .map(|u| {
            let dt = ((0.001f64).ln() + u as f64 * ((0.1f64).ln() - (0.001f64).ln())).exp();
            (dt + (-(-dt).exp_m1()).ln()) as f32
        })
        .collect();
    let a: Vec<f32> = (0..d_inner)
        .flat_map(|_| (1..=d_state).map(|n| -(n as f32)))
        .collect();
    // B, C and z are column slices of wider tensors, as in the model (x_proj's output, after
    // the dt_rank columns of low-rank Δ, and in_proj's), taken the way the model takes them,
    // so the fused kernels are checked on the strided views they read there.
    let dt_rank = 32; // the paper's Mamba: ⌈d_model / 16⌉ = ⌈512 / 16⌉
    let bc = randn::<B, 3>(seed, "bc", [1, len, dt_rank + 2 * d_state], 1.0, device);
    let xz = randn::<B, 3>(seed, "xz", [1, len, 2 * d_inner], 1.0, device);
    ScanInputs {
        u: randn(seed, "u", [1, len, d_inner], 1.0, device),
        delta: randn(seed, "delta", [1, len, d_inner], 0.5, device),
        delta_bias: Tensor::from_data(TensorData::new(bias, [d_inner]), device),
        a: Tensor::from_data(TensorData::new(a, [d_inner, d_state]), device),
        b: B::column_view(bc.clone(), dt_rank..dt_rank + d_state),
        c: B::column_view(bc, dt_rank + d_state..dt_rank + 2 * d_state),
        d: Tensor::ones([d_inner], device),
        z: xz.slice(s![.., .., d_inner..2 * d_inner]),
    }
}

pub(super) struct Recorder<'a> {
    rows: Vec<Check>,
    /// Told about every row as it is made (the line and the row), so a run cut short still
    /// shows, and can keep, what it checked.
    report: &'a mut dyn FnMut(&str, Option<&Check>),
    started: std::time::Instant,
}

impl Recorder<'_> {
    pub(super) fn say(&mut self, what: &str) {
        let line = format!("[{:6.1}s] {what}", self.started.elapsed().as_secs_f64());
        (self.report)(&line, None);
    }

    pub(super) fn add(&mut self, c: Check) {
        let line = format!(
            "[{:6.1}s] {:<13} {:<24} n={:<6} ch={:<5} {:<15} rel={:.2e} tol={:.0e} {} fast={:.3}ms ref={:.3}ms",
            self.started.elapsed().as_secs_f64(),
            c.check,
            c.variant,
            c.n,
            c.channels,
            c.quantity,
            c.rel_err,
            c.tol,
            if c.pass { "ok" } else { "FAIL" },
            c.fast_ms,
            c.reference_ms
        );
        (self.report)(&line, Some(&c));
        self.rows.push(c);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        check: &str,
        variant: &str,
        n: usize,
        channels: usize,
        quantity: &str,
        fast: &[f32],
        reference: &[f32],
        tol: f64,
        times: (f64, f64),
    ) {
        let (rel_err, max_abs_err) = compare(fast, reference);
        self.add(Check {
            check: check.into(),
            variant: variant.into(),
            n,
            channels,
            quantity: quantity.into(),
            rel_err,
            max_abs_err,
            tol,
            pass: rel_err <= tol,
            fast_ms: times.0,
            reference_ms: times.1,
            in_use: !COMPARISON_ONLY.contains(&variant),
        });
    }
}

/// Named settings of a fast path (a fused-attention strategy, a scan chunk count), each applied
/// by its closure before the checks that use it.
pub type Variants<'a> = &'a [(&'a str, &'a dyn Fn())];

/// Runs every check of `plan` on `platform`, for each scan and attention variant; `progress`
/// hears what is being checked and every result as it comes (a line, and the row itself).
pub fn run<P: Platform>(
    platform: &P,
    plan: &SelftestPlan,
    scan_variants: Variants,
    attention_variants: Variants,
    mut progress: impl FnMut(&str, Option<&Check>),
) -> Result<Vec<Check>> {
    type B<P> = <P as Platform>::B;
    let device = platform.device();
    let mut rec = Recorder {
        rows: Vec::new(),
        report: &mut progress,
        started: std::time::Instant::now(),
    };
    let seed = plan.seed;

    // FP32 matmul against an f64 host product, and Burn's own (autotuned) matmul beside it on
    // the first (small) problem: its autotuner compiles dozens of kernels per shape, and one
    // row is enough to show it is not FP32. (1000, 1000, 64) and (1000, 64, 1000): attention's
    // products at a length off the tile grid.
    let matmul_shapes: &[(usize, usize, usize)] = if plan.wants("matmul") {
        &[
            (64, 48, 80),
            (1000, 512, 2048),
            (1000, 1000, 64),
            (1000, 64, 1000),
        ]
    } else {
        &[]
    };
    for (shape_no, &(m, k, n)) in matmul_shapes.iter().enumerate() {
        rec.say(&format!("matmul {m}x{k}x{n}"));
        let a = randn::<B<P>, 2>(seed, "ma", [m, k], 1.0, &device);
        let b = randn::<B<P>, 2>(seed, "mb", [k, n], 1.0, &device);
        let (ha, hb) = (host(a.clone()), host(b.clone()));
        let mut exact = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0.0f64;
                for l in 0..k {
                    acc += ha[i * k + l] as f64 * hb[l * n + j] as f64;
                }
                exact[i * n + j] = acc as f32;
            }
        }
        let _ = B::<P>::matmul_fp32(a.clone(), b.clone());
        let (t_fast, fast) = time_ms(platform, || B::<P>::matmul_fp32(a.clone(), b.clone()));
        rec.push(
            "matmul",
            "fp32-unit",
            m,
            n,
            "product",
            &host(fast),
            &exact,
            1e-5,
            (t_fast, f64::NAN),
        );
        if shape_no > 0 {
            continue;
        }
        // Burn's default is reported, not required to pass: it may use TF32.
        let _ = a.clone().matmul(b.clone());
        let (t_burn, burn) = time_ms(platform, || a.clone().matmul(b.clone()));
        let (rel, max) = compare(&host(burn), &exact);
        rec.add(Check {
            check: "matmul".into(),
            variant: "burn-default".into(),
            n: m,
            channels: n,
            quantity: "product".into(),
            rel_err: rel,
            max_abs_err: max,
            tol: f64::NAN,
            pass: rel <= 1e-5,
            fast_ms: t_burn,
            reference_ms: f64::NAN,
            in_use: false,
        });
    }

    for &(m, k, n, rhs_t) in plan.model_matmuls.iter().filter(|_| plan.wants("matmul")) {
        super::selftest_matmul::model_matmul::<P>(platform, &mut rec, seed, (m, k, n), rhs_t);
    }

    for &ch in plan.scan_channels.iter().filter(|_| plan.wants("scan")) {
        for &n in &plan.scan_lengths {
            rec.say(&format!("conv + scan forward n={n} channels={ch}"));
            let w = randn::<B<P>, 2>(seed, "cw", [ch, 4], 0.5, &device);
            let cb = randn::<B<P>, 1>(seed, "cb", [ch], 0.5, &device);
            // The first half of a wider tensor, as conv1d's input is in_proj's in the model.
            let x = randn::<B<P>, 3>(seed + n as u64, "cx", [1, n, 2 * ch], 1.0, &device)
                .slice(s![.., .., 0..ch]);
            let (tf, fast) = time_ms(platform, || {
                B::<P>::causal_conv1d_silu(x.clone(), w.clone(), cb.clone())
            });
            let (tr, slow) = time_ms(platform, || {
                causal_conv1d_silu_reference(x.clone(), w.clone(), cb.clone())
            });
            rec.push(
                "conv1d",
                "fused",
                n,
                ch,
                "output",
                &host(fast),
                &host(slow),
                1e-5,
                (tf, tr),
            );

            let inputs =
                random_scan_inputs::<B<P>>(seed + 1000 * n as u64 + ch as u64, n, ch, 16, &device);
            let (tr, slow) = time_ms(platform, || scan_reference(inputs.clone()));
            let (slow_y, slow_h) = (host(slow.y), host(slow.last_state));
            for &(name, select) in scan_variants {
                select();
                let _ = B::<P>::selective_scan(inputs.clone());
                let (tf, fast) = time_ms(platform, || B::<P>::selective_scan(inputs.clone()));
                rec.push(
                    "scan",
                    name,
                    n,
                    ch,
                    "output",
                    &host(fast.y),
                    &slow_y,
                    1e-5,
                    (tf, tr),
                );
                rec.push(
                    "scan",
                    name,
                    n,
                    ch,
                    "final_state",
                    &host(fast.last_state),
                    &slow_h,
                    1e-5,
                    (tf, tr),
                );
            }
            // After the variants, the last of which is the heuristic the models use.
            super::selftest_scan::check_low_rank(platform, &mut rec, seed + 9 * n as u64, (n, ch));
        }
    }
    for &n in plan.timing_lengths.iter().filter(|_| plan.wants("scan")) {
        let inputs = random_scan_inputs::<B<P>>(seed + 3, n, 1024, 16, &device);
        for &(name, select) in scan_variants {
            rec.say(&format!("scan timing {name} n={n}"));
            select();
            let _ = B::<P>::selective_scan(inputs.clone());
            let (ms, _) =
                super::timing::median_ms(platform, 10, || B::<P>::selective_scan(inputs.clone()));
            rec.add(Check::timing(
                "scan_timing",
                name,
                (n, 1024),
                ms,
                name.ends_with("auto"),
            ));
        }
    }
    if let Some(&(_, restore)) = scan_variants.last() {
        restore();
    }
    for &n in plan.timing_lengths.iter().filter(|_| plan.wants("scan")) {
        super::selftest_scan::time_low_rank(platform, &mut rec, seed + 4, n);
    }

    if plan.wants("layers") {
        super::selftest_layers::check_layers(platform, &mut rec, plan);
    }

    for &n in plan.grad_lengths.iter().filter(|_| plan.wants("backward")) {
        let ch = *plan.scan_channels.iter().max().unwrap_or(&64);
        let ch = ch.max(32) / 32 * 32;
        rec.say(&format!("scan backward n={n} channels={ch}"));
        let inputs = random_scan_inputs::<B<P>>(seed + 77 + n as u64, n, ch, 16, &device);
        let g = randn::<B<P>, 3>(seed + 5, "g", [1, n, ch], 1.0, &device);
        let (tf, fast) = time_ms(platform, || {
            B::<P>::selective_scan_backward(inputs.clone(), g.clone())
        });
        let (tr, slow) = time_ms(platform, || {
            scan_reference_backward(inputs.clone(), g.clone())
        });
        let times = (tf, tr);
        for (q, a, b) in [
            ("grad_u", host(fast.u), host(slow.u)),
            ("grad_delta", host(fast.delta), host(slow.delta)),
            (
                "grad_delta_bias",
                host(fast.delta_bias),
                host(slow.delta_bias),
            ),
            ("grad_a", host(fast.a), host(slow.a)),
            ("grad_b", host(fast.b), host(slow.b)),
            ("grad_c", host(fast.c), host(slow.c)),
            ("grad_d", host(fast.d), host(slow.d)),
            ("grad_z", host(fast.z), host(slow.z)),
        ] {
            rec.push("scan_backward", "fused", n, ch, q, &a, &b, 1e-4, times);
        }
    }

    if plan.wants("attention") {
        super::selftest_attention::check_attention(platform, &mut rec, plan, attention_variants);
    }
    if plan.wants("wide") {
        super::selftest_wide::check_wide(platform, &mut rec, plan);
    }
    Ok(rec.rows)
}
