//! One DQN gradient step: the TD target from the target network, the TD loss of the online
//! network on the actions taken, an optional global gradient-norm clip and an Adam step.
//!
//! The target side runs on the plain device without a graph: the target network is kept as
//! a plain module (a `valid()` copy of the online one, so it shares its `ParamId`s and
//! [`crate::grad::soft_update`] can match parameters), and Double DQN's action choice uses a
//! `valid()` copy of the *current* online weights. The target `y` enters the loss as a
//! constant, so no gradient flows into it (CleanRL's `torch.no_grad()`).
//!
//! The loss and the mean Q of the taken actions are read back in one device read per step;
//! a non-finite loss stops training with [`AgentError::NonFiniteLoss`] *before* the optimiser
//! step, so the weights never absorb it.

use burn::module::Module;
use burn::nn::loss::{HuberLossConfig, MseLoss, Reduction};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::{DqnConfig, TdLoss};
use crate::error::AgentError;
use crate::grad::clip_global_norm;
use crate::nets::Mlp;
use crate::replay::ReplayBatch;

/// What one gradient step reports.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StepStats {
    /// The TD loss (MSE or Huber, mean over the batch).
    pub td_loss: f32,
    /// Mean Q of the taken actions under the online network (CleanRL's `losses/q_values`).
    pub q_values: f32,
    /// Gradient norm before clipping (0 when clipping is off: it is not computed then).
    pub grad_norm: f32,
}

/// `y = r + γ·(1 − terminated)·Q_target(s′, a*)`, `[rows]`, with
/// `a* = argmax_a Q_target(s′, a)` (DQN) or `argmax_a Q_online(s′, a)` when `q_next_online`
/// is given (Double DQN).
///
/// `next_obs` of a truncated transition is the episode's real final observation and its
/// `terminated` is 0, so it bootstraps; a terminated transition's target is its reward.
pub(crate) fn td_target(
    q_next_target: Tensor<2>,
    q_next_online: Option<Tensor<2>>,
    rewards: Tensor<1>,
    terminated: Tensor<1>,
    gamma: f32,
) -> Tensor<1> {
    let next_value = match q_next_online {
        Some(online) => q_next_target
            .gather(1, online.argmax(1))
            .squeeze_dim::<1>(1),
        None => q_next_target.max_dim(1).squeeze_dim::<1>(1),
    };
    let not_done = terminated.neg().add_scalar(1.0);
    rewards + next_value.mul(not_done).mul_scalar(gamma)
}

/// Reusable host buffers of the batch's integer actions.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    actions: Vec<i64>,
}

/// One gradient step on `batch`; returns the new online weights and the step's numbers.
///
/// `target` is the plain-device target network; `update` is the 1-based gradient-step number
/// named by a [`AgentError::NonFiniteLoss`]. `device` is the autodiff training device.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gradient_step(
    online: Mlp,
    target: &Mlp,
    optim: &mut ModuleOptimizer,
    batch: &ReplayBatch,
    scratch: &mut Scratch,
    cfg: &DqnConfig,
    update: u64,
    device: &Device,
) -> Result<(Mlp, StepStats), AgentError> {
    let plain = device.clone().inner();
    let rows = batch.size;
    let obs_dim = batch.obs.len() / rows.max(1);

    // --- TD target (no graph) -----------------------------------------------------------------
    let next = Tensor::<2>::from_data(
        TensorData::new(batch.next_obs.clone(), [rows, obs_dim]),
        &plain,
    );
    let rewards = Tensor::<1>::from_data(TensorData::new(batch.rewards.clone(), [rows]), &plain);
    let terminated =
        Tensor::<1>::from_data(TensorData::new(batch.terminated.clone(), [rows]), &plain);
    let q_next_online = cfg.double_dqn.then(|| online.valid().forward(next.clone()));
    let y = td_target(
        target.forward(next),
        q_next_online,
        rewards,
        terminated,
        cfg.gamma as f32,
    );

    // --- TD loss on the taken actions ---------------------------------------------------------
    batch.discrete_actions_into(&mut scratch.actions);
    let actions =
        Tensor::<1, Int>::from_data(TensorData::new(scratch.actions.clone(), [rows]), device);
    let obs = Tensor::<2>::from_data(TensorData::new(batch.obs.clone(), [rows, obs_dim]), device);
    let q_taken = online
        .forward(obs)
        .gather(1, actions.unsqueeze_dim::<2>(1))
        .squeeze_dim::<1>(1);
    let y = y.autodiff();
    let loss = match cfg.loss {
        TdLoss::Mse => MseLoss::new().forward(q_taken.clone(), y, Reduction::Mean),
        TdLoss::Huber => {
            HuberLossConfig::new(1.0)
                .init()
                .forward(q_taken.clone(), y, Reduction::Mean)
        }
    };
    let read = Tensor::cat(vec![loss.clone().inner(), q_taken.inner().mean()], 0)
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| AgentError::Device(format!("cannot read the TD loss back: {e:?}")))?;
    let (td_loss, q_values) = (read[0], read[1]);
    if !td_loss.is_finite() {
        return Err(AgentError::NonFiniteLoss {
            update,
            term: "losses/td_loss",
            value: td_loss,
        });
    }

    // --- Optimiser step -----------------------------------------------------------------------
    let mut grads = GradientsParams::from_grads(loss.backward(), &online);
    let mut grad_norm = 0.0;
    if let Some(max_norm) = cfg.max_grad_norm {
        grad_norm = clip_global_norm(&online, &mut grads, max_norm as f32);
        if !grad_norm.is_finite() {
            return Err(AgentError::NonFiniteLoss {
                update,
                term: "losses/grad_norm",
                value: grad_norm,
            });
        }
    }
    let online = optim.step(cfg.learning_rate, online, grads);
    Ok((
        online,
        StepStats {
            td_loss,
            q_values,
            grad_norm,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::optim::AdamConfig;
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use crate::nets::{Activation, Init, layer_sizes};

    fn t1(v: &[f32], dev: &Device) -> Tensor<1> {
        Tensor::from_data(TensorData::new(v.to_vec(), [v.len()]), dev)
    }

    fn t2(v: &[f32], rows: usize, dev: &Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(v.to_vec(), [rows, v.len() / rows]), dev)
    }

    fn host(t: Tensor<1>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().expect("f32 tensor")
    }

    #[test]
    fn td_target_by_hand_terminated_truncated_and_double() {
        let dev = Device::flex();
        // Row 0 terminated, row 1 truncated (next obs = the real final obs, terminated = 0).
        let q_target = t2(&[1.0, 5.0, 2.0, 3.0, 4.0, -1.0], 2, &dev);
        let rewards = t1(&[1.0, 0.5], &dev);
        let terminated = t1(&[1.0, 0.0], &dev);
        let y = host(td_target(
            q_target.clone(),
            None,
            rewards.clone(),
            terminated.clone(),
            0.9,
        ));
        // Row 0: no bootstrap → 1. Row 1: 0.5 + 0.9·max(3, 4, −1) = 4.1.
        assert_eq!(y[0], 1.0);
        assert!((y[1] - 4.1).abs() < 1e-6, "{y:?}");

        // Double DQN: the online net prefers action 0 in row 1 (target values it at 3),
        // and action 1 in row 0 (irrelevant: terminated).
        let q_online = t2(&[0.0, 9.0, 0.0, 7.0, 1.0, 2.0], 2, &dev);
        let y = host(td_target(
            q_target,
            Some(q_online),
            rewards,
            terminated,
            0.9,
        ));
        assert_eq!(y[0], 1.0);
        // 0.5 + 0.9·3 = 3.2, not 4.1.
        assert!((y[1] - 3.2).abs() < 1e-6, "{y:?}");

        // Both rows bootstrapping with γ = 1: r + max.
        let y = host(td_target(
            t2(&[1.0, 5.0, 2.0, 3.0, 4.0, -1.0], 2, &dev),
            None,
            t1(&[0.0, 0.0], &dev),
            t1(&[0.0, 0.0], &dev),
            1.0,
        ));
        assert_eq!(y, vec![5.0, 4.0]);
    }

    fn fixed_batch() -> ReplayBatch {
        let mut b = ReplayBatch::new(4, 2, 1);
        b.obs = vec![0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8];
        b.next_obs = vec![0.2, 0.1, 0.0, 0.3, -0.5, 0.6, 0.9, 0.1];
        b.actions = vec![0.0, 1.0, 2.0, 1.0];
        b.rewards = vec![1.0, -1.0, 0.5, 2.0];
        b.terminated = vec![0.0, 1.0, 0.0, 1.0];
        b
    }

    fn loss_trace(cfg: &DqnConfig, steps: usize) -> Result<Vec<f32>, AgentError> {
        let dev = Device::flex().autodiff();
        let mut rng = Pcg64::seed_from_u64(3);
        let mut online = Mlp::new(
            &layer_sizes(2, &[16], 3),
            Activation::Relu,
            Init::TorchDefault,
            &mut rng,
            &dev,
        );
        let target = online.valid();
        let mut optim = AdamConfig::new().with_epsilon(1e-8).init();
        let (batch, mut scratch) = (fixed_batch(), Scratch::default());
        let mut losses = Vec::new();
        for update in 1..=steps as u64 {
            let (next, stats) = gradient_step(
                online,
                &target,
                &mut optim,
                &batch,
                &mut scratch,
                cfg,
                update,
                &dev,
            )?;
            online = next;
            losses.push(stats.td_loss);
        }
        Ok(losses)
    }

    #[test]
    fn loss_decreases_on_a_fixed_batch_for_every_variant() -> Result<(), AgentError> {
        for (loss, double, clip) in [(TdLoss::Mse, false, None), (TdLoss::Huber, true, Some(1.0))] {
            let cfg = DqnConfig {
                learning_rate: 1e-2,
                loss,
                double_dqn: double,
                max_grad_norm: clip,
                ..DqnConfig::default()
            };
            let losses = loss_trace(&cfg, 60)?;
            let (first, last) = (losses[0], losses[losses.len() - 1]);
            assert!(last < 0.1 * first, "{loss:?}: {first} → {last}");
        }
        Ok(())
    }

    #[test]
    fn a_nan_loss_names_the_update_and_the_term() {
        let cfg = DqnConfig::default();
        let dev = Device::flex().autodiff();
        let mut rng = Pcg64::seed_from_u64(0);
        let online = Mlp::new(
            &[2, 3],
            Activation::Relu,
            Init::TorchDefault,
            &mut rng,
            &dev,
        );
        let target = online.valid();
        let mut optim = AdamConfig::new().init();
        let mut batch = fixed_batch();
        batch.actions = vec![0.0, 1.0, 2.0, 0.0];
        batch.rewards[2] = f32::NAN;
        let err = gradient_step(
            online,
            &target,
            &mut optim,
            &batch,
            &mut Scratch::default(),
            &cfg,
            7,
            &dev,
        )
        .expect_err("NaN reward");
        match err {
            AgentError::NonFiniteLoss { update, term, .. } => {
                assert_eq!((update, term), (7, "losses/td_loss"));
            }
            other => panic!("unexpected error {other}"),
        }
    }
}
