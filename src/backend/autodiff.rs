//! Hand-written backward steps for ssmbench's own operations under burn-autodiff.
//!
//! The pattern is burn's custom-kernel example: run the inner backend's (possibly fused) forward,
//! keep what the backward needs, and register gradients for the tracked parents. Only the two
//! operations that sit on the attribution path need it: the FP32 matmul (every linear layer and
//! the attention products) and the selective scan. The convolution and everything else fall
//! back to the trait defaults, which are tensor ops that burn-autodiff differentiates itself.

use burn::{
    backend::autodiff::{
        Autodiff,
        checkpoint::{base::Checkpointer, strategy::CheckpointStrategy},
        grads::Gradients,
        ops::{Backward, Ops, OpsKind},
    },
    tensor::{Tensor, TensorPrimitive, ops::FloatTensor},
};

use super::ops::SsmBackend;
use crate::model::mamba::scan::{ScanInputs, ScanOutput};

type Inner<B, const D: usize> = Tensor<B, D>;

/// The inner backend's tensor behind an autodiff tensor (no graph, no copy).
fn inner<B: SsmBackend, C: CheckpointStrategy, const D: usize>(
    t: &FloatTensor<Autodiff<B, C>>,
) -> Inner<B, D> {
    Tensor::from_primitive(TensorPrimitive::Float(t.primitive.clone()))
}

/// Registers `grad` for `node` when that parent is tracked.
macro_rules! register {
    ($grads:expr, $node:expr, $grad:expr) => {
        if let Some(node) = $node {
            $grads.register::<B>(node.id, $grad.into_primitive().tensor());
        }
    };
}

#[derive(Debug)]
struct MatmulBackward<const D: usize>;

impl<B: SsmBackend, const D: usize> Backward<B, 2> for MatmulBackward<D> {
    /// The operands, kept only where the other operand's gradient needs them.
    type State = (Option<Inner<B, D>>, Option<Inner<B, D>>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node_lhs, node_rhs] = ops.parents;
        let grad: Inner<B, D> =
            Tensor::from_primitive(TensorPrimitive::Float(grads.consume::<B>(&ops.node)));
        let (lhs, rhs) = ops.state;
        // out = L R  ⇒  ∂L = G Rᵀ, ∂R = Lᵀ G
        if let Some(rhs) = rhs {
            register!(
                grads,
                node_lhs,
                B::matmul_fp32(grad.clone(), rhs.swap_dims(D - 1, D - 2))
            );
        }
        if let Some(lhs) = lhs {
            register!(
                grads,
                node_rhs,
                B::matmul_fp32(lhs.swap_dims(D - 1, D - 2), grad)
            );
        }
    }
}

#[derive(Debug)]
struct ScanBackward;

impl<B: SsmBackend> Backward<B, 8> for ScanBackward {
    type State = ScanInputs<B>;

    fn backward(self, ops: Ops<Self::State, 8>, grads: &mut Gradients, _: &mut Checkpointer) {
        let grad: Tensor<B, 3> =
            Tensor::from_primitive(TensorPrimitive::Float(grads.consume::<B>(&ops.node)));
        let g = B::selective_scan_backward(ops.state, grad);
        let [u, delta, delta_bias, a, b, c, d, z] = ops.parents;
        register!(grads, u, g.u);
        register!(grads, delta, g.delta);
        register!(grads, delta_bias, g.delta_bias);
        register!(grads, a, g.a);
        register!(grads, b, g.b);
        register!(grads, c, g.c);
        register!(grads, d, g.d);
        register!(grads, z, g.z);
    }
}

impl<B: SsmBackend, C: CheckpointStrategy> SsmBackend for Autodiff<B, C> {
    fn matmul_fp32<const D: usize>(lhs: Tensor<Self, D>, rhs: Tensor<Self, D>) -> Tensor<Self, D> {
        let lhs = lhs.into_primitive().tensor();
        let rhs = rhs.into_primitive().tensor();
        let out = B::matmul_fp32(inner::<B, C, D>(&lhs), inner::<B, C, D>(&rhs))
            .into_primitive()
            .tensor();
        let out = match MatmulBackward::<D>
            .prepare::<C>([lhs.node.clone(), rhs.node.clone()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                // ∂L needs R and ∂R needs L: keep only what a tracked parent will ask for.
                let keep_rhs = !lhs.node.requirement.is_none();
                let keep_lhs = !rhs.node.requirement.is_none();
                let state = (
                    keep_lhs.then(|| inner::<B, C, D>(&lhs)),
                    keep_rhs.then(|| inner::<B, C, D>(&rhs)),
                );
                prep.finish(state, out)
            }
            OpsKind::UnTracked(prep) => prep.finish(out),
        };
        Tensor::from_primitive(TensorPrimitive::Float(out))
    }

    fn selective_scan(x: ScanInputs<Self>) -> ScanOutput<Self> {
        let parts = [
            x.u.into_primitive().tensor(),
            x.delta.into_primitive().tensor(),
            x.delta_bias.into_primitive().tensor(),
            x.a.into_primitive().tensor(),
            x.b.into_primitive().tensor(),
            x.c.into_primitive().tensor(),
            x.d.into_primitive().tensor(),
            x.z.into_primitive().tensor(),
        ];
        let nodes = parts.clone().map(|p| p.node);
        let [u, delta, delta_bias, a, b, c, d, z] = parts;
        let inputs = ScanInputs {
            u: inner::<B, C, 3>(&u),
            delta: inner::<B, C, 3>(&delta),
            delta_bias: inner::<B, C, 1>(&delta_bias),
            a: inner::<B, C, 2>(&a),
            b: inner::<B, C, 3>(&b),
            c: inner::<B, C, 3>(&c),
            d: inner::<B, C, 1>(&d),
            z: inner::<B, C, 3>(&z),
        };
        let out = B::selective_scan(inputs.clone());
        let y = out.y.into_primitive().tensor();
        let y = match ScanBackward.prepare::<C>(nodes).compute_bound().stateful() {
            OpsKind::Tracked(prep) => prep.finish(inputs, y),
            OpsKind::UnTracked(prep) => prep.finish(y),
        };
        ScanOutput {
            y: Tensor::from_primitive(TensorPrimitive::Float(y)),
            // The final state is reported, never differentiated.
            last_state: Tensor::from_inner(out.last_state),
        }
    }

    fn fused_causal_attention(
        _q: Tensor<Self, 4>,
        _k: Tensor<Self, 4>,
        _v: Tensor<Self, 4>,
    ) -> Option<Tensor<Self, 4>> {
        // No backward for the fused attention: under autodiff the attention is materialised.
        None
    }

    fn has_fused_kernels() -> bool {
        B::has_fused_kernels()
    }

    fn kernel_choices() -> Vec<String> {
        B::kernel_choices()
    }
}
