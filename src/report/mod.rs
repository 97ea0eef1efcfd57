//! Reporting: terminal tables, and the book — typed contexts built from `artifacts/`
//! ([`context`]), rendered through minijinja templates ([`book`]) with figures ([`plots`]),
//! the paper's numbers ([`paper`]) and the claim-by-claim verdicts ([`claims`]).

pub mod book;
pub mod claims;
pub mod context;
pub mod paper;
pub mod plots;
pub mod table;
