//! Stage marks inside the models' forwards, and the two observers that can listen to them.
//!
//! The models call [`mark`] with the name of the work done since the previous mark ("scan",
//! "head", …). Nothing listens by default and a mark costs one thread-local read. While an
//! observer is installed:
//! - [`PeakProbe`] reads the allocator at every mark (the benchmark's peak memory);
//! - [`StageClock`] synchronises the device at every mark and books the time since the
//!   previous one to the mark's stage (`bench perf`'s breakdown of a forward).

use std::{cell::RefCell, rc::Rc, time::Instant};

use burn::tensor::backend::Backend;

use super::Platform;

type ProbeFn = Box<dyn FnMut(&'static str)>;

thread_local! {
    static PROBE: RefCell<Option<ProbeFn>> = const { RefCell::new(None) };
}

/// Marks the end of `stage` (the work since the previous mark); free unless an observer is
/// installed.
pub fn mark(stage: &'static str) {
    PROBE.with(|p| {
        if let Some(f) = p.borrow_mut().as_mut() {
            f(stage)
        }
    })
}

/// Installs `f` as the observer for the duration of `body`.
fn observe<R>(f: ProbeFn, body: impl FnOnce() -> R) -> R {
    PROBE.with(|p| *p.borrow_mut() = Some(f));
    let out = body();
    PROBE.with(|p| *p.borrow_mut() = None);
    out
}

/// Running maximum of the allocator's bytes in use, sampled at [`mark`] points.
///
/// cubecl keeps no peak statistic, so the models call [`mark`] after every large allocation
/// (attention scores, probabilities, per-layer activations); while a probe is installed each
/// mark reads the allocator. Allocation is host-side and stream-ordered, so no device sync is
/// needed and the reading is exact at that point; transients inside a single Burn op between
/// two marks are not seen, which makes the sampled peak a lower bound of the true one.
#[derive(Clone, Default)]
pub struct PeakProbe {
    peak: Rc<RefCell<u64>>,
    marks: Rc<RefCell<u64>>,
}

impl PeakProbe {
    /// Runs `body` with this probe sampling `platform` at every [`mark`].
    pub fn watch<P: Platform, R>(&self, platform: &P, body: impl FnOnce() -> R) -> R {
        let Some(sampler) = platform.memory_sampler() else {
            return body();
        };
        let peak = self.peak.clone();
        let marks = self.marks.clone();
        observe(
            Box::new(move |_| {
                if let Some(now) = sampler() {
                    let mut pk = peak.borrow_mut();
                    *pk = (*pk).max(now.in_use);
                    *marks.borrow_mut() += 1;
                }
            }),
            || {
                mark("start");
                let out = body();
                mark("end");
                out
            },
        )
    }

    /// Largest bytes-in-use seen.
    pub fn peak_bytes(&self) -> u64 {
        *self.peak.borrow()
    }

    /// Number of samples taken.
    pub fn samples(&self) -> u64 {
        *self.marks.borrow()
    }
}

/// Device time per stage of a forward: at every [`mark`] the device is synchronised and the
/// wall time since the previous mark is booked to the mark's stage.
///
/// The synchronisations themselves cost time (a few µs each, dozens per forward) and stop the
/// host from queueing ahead, so the stages add up to more than an unobserved forward; the
/// breakdown reports both totals.
#[derive(Clone, Default)]
pub struct StageClock {
    totals: Rc<RefCell<StageTotals>>,
}

/// (stage, milliseconds, marks), in order of first appearance.
pub type StageTotals = Vec<(&'static str, f64, u32)>;

impl StageClock {
    /// Runs `body` with this clock timing the stages of whatever it runs on `platform`.
    pub fn watch<P: Platform, R>(&self, platform: &P, body: impl FnOnce() -> R) -> R {
        let device = platform.device();
        let totals = self.totals.clone();
        platform.sync();
        let mut last = Instant::now();
        observe(
            Box::new(move |stage| {
                let _ = <P::B as Backend>::sync(&device);
                let now = Instant::now();
                let ms = (now - last).as_secs_f64() * 1e3;
                last = now;
                let mut t = totals.borrow_mut();
                match t.iter_mut().find(|(s, _, _)| *s == stage) {
                    Some(entry) => {
                        entry.1 += ms;
                        entry.2 += 1;
                    }
                    None => t.push((stage, ms, 1)),
                }
            }),
            body,
        )
    }

    /// What was booked so far.
    pub fn totals(&self) -> StageTotals {
        self.totals.borrow().clone()
    }
}
