//! One PPO update: epochs over the rollout in shuffled minibatches, CleanRL's loss, a global
//! gradient-norm clip and an Adam step per minibatch.
//!
//! Minibatches are gathered on the host (the rollout lives there) and uploaded as one set of
//! tensors each. Every loss term is read back in a single device read per minibatch; a term
//! that is NaN or infinite stops the update with [`AgentError::NonFiniteLoss`] *before* the
//! optimiser step, so the weights never absorb it.

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::seq::SliceRandom;
use rand_pcg::Pcg64;

use super::PpoConfig;
use super::policy::ActorCritic;
use super::rollout::Rollout;
use crate::error::AgentError;
use crate::grad::clip_global_norm;

/// What an update reports (CleanRL logs the last minibatch's losses and the mean clip
/// fraction).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UpdateStats {
    /// ½·(clipped) squared value error, last minibatch.
    pub value_loss: f32,
    /// Clipped surrogate loss, last minibatch.
    pub policy_loss: f32,
    /// Mean policy entropy, last minibatch.
    pub entropy: f32,
    /// mean(−log r), last minibatch.
    pub old_approx_kl: f32,
    /// mean((r − 1) − log r), last minibatch.
    pub approx_kl: f32,
    /// Fraction of samples whose ratio left [1 − ε, 1 + ε], over all minibatches.
    pub clipfrac: f32,
    /// Gradient norm before clipping, last minibatch.
    pub grad_norm: f32,
}

/// Names of the terms in the order they are read back.
const TERMS: [&str; 6] = [
    "losses/loss",
    "losses/policy_loss",
    "losses/value_loss",
    "losses/entropy",
    "losses/approx_kl",
    "losses/old_approx_kl",
];

/// Host buffers for one minibatch, reused across minibatches.
#[derive(Debug, Default)]
struct Minibatch {
    obs: Vec<f32>,
    actions_discrete: Vec<i64>,
    actions_continuous: Vec<f32>,
    logp: Vec<f32>,
    adv: Vec<f32>,
    returns: Vec<f32>,
    values: Vec<f32>,
}

impl Minibatch {
    fn gather(&mut self, r: &Rollout, idx: &[usize], norm_adv: bool) {
        let (d, ad) = (r.obs_dim, r.action_dim);
        self.obs.clear();
        self.actions_discrete.clear();
        self.actions_continuous.clear();
        self.logp.clear();
        self.adv.clear();
        self.returns.clear();
        self.values.clear();
        for &i in idx {
            self.obs.extend_from_slice(&r.obs[i * d..(i + 1) * d]);
            if r.continuous {
                self.actions_continuous
                    .extend_from_slice(&r.actions_continuous[i * ad..(i + 1) * ad]);
            } else {
                self.actions_discrete.push(r.actions_discrete[i] as i64);
            }
            self.logp.push(r.logp[i]);
            self.adv.push(r.advantages[i]);
            self.returns.push(r.returns[i]);
            self.values.push(r.values[i]);
        }
        // SB3 skips normalisation for a single sample (its std is undefined).
        if norm_adv && self.adv.len() > 1 {
            let n = self.adv.len() as f32;
            let mean = self.adv.iter().sum::<f32>() / n;
            let var = self.adv.iter().map(|a| (a - mean).powi(2)).sum::<f32>() / (n - 1.0);
            let std = var.sqrt();
            for a in &mut self.adv {
                *a = (*a - mean) / (std + 1e-8);
            }
        }
    }
}

fn tensor1(v: &[f32], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(v.to_vec(), [v.len()]), device)
}

/// Runs the update; returns the new weights and the statistics.
#[allow(clippy::too_many_arguments)]
pub fn update(
    mut agent: ActorCritic,
    optim: &mut ModuleOptimizer,
    rollout: &Rollout,
    cfg: &PpoConfig,
    lr: f64,
    clip: f64,
    iteration: u64,
    rng: &mut Pcg64,
    device: &Device,
) -> Result<(ActorCritic, UpdateStats), AgentError> {
    let batch = rollout.len();
    let mb_size = cfg.minibatch_size();
    let clip = clip as f32;
    let mut order: Vec<usize> = (0..batch).collect();
    let mut mb = Minibatch::default();
    let mut stats = UpdateStats::default();
    let (mut clipfrac_sum, mut minibatches) = (0.0f32, 0usize);
    for _epoch in 0..cfg.update_epochs {
        order.shuffle(rng);
        // A last, smaller minibatch trains too (CleanRL's `range(0, batch, mb)`).
        for idx in order.chunks(mb_size) {
            mb.gather(rollout, idx, cfg.norm_adv);
            let rows = idx.len();
            let obs = Tensor::<2>::from_data(
                TensorData::new(mb.obs.clone(), [rows, rollout.obs_dim]),
                device,
            );
            let (new_logp, entropy) = if rollout.continuous {
                let a = Tensor::<2>::from_data(
                    TensorData::new(mb.actions_continuous.clone(), [rows, rollout.action_dim]),
                    device,
                );
                agent.continuous_logp_entropy(obs.clone(), a)
            } else {
                let a = Tensor::<1, Int>::from_data(
                    TensorData::new(mb.actions_discrete.clone(), [rows]),
                    device,
                );
                agent.discrete_logp_entropy(obs.clone(), a)
            };
            let new_value = agent.value(obs);
            let old_logp = tensor1(&mb.logp, device);
            let adv = tensor1(&mb.adv, device);
            let returns = tensor1(&mb.returns, device);
            let old_value = tensor1(&mb.values, device);

            let logratio = new_logp - old_logp;
            let ratio = logratio.clone().exp();
            let old_approx_kl = logratio.clone().neg().mean();
            let approx_kl = (ratio.clone().sub_scalar(1.0) - logratio).mean();
            let clipped = ratio
                .clone()
                .sub_scalar(1.0)
                .abs()
                .greater_elem(clip)
                .float()
                .mean();

            let pg1 = adv.clone().neg() * ratio.clone();
            let pg2 = adv.neg() * ratio.clamp(1.0 - clip, 1.0 + clip);
            let policy_loss = pg1.max_pair(pg2).mean();

            let value_loss = if cfg.clip_vloss {
                let unclipped = (new_value.clone() - returns.clone()).powf_scalar(2.0);
                let v_clipped = old_value.clone() + (new_value - old_value).clamp(-clip, clip);
                let clipped_sq = (v_clipped - returns).powf_scalar(2.0);
                unclipped.max_pair(clipped_sq).mean().mul_scalar(0.5)
            } else {
                (new_value - returns)
                    .powf_scalar(2.0)
                    .mean()
                    .mul_scalar(0.5)
            };
            let entropy = entropy.mean();
            let loss = policy_loss.clone() - entropy.clone().mul_scalar(cfg.ent_coef as f32)
                + value_loss.clone().mul_scalar(cfg.vf_coef as f32);

            let read = Tensor::cat(
                vec![
                    loss.clone().inner(),
                    policy_loss.inner(),
                    value_loss.inner(),
                    entropy.inner(),
                    approx_kl.inner(),
                    old_approx_kl.inner(),
                    clipped.inner(),
                ],
                0,
            )
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| AgentError::Device(format!("cannot read the losses back: {e:?}")))?;
            if let Some((term, value)) = TERMS.iter().zip(&read).find(|(_, v)| !v.is_finite()) {
                return Err(AgentError::NonFiniteLoss {
                    update: iteration,
                    term,
                    value: *value,
                });
            }
            let mut grads = GradientsParams::from_grads(loss.backward(), &agent);
            let grad_norm = clip_global_norm(&agent, &mut grads, cfg.max_grad_norm as f32);
            if !grad_norm.is_finite() {
                return Err(AgentError::NonFiniteLoss {
                    update: iteration,
                    term: "losses/grad_norm",
                    value: grad_norm,
                });
            }
            agent = optim.step(lr, agent, grads);

            stats = UpdateStats {
                policy_loss: read[1],
                value_loss: read[2],
                entropy: read[3],
                approx_kl: read[4],
                old_approx_kl: read[5],
                clipfrac: 0.0,
                grad_norm,
            };
            clipfrac_sum += read[6];
            minibatches += 1;
        }
        if let Some(target) = cfg.target_kl
            && f64::from(stats.approx_kl) > target
        {
            break;
        }
    }
    stats.clipfrac = clipfrac_sum / minibatches.max(1) as f32;
    Ok((agent, stats))
}
