//! Random initialisation on the host, bit-identical on every backend.
//!
//! Burn's backends each have their own random generator, so a seed would give different weights
//! on CUDA and on the CPU. Instead every parameter is drawn here, in f64 then rounded to f32,
//! from a ChaCha8 stream keyed by `(seed, parameter name)` — the Hugging Face name, so the
//! exported checkpoint is exactly what was drawn, and adding a parameter never shifts another's
//! values. Normals come from Box–Muller and uniforms from 53-bit fractions, written by hand: the
//! ChaCha stream is fixed by its specification, while `rand`'s distribution algorithms may
//! change between versions.

use burn::{
    module::Param,
    tensor::{Tensor, TensorData, backend::Backend},
};
use rand_chacha::{
    ChaCha8Rng,
    rand_core::{RngCore, SeedableRng},
};
use sha2::{Digest, Sha256};

/// A parameter's distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// N(0, std²).
    Normal { std: f64 },
    /// U(lo, hi).
    Uniform { lo: f64, hi: f64 },
    /// Every element equal.
    Constant(f64),
}

/// The stream for one parameter of one model seed.
pub fn param_rng(seed: u64, name: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(b"ssmbench/init/v1");
    h.update(seed.to_le_bytes());
    h.update(name.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// A uniform draw in [0, 1) with 53 random bits.
pub fn unit_f64(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Draws `n` values of `init` for parameter `name`.
pub fn draw(seed: u64, name: &str, n: usize, init: Init) -> Vec<f32> {
    let mut rng = param_rng(seed, name);
    match init {
        Init::Constant(c) => vec![c as f32; n],
        Init::Uniform { lo, hi } => (0..n)
            .map(|_| (lo + (hi - lo) * unit_f64(&mut rng)) as f32)
            .collect(),
        Init::Normal { std } => {
            let mut out = Vec::with_capacity(n + 1);
            while out.len() < n {
                // Box–Muller: two independent normals from two uniforms; 1 − u keeps ln finite.
                let u1 = 1.0 - unit_f64(&mut rng);
                let u2 = unit_f64(&mut rng);
                let r = (-2.0 * u1.ln()).sqrt();
                let theta = std::f64::consts::TAU * u2;
                out.push((std * r * theta.cos()) as f32);
                out.push((std * r * theta.sin()) as f32);
            }
            out.truncate(n);
            out
        }
    }
}

/// A parameter tensor of `shape` drawn from `init`, row-major in that shape.
pub fn tensor<B: Backend, const D: usize>(
    seed: u64,
    name: &str,
    shape: [usize; D],
    init: Init,
    device: &B::Device,
) -> Tensor<B, D> {
    let values = draw(seed, name, shape.iter().product(), init);
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// A trainable [`Param`] from [`tensor`].
pub fn param<B: Backend, const D: usize>(
    seed: u64,
    name: &str,
    shape: [usize; D],
    init: Init,
    device: &B::Device,
) -> Param<Tensor<B, D>> {
    Param::from_tensor(tensor(seed, name, shape, init, device))
}
