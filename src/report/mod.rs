//! Reporting: terminal tables, and the book — typed contexts built from `artifacts/`
//! ([`context`]), rendered through minijinja templates ([`book`]) with figures ([`plots`]),
//! the paper's numbers ([`paper`]), the performance views ([`perf`]), the claim-by-claim verdicts ([`claims`]) and one way of
//! writing numbers and names ([`format`]).

pub mod book;
pub mod claims;
mod claims_repr;
pub mod context;
pub mod format;
pub mod gemm;
pub mod paper;
pub mod perf;
pub mod plots;
pub mod table;
