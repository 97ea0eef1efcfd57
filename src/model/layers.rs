//! Building blocks shared by both models: a bias-free FP32 linear layer and RMSNorm.

use burn::{
    module::{Module, Param},
    tensor::{Tensor, backend::Backend, s},
};

use super::init::{self, Init};
use crate::backend::SsmBackend;

/// `y = x · Wᵀ (+ b)` through [`SsmBackend::matmul_fp32`].
///
/// The weight is stored as PyTorch's `nn.Linear.weight` is, `[d_out, d_in]`, so each output's
/// weights are contiguous along the reduction axis; the FP32 matmul kernels stage such an
/// operand faster than a `[d_in, d_out]` one (the H200 self-check's tuner times: 6.5 against
/// 7.1 ms for the LM head's shape), and the weights leave for Hugging Face untransposed.
///
/// # Shapes
/// - `weight`: `[d_out, d_in]`
/// - `bias`: `[d_out]`
/// - forward: `[.., d_in] → [.., d_out]`
#[derive(Module, Debug)]
pub struct Linear<B: Backend> {
    pub weight: Param<Tensor<B, 2>>,
    pub bias: Option<Param<Tensor<B, 1>>>,
}

impl<B: Backend> Linear<B> {
    /// A bias-free layer whose weight is drawn under the Hugging Face name `name` (+ `.weight`).
    pub fn new(
        seed: u64,
        name: &str,
        d_in: usize,
        d_out: usize,
        init: Init,
        device: &B::Device,
    ) -> Self {
        Self {
            // Drawn in Hugging Face's `[out, in]` layout, so the export is the draw itself.
            weight: init::param(seed, &format!("{name}.weight"), [d_out, d_in], init, device),
            bias: None,
        }
    }

    pub fn d_out(&self) -> usize {
        self.weight.dims()[0]
    }

    /// Several bias-free layers that read the same input, stored as one: `W = [W₁; W₂; …]`
    /// (their weights stacked along the output axis, in the order given), so that they
    /// run as one wider matmul that fills the GPU better than each alone, with nothing
    /// concatenated per forward pass. Every output element is the same dot product as in the
    /// layer's own [`Linear::forward`]; [`Linear::outputs`] gives a layer's weight back.
    pub fn stacked(layers: Vec<Self>) -> Self {
        assert!(
            layers.iter().all(|l| l.bias.is_none()),
            "stacked projections are bias-free"
        );
        let weights = layers.into_iter().map(|l| l.weight.val()).collect();
        // Detached: on an autodiff backend the concatenation is otherwise a node of a graph,
        // which a parameter (a leaf) cannot be.
        Self {
            weight: Param::from_tensor(Tensor::cat(weights, 0).detach()),
            bias: None,
        }
    }

    /// The weight rows of outputs `range`: one layer of a [`Linear::stacked`] stack.
    ///
    /// # Shapes
    /// `[range.len(), d_in]`
    pub fn outputs(&self, range: std::ops::Range<usize>) -> Tensor<B, 2> {
        self.weight.val().slice(s![range, ..])
    }
}

impl<B: SsmBackend> Linear<B> {
    pub fn forward<const D: usize>(&self, x: Tensor<B, D>) -> Tensor<B, D> {
        let y = rows_times(x, self.weight.val());
        match &self.bias {
            Some(b) => {
                let mut bshape = [1; D];
                bshape[D - 1] = self.d_out();
                y + b.val().reshape(bshape)
            }
            None => y,
        }
    }
}

/// `x · weightᵀ` over the last axis, every leading axis flattened into the rows of one matmul
/// ([`SsmBackend::matmul_fp32`]): a bias-free [`Linear`]'s forward, and Mamba's `dt_proj`
/// where the backend does not fuse it into the scan.
///
/// # Shapes
/// `x: [.., d_in]`, `weight: [d_out, d_in]` → `[.., d_out]`
pub fn rows_times<B: SsmBackend, const D: usize>(
    x: Tensor<B, D>,
    weight: Tensor<B, 2>,
) -> Tensor<B, D> {
    let mut shape = x.dims();
    shape[D - 1] = weight.dims()[0];
    B::matmul_fp32(B::flatten_rows(x), weight.transpose()).reshape(shape)
}

/// Root-mean-square normalisation: `x / sqrt(mean(x²) + ε) · weight` over the last axis.
///
/// # Shapes
/// `[batch, len, d] → [batch, len, d]`; `weight`: `[d]`
#[derive(Module, Debug)]
pub struct RmsNorm<B: Backend> {
    pub weight: Param<Tensor<B, 1>>,
    pub eps: f64,
}

impl<B: Backend> RmsNorm<B> {
    /// Weight initialised to ones, as in both Hugging Face classes.
    pub fn new(seed: u64, name: &str, d: usize, eps: f64, device: &B::Device) -> Self {
        Self {
            weight: init::param(
                seed,
                &format!("{name}.weight"),
                [d],
                Init::Constant(1.0),
                device,
            ),
            eps,
        }
    }
}

impl<B: SsmBackend> RmsNorm<B> {
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        B::rms_norm(x, self.weight.val(), self.eps)
    }

    /// The residual add before this norm, in the same pass: `s = x + a` and `norm(s)`.
    ///
    /// # Shapes
    /// `x, a: [batch, len, d]` → (`s`, `norm(s)`), both `[batch, len, d]`
    pub fn forward_residual(
        &self,
        x: Tensor<B, 3>,
        a: Tensor<B, 3>,
    ) -> (Tensor<B, 3>, Tensor<B, 3>) {
        B::add_rms_norm(x, a, self.weight.val(), self.eps)
    }
}

/// RMSNorm in tensor ops: the reference of [`SsmBackend::rms_norm`].
///
/// # Shapes
/// `x: [batch, len, d]`, `weight: [d]` → `[batch, len, d]`
pub fn rms_norm_reference<B: Backend>(
    x: Tensor<B, 3>,
    weight: Tensor<B, 1>,
    eps: f64,
) -> Tensor<B, 3> {
    let d = x.dims()[2];
    let inv_rms = (x.clone().square().mean_dim(2) + eps).sqrt().recip();
    x * inv_rms * weight.reshape([1, 1, d])
}
