//! The report stage: the manifest and `verify`, strict templates, a deterministic smoke run on
//! the CPU backend, and snapshots of the rendered chapters (numbers masked).

use std::path::{Path, PathBuf};

use ssmbench::{
    backend::CpuPlatform,
    bench::sweep::Isolation,
    manifest::{self, Mismatch},
    pipeline::Inputs,
    profile::Profile,
    report::{book, context},
    reproduce::{Layout, Parts, reproduce},
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ssmbench-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn verify_catches_a_flipped_byte_a_missing_and_an_extra_file() {
    let root = temp("verify");
    let art = root.join("artifacts");
    std::fs::create_dir_all(art.join("efficiency")).unwrap();
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::fs::write(art.join("efficiency").join("runs.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(art.join("environment.json"), "{}\n").unwrap();
    std::fs::write(root.join("data").join("s.json"), "[]\n").unwrap();
    manifest::write_artifacts_manifest(&root, &art).unwrap();
    assert!(manifest::verify_artifacts(&root, &art).unwrap().is_empty());
    let text = std::fs::read_to_string(art.join("SHA256SUMS")).unwrap();
    assert!(text.contains("  artifacts/efficiency/runs.csv\n") && text.contains("  data/s.json\n"));

    // One flipped byte.
    std::fs::write(art.join("efficiency").join("runs.csv"), "a,b\n1,3\n").unwrap();
    let m = manifest::verify_artifacts(&root, &art).unwrap();
    assert!(
        matches!(&m[..], [Mismatch::Changed { path, .. }] if path == "artifacts/efficiency/runs.csv"),
        "{m:?}"
    );
    std::fs::write(art.join("efficiency").join("runs.csv"), "a,b\n1,2\n").unwrap();

    // A missing file and an extra one.
    std::fs::remove_file(art.join("environment.json")).unwrap();
    std::fs::write(art.join("extra.csv"), "x\n").unwrap();
    let m = manifest::verify_artifacts(&root, &art).unwrap();
    assert!(
        m.iter().any(
            |x| matches!(x, Mismatch::Missing { path, .. } if path == "artifacts/environment.json")
        ),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|x| matches!(x, Mismatch::Extra { path, .. } if path == "artifacts/extra.csv")),
        "{m:?}"
    );
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_template_that_names_a_missing_field_fails() {
    let dir = temp("strict");
    std::fs::write(
        dir.join("t.md.j2"),
        "value: {{ efficiency.no_such_field }}\n",
    )
    .unwrap();
    let env = book::environment(&dir);
    let err = env
        .get_template("t.md.j2")
        .unwrap()
        .render(minijinja::context! { efficiency => minijinja::context! { table1 => 1 } });
    assert!(err.is_err(), "strict undefined must reject a missing field");
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs the smoke profile on the CPU backend into `art` (the shipped data).
fn smoke_run(art: &Path) {
    let profile = Profile::smoke();
    let data = repo().join("data").join("sessions");
    let inputs = Inputs::prepare(&data, &profile).unwrap();
    reproduce(
        &CpuPlatform::new(),
        &profile,
        &inputs,
        &Layout::new(art),
        &Parts::default(),
        &Isolation::InProcess,
        true,
    )
    .unwrap();
}

/// Files whose bytes do not depend on timing or the clock.
fn deterministic_files(art: &Path) -> Vec<(String, String)> {
    manifest::list_files(art, &[])
        .unwrap()
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            s.contains("/representation/") || s.contains("/tokens/")
        })
        .map(|p| {
            let rel = p.strip_prefix(art).unwrap().to_string_lossy().to_string();
            (rel, manifest::sha256_file(&p).unwrap())
        })
        .collect()
}

/// Replaces every number (a run of digits, signs, points and exponents holding a digit) with
/// `#`, so timings and measured values — including their sign and exponent — do not make the
/// snapshot flaky, while the structure (headings, columns, rows, verdict words) is checked.
/// The book writes powers of ten out (`1.2 × 10⁻⁵`) and a fitted term's sign as its operator
/// (`… N − 3.9`); both depend on the measured values, so they are folded away first.
fn mask(s: &str) -> String {
    let superscript = |c: char| "⁰¹²³⁴⁵⁶⁷⁸⁹⁻".contains(c);
    let mut folded = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" × 10") {
        folded.push_str(&rest[..i]);
        rest = rest[i + " × 10".len()..].trim_start_matches(superscript);
    }
    folded.push_str(rest);
    let s = folded.replace(" − ", " + ");
    let numeric = |c: char| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '−');
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().any(|c| c.is_ascii_digit()) {
            out.push('#');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in s.chars() {
        if numeric(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[test]
fn smoke_run_is_deterministic_and_its_chapters_match_their_snapshots() {
    let (a, b) = (temp("smoke-a"), temp("smoke-b"));
    let (art_a, art_b) = (a.join("artifacts"), b.join("artifacts"));
    smoke_run(&art_a);
    smoke_run(&art_b);
    let (ha, hb) = (deterministic_files(&art_a), deterministic_files(&art_b));
    assert!(
        ha.len() >= 5,
        "expected representation and token files, got {ha:?}"
    );
    assert_eq!(
        ha, hb,
        "two smoke runs must give identical non-timing artifacts"
    );

    // Chapters from these artifacts, with the repository's templates.
    let mut ctx = context::build(&art_a, &repo().join("data").join("sessions")).unwrap();
    // The CPU's name is the machine's, not the code's: keep it out of the snapshot (the claim
    // notes quote it too, so it is also replaced in the rendered text below).
    let device = ctx
        .run
        .as_ref()
        .map(|r| r.device.clone())
        .unwrap_or_default();
    if let Some(r) = ctx.run.as_mut() {
        r.device = "DEVICE".into();
        r.git_revs = vec!["REV".into()];
        r.software = "SOFTWARE".into();
    }
    if let Some(e) = ctx.environment.as_mut() {
        e.device.name = "DEVICE".into();
        e.os = "OS".into();
        e.rustc = "RUSTC".into();
        e.git_rev = "REV".into();
    }
    let chapters = book::render_chapters(&ctx, &repo().join("templates")).unwrap();
    let snaps = repo().join("tests").join("snapshots");
    let update = std::env::var_os("SSMBENCH_UPDATE_SNAPSHOTS").is_some();
    let mut missing = Vec::new();
    for (name, text) in &chapters {
        let text = if device.is_empty() {
            text.clone()
        } else {
            text.replace(&device, "DEVICE")
        };
        let masked = mask(&text);
        let path = snaps.join(format!("{name}.snap"));
        if update || !path.exists() {
            std::fs::create_dir_all(&snaps).unwrap();
            std::fs::write(&path, &masked).unwrap();
            missing.push(name.clone());
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            masked,
            want,
            "{name} differs from {} (SSMBENCH_UPDATE_SNAPSHOTS=1 to accept)",
            path.display()
        );
    }
    if !update {
        assert!(
            missing.is_empty(),
            "snapshots written for {missing:?}: review and commit them"
        );
    }

    // The tensor-core comparison runs only on CUDA, so the smoke run has none: its section and
    // the Targets sentence that points to it, from one made-up group.
    ctx.tensor_cores = vec![ssmbench::report::perf::TensorCoreGroup {
        model: "Mamba".into(),
        path: "fused scan".into(),
        n: 8192,
        seeds: 3,
        fp32_ms: 2.0 * ctx.mamba_target_ms,
        tf32_ms: 0.5 * ctx.mamba_target_ms,
        max_rel_l2: 1e-3,
        min_argmax_agreement: 0.99,
    }];
    let chapters = book::render_chapters(&ctx, &repo().join("templates")).unwrap();
    let perf = &chapters
        .iter()
        .find(|(n, _)| n == "performance.md")
        .unwrap()
        .1;
    assert!(
        perf.contains("Forwards on FP32 kernels and on Burn's matmul")
            && perf.contains("missed in FP32 and met with TF32 products"),
        "the tensor-core section did not render its table and verdict"
    );
    let _ = std::fs::remove_dir_all(a);
    let _ = std::fs::remove_dir_all(b);
}

#[test]
fn matmul_comparison_joins_shapes_names_roles_and_sums_a_forward() {
    use ssmbench::bench::flops::{Dims, weight_products};
    use ssmbench::model::ModelKind;
    use ssmbench::report::gemm;
    use std::collections::BTreeMap;
    let rec = |pairs: &[(&str, String)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    // Every weight product of both models, ours at 2 ms and cuBLAS at 1 ms, plus one row
    // of another check that must be ignored.
    let mut selftest = Vec::new();
    let mut cublas = Vec::new();
    for (model, d) in [
        (ModelKind::Llama, Dims::PAPER_LLAMA),
        (ModelKind::Mamba, Dims::PAPER_MAMBA),
    ] {
        for p in weight_products(model, &d) {
            let row = rec(&[
                ("check", "matmul".into()),
                ("variant", "fp32-model-rhsT".into()),
                ("n", gemm::N.to_string()),
                ("channels", p.cols.to_string()),
                ("quantity", format!("sampled k={}", p.k)),
                ("fast_ms", "2.0".into()),
            ]);
            if !selftest.contains(&row) {
                selftest.push(row);
                // The tensor-core rows of the same shape: Burn's matmul at 0.5 ms, 3×TF32 at 3.
                for (variant, ms, err) in [
                    ("burn-default-model", "0.5", "3e-4"),
                    ("3xtf32-burn-model", "3.0", "5e-6"),
                ] {
                    selftest.push(rec(&[
                        ("check", "matmul".into()),
                        ("variant", variant.into()),
                        ("n", gemm::N.to_string()),
                        ("channels", p.cols.to_string()),
                        ("quantity", format!("sampled k={}", p.k)),
                        ("fast_ms", ms.into()),
                        ("rel_err", err.into()),
                    ]));
                }
                cublas.push(rec(&[
                    ("m", gemm::N.to_string()),
                    ("k", p.k.to_string()),
                    ("n", p.cols.to_string()),
                    ("rhs", "out_in".into()),
                    ("median_ms", "1.0".into()),
                ]));
            }
        }
    }
    selftest.push(rec(&[
        ("check", "scan".into()),
        ("variant", "fused".into()),
    ]));
    let v = gemm::view(&selftest, &cublas, &[(ModelKind::Mamba, 100.0)]);
    // One row per shape: the tensor-core rows join it, the scan row is ignored.
    assert_eq!(v.rows.len(), cublas.len());
    let shared = v.rows.iter().find(|r| r.k == 512 && r.n == 2048).unwrap();
    assert_eq!(shared.roles, "LLaMA gate/up, Mamba in_proj");
    assert_eq!(shared.ratio, Some(2.0));
    let mamba = v.totals.iter().find(|t| t.model == "Mamba").unwrap();
    // 4 products × 8 layers + the head, at 2 ms and at 1 ms.
    assert_eq!((mamba.ours_ms, mamba.cublas_ms), (66.0, Some(33.0)));
    assert_eq!(mamba.forward_at_cublas_ms, Some(100.0 - 66.0 + 33.0));
    assert_eq!(shared.tf32.map(|t| (t.ms, t.rel_err)), Some((0.5, 3e-4)));
    assert_eq!((mamba.tf32_ms, mamba.tf32x3_ms), (Some(16.5), Some(99.0)));
    assert_eq!(mamba.forward_at_tf32_ms, Some(100.0 - 66.0 + 16.5));
    assert_eq!(
        (mamba.tf32_max_err, mamba.tf32x3_max_err),
        (Some(3e-4), Some(5e-6))
    );
    // The FP32 rows carry no error column here.
    assert_eq!(mamba.ours_max_err, None);
    let llama = v.totals.iter().find(|t| t.model == "LLaMA").unwrap();
    assert_eq!(llama.forward_ms, None);
    // Without rows of the tuner's choice (runs before cuBLAS was a candidate), the forward is
    // taken to have run ssmbench's own kernels; with them, the swaps start from those.
    assert_eq!(mamba.used_ms, None);
    let tuned: Vec<_> = selftest
        .iter()
        .filter(|r| r.get("variant").map(String::as_str) == Some("fp32-model-rhsT"))
        .map(|r| {
            let mut r = r.clone();
            r.insert("variant".into(), "fp32-model-rhsT-tuned".into());
            r.insert("fast_ms".into(), "1.5".into());
            r.insert("rel_err".into(), "1e-7".into());
            r
        })
        .collect();
    selftest.extend(tuned);
    let v = gemm::view(&selftest, &cublas, &[(ModelKind::Mamba, 100.0)]);
    let shared = v.rows.iter().find(|r| r.k == 512 && r.n == 2048).unwrap();
    assert_eq!(shared.used.map(|t| t.ms), Some(1.5));
    let mamba = v.totals.iter().find(|t| t.model == "Mamba").unwrap();
    assert_eq!((mamba.ours_ms, mamba.used_ms), (66.0, Some(49.5)));
    assert_eq!(mamba.forward_at_cublas_ms, Some(100.0 - 49.5 + 33.0));
    assert_eq!(mamba.forward_at_tf32_ms, Some(100.0 - 49.5 + 16.5));
}

/// A largest-N probe row for the targets table.
fn probe(model: &str, n: usize, error: &str) -> ssmbench::bench::rows::EfficiencyRow {
    let failed = !error.is_empty();
    ssmbench::bench::rows::EfficiencyRow {
        stack: "ssmbench".into(),
        model: model.into(),
        variant: "fused".into(),
        seed: 0,
        n,
        logits: "last".into(),
        run: (!failed).then_some(1),
        time_ms: if failed { f64::INFINITY } else { 100.0 },
        peak_alloc_gib: if failed { f64::INFINITY } else { 1.0 },
        reserved_gib: if failed { f64::INFINITY } else { 1.0 },
        params: 1,
        error: error.into(),
        device: String::new(),
        driver: String::new(),
        backend: String::new(),
        software: String::new(),
        git_rev: String::new(),
        timestamp: String::new(),
    }
}

#[test]
fn longest_forward_targets_name_the_length_that_stopped_them() {
    use ssmbench::report::perf::targets;
    let over = "time budget: one forward took 22.5 s (budget 20 s per forward)";
    // No probe completed and no sweep row: the row stays in the table, not met, with the reason.
    let t = targets(&[], &[probe("mamba", 131_072, over)], &[]);
    assert_eq!(t.len(), 1);
    assert!(!t[0].met);
    assert_eq!(
        t[0].measured,
        "last-position probes: none completed, 131,072 stopped by the time budget: one forward took 22.5 s (budget 20 s per forward)"
    );
    // A full-logits forward of the sweep at the target length meets it, and the failed probe is
    // still named.
    let sweep = [probe("mamba", 262_144, "")];
    let t = targets(&[], &[probe("mamba", 131_072, over)], &sweep);
    assert!(t[0].met);
    assert!(
        t[0].measured
            .starts_with("262,144 tokens (full logits, the sweep); last-position")
    );
    // Some probes completed: the longest, then what stopped the next one.
    let rows = [probe("llama", 131_072, ""), probe("llama", 262_144, over)];
    let t = targets(&[], &rows, &[probe("llama", 65_536, "")]);
    assert!(t[0].met);
    assert!(
        t[0].measured.starts_with(
            "131,072 tokens (last-position logits); 262,144 stopped by the time budget"
        )
    );
}

#[test]
fn tensor_core_groups_pair_both_kinds_per_path_and_keep_the_worst_seed() {
    use ssmbench::bench::tensor_cores::{FP32, TF32, TensorCoreRow};
    use ssmbench::report::perf::tensor_core_groups;
    let row =
        |variant: &str, seed: u64, products: &str, ms: f64, rel: f64, same: f64| TensorCoreRow {
            model: "mamba".into(),
            variant: variant.into(),
            n: 64,
            seed,
            products: products.into(),
            runs: 5,
            median_ms: ms,
            mean_ms: ms,
            logits_rel_l2: rel,
            argmax_agreement: same,
            device: String::new(),
            driver: String::new(),
            software: String::new(),
            git_rev: String::new(),
            timestamp: String::new(),
        };
    let rows = vec![
        row("fused", 0, FP32, 10.0, 0.0, 1.0),
        row("fused", 0, TF32, 4.0, 1e-3, 0.99),
        row("fused", 1, FP32, 12.0, 0.0, 1.0),
        row("fused", 1, TF32, 6.0, 3e-3, 0.97),
        row("fused", 2, FP32, 11.0, 0.0, 1.0),
        row("fused", 2, TF32, 5.0, 2e-3, 0.98),
        // A path with only FP32 rows has nothing to compare: no group.
        row("eager", 0, FP32, 1.0, 0.0, 1.0),
    ];
    let groups = tensor_core_groups(&rows);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!((g.model.as_str(), g.path.as_str()), ("Mamba", "fused scan"));
    assert_eq!((g.seeds, g.fp32_ms, g.tf32_ms), (3, 11.0, 5.0));
    assert_eq!((g.max_rel_l2, g.min_argmax_agreement), (3e-3, 0.97));
}
