//! CUDA events on CubeCL's stream: device-side timestamps between queued work, for
//! `bench perf`'s per-stage breakdown (see `crate::backend::StageClock`).
//!
//! A stage clock that synchronises the device at every mark measures the synchronisations too
//! (a few µs each, dozens per forward) and stops the host from queueing ahead: on the H200 the
//! stages of Mamba's forward at N = 8,192 added up to 16.2 ms against 12.2 for the forward
//! itself. An event recorded at each mark instead is a timestamp the device takes when it
//! reaches that point of the stream; the host never waits, and the intervals between
//! consecutive events add up to the forward.
//!
//! The events are recorded on the device thread (`client.exclusive`), after the work CubeCL
//! has queued so far, on the stream `super::cublas` finds for this thread (through CUPTI;
//! where CUPTI or cuBLAS cannot be loaded there are no events and the clock synchronises).

use std::ptr::null_mut;

use burn::tensor::Tensor;
use cubecl::cuda::CudaDevice;
use cudarc::driver::sys as cu;

use super::Cube;
use crate::backend::CudaBackend;

fn ok(r: cu::CUresult, what: &str) -> Result<(), String> {
    if r == cu::CUresult::CUDA_SUCCESS {
        Ok(())
    } else {
        Err(format!("{what}: {r:?}"))
    }
}

/// A one-element tensor on `device`: the handle to its client, and the probe the stream
/// discovery launches on.
fn probe(device: &CudaDevice) -> Cube {
    Tensor::<CudaBackend, 1>::empty([1], device)
        .into_primitive()
        .tensor()
}

/// Records a new event behind all work queued so far on `device`; its raw handle.
pub fn record(device: &CudaDevice) -> Result<usize, String> {
    let probe = probe(device);
    let stream = super::cublas::stream(&probe)?;
    probe
        .client
        .exclusive(move || -> Result<usize, String> {
            let mut ev: cu::CUevent = null_mut();
            // SAFETY: CubeCL's context is current on its device thread, and the stream is
            // CubeCL's own for this thread (found by `cublas::stream`).
            unsafe {
                ok(
                    cu::cuEventCreate(&mut ev, cu::CUevent_flags::CU_EVENT_DEFAULT as u32),
                    "cuEventCreate",
                )?;
                if let Err(e) = ok(
                    cu::cuEventRecord(ev, stream as cu::CUstream),
                    "cuEventRecord",
                ) {
                    cu::cuEventDestroy_v2(ev);
                    return Err(e);
                }
            }
            Ok(ev as usize)
        })
        .map_err(|e| format!("device thread: {e:?}"))?
}

/// Milliseconds between each pair of consecutive events of `events` (recorded by [`record`]
/// on `device`, in order), then destroys them all. Call after the device has synchronised.
pub fn intervals(device: &CudaDevice, events: Vec<usize>) -> Result<Vec<f64>, String> {
    probe(device)
        .client
        .exclusive(move || -> Result<Vec<f64>, String> {
            let mut out = Vec::with_capacity(events.len().saturating_sub(1));
            let mut failed = None;
            for w in events.windows(2) {
                let mut ms = 0.0f32;
                // SAFETY: both events were created and recorded by `record` in this context.
                let r = unsafe {
                    cu::cuEventElapsedTime_v2(&mut ms, w[0] as cu::CUevent, w[1] as cu::CUevent)
                };
                match ok(r, "cuEventElapsedTime") {
                    Ok(()) => out.push(ms as f64),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            for &ev in &events {
                // SAFETY: as above; each event is destroyed once.
                unsafe { cu::cuEventDestroy_v2(ev as cu::CUevent) };
            }
            failed.map_or(Ok(out), Err)
        })
        .map_err(|e| format!("device thread: {e:?}"))?
}
