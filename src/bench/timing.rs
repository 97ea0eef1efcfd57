//! Wall-clock timing with device synchronisation, as the paper's protocol (§4.4): sync, start
//! the clock, run, sync, stop.
//!
//! The clock therefore also holds the host's work of issuing the forward, which would count if the
//! device ever waited for the host. Measured on the H200 (Mamba and LLaMA flash at N = 8,192, a
//! throwaway build): the host issues a whole forward in 1–3 ms and has issued two Mamba layers
//! 0.2 ms after the start, while the device is still in the first; a synchronisation alone costs
//! 0.013 ms, and putting the token ids on the device took 0.06–0.11 ms (now done before the clock,
//! see [`super::worker`]). In one loan, three forwards queued back to back took 13.4–13.7 ms each
//! for Mamba against 13.6–13.9 timed alone, 34.5–34.9 against 35.0–35.4 for LLaMA: what a forward
//! costs the device, not the host, is what is timed.

use std::time::Instant;

use crate::backend::Platform;

/// Milliseconds for one call of `f`, the device synchronised before and after.
pub fn time_ms<P: Platform, R>(platform: &P, f: impl FnOnce() -> R) -> (f64, R) {
    platform.sync();
    let start = Instant::now();
    let out = f();
    platform.sync();
    (start.elapsed().as_secs_f64() * 1e3, out)
}

/// The median of `runs` calls of `f`, each timed as by [`time_ms`], and the last call's
/// output (each earlier one is dropped before the next call).
///
/// # Panics
/// If `runs` is 0.
pub fn median_ms<P: Platform, R>(platform: &P, runs: usize, mut f: impl FnMut() -> R) -> (f64, R) {
    assert!(runs > 0, "a median needs at least one timed run");
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        // The previous output is freed before the next call, as between timed forwards.
        drop(last.take());
        let (ms, out) = time_ms(platform, &mut f);
        times.push(ms);
        last = Some(out);
    }
    (median(&times), last.expect("runs > 0"))
}

/// Median of a sample (NaN when empty).
pub fn median(v: &[f64]) -> f64 {
    crate::stats::median(v).unwrap_or(f64::NAN)
}
