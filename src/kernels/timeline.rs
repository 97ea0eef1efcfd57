//! The device's timeline over a few forwards, read with CUPTI's activity API: when each kernel
//! (CubeCL's and cuBLAS's alike) started and ended on the device, when the driver call that
//! launched it was made on the host, and where the host's clock started and stopped — all in
//! CUPTI's one time base. It answers what CUDA events between stages cannot: how much of a
//! timed forward the device spends idle, and whether it is waiting for the host at the start,
//! between kernels, or at the end.
//!
//! Tracing costs the host a little per launch, so a traced forward is never a benchmark row:
//! `SSMBENCH_TIMELINE=<file>` makes a benchmark worker trace three forwards after its timed
//! runs and append the spans to that file, one JSON object per line.

use std::{
    alloc::{Layout, alloc, dealloc},
    ffi::CStr,
    io::Write,
    sync::Mutex,
};

use cudarc::cupti::sys as cupti;

/// One record: a kernel, a memset or copy on the device, or a driver/runtime call on the host.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Span {
    /// `kernel`, `memset`, `memcpy`, `driver` or `runtime`.
    pub kind: &'static str,
    /// The kernel's name, or the API call's callback id.
    pub name: String,
    pub start_ns: u64,
    pub end_ns: u64,
    /// Links a device record to the host call that issued it.
    pub correlation: u32,
}

static SPANS: Mutex<Vec<Span>> = Mutex::new(Vec::new());

const BUFFER_BYTES: usize = 8 << 20;

fn buffer_layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).expect("valid layout")
}

unsafe extern "C" fn buffer_requested(buffer: *mut *mut u8, size: *mut usize, max: *mut usize) {
    // SAFETY: CUPTI hands valid out-pointers; the buffer is freed in `buffer_completed`.
    unsafe {
        *buffer = alloc(buffer_layout(BUFFER_BYTES));
        *size = BUFFER_BYTES;
        *max = 0;
    }
}

unsafe extern "C" fn buffer_completed(
    _context: cudarc::driver::sys::CUcontext,
    _stream: u32,
    buffer: *mut u8,
    size: usize,
    valid: usize,
) {
    use cupti::CUpti_ActivityKind as K;
    let mut record: *mut cupti::CUpti_Activity = std::ptr::null_mut();
    let mut found = Vec::new();
    loop {
        // SAFETY: CUPTI walks its own buffer; each record starts with its kind.
        let r = unsafe { cupti::cuptiActivityGetNextRecord(buffer, valid, &mut record) };
        if r != cupti::CUptiResult::CUPTI_SUCCESS {
            break;
        }
        let kind = unsafe { (*record).kind };
        match kind {
            K::CUPTI_ACTIVITY_KIND_KERNEL | K::CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL => {
                // The fields read here sit at the same offsets in every kernel record version.
                let k = unsafe { &*(record as *const cupti::CUpti_ActivityKernel9) };
                let name = if k.name.is_null() {
                    String::new()
                } else {
                    unsafe { CStr::from_ptr(k.name) }
                        .to_string_lossy()
                        .into_owned()
                };
                found.push(Span {
                    kind: "kernel",
                    name,
                    start_ns: k.start,
                    end_ns: k.end,
                    correlation: k.correlationId,
                });
            }
            K::CUPTI_ACTIVITY_KIND_DRIVER | K::CUPTI_ACTIVITY_KIND_RUNTIME => {
                let a = unsafe { &*(record as *const cupti::CUpti_ActivityAPI) };
                found.push(Span {
                    kind: if kind == K::CUPTI_ACTIVITY_KIND_DRIVER {
                        "driver"
                    } else {
                        "runtime"
                    },
                    name: a.cbid.to_string(),
                    start_ns: a.start,
                    end_ns: a.end,
                    correlation: a.correlationId,
                });
            }
            _ => {}
        }
    }
    SPANS.lock().unwrap().extend(found);
    // SAFETY: allocated in `buffer_requested` with this size.
    unsafe { dealloc(buffer, buffer_layout(size)) };
}

const KINDS: [cupti::CUpti_ActivityKind; 3] = [
    cupti::CUpti_ActivityKind::CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL,
    cupti::CUpti_ActivityKind::CUPTI_ACTIVITY_KIND_DRIVER,
    cupti::CUpti_ActivityKind::CUPTI_ACTIVITY_KIND_RUNTIME,
];

fn ok(r: cupti::CUptiResult, what: &str) -> Result<(), String> {
    if r == cupti::CUptiResult::CUPTI_SUCCESS {
        Ok(())
    } else {
        Err(format!("{what}: {r:?}"))
    }
}

/// Starts recording.
pub fn start() -> Result<(), String> {
    // SAFETY: plain CUPTI calls with callbacks of the signatures it expects.
    unsafe {
        if !cupti::is_culib_present() {
            return Err("libcupti not found".into());
        }
        ok(
            cupti::cuptiActivityRegisterCallbacks(Some(buffer_requested), Some(buffer_completed)),
            "cuptiActivityRegisterCallbacks",
        )?;
        for k in KINDS {
            ok(cupti::cuptiActivityEnable(k), "cuptiActivityEnable")?;
        }
    }
    Ok(())
}

/// CUPTI's clock, the time base of the records.
pub fn now_ns() -> u64 {
    let mut t = 0u64;
    // SAFETY: writes one u64.
    unsafe { cupti::cuptiGetTimestamp(&mut t) };
    t
}

/// Stops recording and returns every span recorded since [`start`].
pub fn stop() -> Vec<Span> {
    // SAFETY: plain CUPTI calls.
    unsafe {
        for k in KINDS {
            let _ = cupti::cuptiActivityDisable(k);
        }
        let _ = cupti::cuptiActivityFlushAll(1);
    }
    std::mem::take(&mut *SPANS.lock().unwrap())
}

/// Records three forwards timed as the benchmark times them (`sync` before and after each, the
/// host's clock read at both ends and at every stage mark of the model), then three queued
/// back to back, and appends the lot to `file` under `label`. Where CUPTI cannot be used it
/// says why on stderr and records nothing.
pub fn trace(sync: &dyn Fn(), file: &std::path::Path, label: &str, forward: &mut dyn FnMut()) {
    if let Err(e) = start() {
        eprintln!("timeline: {e}");
        return;
    }
    let mut marks = Vec::new();
    for i in 0..3 {
        sync();
        marks.push((format!("start{i}"), now_ns()));
        let stages = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let seen = stages.clone();
        crate::backend::marks::observe(
            Box::new(move |stage| seen.borrow_mut().push((format!("f{i} {stage}"), now_ns()))),
            &mut *forward,
        );
        marks.extend(stages.borrow_mut().drain(..));
        sync();
        marks.push((format!("stop{i}"), now_ns()));
    }
    sync();
    marks.push(("queued_start".into(), now_ns()));
    for _ in 0..3 {
        forward();
    }
    sync();
    marks.push(("queued_stop".into(), now_ns()));
    let spans = stop();
    append(file, label, &marks, &spans);
}

/// Appends `marks` (named host instants) and `spans` to `file`, one JSON object per line.
pub fn append(file: &std::path::Path, label: &str, marks: &[(String, u64)], spans: &[Span]) {
    let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    else {
        return;
    };
    for (name, t) in marks {
        let _ = writeln!(
            f,
            "{}",
            serde_json::json!({"label": label, "kind": "mark", "name": name, "start_ns": t})
        );
    }
    for s in spans {
        let mut v = serde_json::to_value(s).unwrap();
        v["label"] = label.into();
        let _ = writeln!(f, "{v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_marks_are_appended_as_json_lines() {
        let file =
            std::env::temp_dir().join(format!("ssmbench-timeline-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let span = Span {
            kind: "kernel",
            name: "scan".into(),
            start_ns: 10,
            end_ns: 25,
            correlation: 7,
        };
        append(&file, "mamba fused 0 64", &[("start0".into(), 5)], &[span]);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["kind"], "mark");
        assert_eq!(rows[0]["start_ns"], 5);
        assert_eq!(rows[1]["name"], "scan");
        assert_eq!(rows[1]["end_ns"], 25);
        assert_eq!(rows[1]["label"], "mamba fused 0 64");
    }
}
