//! Representational efficiency (paper §3.2, §4.5, §5.2): hidden-state dynamics, attention
//! statistics, the effective context window, and dynamic-shift detection.
//!
//! [`run::run_analysis`] drives everything and writes `artifacts/representation/`
//! ([`schema`]); [`summary`] turns the rows into Tables 3–5.

pub mod attention;
pub mod context;
pub mod hidden;
pub mod run;
pub mod schema;
pub mod shift;
pub mod summary;
