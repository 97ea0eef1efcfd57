//! `ssmbench reproduce`: the whole paper, resumably — verified data → tokens → the efficiency
//! sweep (Tables 1–2) → the largest-N probes and the per-stage breakdown → the representation
//! analysis (Tables 3–5) → the environment record. (The book and the manifest are written by
//! the caller after this.)

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::Result;

use crate::{
    analysis::run::run_analysis,
    backend::{Platform, SsmBackend},
    bench::{
        breakdown::{BreakdownRow, run_breakdown},
        maxlen::run_maxlen,
        rows::EfficiencyRow,
        sweep::{Isolation, run_sweep},
        tensor_cores::{TensorCoreRow, run_tensor_cores},
    },
    manifest,
    pipeline::Inputs,
    profile::Profile,
    provenance::{Environment, Provenance, now_utc, rustc_version},
};

/// Which parts to run.
#[derive(Clone, Debug)]
pub struct Parts {
    pub efficiency: bool,
    pub maxlen: bool,
    pub analysis: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Self {
            efficiency: true,
            maxlen: true,
            analysis: true,
        }
    }
}

/// Where each part writes, under the artifacts directory.
pub struct Layout {
    pub root: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }
    pub fn runs(&self) -> PathBuf {
        self.root.join("efficiency").join("runs.csv")
    }
    pub fn maxlen(&self) -> PathBuf {
        self.root.join("perf").join("maxlen.csv")
    }
    pub fn breakdown(&self) -> PathBuf {
        self.root.join("perf").join("breakdown.csv")
    }
    pub fn tensor_cores(&self) -> PathBuf {
        self.root.join("perf").join("tensor_cores.csv")
    }
    pub fn representation(&self) -> PathBuf {
        self.root.join("representation")
    }
    pub fn corpus(&self) -> PathBuf {
        self.root.join("tokens").join("corpus.json")
    }
    /// The ids the models see (after the vocabulary policy), for peers and reviewers.
    pub fn input_ids(&self) -> PathBuf {
        self.root.join("tokens").join("input_ids.json")
    }
    pub fn environment(&self) -> PathBuf {
        self.root.join("environment.json")
    }
}

/// Runs the parts of `profile` on `platform`, writing under `layout`.
pub fn reproduce<P: Platform>(
    platform: &P,
    profile: &Profile,
    inputs: &Inputs,
    layout: &Layout,
    parts: &Parts,
    isolation: &Isolation,
    quiet: bool,
) -> Result<Environment> {
    let started = now_utc();
    manifest::write_json(&layout.corpus(), &inputs.stats())?;
    // Compact (one line): ~29k ids.
    let ids = serde_json::to_string(&serde_json::json!({ "input_ids": inputs.ids }))? + "\n";
    manifest::write_atomic(&layout.input_ids(), ids.as_bytes())?;
    let say = |m: &str| {
        if !quiet {
            eprintln!("{m}");
        }
    };
    // Each part's wall time goes to the log: the brief bounds the whole run at five minutes
    // on the device, and a reviewer should see which part a slow run spent its time in.
    let timed =
        |name: &str, t: Instant| say(&format!("{name}: {:.0} s", t.elapsed().as_secs_f64()));
    if parts.efficiency {
        let t = Instant::now();
        say("efficiency sweep (paper §4.4) …");
        let max_n = profile
            .efficiency
            .lengths
            .iter()
            .chain(profile.efficiency.extended_lengths().iter())
            .copied()
            .max()
            .unwrap_or(0);
        run_sweep(
            platform,
            profile,
            &inputs.sequence(max_n),
            &layout.runs(),
            isolation,
            quiet,
        )?;
        timed("efficiency sweep", t);
    }
    if parts.maxlen {
        let t = Instant::now();
        run_perf(platform, profile, inputs, layout, isolation, false, say)?;
        timed("largest-N probes and stage times", t);
    }
    if parts.analysis {
        let t = Instant::now();
        say("representation analysis (paper §4.5) …");
        run_analysis(platform, profile, inputs, &layout.representation(), |m| {
            say(&format!("  {m}"))
        })?;
        timed("representation analysis", t);
    }
    let p = Provenance::current();
    let env = Environment {
        device: platform.info().clone(),
        software: p.software,
        burn: crate::provenance::BURN_VERSION.into(),
        cubecl: crate::provenance::CUBECL_VERSION.into(),
        rustc: rustc_version(),
        git_rev: p.git_rev,
        profile: format!("{:?}", profile.name).to_lowercase(),
        model_seeds: profile.efficiency.seeds.clone(),
        analysis_seeds: profile.analysis.seeds.clone(),
        data_seed: Some(crate::data::DEFAULT_SEED)
            .filter(|_| inputs.data_dir.ends_with("data/sessions")),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        started,
        finished: now_utc(),
        kernel_choices: kernel_choices::<P::B>(),
    };
    manifest::write_json(&layout.environment(), &env)?;
    Ok(env)
}

/// What `reproduce`'s perf part and `bench perf` measure, each file's rows.
pub struct PerfRows {
    /// The largest-N probes.
    pub maxlen: Vec<EfficiencyRow>,
    /// Time per stage of a forward.
    pub stages: Vec<BreakdownRow>,
    /// The forwards on Burn's matmul beside the FP32 ones (comparison only; CUDA only); empty
    /// where the part was not asked for.
    pub tensor_cores: Vec<TensorCoreRow>,
}

/// The largest-N probes and the per-stage breakdown of every benchmark path (`reproduce`'s
/// perf part and `bench perf`), and with `tensor_cores` (`bench perf` only) the forwards on
/// Burn's matmul beside the FP32 ones, each skipping what its file already holds. `say` hears
/// which part starts (only parts the profile asks for).
///
/// The tensor-core comparison is not part of the paper and stays out of `reproduce`, which
/// must fit in five minutes on the GPU: from cold caches Burn's autotuner compiles and times
/// its tensor-core kernels for every new product shape.
pub fn run_perf<P: Platform>(
    platform: &P,
    profile: &Profile,
    inputs: &Inputs,
    layout: &Layout,
    isolation: &Isolation,
    tensor_cores: bool,
    say: impl Fn(&str),
) -> Result<PerfRows> {
    let longest = |lengths: &[usize]| inputs.sequence(lengths.iter().copied().max().unwrap_or(0));
    if !profile.perf_max_lengths.is_empty() {
        say("largest-N probes …");
    }
    let maxlen = run_maxlen(
        platform,
        profile,
        &longest(&profile.perf_max_lengths),
        &layout.maxlen(),
        isolation,
    )?;
    if !profile.perf_breakdown_lengths.is_empty() {
        say("time per stage of a forward …");
    }
    let breakdown_ids = longest(&profile.perf_breakdown_lengths);
    let stages = run_breakdown(platform, profile, &breakdown_ids, &layout.breakdown())?;
    let tensor_cores = if tensor_cores {
        if !profile.perf_breakdown_lengths.is_empty() && <P::B as SsmBackend>::has_fused_kernels() {
            say("the same forwards on Burn's matmul (TF32 tensor cores; comparison only) …");
        }
        run_tensor_cores(platform, profile, &breakdown_ids, &layout.tensor_cores())?
    } else {
        Vec::new()
    };
    Ok(PerfRows {
        maxlen,
        stages,
        tensor_cores,
    })
}

/// The fast paths' choices, for the record (empty on the CPU backend): every process's.
pub fn kernel_choices<B: SsmBackend>() -> Vec<String> {
    kernel_choices_of::<B>(true, true)
}

/// The matmul tuner's choices, and the attention and scan kernels' settings where the process
/// runs them (a benchmark worker runs one model path).
pub fn kernel_choices_of<B: SsmBackend>(attention: bool, scan: bool) -> Vec<String> {
    let mut v = B::kernel_choices();
    if B::has_fused_kernels() {
        if attention {
            v.push(crate::kernels::attention::describe());
        }
        if scan {
            v.push(crate::kernels::scan::describe());
        }
    }
    v
}
