//! The references the CUDA kernels are checked against, checked themselves: the hand-written
//! scan backward against burn-autodiff through the forward, and the autodiff plumbing of
//! ssmbench's custom ops.

use burn::{
    backend::{Autodiff, Flex},
    tensor::{Tensor, backend::Backend},
};
use ssmbench::{
    backend::SsmBackend,
    bench::selftest::{compare, random_scan_inputs},
    model::mamba::scan::{ScanInputs, scan_reference, scan_reference_backward},
};

type Ad = Autodiff<Flex>;

fn host<B: Backend, const D: usize>(t: Tensor<B, D>) -> Vec<f32> {
    t.into_data().to_vec::<f32>().unwrap()
}

fn tracked(x: ScanInputs<Ad>) -> ScanInputs<Ad> {
    ScanInputs {
        u: x.u.require_grad(),
        delta: x.delta.require_grad(),
        delta_bias: x.delta_bias.require_grad(),
        a: x.a.require_grad(),
        b: x.b.require_grad(),
        c: x.c.require_grad(),
        d: x.d.require_grad(),
        z: x.z.require_grad(),
    }
}

fn grads_by_autodiff(len: usize, ch: usize, via_custom_op: bool) -> Vec<Vec<f32>> {
    let dev = Default::default();
    let x = tracked(random_scan_inputs::<Ad>(11, len, ch, 16, &dev));
    let g: Tensor<Ad, 3> = ssmbench::model::init::tensor(
        3,
        "g",
        [1, len, ch],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let y = if via_custom_op {
        <Ad as SsmBackend>::selective_scan(x.clone()).y
    } else {
        scan_reference(x.clone()).y
    };
    let grads = (y * g).sum().backward();
    vec![
        host(x.u.grad(&grads).unwrap()),
        host(x.delta.grad(&grads).unwrap()),
        host(x.delta_bias.grad(&grads).unwrap()),
        host(x.a.grad(&grads).unwrap()),
        host(x.b.grad(&grads).unwrap()),
        host(x.c.grad(&grads).unwrap()),
        host(x.d.grad(&grads).unwrap()),
        host(x.z.grad(&grads).unwrap()),
    ]
}

fn grads_by_hand(len: usize, ch: usize) -> Vec<Vec<f32>> {
    let dev = Default::default();
    let x = random_scan_inputs::<Flex>(11, len, ch, 16, &dev);
    let g: Tensor<Flex, 3> = ssmbench::model::init::tensor(
        3,
        "g",
        [1, len, ch],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let r = scan_reference_backward(x, g);
    vec![
        host(r.u),
        host(r.delta),
        host(r.delta_bias),
        host(r.a),
        host(r.b),
        host(r.c),
        host(r.d),
        host(r.z),
    ]
}

#[test]
fn reference_backward_matches_autodiff_of_reference_forward() {
    for len in [1, 2, 7, 33] {
        let auto = grads_by_autodiff(len, 8, false);
        let hand = grads_by_hand(len, 8);
        for (i, (a, h)) in auto.iter().zip(&hand).enumerate() {
            let (rel, _) = compare(h, a);
            assert!(rel < 1e-5, "len {len}, input #{i}: relative error {rel}");
        }
    }
}

#[test]
fn custom_scan_op_registers_every_gradient() {
    let auto = grads_by_autodiff(9, 8, false);
    let custom = grads_by_autodiff(9, 8, true);
    for (i, (a, c)) in auto.iter().zip(&custom).enumerate() {
        let (rel, _) = compare(c, a);
        assert!(rel < 1e-5, "input #{i}: relative error {rel}");
    }
}

#[test]
fn fp32_matmul_backward_matches_burn_matmul() {
    let dev = Default::default();
    let a: Tensor<Ad, 2> = ssmbench::model::init::tensor(
        1,
        "a",
        [5, 7],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let b: Tensor<Ad, 2> = ssmbench::model::init::tensor(
        1,
        "b",
        [7, 3],
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &dev,
    );
    let (a1, b1) = (a.clone().require_grad(), b.clone().require_grad());
    let g1 = <Ad as SsmBackend>::matmul_fp32(a1.clone(), b1.clone())
        .sin()
        .sum()
        .backward();
    let (a2, b2) = (a.require_grad(), b.require_grad());
    let g2 = a2.clone().matmul(b2.clone()).sin().sum().backward();
    assert!(compare(&host(a1.grad(&g1).unwrap()), &host(a2.grad(&g2).unwrap())).0 < 1e-6);
    assert!(compare(&host(b1.grad(&g1).unwrap()), &host(b2.grad(&g2).unwrap())).0 < 1e-6);
}

fn normal<const D: usize>(seed: u64, name: &str, shape: [usize; D]) -> Tensor<Flex, D> {
    ssmbench::model::init::tensor(
        seed,
        name,
        shape,
        ssmbench::model::init::Init::Normal { std: 1.0 },
        &Default::default(),
    )
}

#[test]
fn causal_softmax_reference_matches_a_host_softmax_over_the_past() {
    let (heads, len, scale) = (2, 6, 0.5);
    let scores = normal(3, "s", [1, heads, len, len]);
    let s = host(scores.clone());
    let p = host(ssmbench::model::llama::causal_softmax_reference(
        scores, scale,
    ));
    for row in 0..heads * len {
        let query = row % len;
        let x: Vec<f64> = (0..=query)
            .map(|j| s[row * len + j] as f64 * scale)
            .collect();
        let max = x.iter().cloned().fold(f64::MIN, f64::max);
        let sum: f64 = x.iter().map(|v| (v - max).exp()).sum();
        for j in 0..len {
            let want = if j <= query {
                (x[j] - max).exp() / sum
            } else {
                0.0
            };
            let got = p[row * len + j] as f64;
            assert!(
                (got - want).abs() < 1e-6,
                "row {row} key {j}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn mamba_parameterisation_forms_delta_from_its_factor_and_a_from_a_log() {
    // What `SsmBackend::selective_scan_mamba` stands for: Δ_raw = low · Wᵀ, A = −exp(A_log).
    let (len, ch, rank) = (4, 6, 3);
    let mut x = random_scan_inputs::<Flex>(7, len, ch, 4, &Default::default());
    x.delta = normal(8, "low", [1, len, rank]);
    x.a = normal(9, "a_log", [ch, 4]);
    let w = normal(10, "w", [ch, rank]);
    let (low, a_log, hw) = (host(x.delta.clone()), host(x.a.clone()), host(w.clone()));
    let formed = x.clone().from_mamba(w);
    let (delta, a) = (host(formed.delta), host(formed.a));
    for t in 0..len {
        for c in 0..ch {
            let want: f64 = (0..rank)
                .map(|k| low[t * rank + k] as f64 * hw[c * rank + k] as f64)
                .sum();
            assert!((delta[t * ch + c] as f64 - want).abs() < 1e-5);
        }
    }
    for (got, l) in a.iter().zip(&a_log) {
        assert!((*got as f64 + (*l as f64).exp()).abs() < 1e-5 * (*l as f64).exp());
    }
    // Everything else passes through unchanged.
    assert_eq!(host(formed.u), host(x.u.clone()));
    assert_eq!(host(formed.b), host(x.b.clone()));
    // And the default op is the plain scan on those inputs.
    let via_op = <Flex as SsmBackend>::selective_scan_mamba(x.clone(), normal(10, "w", [ch, rank]));
    let plain = scan_reference(x.from_mamba(normal(10, "w", [ch, rank])));
    assert_eq!(host(via_op.y), host(plain.y));
}

#[test]
fn rms_norm_reference_matches_a_host_rms_norm() {
    let (len, d, eps) = (3, 8, 1e-5);
    let x = normal(4, "x", [1, len, d]);
    let w = normal(5, "w", [d]);
    let (hx, hw) = (host(x.clone()), host(w.clone()));
    let y = host(ssmbench::model::layers::rms_norm_reference(x, w, eps));
    for t in 0..len {
        let row = &hx[t * d..(t + 1) * d];
        let ms: f64 = row.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / d as f64;
        for i in 0..d {
            let want = row[i] as f64 / (ms + eps).sqrt() * hw[i] as f64;
            assert!((y[t * d + i] as f64 - want).abs() < 1e-5);
        }
    }
}

#[test]
fn swiglu_reference_gates_the_up_half_with_silu_of_the_gate_half() {
    let (len, d_ff) = (3, 5);
    let gu = normal(6, "gu", [1, len, 2 * d_ff]);
    let h = host(gu.clone());
    let y = host(ssmbench::model::llama::swiglu_reference(gu));
    for t in 0..len {
        for c in 0..d_ff {
            let g = h[t * 2 * d_ff + c] as f64;
            let u = h[t * 2 * d_ff + d_ff + c] as f64;
            let want = g / (1.0 + (-g).exp()) * u;
            assert!((y[t * d_ff + c] as f64 - want).abs() < 1e-5);
        }
    }
}

#[test]
fn stacked_projections_equal_each_layer_alone() {
    use ssmbench::model::{init::Init, layers::Linear};
    let dev = Default::default();
    let a = Linear::<Flex>::new(1, "a", 6, 4, Init::Normal { std: 1.0 }, &dev);
    let b = Linear::<Flex>::new(1, "b", 6, 3, Init::Normal { std: 1.0 }, &dev);
    let x = normal(7, "x", [2, 5, 6]);
    let stacked = Linear::stacked(vec![a.clone(), b.clone()]);
    // Each layer's weight comes back out of the stack unchanged.
    assert_eq!(host(stacked.outputs(0..4)), host(a.weight.val()));
    assert_eq!(host(stacked.outputs(4..7)), host(b.weight.val()));
    let both = host(stacked.forward(x.clone()));
    let (ya, yb) = (host(a.forward(x.clone())), host(b.forward(x)));
    for row in 0..10 {
        for j in 0..7 {
            let alone = if j < 4 {
                ya[row * 4 + j]
            } else {
                yb[row * 3 + j - 4]
            };
            assert!(
                (both[row * 7 + j] - alone).abs() < 1e-5,
                "row {row} col {j}"
            );
        }
    }
    // The stack is a leaf on an autodiff backend too (a LLaMA is drawn there for the
    // gradient attribution).
    let a = Linear::<Ad>::new(1, "a", 6, 4, Init::Normal { std: 1.0 }, &dev);
    let b = Linear::<Ad>::new(1, "b", 6, 3, Init::Normal { std: 1.0 }, &dev);
    assert_eq!(Linear::stacked(vec![a, b]).weight.dims(), [7, 6]);
}

#[test]
fn the_breakdown_books_every_stage_of_each_path() {
    use ssmbench::{
        backend::CpuPlatform,
        bench::{breakdown::run_breakdown, sweep::variants},
        profile::Profile,
    };
    let dir = std::env::temp_dir().join(format!("ssmbench-breakdown-{}", std::process::id()));
    let out = dir.join("breakdown.csv");
    let mut profile = Profile::smoke();
    profile.perf_breakdown_lengths = vec![16];
    let ids: Vec<i64> = (0..16).collect();
    let rows = run_breakdown(&CpuPlatform::new(), &profile, &ids, &out).unwrap();
    for (model, variant) in variants(false) {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.model == model.as_str() && r.variant == variant)
            .collect();
        let stage = |name: &str| mine.iter().find(|r| r.stage == name);
        assert_eq!(
            stage("LM head").map(|r| r.calls),
            Some(1),
            "{model:?} {variant}"
        );
        let per_layer = if model.as_str() == "mamba" {
            "dt_proj, selective scan"
        } else {
            "o_proj"
        };
        assert_eq!(
            stage(per_layer).map(|r| r.calls),
            Some(8),
            "{model:?} {variant}"
        );
        let total: f64 = mine.iter().map(|r| r.ms).sum();
        assert!(total > 0.0 && total <= mine[0].observed_total_ms * 1.5);
    }
    // Resumable: a second call adds nothing.
    let again = run_breakdown(&CpuPlatform::new(), &profile, &ids, &out).unwrap();
    assert_eq!(again.len(), rows.len());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn breakdown_rows_from_before_the_clock_column_read_as_host_sync() {
    use ssmbench::bench::breakdown::BreakdownRow;
    let csv = "model,variant,n,order,stage,calls,ms,observed_total_ms,forward_ms,device,driver,software,git_rev,timestamp\n\
               mamba,fused,16,1,embedding,1,0.1,2.0,1.5,cpu,-,ssmbench,abc,2026-01-01T00:00:00Z\n";
    let rows: Vec<BreakdownRow> = csv::Reader::from_reader(csv.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].clock, "host-sync");
}
