//! The paper's own numbers (arXiv 2601.01237), as printed, with where each is stated. These are
//! the claims under test — never results of ours — and the only numbers typed into the code.

/// Table 1: (N, memory ratio T/M, time ratio T/M); `None` = "∞ (OOM)".
pub const TABLE1: [(usize, Option<f64>, Option<f64>); 5] = [
    (512, Some(1.35), Some(2.01)),
    (1024, Some(2.34), Some(3.02)),
    (2048, Some(5.21), Some(5.47)),
    (4096, Some(12.46), Some(10.67)),
    (8192, None, None),
];

/// §5.1.2, memory in GB: M_T = a·N² + c, M_M = a'·N + c'.
pub const MEM_T: (f64, f64) = (5.9e-7, 0.12);
pub const MEM_M: (f64, f64) = (1.3e-4, 0.24);
/// §5.1.2, time in ms: T_T = a·N² + c, T_M = a'·N + c'.
pub const TIME_T: (f64, f64) = (4.3e-5, 5.2);
pub const TIME_M: (f64, f64) = (1.6e-2, 0.8);
/// §5.1.2 and §6: the stated crossovers, tokens.
pub const CROSS_MEM: f64 = 220.0;
pub const CROSS_TIME: f64 = 370.0;

/// Table 2 (Transformer, Mamba): mean ± sd memory (GB) and time (ms), over the paper's lengths.
pub const T2_MEM: [(f64, f64); 2] = [(3.47, 4.12), (0.67, 0.42)];
pub const T2_TIME: [(f64, f64); 2] = [(245.70, 312.45), (52.64, 50.12)];
pub const T2_MAX_N: [f64; 2] = [4096.0, 8192.0];
pub const T2_OOM: [usize; 2] = [1, 0];
pub const T2_R2: [f64; 2] = [0.9987, 0.9994];

/// §5.2.1: mean state velocity and final drift "over 1,847 tokens".
pub const MEAN_VELOCITY: f64 = 0.4231;
pub const FINAL_DRIFT: f64 = 12.7834;
pub const DRIFT_TOKENS: f64 = 1847.0;
/// §5.2.2: peak attention entropy (nats) and its layer; peak attention distance (tokens).
pub const PEAK_ENTROPY: (f64, usize) = (3.7234, 6);
pub const PEAK_DISTANCE: f64 = 67.8;

/// Table 3: layer, SSM velocity, SSM norm, attention entropy, attention distance.
pub const TABLE3: [(usize, f64, f64, f64, f64); 5] = [
    (1, 0.3124, 8.234, 2.1234, 12.3),
    (2, 0.3876, 9.456, 2.5678, 24.7),
    (4, 0.4892, 10.789, 3.2456, 52.1),
    (6, 0.4287, 11.567, 3.7234, 67.8),
    (8, 0.3612, 12.123, 3.1890, 41.6),
];

/// Table 4 (Mamba, Transformer): effective range (tokens), % of sequence used, CoV.
pub const T4_RANGE: (f64, f64) = (892.4, 234.7);
pub const T4_PERCENT: (f64, f64) = (90.2, 12.7);
pub const T4_COV: (f64, f64) = (0.08, 0.52);
/// Table 4's "advantage" column.
pub const T4_ADVANTAGE: (f64, f64, f64) = (3.8, 7.1, 6.5);

/// Table 5 (Mamba, Transformer): AUC, F1, F1 at the optimal threshold, TPR at FPR 0.1.
pub const T5: [(f64, f64, f64, f64); 2] = [
    (0.7834, 0.6667, 0.7273, 0.65),
    (0.7123, 0.5714, 0.6452, 0.52),
];

/// §4.2: "approximately matched parameter counts of 50 million parameters each".
pub const PARAMS: f64 = 50e6;
/// §4.2 and §4.1: the vocabulary size the models are configured with, and GPT-2's largest id.
pub const VOCAB: usize = 32_000;
pub const GPT2_MAX_ID: usize = 50_256;
/// §6: "on standard hardware (16GB GPU) … Mamba supports contexts exceeding 32,000 tokens".
pub const MAMBA_BEYOND: f64 = 32_000.0;
/// §6: on a 16 GB GPU the Transformer runs out of memory beyond about this many tokens.
pub const TRANSFORMER_16GB_LIMIT: f64 = 4_096.0;
/// §6: that GPU's memory, in bytes (16 GB, decimal).
pub const GPU_16GB_BYTES: f64 = 16e9;

/// The paper's numbers, for templates that print them beside ours.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PaperView {
    pub table1: Vec<(usize, Option<f64>, Option<f64>)>,
    pub mem_t: (f64, f64),
    pub mem_m: (f64, f64),
    pub time_t: (f64, f64),
    pub time_m: (f64, f64),
    pub cross_mem: f64,
    pub cross_time: f64,
    pub t2_mem: [(f64, f64); 2],
    pub t2_time: [(f64, f64); 2],
    pub t2_max_n: [f64; 2],
    pub t2_oom: [usize; 2],
    pub t2_r2: [f64; 2],
    pub mean_velocity: f64,
    pub final_drift: f64,
    pub drift_tokens: f64,
    pub table3: Vec<(usize, f64, f64, f64, f64)>,
    pub t4_range: (f64, f64),
    pub t4_percent: (f64, f64),
    pub t4_cov: (f64, f64),
    pub t5: [(f64, f64, f64, f64); 2],
}

pub fn view() -> PaperView {
    PaperView {
        table1: TABLE1.to_vec(),
        mem_t: MEM_T,
        mem_m: MEM_M,
        time_t: TIME_T,
        time_m: TIME_M,
        cross_mem: CROSS_MEM,
        cross_time: CROSS_TIME,
        t2_mem: T2_MEM,
        t2_time: T2_TIME,
        t2_max_n: T2_MAX_N,
        t2_oom: T2_OOM,
        t2_r2: T2_R2,
        mean_velocity: MEAN_VELOCITY,
        final_drift: FINAL_DRIFT,
        drift_tokens: DRIFT_TOKENS,
        table3: TABLE3.to_vec(),
        t4_range: T4_RANGE,
        t4_percent: T4_PERCENT,
        t4_cov: T4_COV,
        t5: T5,
    }
}
