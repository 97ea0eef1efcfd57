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

/// Median of a sample (NaN when empty).
pub fn median(v: &[f64]) -> f64 {
    crate::stats::median(v).unwrap_or(f64::NAN)
}
