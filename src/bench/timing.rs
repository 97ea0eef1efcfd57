//! Wall-clock timing with device synchronisation, as the paper's protocol (§4.4): sync, start
//! the clock, run, sync, stop.

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
