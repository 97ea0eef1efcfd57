//! cuBLAS's FP32 SGEMM, on CubeCL's own stream, as one more candidate for [`super::matmul`]'s
//! tuner.
//!
//! # Why a vendor library here
//! Many sessions of kernel work left ssmbench's FP32 products 14–35 % slower than cuBLAS's on
//! the models' shapes (`selftest` against `peers/gemm_bench.py`; the history is in
//! [`super::matmul_vec4`] and [`super::matmul_double`]), and the products are ≈ 93 % of
//! Mamba's forward. The paper's own stack (PyTorch) runs these products in cuBLAS. So cuBLAS
//! is offered to the tuner beside ssmbench's kernels, judged the same way: its result must
//! agree with sampled f64 entries of the product (1e-4; TF32 would miss that by ~3×), and it is
//! kept for a shape only where it is the fastest. Its math mode is `CUBLAS_DEFAULT_MATH`, which
//! never uses TF32 for SGEMM (as PyTorch with `allow_tf32=False`): one f32 FMA per multiply-add.
//!
//! # Same stream, no host synchronisation
//! CubeCL 0.10 keeps its CUDA stream private (one non-blocking stream per caller thread). A
//! product put on another stream would need a host synchronisation on each side of it, which
//! would cost more than cuBLAS saves. The stream is found instead with CUPTI's callback API,
//! the interface NVIDIA provides for tools to observe driver calls: subscribed for the length of
//! one small kernel launch of ours, it reads the stream handle that CubeCL passes to
//! `cuLaunchKernel`, and is unsubscribed again (so no callback runs while anything is timed).
//! The SGEMM is then issued on that stream from CubeCL's device thread ([`ComputeClient::exclusive`],
//! after everything submitted before it), so it is ordered after the kernels that produce its
//! operands and before those that read its output, like any CubeCL kernel.
//!
//! cuBLAS's workspace is a CubeCL allocation (so it is counted in the memory CubeCL reports);
//! cuBLAS's handle keeps a few KiB of its own. Where `libcublas` or `libcupti` cannot be loaded,
//! or the stream cannot be told (also under a profiler that holds CUPTI's one subscription,
//! such as Nsight), the candidate reports "n/a" and the tuner goes on without it.
//!
//! # Tried and not kept
//! - Issuing from the caller's thread, after asking the device thread for each buffer's address
//!   (four round trips per product instead of one): the same forward time at N = 8,192, slower
//!   at short lengths (Mamba at 1,024 tokens 3.76 ms against 3.16), where the host, not the
//!   device, sets the pace.
//! - cuBLASLt with the first four algorithms its heuristic proposes as further candidates
//!   (timed on the H200 in the tuner): the first is the one `cublasSgemm` runs (LM head 5.37
//!   against 5.41 ms, `in_proj` 0.374 against 0.373), the others were slower on the large
//!   products and 2–7 µs faster on `x_proj` and `dt_proj`; Mamba's forward at 8,192 took
//!   12.13 ms against 12.08 without them. About 250 lines for nothing the benchmark sees.
//!
//! [`ComputeClient::exclusive`]: cubecl::client::ComputeClient::exclusive

use std::{
    cell::RefCell,
    collections::BTreeMap,
    ffi::c_void,
    sync::{Mutex, OnceLock},
};

use burn::tensor::backend::Backend;
use cubecl::server::Handle;
use cudarc::{cublas::sys as blas, cupti::sys as cupti};

use super::{Cube, fill::fill};
use crate::backend::CudaBackend;

/// cuBLAS's workspace, per stream: 32 MiB, NVIDIA's recommendation for Hopper.
const WORKSPACE_BYTES: usize = 32 << 20;

/// A cuBLAS handle bound to one CubeCL stream, with its workspace (kept alive here).
struct Bound {
    handle: usize,
    _workspace: Handle,
}

/// Handles by stream address; created once per stream and kept for the process.
static HANDLES: Mutex<BTreeMap<usize, Bound>> = Mutex::new(BTreeMap::new());
/// Stream handles seen by the CUPTI callback while it is subscribed.
static SEEN: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// Held for the whole of a discovery, so that two threads finding their streams at once do
/// not see each other's launches.
static DISCOVERY: Mutex<()> = Mutex::new(());
/// Whether both libraries load on this machine (asked once).
static LIBRARIES: OnceLock<Result<(), String>> = OnceLock::new();

thread_local! {
    /// This thread's CubeCL stream (CubeCL gives each caller thread its own), once found, or
    /// why it could not be.
    static STREAM: RefCell<Option<Result<usize, String>>> = const { RefCell::new(None) };
}

fn libraries() -> Result<(), String> {
    LIBRARIES
        .get_or_init(|| {
            // SAFETY: only tries to dlopen the libraries by their usual names.
            let (blas_ok, cupti_ok) =
                unsafe { (blas::is_culib_present(), cupti::is_culib_present()) };
            match (blas_ok, cupti_ok) {
                (true, true) => Ok(()),
                (false, _) => Err("libcublas not found".into()),
                (_, false) => Err("libcupti not found".into()),
            }
        })
        .clone()
}

/// CUPTI driver-API callback: records the stream of every kernel launch while subscribed.
unsafe extern "C" fn on_driver_call(
    _userdata: *mut c_void,
    _domain: cupti::CUpti_CallbackDomain,
    cbid: cupti::CUpti_CallbackId,
    data: *const c_void,
) {
    use cupti::CUpti_driver_api_trace_cbid_enum as Id;
    if cbid != Id::CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel as u32
        && cbid != Id::CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz as u32
    {
        return;
    }
    // SAFETY: CUPTI passes a `CUpti_CallbackData` for driver-API callbacks, whose parameters
    // for these two ids are `cuLaunchKernel_params` (the `_ptsz` variant has the same layout).
    let data = unsafe { &*(data as *const cupti::CUpti_CallbackData) };
    if data.callbackSite != cupti::CUpti_ApiCallbackSite::CUPTI_API_ENTER {
        return;
    }
    let params = unsafe { &*(data.functionParams as *const cupti::cuLaunchKernel_params) };
    if let Ok(mut seen) = SEEN.lock() {
        seen.push(params.hStream as usize);
    }
}

/// `Ok` when a library call returned its success code, else its code named after `what`.
fn check<T: PartialEq + std::fmt::Debug>(r: T, success: T, what: &str) -> Result<(), String> {
    if r == success {
        Ok(())
    } else {
        Err(format!("{what}: {r:?}"))
    }
}

fn cupti_ok(r: cupti::CUptiResult, what: &str) -> Result<(), String> {
    check(r, cupti::CUptiResult::CUPTI_SUCCESS, what)
}

/// Finds the stream CubeCL launches this thread's kernels on: subscribes to CUPTI's driver
/// callbacks, launches one small fill kernel, waits for the device, unsubscribes.
fn discover_stream(probe: &Cube) -> Result<usize, String> {
    libraries()?;
    let _one_at_a_time = DISCOVERY.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = super::empty_like(probe, [1]);
    // Make sure the probe's own allocation and any pending work are out of the way first.
    CudaBackend::sync(&probe.device).map_err(|e| format!("sync: {e:?}"))?;
    let mut subscriber: cupti::CUpti_SubscriberHandle = std::ptr::null_mut();
    // SAFETY: plain CUPTI calls; the callback only reads the parameters CUPTI hands it.
    unsafe {
        cupti_ok(
            cupti::cuptiSubscribe(&mut subscriber, Some(on_driver_call), std::ptr::null_mut()),
            "cuptiSubscribe",
        )?;
    }
    SEEN.lock().unwrap().clear();
    let enabled = unsafe {
        cupti_ok(
            cupti::cuptiEnableDomain(
                1,
                subscriber,
                cupti::CUpti_CallbackDomain::CUPTI_CB_DOMAIN_DRIVER_API,
            ),
            "cuptiEnableDomain",
        )
    };
    if enabled.is_ok() {
        fill(&scratch, 0.0);
    }
    let synced = CudaBackend::sync(&probe.device);
    let unsubscribed = unsafe { cupti_ok(cupti::cuptiUnsubscribe(subscriber), "cuptiUnsubscribe") };
    enabled?;
    synced.map_err(|e| format!("sync: {e:?}"))?;
    unsubscribed?;
    let mut seen = std::mem::take(&mut *SEEN.lock().unwrap());
    seen.sort_unstable();
    seen.dedup();
    match seen.as_slice() {
        [stream] => Ok(*stream),
        other => Err(format!("{} streams seen for one launch", other.len())),
    }
}

/// This thread's stream, found on first use.
pub(crate) fn stream(probe: &Cube) -> Result<usize, String> {
    STREAM.with(|s| {
        let mut s = s.borrow_mut();
        s.get_or_insert_with(|| discover_stream(probe)).clone()
    })
}

fn blas_ok(r: blas::cublasStatus_t, what: &str) -> Result<(), String> {
    check(r, blas::cublasStatus_t::CUBLAS_STATUS_SUCCESS, what)
}

/// The cuBLAS handle bound to this thread's CubeCL stream (created on first use, on the device
/// thread, where CubeCL's context is current), with a CubeCL-allocated workspace.
fn handle(probe: &Cube) -> Result<usize, String> {
    let stream = stream(probe)?;
    let mut handles = HANDLES.lock().unwrap();
    if let Some(b) = handles.get(&stream) {
        return Ok(b.handle);
    }
    let workspace = probe.client.empty(WORKSPACE_BYTES);
    let ptr = probe
        .client
        .get_resource(workspace.clone())
        .map_err(|e| format!("workspace: {e:?}"))?
        .resource()
        .ptr;
    let created = probe
        .client
        .exclusive(move || -> Result<usize, String> {
            let mut h: blas::cublasHandle_t = std::ptr::null_mut();
            // SAFETY: CubeCL's context is current on its device thread; the stream and the
            // workspace belong to it and outlive the handle (both are kept for the process).
            unsafe {
                blas_ok(blas::cublasCreate_v2(&mut h), "cublasCreate")?;
                blas_ok(
                    blas::cublasSetStream_v2(h, stream as blas::cudaStream_t),
                    "cublasSetStream",
                )?;
                blas_ok(
                    blas::cublasSetWorkspace_v2(h, ptr as *mut c_void, WORKSPACE_BYTES),
                    "cublasSetWorkspace",
                )?;
                blas_ok(
                    blas::cublasSetMathMode(h, blas::cublasMath_t::CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode",
                )?;
            }
            Ok(h as usize)
        })
        .map_err(|e| format!("device thread: {e:?}"))??;
    handles.insert(
        stream,
        Bound {
            handle: created,
            _workspace: workspace,
        },
    );
    Ok(created)
}

/// How cuBLAS reads one row-major operand `[.., r, c]`: whether it is stored transposed
/// (unit stride down the rows), its leading dimension, and its stride between batch entries
/// (0 when the operand has no batch axes of more than one entry).
struct Operand {
    transposed: bool,
    ld: i32,
    batch_stride: i64,
}

/// One product as cuBLAS sees it: `out [.., m, n] = lhs [.., m, k] · rhs [.., k, n]` over
/// `count` batch entries.
struct Problem {
    a: Operand,
    b: Operand,
    c: Operand,
    m: i32,
    n: i32,
    k: i32,
    count: i32,
}

/// The product's layouts, or "…" where cuBLAS cannot read them as they are.
fn problem(lhs: &Cube, rhs: &Cube, out: &Cube) -> Result<Problem, String> {
    let d = out.meta.shape().len();
    let batch = out.meta.shape()[..d - 2].to_vec();
    let (m, n) = (out.meta.shape()[d - 2], out.meta.shape()[d - 1]);
    let k = lhs.meta.shape()[d - 1];
    let count: usize = batch.iter().product();
    let (a, b, c) = (
        operand(lhs, &batch)?,
        operand(rhs, &batch)?,
        operand(out, &batch)?,
    );
    if c.transposed || (count > 1 && c.batch_stride == 0) {
        return Err("output layout".into());
    }
    let fits = |x: usize| i32::try_from(x).map_err(|_| "extent over i32".to_string());
    Ok(Problem {
        a,
        b,
        c,
        m: fits(m)?,
        n: fits(n)?,
        k: fits(k)?,
        count: fits(count)?,
    })
}

/// Runs `issue` on CubeCL's device thread, after everything submitted before it, with the
/// device addresses of `lhs`, `rhs` and `out` (byte offsets of views included; the resources
/// keep the memory referenced until the product is issued): one trip to that thread.
fn on_device_thread(
    lhs: &Cube,
    rhs: &Cube,
    out: &Cube,
    issue: impl FnOnce(u64, u64, u64) -> Result<(), String> + Send,
) -> Result<(), String> {
    let (lhs, rhs, out) = (lhs.clone(), rhs.clone(), out.clone());
    out.client
        .clone()
        .exclusive(move || -> Result<(), String> {
            let res = |t: &Cube| {
                t.client
                    .get_resource(t.handle.clone())
                    .map_err(|e| format!("resource: {e:?}"))
            };
            let (ra, rb, rc) = (res(&lhs)?, res(&rhs)?, res(&out)?);
            let issued = issue(ra.resource().ptr, rb.resource().ptr, rc.resource().ptr);
            drop((ra, rb, rc));
            issued
        })
        .map_err(|e| format!("device thread: {e:?}"))?
}

fn operand(t: &Cube, batch: &[usize]) -> Result<Operand, String> {
    operand_of(t.meta.shape(), t.meta.strides(), batch)
}

/// [`operand`] from a tensor's shape and strides (in elements).
fn operand_of(shape: &[usize], strides: &[usize], batch: &[usize]) -> Result<Operand, String> {
    let n = shape.len();
    let (r, c, sr, sc) = (shape[n - 2], shape[n - 1], strides[n - 2], strides[n - 1]);
    let (transposed, ld) = if sc == 1 && (sr >= c || r == 1) {
        (false, if r == 1 { c.max(1) } else { sr })
    } else if sr == 1 && (sc >= r || c == 1) {
        (true, if c == 1 { r.max(1) } else { sc })
    } else {
        return Err("operand layout".into());
    };
    // The batch axes must read as one evenly strided axis, or all be single entries.
    let axes: Vec<(usize, usize)> = (0..n - 2)
        .filter(|&i| shape[i] > 1)
        .map(|i| (shape[i], strides[i]))
        .collect();
    let batch_stride = if axes.is_empty() {
        0
    } else {
        if shape[..n - 2] != *batch {
            return Err("broadcast batch".into());
        }
        if axes.windows(2).any(|w| w[0].1 != w[1].0 * w[1].1) {
            return Err("batch axes not evenly strided".into());
        }
        axes[axes.len() - 1].1 as i64
    };
    let ld = i32::try_from(ld).map_err(|_| "leading dimension over i32")?;
    Ok(Operand {
        transposed,
        ld,
        batch_stride,
    })
}

/// `out = lhs · rhs` with cuBLAS's SGEMM (strided-batched over the leading axes), issued on
/// CubeCL's stream; `out` is a `[.., m, n]` buffer with unit stride along `n` (rows may be
/// pitched). An error ("…") where cuBLAS cannot be used here or for this layout.
pub(crate) fn gemm(lhs: &Cube, rhs: &Cube, out: &Cube) -> Result<(), String> {
    let p = problem(lhs, rhs, out)?;
    let handle = handle(out)?;
    on_device_thread(lhs, rhs, out, move |pa, pb, pc| {
        let (alpha, beta) = (1.0f32, 0.0f32);
        let h = handle as blas::cublasHandle_t;
        let (a, b, c) = (&p.a, &p.b, &p.c);
        // Row-major `C = A·B` is column-major `Cᵀ = Bᵀ·Aᵀ`: a row-major operand read in
        // column-major order is its own transpose, so cuBLAS gets B first and each operand's
        // op is "transpose" exactly when the row-major tensor is stored transposed. SAFETY: the
        // pointers are live CubeCL buffers of the extents checked in `problem`, and the
        // handle's stream is CubeCL's for this thread.
        let status = unsafe {
            if p.count == 1 {
                blas::cublasSgemm_v2(
                    h,
                    op(b.transposed),
                    op(a.transposed),
                    p.n,
                    p.m,
                    p.k,
                    &alpha,
                    pb as *const f32,
                    b.ld,
                    pa as *const f32,
                    a.ld,
                    &beta,
                    pc as *mut f32,
                    c.ld,
                )
            } else {
                blas::cublasSgemmStridedBatched(
                    h,
                    op(b.transposed),
                    op(a.transposed),
                    p.n,
                    p.m,
                    p.k,
                    &alpha,
                    pb as *const f32,
                    b.ld,
                    b.batch_stride,
                    pa as *const f32,
                    a.ld,
                    a.batch_stride,
                    &beta,
                    pc as *mut f32,
                    c.ld,
                    c.batch_stride,
                    p.count,
                )
            }
        };
        blas_ok(status, "cublasSgemm")
    })
}

fn op(transposed: bool) -> blas::cublasOperation_t {
    if transposed {
        blas::cublasOperation_t::CUBLAS_OP_T
    } else {
        blas::cublasOperation_t::CUBLAS_OP_N
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(shape: &[usize], strides: &[usize], batch: &[usize]) -> (bool, i32, i64) {
        let o = operand_of(shape, strides, batch).unwrap();
        (o.transposed, o.ld, o.batch_stride)
    }

    #[test]
    fn operands_map_to_column_major_reads() {
        // Row-major [m, k]: column-major kᵀ-by-m with leading dimension k.
        assert_eq!(read(&[8, 4], &[4, 1], &[]), (false, 4, 0));
        // A weight stored [n, k] and used transposed, as every model product does.
        assert_eq!(read(&[4, 6], &[1, 4], &[]), (true, 4, 0));
        // Pitched rows (a column view of a wider matrix): the row stride is the leading one.
        assert_eq!(read(&[8, 4], &[64, 1], &[]), (false, 64, 0));
        // Batch axes that read as one evenly strided axis, and a broadcast operand.
        assert_eq!(
            read(&[2, 3, 8, 4], &[96, 32, 4, 1], &[2, 3]),
            (false, 4, 32)
        );
        assert_eq!(read(&[1, 1, 8, 4], &[32, 32, 4, 1], &[2, 3]), (false, 4, 0));
        // Layouts cuBLAS cannot read as they are are declined, never misread.
        assert!(operand_of(&[8, 4], &[8, 2], &[]).is_err());
        assert!(operand_of(&[2, 3, 8, 4], &[32, 64, 4, 1], &[2, 3]).is_err());
        assert!(operand_of(&[1, 3, 8, 4], &[96, 32, 4, 1], &[2, 3]).is_err());
    }
}
