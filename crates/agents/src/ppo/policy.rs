//! PPO's networks: separate actor and critic MLPs (CleanRL's `Agent`), plus a free `log_std`
//! row for continuous actions.
//!
//! Acting happens on the host: one forward pass of a rollout-frozen copy (`valid()`, no graph)
//! gives the logits (or means) and values of all copies in one device read, and the actions are
//! drawn from our own seeded RNG. Learning evaluates log-probabilities and entropies on the
//! device, with the graph.

use burn::module::{Module, Param};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64;

use crate::error::AgentError;
use crate::nets::{Activation, Init, Mlp, layer_sizes};
use crate::task::ActionSpec;

const LOG_SQRT_2PI: f32 = 0.918_938_5;

/// Actor and critic.
#[derive(Module, Debug)]
pub struct ActorCritic {
    actor: Mlp,
    critic: Mlp,
    log_std: Option<Param<Tensor<2>>>,
}

impl ActorCritic {
    /// CleanRL's initialisation: orthogonal, gain √2 in hidden layers, 0.01 on the policy
    /// head, 1 on the value head, zero biases; `log_std` starts at `log_std_init`.
    pub fn new(
        obs_dim: usize,
        action: &ActionSpec,
        hidden: &[usize],
        activation: Activation,
        log_std_init: f64,
        rng: &mut Pcg64,
        device: &Device,
    ) -> Self {
        let sqrt2 = std::f64::consts::SQRT_2;
        let out = match action {
            ActionSpec::Discrete { n } => *n,
            ActionSpec::Continuous { low, .. } => low.len(),
        };
        let critic = Mlp::new(
            &layer_sizes(obs_dim, hidden, 1),
            activation,
            Init::Orthogonal {
                hidden_gain: sqrt2,
                out_gain: 1.0,
            },
            rng,
            device,
        );
        let actor = Mlp::new(
            &layer_sizes(obs_dim, hidden, out),
            activation,
            Init::Orthogonal {
                hidden_gain: sqrt2,
                out_gain: 0.01,
            },
            rng,
            device,
        );
        let log_std = matches!(action, ActionSpec::Continuous { .. }).then(|| {
            Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![log_std_init as f32; out], [1, out]),
                device,
            ))
        });
        ActorCritic {
            actor,
            critic,
            log_std,
        }
    }

    /// V(obs) as `[rows]`.
    pub fn value(&self, obs: Tensor<2>) -> Tensor<1> {
        self.critic.forward(obs).squeeze_dim::<1>(1)
    }

    /// Logits (discrete) or means (continuous), `[rows, out]`.
    pub fn actor_out(&self, obs: Tensor<2>) -> Tensor<2> {
        self.actor.forward(obs)
    }

    /// The policy head and the value side by side, `[rows, out + 1]`: one read for acting.
    pub fn act_and_value(&self, obs: Tensor<2>) -> Tensor<2> {
        Tensor::cat(
            vec![self.actor.forward(obs.clone()), self.critic.forward(obs)],
            1,
        )
    }

    /// The continuous policy's log standard deviations (empty for discrete actions).
    pub fn log_std_host(&self) -> Result<Vec<f32>, AgentError> {
        match &self.log_std {
            Some(p) => p
                .val()
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| AgentError::Device(format!("cannot read log_std back: {e:?}"))),
            None => Ok(Vec::new()),
        }
    }

    /// Log-probabilities of the taken discrete `actions` and the entropies, `[rows]` each.
    pub fn discrete_logp_entropy(
        &self,
        obs: Tensor<2>,
        actions: Tensor<1, Int>,
    ) -> (Tensor<1>, Tensor<1>) {
        let logp_all = log_softmax(self.actor.forward(obs), 1);
        let logp = logp_all
            .clone()
            .gather(1, actions.unsqueeze_dim::<2>(1))
            .squeeze_dim::<1>(1);
        let entropy = -(logp_all.clone().exp() * logp_all)
            .sum_dim(1)
            .squeeze_dim::<1>(1);
        (logp, entropy)
    }

    /// Log-densities of the taken continuous `actions` (summed over dims) and the entropies.
    pub fn continuous_logp_entropy(
        &self,
        obs: Tensor<2>,
        actions: Tensor<2>,
    ) -> (Tensor<1>, Tensor<1>) {
        let mean = self.actor.forward(obs);
        let [rows, dim] = mean.dims();
        let log_std = match &self.log_std {
            Some(p) => p.val().expand([rows, dim]),
            None => mean.zeros_like(),
        };
        let std = log_std.clone().exp();
        let z = (actions - mean).div(std);
        let logp = (z.powf_scalar(2.0).mul_scalar(-0.5) - log_std.clone())
            .sub_scalar(LOG_SQRT_2PI)
            .sum_dim(1)
            .squeeze_dim::<1>(1);
        let entropy = log_std
            .add_scalar(0.5 + LOG_SQRT_2PI)
            .sum_dim(1)
            .squeeze_dim::<1>(1);
        (logp, entropy)
    }
}

/// Draws one discrete action per row from `logits` (`rows × n`, host), returning the actions
/// and their log-probabilities; `greedy` takes the argmax (first on ties) instead.
pub fn sample_discrete(
    logits: &[f32],
    n: usize,
    rng: &mut Pcg64,
    greedy: bool,
    actions: &mut [usize],
    logps: &mut [f32],
) {
    for ((row, a), lp) in logits
        .chunks_exact(n)
        .zip(actions.iter_mut())
        .zip(logps.iter_mut())
    {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f32 = row.iter().map(|l| (l - max).exp()).sum();
        let log_z = max + sum.ln();
        *a = if greedy {
            row.iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (i, &l)| {
                    if l > best.1 { (i, l) } else { best }
                })
                .0
        } else {
            let u: f32 = rng.random::<f32>() * sum;
            let mut acc = 0.0;
            let mut pick = n - 1;
            for (i, l) in row.iter().enumerate() {
                acc += (l - max).exp();
                if u < acc {
                    pick = i;
                    break;
                }
            }
            pick
        };
        *lp = row[*a] - log_z;
    }
}

/// Draws `mean + std·ε` per element (host), writing the actions and their summed log-densities;
/// `greedy` returns the means.
pub fn sample_continuous(
    means: &[f32],
    log_std: &[f32],
    rng: &mut Pcg64,
    greedy: bool,
    actions: &mut [f32],
    logps: &mut [f32],
) {
    let dim = log_std.len().max(1);
    for ((mu, a), lp) in means
        .chunks_exact(dim)
        .zip(actions.chunks_exact_mut(dim))
        .zip(logps.iter_mut())
    {
        let mut sum = 0.0;
        for ((m, ls), out) in mu.iter().zip(log_std).zip(a.iter_mut()) {
            let eps: f32 = if greedy {
                0.0
            } else {
                StandardNormal.sample(rng)
            };
            *out = m + ls.exp() * eps;
            sum += -0.5 * eps * eps - ls - LOG_SQRT_2PI;
        }
        *lp = sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn discrete_sampling_follows_the_softmax_and_reports_its_log_probability() {
        let mut rng = Pcg64::seed_from_u64(0);
        let logits = [0.0f32, (3.0f32).ln()]; // probabilities 1/4, 3/4
        let (mut a, mut lp) = ([0usize; 1], [0f32; 1]);
        let mut ones = 0;
        for _ in 0..20_000 {
            sample_discrete(&logits, 2, &mut rng, false, &mut a, &mut lp);
            ones += a[0];
            let want = if a[0] == 1 {
                0.75f32.ln()
            } else {
                0.25f32.ln()
            };
            assert!((lp[0] - want).abs() < 1e-6);
        }
        let freq = ones as f64 / 20_000.0;
        assert!((freq - 0.75).abs() < 0.015, "{freq}");
        sample_discrete(&logits, 2, &mut rng, true, &mut a, &mut lp);
        assert_eq!(a[0], 1);
    }

    #[test]
    fn host_and_device_log_probabilities_agree() {
        let dev = Device::flex();
        let mut rng = Pcg64::seed_from_u64(4);
        let spec = ActionSpec::Continuous {
            low: vec![-2.0; 2],
            high: vec![2.0; 2],
        };
        let ac = ActorCritic::new(3, &spec, &[8], Activation::Tanh, -0.5, &mut rng, &dev);
        let obs = vec![0.1f32, -0.4, 0.9, 1.0, 0.0, -1.0];
        let obs_t = Tensor::<2>::from_data(TensorData::new(obs.clone(), [2, 3]), &dev);
        let means = ac
            .actor_out(obs_t.clone())
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        let (mut a, mut lp) = (vec![0f32; 4], vec![0f32; 2]);
        sample_continuous(
            &means,
            &ac.log_std_host().expect("log_std"),
            &mut rng,
            false,
            &mut a,
            &mut lp,
        );
        let a_t = Tensor::<2>::from_data(TensorData::new(a, [2, 2]), &dev);
        let (logp, ent) = ac.continuous_logp_entropy(obs_t, a_t);
        let logp = logp.into_data().try_to_vec::<f32>().expect("f32");
        for (d, h) in logp.iter().zip(&lp) {
            assert!((d - h).abs() < 1e-4, "{d} vs {h}");
        }
        // Entropy of N(μ, e^{-0.5}) in 2 dims: 2·(−0.5 + ½ + ½ln2π).
        let want = 2.0 * (-0.5 + 0.5 + LOG_SQRT_2PI);
        let ent = ent.into_data().try_to_vec::<f32>().expect("f32");
        assert!(ent.iter().all(|e| (e - want).abs() < 1e-5), "{ent:?}");
    }
}
