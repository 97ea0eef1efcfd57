//! Strict-FP32 matrix products on CUDA cores, with a small autotuner of our own.
//!
//! Burn's matmul autotuner includes tensor-core ("accelerated") kernels, which for f32 inputs
//! stage the operands as TF32 (cubek's `blueprint.rs`): ~3e-4 relative error instead of ~1e-7.
//! The paper's protocol is FP32, so the candidates are cubek's *simple unit* kernels (its
//! *double unit* ones were never faster here and are left out: each candidate is compiled in
//! every benchmark process) and ssmbench's
//! own register-tiled kernels ([`super::matmul_tiled`], [`super::matmul_vec4`],
//! [`super::matmul_double`]), and, where the library loads, cuBLAS's SGEMM with TF32 off
//! ([`super::cublas`]; the tuner chose it for every model product at N = 8,192 on
//! the H200), all one f32 FMA per multiply-add. On
//! first use of each problem shape every candidate is checked against sampled entries of the
//! product computed in f64 on the host ([`super::matmul_referee`]; a candidate that disagrees is
//! rejected, and a shape no candidate gets right is an error, never a silent fallback), and the
//! agreeing ones are timed (device synchronised, as many back-to-back runs as fill about 2 ms,
//! at least three, after one run alone that sizes the batch; those within 1.5× of the fastest
//! a second time, in reverse order, keeping the lower time) and the fastest
//! kept; the choices are recorded with the results. The first forward of every benchmark
//! configuration is a discarded warm-up, so tuning never lands in a timed run.
//!
//! # What tuning costs
//! Each new problem shape is tuned in full. The representation analysis meets new shapes with
//! every session length: on the H200 its process, when cubek's kernels were candidates for
//! every shape, tuned 61 shapes in 83.6 s of its 140 s (`SSMBENCH_TUNE_LOG`), most of its first
//! seed. Giving a shape the kernel of an already-tuned shape of the same size class (extents
//! rounded up to 2^j or 3·2^j), after checking it on the shape's own sampled entries, was
//! tried: 26 of the 61 shapes took that path, but the one run measured (199 s) was on a machine
//! with a cold kernel cache and a slower host (its seeds after the first, which tune nothing,
//! were 30 % slower), so the saving was not shown and the change was not kept.
//!
//! Most of a shape's tuning is compilation, not timing (a shape whose candidates are all
//! compiled already tunes in under 0.1 s), and cubek's kernels are specialised per shape class
//! (44 of that process's compilations were cubek matmuls; ssmbench's are compiled once per
//! operand layout and then come from the on-disk kernel cache). In every tuning recorded on the
//! H200 (the committed `environment.json` and `selftest/kernels.txt` at `b283379`, 102 shapes)
//! cubek's kernels won only matrix–vector products (one output column, `[.., n, n] · [.., n,
//! 1]`); everywhere else one of ssmbench's kernels was faster, by 1.2–5×. So cubek's
//! candidates are compiled and timed only for products with a single output row or column,
//! and as a fallback where none of ssmbench's kernels agrees with the f64 product (which has
//! not happened). `SSMBENCH_TUNE_LOG` shows each candidate's first launch (compilation
//! included) beside its timed runs. Measured on the H200 in a `reproduce` started from a cold
//! kernel cache (the analysis after the benchmarks, as in one run): the analysis process
//! tuned the same 61 shapes in 10 s (was 83.6 s) and took 70 s in all (was 140–154 s); the
//! kernels chosen for the nine products of the N = 8,192 stage breakdown did not change.

use std::{cell::Cell, collections::BTreeMap, sync::Mutex, time::Instant};

use burn::tensor::{DType, Tensor, backend::Backend};
use burn_cubecl::kernel::{into_contiguous, matmul::init_matmul_output};
use cubek::matmul::{
    definition::{MatmulElems, MatmulGlobalElems},
    launch::{Strategy, launch_ref},
    routines::{BlueprintStrategy, TileSizeSelection, simple_unit::SimpleUnitSelectionArgs},
};
use cubek::std::InputBinding;

use super::{
    Cube, cublas, matmul_double, matmul_referee, matmul_tiled::tiled_matmul,
    matmul_vec4::vec4_matmul,
};
use crate::backend::CudaBackend;

/// One candidate kernel: cubek's unit kernels, or one of ssmbench's own.
enum Candidate {
    Cubek(Strategy),
    Tiled,
    /// [`super::matmul_vec4`], with (true) or without register prefetch of the next k-slice.
    Vec4(bool),
    /// [`matmul_double`] with this (rows, columns) output tile per cube and k-groups.
    Double(usize, usize, usize),
    /// cuBLAS's SGEMM on CubeCL's stream ([`cublas`]), TF32 off.
    Cublas,
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Candidate::Cubek(s) => write!(f, "{s}"),
            Candidate::Tiled => write!(f, "ssmbench_tiled_128x128x16"),
            Candidate::Vec4(true) => write!(f, "ssmbench_tiled_vec4_128x128x16"),
            Candidate::Vec4(false) => write!(f, "ssmbench_tiled_vec4_direct_128x128x16"),
            Candidate::Double(m, n, 1) => write!(f, "ssmbench_double_{m}x{n}x16"),
            Candidate::Double(m, n, g) => write!(f, "ssmbench_double_{m}x{n}x16_k{g}"),
            Candidate::Cublas => write!(f, "cublas_sgemm"),
        }
    }
}

/// Whether cubek's unit kernels are tried first for this product (see the module docs): only
/// when the output has a single row or column per batch.
fn cubek_first(lhs: &[usize], rhs: &[usize]) -> bool {
    let (m, n) = (lhs[lhs.len() - 2], rhs[rhs.len() - 1]);
    m == 1 || n == 1
}

/// The candidate kernels, all FP32 on CUDA cores. cuBLAS is last, so that on a tie of the
/// timings ssmbench's own kernel is kept (the first fastest wins).
fn candidates() -> Vec<Candidate> {
    let mut v: Vec<Candidate> = matmul_double::TILES
        .iter()
        .map(|&(m, n, g)| Candidate::Double(m, n, g))
        .collect();
    v.extend([
        Candidate::Vec4(true),
        Candidate::Vec4(false),
        Candidate::Tiled,
    ]);
    for tile_size in [
        TileSizeSelection::MaxTileSize,
        TileSizeSelection::MinTileSize,
    ] {
        v.push(Candidate::Cubek(Strategy::SimpleUnit(
            BlueprintStrategy::Inferred(SimpleUnitSelectionArgs { tile_size }),
        )));
    }
    v.push(Candidate::Cublas);
    v
}

/// Problem shape and operand layouts: what the choice of kernel depends on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    lhs: Vec<usize>,
    rhs: Vec<usize>,
    lhs_transposed: bool,
    rhs_transposed: bool,
    /// Whether [`matmul_double`] can read and write these buffers as 4-word vectors: it depends
    /// on offsets and strides, not only on shapes, so a choice made for an aligned instance of
    /// a shape is never reused for an unaligned one (where that kernel cannot launch).
    vector_aligned: bool,
    /// Whether cuBLAS may be chosen (not inside [`with_own_kernels`]).
    cublas: bool,
}

/// `[8192, 512] x [512, 32000]ᵀ`: the shapes, `ᵀ` marking an operand stored transposed.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = |transposed: bool| if transposed { "ᵀ" } else { "" };
        write!(
            f,
            "{:?}{} x {:?}{}{}{}",
            self.lhs,
            t(self.lhs_transposed),
            self.rhs,
            t(self.rhs_transposed),
            if self.vector_aligned {
                ""
            } else {
                " (not 4-word aligned)"
            },
            if self.cublas {
                ""
            } else {
                " (own kernels only)"
            }
        )
    }
}

static CHOICES: Mutex<BTreeMap<Key, (usize, String)>> = Mutex::new(BTreeMap::new());

/// Row-major, or row-major with only the last two axes swapped (a transposed matrix): the two
/// layouts the unit kernels read directly. Rows may be spaced wider than they are long (a
/// column slice of a wider matrix, such as Mamba's Δ columns of `x_proj`'s output, or
/// CubeCL's pitched rows): every kernel here reads through the row stride. Anything else is
/// copied to contiguous first.
fn layout(t: Cube) -> (Cube, bool) {
    let shape = t.meta.shape().to_vec();
    let strides = t.meta.strides().to_vec();
    let n = shape.len();
    let row_major = |strides: &[usize]| {
        let mut expect = 1;
        for i in (0..n).rev() {
            if shape[i] != 1 && strides[i] != expect {
                return false;
            }
            expect *= shape[i];
        }
        true
    };
    // Evenly spaced rows, at least a row apart.
    let padded_rows = super::rows_evenly_spaced(&t) && strides[n - 2] >= shape[n - 1];
    if row_major(&strides) || padded_rows {
        return (t, false);
    }
    if n >= 2 {
        let mut sw_shape = shape.clone();
        sw_shape.swap(n - 1, n - 2);
        let mut expect = 1;
        let mut ok = true;
        for i in (0..n).rev() {
            let j = if i == n - 1 {
                n - 2
            } else if i == n - 2 {
                n - 1
            } else {
                i
            };
            if sw_shape[i] != 1 && strides[j] != expect {
                ok = false;
                break;
            }
            expect *= sw_shape[i];
        }
        if ok {
            return (t, true);
        }
    }
    (into_contiguous(t), false)
}

fn launch(candidate: &Candidate, lhs: Cube, rhs: Cube, out: Cube) -> Result<(), String> {
    let strategy = match candidate {
        Candidate::Cubek(s) => s,
        Candidate::Tiled => {
            tiled_matmul(&lhs, &rhs, &out);
            return Ok(());
        }
        Candidate::Vec4(prefetch) => {
            vec4_matmul(&lhs, &rhs, &out, *prefetch);
            return Ok(());
        }
        Candidate::Double(m, n, g) => {
            if !matmul_double::eligible(&lhs, &rhs, &out) {
                return Err("operands not 4-word aligned".into());
            }
            matmul_double::double_matmul(&lhs, &rhs, &out, (*m, *n, *g));
            return Ok(());
        }
        Candidate::Cublas => return cublas::gemm(&lhs, &rhs, &out),
    };
    let client = out.client.clone();
    let mut dtypes = MatmulElems::from_globals(&MatmulGlobalElems {
        lhs: DType::F32.into(),
        rhs: DType::F32.into(),
        out: DType::F32.into(),
    });
    launch_ref(
        strategy,
        &client,
        InputBinding::new(lhs.binding(), DType::F32.into()),
        InputBinding::new(rhs.binding(), DType::F32.into()),
        out.binding(),
        &mut dtypes,
    )
    .map_err(|e| format!("{e:?}"))
}

/// Waits for the device; `false` if it reports an error (a launch it refused, for instance).
fn sync(t: &Cube) -> bool {
    CudaBackend::sync(&t.device).is_ok()
}

/// Fills a candidate's output with NaN before it runs, so that a kernel that writes nothing
/// (a launch the device refused, a grid it silently skips) is caught by the referee instead of
/// being judged on values an earlier candidate left in the same pooled buffer. Seen on the
/// H200 at N = 32,768: cubek's unit kernels "took" 0.2 ms for a 1.1-TFLOP product and passed.
fn poison(t: &Cube) {
    super::fill::fill(t, f32::NAN);
}

/// Largest relative deviation (max |a − b| / max |b| over the sampled entries) a candidate may
/// show against the f64 product: FP32 summation-order differences are ~1e-6; a tiling bug is
/// orders larger.
const AGREEMENT: f64 = 1e-4;

/// Checks the candidates against the host's sampled f64 product and times those that agree,
/// each writing into `out` (the product's own buffer, poisoned first); returns the fastest
/// one's index, or `None` (with the report) if none agreed. cubek's kernels are tried in the
/// first round only for matrix–vector products, otherwise only if no other candidate agreed.
fn tune<const D: usize>(
    lhs: &Cube,
    rhs: &Cube,
    out: &Cube,
    allow_cublas: bool,
) -> (Option<usize>, String) {
    // (candidate, ms) of every candidate that agreed with the f64 sample.
    let mut timed: Vec<(usize, f64)> = Vec::new();
    let mut report = Vec::new();
    let exact = matmul_referee::sample::<D>(lhs, rhs);
    let all = candidates();
    let cubek_now = cubek_first(lhs.meta.shape(), rhs.meta.shape());
    for first_round in [true, false] {
        if !first_round && !timed.is_empty() {
            break;
        }
        for (i, s) in all.iter().enumerate() {
            // First round: every candidate but the deferred ones (cubek's, unless this is a
            // matrix–vector product); second round, reached only when none agreed: those.
            let deferred = matches!(s, Candidate::Cubek(_)) && !cubek_now;
            if deferred == first_round || (matches!(s, Candidate::Cublas) && !allow_cublas) {
                continue;
            }
            match try_candidate::<D>(s, lhs, rhs, out, &exact) {
                Ok((ms, line)) => {
                    report.push(format!("{s}: {line}"));
                    timed.push((i, ms));
                }
                Err(line) => report.push(format!("{s}: {line}")),
            }
        }
    }
    // The contenders are timed a second time, in the reverse order, and keep the lower of
    // their two times: a candidate's first timing can land on a device that has just been idle
    // (cuBLAS's first product waits ~0.3 s for its handle), and once that tipped `in_proj`
    // from cuBLAS (0.39 ms) to ssmbench's vec4 kernel (0.43 ms; 0.47 timed for cuBLAS), which
    // cost Mamba's forward at N = 8,192 0.4 ms (H200).
    let fastest = timed
        .iter()
        .map(|&(_, ms)| ms)
        .fold(f64::INFINITY, f64::min);
    for (i, ms) in timed.iter_mut().rev() {
        if *ms <= RETIME_WITHIN * fastest
            && let Some(again) = time_runs(&all[*i], lhs, rhs, out)
        {
            report.push(format!("{}: again {again:.3} ms", all[*i]));
            *ms = ms.min(again);
        }
    }
    if !timed.is_empty() && !cubek_now {
        report.push("cubek's unit kernels: not tried (not a matrix–vector product)".into());
    }
    // The first of equally fast candidates wins (`min_by` keeps the first minimum).
    let best = timed
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|&(i, _)| i);
    (best, report.join(", "))
}

/// Candidates within this factor of the fastest first timing are timed again.
const RETIME_WITHIN: f64 = 1.5;

/// Launches one candidate (its first launch compiles it), checks it against the f64 sample and
/// times it ([`time_runs`]); the ms and a report line, or why it was rejected.
fn try_candidate<const D: usize>(
    s: &Candidate,
    lhs: &Cube,
    rhs: &Cube,
    out: &Cube,
    exact: &matmul_referee::Sample,
) -> Result<(f64, String), String> {
    poison(out);
    let first = Instant::now();
    // A kernel that fails to compile for this shape panics inside the launch: that makes it
    // ineligible, never the end of a run.
    let launched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        launch(s, lhs.clone(), rhs.clone(), out.clone())
    }));
    match launched {
        Ok(Ok(())) => {}
        // A candidate that declines a product says why ("operands not 4-word aligned",
        // "libcupti not found", …).
        Ok(Err(why)) => return Err(format!("n/a: {why}")),
        Err(_) => return Err("n/a".into()),
    }
    if !sync(out) {
        return Err("REJECTED, the device reported an error".into());
    }
    let first_s = first.elapsed().as_secs_f64();
    let dev = matmul_referee::deviation::<D>(out, exact);
    if dev.is_nan() || dev > AGREEMENT {
        return Err(format!("REJECTED, deviates {dev:.1e} from the f64 product"));
    }
    let ms = time_runs(s, lhs, rhs, out).ok_or("REJECTED, the device reported an error")?;
    Ok((
        ms,
        format!("{ms:.3} ms (deviation {dev:.0e}; first launch {first_s:.2} s)"),
    ))
}

/// Mean ms of back-to-back runs of a candidate that has run before: one run alone (the device
/// synchronised before and after it) sizes the batch, then as many runs as fill about
/// [`TIMED_MS`] (at least 3), the device synchronised after them; `None` if the device reported
/// an error.
///
/// The host's clock around a batch also holds one synchronisation and, for cuBLAS, a round trip
/// to CubeCL's device thread per run; over three runs of a 0.18-ms product that added ≈ 0.07 ms
/// to every run (cuBLAS timed 0.24 ms for Mamba's `out_proj` against 0.176 in the forward's
/// device timeline, ssmbench's vec4 kernel 0.26 against 0.212), which shrank a 20 % difference
/// to 5–10 % and let the noise pick the slower kernel in one process of four (H200).
fn time_runs(s: &Candidate, lhs: &Cube, rhs: &Cube, out: &Cube) -> Option<f64> {
    let once = Instant::now();
    let _ = launch(s, lhs.clone(), rhs.clone(), out.clone());
    if !sync(out) {
        return None;
    }
    let once_ms = once.elapsed().as_secs_f64() * 1e3;
    let runs = ((TIMED_MS / once_ms).ceil() as usize).clamp(3, MAX_TIMED_RUNS);
    let start = Instant::now();
    for _ in 0..runs {
        let _ = launch(s, lhs.clone(), rhs.clone(), out.clone());
    }
    sync(out).then(|| start.elapsed().as_secs_f64() * 1e3 / runs as f64)
}

/// Milliseconds of back-to-back runs a candidate's timing aims for.
const TIMED_MS: f64 = 2.0;
/// At most this many runs per timing (products of a few µs).
const MAX_TIMED_RUNS: usize = 200;

thread_local! {
    /// True only inside [`with_burn_matmul`], on the thread that called it.
    static BURN_MATMUL: Cell<bool> = const { Cell::new(false) };
    /// True only inside [`with_own_kernels`], on the thread that called it.
    static OWN_KERNELS: Cell<bool> = const { Cell::new(false) };
}

/// Sets a thread-local flag for the length of `body`, restoring it when `body` returns or
/// unwinds.
fn scoped<R>(flag: &'static std::thread::LocalKey<Cell<bool>>, body: impl FnOnce() -> R) -> R {
    struct Restore(&'static std::thread::LocalKey<Cell<bool>>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            self.0.with(|f| f.set(self.1));
        }
    }
    let _restore = Restore(flag, flag.with(|f| f.replace(true)));
    body()
}

/// Runs `body` with [`matmul_fp32`] choosing among ssmbench's own kernels (and cubek's) only,
/// never cuBLAS: the self-check's comparison of those kernels with cuBLAS.
pub fn with_own_kernels<R>(body: impl FnOnce() -> R) -> R {
    scoped(&OWN_KERNELS, body)
}

/// Runs `body` with [`matmul_fp32`] handing every product to Burn's own matmul (TF32 tensor
/// cores for f32 operands, where its autotuner picks them): the comparison of
/// `crate::bench::tensor_cores`, never a benchmark of the protocol. The previous setting comes
/// back when `body` returns or unwinds.
pub fn with_burn_matmul<R>(body: impl FnOnce() -> R) -> R {
    scoped(&BURN_MATMUL, body)
}

/// `lhs · rhs` in strict FP32 (see the module docs), except inside [`with_burn_matmul`].
pub fn matmul_fp32<const D: usize>(
    lhs: Tensor<CudaBackend, D>,
    rhs: Tensor<CudaBackend, D>,
) -> Tensor<CudaBackend, D> {
    if BURN_MATMUL.with(Cell::get) {
        return lhs.matmul(rhs);
    }
    let (lhs, lhs_transposed) = layout(lhs.into_primitive().tensor());
    let (rhs, rhs_transposed) = layout(rhs.into_primitive().tensor());
    let out = init_matmul_output(&lhs, &rhs, DType::F32);
    let key = Key {
        lhs: lhs.meta.shape().to_vec(),
        rhs: rhs.meta.shape().to_vec(),
        lhs_transposed,
        rhs_transposed,
        vector_aligned: matmul_double::eligible(&lhs, &rhs, &out),
        cublas: !OWN_KERNELS.with(Cell::get),
    };
    let chosen = CHOICES.lock().unwrap().get(&key).map(|c| c.0);
    let idx = match chosen {
        Some(i) => i,
        None => {
            let tuned = Instant::now();
            let (i, report) = tune::<D>(&lhs, &rhs, &out, key.cublas);
            // Opt-in trace for kernel work on the device (the choices are recorded either way).
            if std::env::var_os("SSMBENCH_TUNE_LOG").is_some() {
                eprintln!(
                    "tuned matmul {key} in {:.1} s: {report}",
                    tuned.elapsed().as_secs_f64()
                );
            }
            // No kernel computes this product correctly: stop rather than produce a wrong result.
            let Some(i) = i else {
                panic!("no FP32 matmul kernel agrees with the f64 product for {key}: {report}");
            };
            CHOICES.lock().unwrap().insert(key, (i, report));
            i
        }
    };
    launch(&candidates()[idx], lhs, rhs, out.clone()).expect("tuned FP32 matmul failed to launch");
    super::wrap(out)
}

/// One line per tuned problem: shapes, the kernel kept, and every candidate's time.
pub fn choices() -> Vec<String> {
    let all = candidates();
    CHOICES
        .lock()
        .unwrap()
        .iter()
        .map(|(k, (i, report))| format!("matmul {k} -> {} [{report}]", all[*i]))
        .collect()
}
