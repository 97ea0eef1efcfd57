//! Reporting: terminal tables now; the book (minijinja → mdBook) renders from the artifacts.

pub mod table;
