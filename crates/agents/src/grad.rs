//! Gradient utilities burn leaves to the user: PyTorch's global `clip_grad_norm_` and Polyak
//! (soft) target updates.
//!
//! burn's `GradientClippingConfig::Norm` clips each parameter tensor on its own; CleanRL and
//! SB3 clip the norm of *all* gradients together, which is what [`clip_global_norm`] does. It
//! reads one number back from the device (the squared norms are summed on the device first).

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::Tensor;

struct SquaredNorms<'a> {
    grads: &'a GradientsParams,
    parts: Vec<Tensor<1>>,
}

impl ModuleVisitor for SquaredNorms<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            self.parts.push(g.powf_scalar(2.0).sum());
        }
    }
}

struct Scale<'a> {
    grads: &'a mut GradientsParams,
    factor: f32,
}

impl ModuleVisitor for Scale<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.remove::<D>(param.id) {
            self.grads
                .register::<D>(param.id, g.mul_scalar(self.factor));
        }
    }
}

/// Scales all of `model`'s gradients together so that their global L2 norm is at most
/// `max_norm` (PyTorch's `clip_grad_norm_`, factor `max_norm / (norm + 1e-6)`), and returns the
/// norm before clipping. A non-finite norm is returned as is and nothing is scaled: the caller
/// decides what a NaN means.
pub fn clip_global_norm<M: Module>(model: &M, grads: &mut GradientsParams, max_norm: f32) -> f32 {
    let mut norms = SquaredNorms {
        grads,
        parts: Vec::new(),
    };
    model.visit(&mut norms);
    if norms.parts.is_empty() {
        return 0.0;
    }
    let norm = Tensor::cat(norms.parts, 0)
        .sum()
        .into_scalar::<f32>()
        .sqrt();
    if norm.is_finite() {
        let factor = max_norm / (norm + 1e-6);
        if factor < 1.0 {
            model.visit(&mut Scale { grads, factor });
        }
    }
    norm
}

struct Finite {
    ok: bool,
}

impl ModuleVisitor for Finite {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if self.ok {
            let t = param.val().inner();
            let bad = t.clone().is_nan().any().into_scalar::<bool>()
                || t.is_inf().any().into_scalar::<bool>();
            self.ok = !bad;
        }
    }
}

/// Whether every parameter of `model` is finite (checked before a checkpoint is written, so a
/// diverged optimiser step cannot replace the last good one).
pub fn all_finite<M: Module>(model: &M) -> bool {
    let mut v = Finite { ok: true };
    model.visit(&mut v);
    v.ok
}

struct Collect {
    values: HashMap<ParamId, Tensor<1>>,
}

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.values
            .insert(param.id, param.val().inner().flatten(0, D - 1));
    }
}

struct Polyak {
    source: HashMap<ParamId, Tensor<1>>,
    tau: f32,
}

impl ModuleMapper for Polyak {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(src) = self.source.remove(&param.id) else {
            return param;
        };
        let tau = self.tau;
        param.map(|t| {
            let shape = t.shape();
            src.reshape(shape).mul_scalar(tau) + t.mul_scalar(1.0 - tau)
        })
    }
}

/// `θ_target ← τ·θ_online + (1 − τ)·θ_target`, parameter by parameter.
///
/// Parameters are matched by id, so `target` must descend from a clone (or `valid()`) of
/// `online`, as [`crate::dqn`] makes it. `tau = 1` is a hard copy.
pub fn soft_update<M: Module>(online: &M, target: M, tau: f32) -> M {
    let mut collect = Collect {
        values: HashMap::new(),
    };
    online.visit(&mut collect);
    target.map(&mut Polyak {
        source: collect.values,
        tau,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::loss::{MseLoss, Reduction};
    use burn::tensor::{Device, TensorData};
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use crate::nets::{Activation, Init, Mlp};

    fn setup() -> (Mlp, GradientsParams, Device) {
        let dev = Device::flex().autodiff();
        let mut rng = Pcg64::seed_from_u64(0);
        let net = Mlp::new(
            &[2, 3, 1],
            Activation::Tanh,
            Init::TorchDefault,
            &mut rng,
            &dev,
        );
        let x = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, -2.0, 0.5, 3.0], [2, 2]), &dev);
        let y = Tensor::<2>::from_data(TensorData::new(vec![10.0f32, -10.0], [2, 1]), &dev);
        let loss = MseLoss::new().forward(net.forward(x), y, Reduction::Mean);
        let grads = GradientsParams::from_grads(loss.backward(), &net);
        (net, grads, dev)
    }

    fn norm_of(net: &Mlp, grads: &GradientsParams) -> f32 {
        let mut n = SquaredNorms {
            grads,
            parts: Vec::new(),
        };
        net.visit(&mut n);
        Tensor::cat(n.parts, 0).sum().into_scalar::<f32>().sqrt()
    }

    #[test]
    fn global_clip_scales_every_gradient_by_one_factor() {
        let (net, mut grads, _) = setup();
        let before = norm_of(&net, &grads);
        assert!(before > 1.0, "the targets are far: {before}");
        let reported = clip_global_norm(&net, &mut grads, 0.5);
        assert!((reported - before).abs() < 1e-6);
        let after = norm_of(&net, &grads);
        assert!((after - 0.5).abs() < 1e-4, "{after}");
        // A bound above the norm leaves the gradients alone.
        let (net, mut grads, _) = setup();
        clip_global_norm(&net, &mut grads, 1e6);
        assert!((norm_of(&net, &grads) - before).abs() < 1e-6);
    }

    #[test]
    fn soft_update_interpolates_and_tau_one_copies() {
        let dev = Device::flex();
        let mut rng = Pcg64::seed_from_u64(1);
        let online = Mlp::new(
            &[2, 2],
            Activation::Relu,
            Init::TorchDefault,
            &mut rng,
            &dev,
        );
        let target = online.clone();
        // Move online away by mapping every parameter to 2·θ + 1.
        struct Shift;
        impl ModuleMapper for Shift {
            fn map_float<const D: usize>(&mut self, p: Param<Tensor<D>>) -> Param<Tensor<D>> {
                p.map(|t| t.mul_scalar(2.0).add_scalar(1.0))
            }
        }
        let moved = online.clone().map(&mut Shift);
        let flat = |m: &Mlp| {
            let mut c = Collect {
                values: HashMap::new(),
            };
            m.visit(&mut c);
            let mut v: Vec<(String, Vec<f32>)> = c
                .values
                .into_iter()
                .map(|(k, t)| {
                    (
                        k.to_string(),
                        t.into_data().try_to_vec::<f32>().expect("f32"),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v.into_iter().flat_map(|(_, x)| x).collect::<Vec<f32>>()
        };
        let (t0, m0) = (flat(&target), flat(&moved));
        let half = flat(&soft_update(&moved, target.clone(), 0.25));
        for ((h, t), m) in half.iter().zip(&t0).zip(&m0) {
            assert!((h - (0.25 * m + 0.75 * t)).abs() < 1e-6);
        }
        assert_eq!(flat(&soft_update(&moved, target, 1.0)), m0);
    }
}
