//! Stage marks inside the models' forwards, and the two observers that can listen to them.
//!
//! The models call [`mark`] with the name of the work done since the previous mark ("scan",
//! "head", …). Nothing listens by default and a mark costs one thread-local read. While an
//! observer is installed:
//! - [`PeakProbe`] reads the allocator at every mark (the benchmark's peak memory);
//! - [`StageClock`] books the device time since the previous mark to the mark's stage
//!   (`bench perf`'s breakdown of a forward), from CUDA events where it can.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Instant,
};

use burn::tensor::backend::Backend;

use super::{Platform, SsmBackend};

pub(crate) type ProbeFn = Box<dyn FnMut(&'static str)>;

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
pub(crate) fn observe<R>(f: ProbeFn, body: impl FnOnce() -> R) -> R {
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

/// Device time per stage of a forward, booked at every [`mark`] to the mark's stage.
///
/// Where the backend takes device timestamps ([`SsmBackend::device_stamp`]: CUDA events on
/// the stream), each mark queues one and the host never waits; once the forward is done the
/// intervals between consecutive timestamps are the stages' device times, and they add up to
/// the forward. Elsewhere (the CPU backend, or CUDA without CUPTI) the device is synchronised
/// at every mark and the wall time since the previous one is booked: those synchronisations
/// cost time of their own (a few µs each, dozens per forward) and stop the host from queueing
/// ahead, so the stages add up to more than an unobserved forward. [`StageClock::method`]
/// says which clock ran; the breakdown records it.
#[derive(Clone, Default)]
pub struct StageClock {
    totals: Rc<RefCell<StageTotals>>,
    method: Rc<Cell<ClockMethod>>,
    failure: Rc<RefCell<Option<String>>>,
}

/// (stage, milliseconds, marks), in order of first appearance.
pub type StageTotals = Vec<(&'static str, f64, u32)>;

/// A mark's stage and the device timestamp queued there (`None` if it could not be taken).
type Stamp = (&'static str, Option<usize>);

/// How a [`StageClock`] timed its stages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockMethod {
    /// Device synchronised at every mark, host wall time between marks.
    #[default]
    HostSync,
    /// A device timestamp (CUDA event) queued at every mark, no synchronisation.
    DeviceEvents,
}

impl ClockMethod {
    /// The name recorded with the results.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HostSync => "host-sync",
            Self::DeviceEvents => "cuda-events",
        }
    }
}

/// Adds `ms` to `stage`'s total (a new entry on its first appearance).
fn book(totals: &RefCell<StageTotals>, stage: &'static str, ms: f64) {
    let mut t = totals.borrow_mut();
    match t.iter_mut().find(|(s, _, _)| *s == stage) {
        Some(entry) => {
            entry.1 += ms;
            entry.2 += 1;
        }
        None => t.push((stage, ms, 1)),
    }
}

impl StageClock {
    /// Runs `body` with this clock timing the stages of whatever it runs on `platform`.
    pub fn watch<P: Platform, R>(&self, platform: &P, body: impl FnOnce() -> R) -> R {
        let device = platform.device();
        platform.sync();
        if let Some(first) = <P::B as SsmBackend>::device_stamp(&device) {
            return self.watch_stamps(platform, first, body);
        }
        self.method.set(ClockMethod::HostSync);
        let totals = self.totals.clone();
        let mut last = Instant::now();
        observe(
            Box::new(move |stage| {
                let _ = <P::B as Backend>::sync(&device);
                let now = Instant::now();
                book(&totals, stage, (now - last).as_secs_f64() * 1e3);
                last = now;
            }),
            body,
        )
    }

    /// [`StageClock::watch`] with device timestamps, the first (`first`) taken before `body`.
    fn watch_stamps<P: Platform, R>(
        &self,
        platform: &P,
        first: usize,
        body: impl FnOnce() -> R,
    ) -> R {
        self.method.set(ClockMethod::DeviceEvents);
        let device = platform.device();
        let stamps: Rc<RefCell<Vec<Stamp>>> = Rc::default();
        let taken = stamps.clone();
        let at = device.clone();
        let out = observe(
            Box::new(move |stage| {
                let stamp = <P::B as SsmBackend>::device_stamp(&at);
                taken.borrow_mut().push((stage, stamp));
            }),
            body,
        );
        platform.sync();
        let stamps = stamps.take();
        let missing = stamps.iter().filter(|(_, s)| s.is_none()).count();
        let raw = std::iter::once(first)
            .chain(stamps.iter().filter_map(|(_, s)| *s))
            .collect();
        // The stamps are released by `stamp_intervals` whatever it returns.
        match <P::B as SsmBackend>::stamp_intervals(&device, raw) {
            Ok(_) if missing > 0 => {
                *self.failure.borrow_mut() = Some(format!(
                    "{missing} of {} device timestamps failed",
                    stamps.len()
                ));
            }
            Ok(ms) => {
                for ((stage, _), ms) in stamps.iter().zip(ms) {
                    book(&self.totals, stage, ms);
                }
            }
            Err(e) => *self.failure.borrow_mut() = Some(e),
        }
        out
    }

    /// What was booked so far.
    pub fn totals(&self) -> StageTotals {
        self.totals.borrow().clone()
    }

    /// Which clock the last [`StageClock::watch`] used.
    pub fn method(&self) -> ClockMethod {
        self.method.get()
    }

    /// Why the device timestamps of a [`StageClock::watch`] could not be read, if they could not
    /// (nothing was booked for that forward).
    pub fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }
}
