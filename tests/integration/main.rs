//! ssmbench's one integration-test binary (CPU backend, small sizes). One module per stage.

mod analysis;
mod data;
mod kernels_reference;
mod models;
mod pipeline;
mod report;
mod stats;
mod stats_roc;
