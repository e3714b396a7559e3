//! The IRL loop: MCE IRL (Ziebart 2010) for any dynamics and MaxEnt IRL (Ziebart 2008) for
//! deterministic ones, sharing one gradient loop.
//!
//! Each iteration: R_θ from the [`RewardModel`]; the backward pass (soft-optimal policy of
//! R_θ); the forward pass (its occupancy ρ_θ); the gradient of the MCE dual
//! L(θ) = Σ ρ_E·R_θ − Σ_s μ0(s) V_0(s) − (λ/2)|θ|², which is pullback(ρ_E − ρ_θ) − λθ; an
//! optimiser step. It stops when the gradient norm falls to `grad_tol` or the largest
//! occupancy mismatch |ρ_E − ρ_θ| to `occupancy_tol` (the `imitation` library's two tests),
//! or after `max_iterations`.
//!
//! MaxEnt IRL is the trajectory-level original: on deterministic dynamics a trajectory's
//! probability is proportional to exp(its return), its backward pass is a recursion over
//! partition functions Z(s) = Σ_a exp(r(s, a)) Z(next(s, a))^γ (computed as log Z) and its
//! forward pass propagates state visitation frequencies along the one successor of each
//! action. On deterministic dynamics it coincides with finite-horizon MCE IRL (a test checks
//! this); on stochastic dynamics it is not defined here (the trajectory distribution would
//! let the agent "choose" the outcome of chance), which is why MCE exists.

use ndarray::{Array2, Array3};
use rand_distr::{Distribution as _, Normal};
use rewardlab_core::mdp::Mdp;
use serde::{Deserialize, Serialize};

use super::model::{RewardModel, zero_terminal_rows};
use super::optim::{Optimizer, OptimizerKind};
use super::soft::{Horizon, Policy, SoftPlan, log_sum_exp, occupancy, soft_plan};
use crate::RewardsError;

/// Settings of [`mce_irl`] and [`maxent_irl`]; the defaults follow `imitation`'s MCE IRL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IrlConfig {
    /// Planning horizon H of the learner; `None` for an infinite (discounted) horizon. The
    /// expert occupancy must be taken over the same horizon and γ.
    pub horizon: Option<usize>,
    /// Update rule.
    pub optimizer: OptimizerKind,
    /// Step size.
    pub learning_rate: f64,
    /// Most gradient steps.
    pub max_iterations: usize,
    /// Stop when the L2 norm of the gradient is at most this.
    pub grad_tol: f64,
    /// Stop when max |ρ_E − ρ_θ| over (s, a, s′) is at most this.
    pub occupancy_tol: f64,
    /// L2 regularisation λ of the parameters.
    pub l2: f64,
    /// Standard deviation of the initial parameters, drawn from `seed`; 0 starts at θ = 0.
    pub init_scale: f64,
    /// Seed of the initial parameters.
    pub seed: u64,
    /// Relative sup-norm change at which an infinite-horizon soft value iteration stops.
    pub soft_tolerance: f64,
}

impl Default for IrlConfig {
    fn default() -> Self {
        Self {
            horizon: None,
            optimizer: OptimizerKind::Adam,
            learning_rate: 1e-2,
            max_iterations: 1000,
            grad_tol: 1e-4,
            occupancy_tol: 1e-3,
            l2: 0.0,
            init_scale: 0.0,
            seed: 0,
            soft_tolerance: 1e-10,
        }
    }
}

impl IrlConfig {
    /// The horizon as the planners take it.
    pub fn planning_horizon(&self) -> Horizon {
        self.horizon.map_or(Horizon::Infinite, Horizon::Finite)
    }

    /// Checks ranges (and the horizon against γ).
    pub fn validate(&self, gamma: f64) -> Result<(), RewardsError> {
        self.planning_horizon().validate(gamma)?;
        let positive = |name: &'static str, x: f64| {
            if x.is_finite() && x > 0.0 {
                Ok(())
            } else {
                Err(RewardsError::Invalid {
                    name,
                    reason: format!("{x} is not a positive number"),
                })
            }
        };
        let non_negative = |name: &'static str, x: f64| {
            if x.is_finite() && x >= 0.0 {
                Ok(())
            } else {
                Err(RewardsError::Invalid {
                    name,
                    reason: format!("{x} is not a non-negative number"),
                })
            }
        };
        positive("learning rate", self.learning_rate)?;
        positive("soft tolerance", self.soft_tolerance)?;
        non_negative("gradient tolerance", self.grad_tol)?;
        non_negative("occupancy tolerance", self.occupancy_tol)?;
        non_negative("l2", self.l2)?;
        non_negative("init scale", self.init_scale)
    }
}

/// One iteration's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IrlIteration {
    /// 0-based iteration.
    pub iteration: usize,
    /// L(θ) before the step (the MCE dual, regulariser included).
    pub objective: f64,
    /// |∂L/∂θ|₂ before the step.
    pub grad_norm: f64,
    /// max |ρ_E − ρ_θ| before the step.
    pub occupancy_gap: f64,
}

/// What an IRL run learned.
#[derive(Debug, Clone)]
pub struct IrlResult {
    /// The final parameters.
    pub params: Vec<f64>,
    /// R_θ(s, a, s′) of the final parameters, 0 in terminal rows.
    pub reward: Array3<f64>,
    /// The soft-optimal policy of the final reward (the learner's imitation policy).
    pub policy: Policy,
    /// Its occupancy.
    pub occupancy: Array3<f64>,
    /// One entry per iteration.
    pub history: Vec<IrlIteration>,
    /// Whether a stopping test was met before `max_iterations`.
    pub converged: bool,
}

/// What one backward and forward pass produce for the loop.
struct Pass {
    plan: SoftPlan,
    occupancy: Array3<f64>,
}

/// MCE IRL: fits `model` so that the soft-optimal policy of its reward matches the expert
/// occupancy `expert` (ρ_E(s, a, s′), shape (S, A, S), over the config's horizon and the
/// model's γ). Any dynamics.
pub fn mce_irl(
    mdp: &Mdp,
    expert: &Array3<f64>,
    model: &mut dyn RewardModel,
    config: &IrlConfig,
) -> Result<IrlResult, RewardsError> {
    let task = IrlTask {
        mdp,
        expert,
        base: None,
    };
    single(mce_irl_multitask(&[task], model, config)?)
}

/// MaxEnt IRL (module docs): needs deterministic dynamics and a finite horizon.
pub fn maxent_irl(
    mdp: &Mdp,
    expert: &Array3<f64>,
    model: &mut dyn RewardModel,
    config: &IrlConfig,
) -> Result<IrlResult, RewardsError> {
    let Some(h) = config.horizon else {
        return Err(RewardsError::Invalid {
            name: "horizon",
            reason: "MaxEnt IRL is trajectory-level: it needs a finite horizon".into(),
        });
    };
    let next = deterministic_successors(mdp)?;
    let task = IrlTask {
        mdp,
        expert,
        base: None,
    };
    single(fit(&[task], model, config, |m, _| {
        maxent_pass(m, &next, h)
    })?)
}

/// The value and the gradient (∂L/∂θ, to be maximised) of the MCE dual at the model's
/// current parameters, without regularisation: what [`mce_irl`] climbs.
pub fn mce_objective(
    mdp: &Mdp,
    expert: &Array3<f64>,
    model: &dyn RewardModel,
    horizon: Horizon,
    soft_tolerance: f64,
) -> Result<(f64, Vec<f64>), RewardsError> {
    check_expert(mdp, expert)?;
    let mut reward = model.reward();
    if reward.dim() != expert.dim() {
        return Err(RewardsError::Invalid {
            name: "reward model",
            reason: format!(
                "its reward has shape {:?}, expected {:?}",
                reward.dim(),
                expert.dim()
            ),
        });
    }
    zero_terminal_rows(&mut reward, mdp.terminal());
    let m = with_reward(mdp, &reward)?;
    let plan = soft_plan(&m, horizon, None, soft_tolerance)?;
    let rho = occupancy(&m, &plan.policy, horizon)?;
    let value = (expert * &reward).sum() - plan.log_partition(&m);
    Ok((value, model.pullback(&(expert - &rho))))
}

fn check_expert(mdp: &Mdp, expert: &Array3<f64>) -> Result<(), RewardsError> {
    let (n, m) = (mdp.n_states(), mdp.n_actions());
    if expert.dim() != (n, m, n) {
        return Err(RewardsError::Invalid {
            name: "expert occupancy",
            reason: format!("shape {:?}, expected ({n}, {m}, {n})", expert.dim()),
        });
    }
    if expert.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return Err(RewardsError::Invalid {
            name: "expert occupancy",
            reason: "entries must be finite and non-negative".into(),
        });
    }
    if expert.sum() <= 0.0 {
        return Err(RewardsError::Invalid {
            name: "expert occupancy",
            reason: "it is all zero (no expert steps)".into(),
        });
    }
    Ok(())
}

/// `mdp` paying R(s, a, s′).
fn with_reward(mdp: &Mdp, reward: &Array3<f64>) -> Result<Mdp, RewardsError> {
    Ok(mdp.map_rewards(|s, a, next, _| reward[[s, a, next]])?)
}

/// One task of a multi-task fit: dynamics, the expert's occupancy there, and a known reward
/// term the learned one is added to (the task's own goal, say), if any.
#[derive(Debug, Clone, Copy)]
pub struct IrlTask<'a> {
    /// The task's dynamics, γ and initial distribution (its rewards are ignored).
    pub mdp: &'a Mdp,
    /// ρ_E(s, a, s′) of the task's expert, over the config's horizon.
    pub expert: &'a Array3<f64>,
    /// R_base(s, a, s′): the task's reward is R_base + R_θ.
    pub base: Option<&'a Array3<f64>>,
}

/// What a multi-task fit learned for one task.
#[derive(Debug, Clone)]
pub struct TaskFit {
    /// The task's full reward R_base + R_θ, 0 in the task's terminal rows.
    pub reward: Array3<f64>,
    /// Its soft-optimal policy.
    pub policy: Policy,
    /// That policy's occupancy.
    pub occupancy: Array3<f64>,
}

/// The result of [`mce_irl_multitask`].
#[derive(Debug, Clone)]
pub struct MultiTaskResult {
    /// The shared parameters.
    pub params: Vec<f64>,
    /// R_θ, the shared learned term (not masked: a state terminal in one task may be
    /// ordinary in another).
    pub shared: Array3<f64>,
    /// One entry per task.
    pub tasks: Vec<TaskFit>,
    /// One entry per iteration (objective summed over tasks, gap the largest of any task).
    pub history: Vec<IrlIteration>,
    /// Whether a stopping test was met before `max_iterations`.
    pub converged: bool,
}

/// Multi-task MCE IRL: one shared R_θ, added to each task's known term, fitted to all the
/// experts at once by climbing the sum of their MCE objectives. With one task and no base
/// term this is [`mce_irl`].
pub fn mce_irl_multitask(
    tasks: &[IrlTask<'_>],
    model: &mut dyn RewardModel,
    config: &IrlConfig,
) -> Result<MultiTaskResult, RewardsError> {
    let horizon = config.planning_horizon();
    let tol = config.soft_tolerance;
    fit(tasks, model, config, |m, warm| {
        let plan = soft_plan(m, horizon, warm, tol)?;
        let occupancy = occupancy(m, &plan.policy, horizon)?;
        Ok(Pass { plan, occupancy })
    })
}

fn single(result: MultiTaskResult) -> Result<IrlResult, RewardsError> {
    let MultiTaskResult {
        params,
        tasks,
        history,
        converged,
        ..
    } = result;
    let task = tasks
        .into_iter()
        .next()
        .ok_or_else(|| RewardsError::Invalid {
            name: "tasks",
            reason: "no task was fitted".into(),
        })?;
    Ok(IrlResult {
        params,
        reward: task.reward,
        policy: task.policy,
        occupancy: task.occupancy,
        history,
        converged,
    })
}

/// The gradient loop shared by both algorithms (module docs), summed over tasks.
fn fit(
    tasks: &[IrlTask<'_>],
    model: &mut dyn RewardModel,
    config: &IrlConfig,
    mut pass: impl FnMut(&Mdp, Option<&[f64]>) -> Result<Pass, RewardsError>,
) -> Result<MultiTaskResult, RewardsError> {
    if tasks.is_empty() {
        return Err(RewardsError::Invalid {
            name: "tasks",
            reason: "no task to learn from".into(),
        });
    }
    for task in tasks {
        config.validate(task.mdp.gamma())?;
        check_expert(task.mdp, task.expert)?;
        if let Some(base) = task.base
            && base.dim() != task.expert.dim()
        {
            return Err(RewardsError::Invalid {
                name: "base reward",
                reason: format!("shape {:?}, expected {:?}", base.dim(), task.expert.dim()),
            });
        }
    }
    let dim = model.reward().dim();
    if let Some(task) = tasks.iter().find(|t| t.expert.dim() != dim) {
        return Err(RewardsError::Invalid {
            name: "reward model",
            reason: format!(
                "its reward has shape {dim:?}, but the task's model needs {:?}",
                task.expert.dim()
            ),
        });
    }
    let mut theta = model.params();
    if config.init_scale > 0.0 {
        let mut rng = rewardlab_core::rng::rng_from_seed(config.seed);
        let normal = Normal::new(0.0, config.init_scale).map_err(|e| RewardsError::Invalid {
            name: "init scale",
            reason: e.to_string(),
        })?;
        theta.iter_mut().for_each(|x| *x = normal.sample(&mut rng));
        model.set_params(&theta)?;
    }
    let mut optimizer = Optimizer::new(config.optimizer, config.learning_rate, theta.len());
    let mut history = Vec::new();
    let mut warm: Vec<Option<Vec<f64>>> = vec![None; tasks.len()];
    let mut iteration = 0;
    loop {
        let shared = model.reward();
        let mut ascent = vec![0.0; theta.len()];
        let mut objective = -0.5 * config.l2 * theta.iter().map(|t| t * t).sum::<f64>();
        let mut occupancy_gap = 0.0f64;
        let mut fits = Vec::with_capacity(tasks.len());
        for (task, warm) in tasks.iter().zip(&mut warm) {
            let mut reward = match task.base {
                Some(base) => base + &shared,
                None => shared.clone(),
            };
            zero_terminal_rows(&mut reward, task.mdp.terminal());
            let m = with_reward(task.mdp, &reward)?;
            let p = pass(&m, warm.as_deref())?;
            let diff = task.expert - &p.occupancy;
            for (a, g) in ascent.iter_mut().zip(model.pullback(&diff)) {
                *a += g;
            }
            occupancy_gap = diff.iter().fold(occupancy_gap, |m, x| m.max(x.abs()));
            objective += (task.expert * &reward).sum() - p.plan.log_partition(&m);
            *warm = Some(p.plan.values.clone());
            fits.push(TaskFit {
                reward,
                policy: p.plan.policy,
                occupancy: p.occupancy,
            });
        }
        let grad: Vec<f64> = ascent
            .iter()
            .zip(&theta)
            .map(|(g, t)| config.l2 * t - g)
            .collect();
        let grad_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        if !objective.is_finite() || !grad_norm.is_finite() {
            return Err(RewardsError::Invalid {
                name: "IRL objective",
                reason: format!(
                    "became non-finite at iteration {iteration}; lower the learning rate"
                ),
            });
        }
        history.push(IrlIteration {
            iteration,
            objective,
            grad_norm,
            occupancy_gap,
        });
        let converged = grad_norm <= config.grad_tol || occupancy_gap <= config.occupancy_tol;
        if converged || iteration + 1 >= config.max_iterations {
            return Ok(MultiTaskResult {
                params: theta,
                shared,
                tasks: fits,
                history,
                converged,
            });
        }
        optimizer.step(&mut theta, &grad);
        model.set_params(&theta)?;
        iteration += 1;
    }
}

/// next(s, a) for every non-terminal (s, a); an error names a stochastic pair.
fn deterministic_successors(mdp: &Mdp) -> Result<Vec<usize>, RewardsError> {
    let m = mdp.n_actions();
    let mut next = vec![0; mdp.n_states() * m];
    for s in (0..mdp.n_states()).filter(|&s| !mdp.is_terminal(s)) {
        for a in 0..m {
            let mut targets = mdp
                .successors(s, a)
                .filter(|t| t.prob > 0.0)
                .map(|t| t.next);
            let first = targets.next().unwrap_or(s);
            if let Some(other) = targets.find(|&t| t != first) {
                return Err(RewardsError::Invalid {
                    name: "dynamics",
                    reason: format!(
                        "MaxEnt IRL needs deterministic dynamics, but action {a} in state {s} \
                         leads to {first} or {other}; use MCE IRL"
                    ),
                });
            }
            next[s * m + a] = first;
        }
    }
    Ok(next)
}

/// The MaxEnt backward (log-partition) and forward (visitation) passes for horizon `h`.
fn maxent_pass(mdp: &Mdp, next: &[usize], h: usize) -> Result<Pass, RewardsError> {
    let (n, m, gamma) = (mdp.n_states(), mdp.n_actions(), mdp.gamma());
    let reward = mdp.expected_rewards();
    // Backward: log Z_t(s) = log Σ_a exp(r(s, a) + γ log Z_{t+1}(next(s, a))), log Z_H = 0.
    let mut log_z = vec![0.0; n];
    let mut local = Vec::with_capacity(h);
    let mut za = vec![0.0; m];
    for _ in 0..h {
        let mut z = vec![0.0; n];
        let mut p = Array2::from_elem((n, m), 1.0 / m as f64);
        for s in (0..n).filter(|&s| !mdp.is_terminal(s)) {
            for (a, x) in za.iter_mut().enumerate() {
                *x = reward[s * m + a] + gamma * log_z[next[s * m + a]];
            }
            z[s] = log_sum_exp(&za, p.row_mut(s).into_slice());
        }
        log_z = z;
        local.push(p);
    }
    local.reverse();
    // Forward: D_{t+1}(next(s, a)) += D_t(s) P_t(a|s), weighted γ^t into ρ.
    let mut rho = Array3::zeros((n, m, n));
    let mut d = mdp.initial().to_vec();
    let mut discount = 1.0;
    for p in &local {
        let mut d_next = vec![0.0; n];
        for (s, &ds) in d.iter().enumerate() {
            if ds == 0.0 || mdp.is_terminal(s) {
                continue;
            }
            for a in 0..m {
                let w = ds * p[[s, a]];
                let s2 = next[s * m + a];
                rho[[s, a, s2]] += discount * w;
                d_next[s2] += w;
            }
        }
        d = d_next;
        discount *= gamma;
    }
    Ok(Pass {
        plan: SoftPlan {
            policy: Policy::PerStep(local),
            values: log_z,
        },
        occupancy: rho,
    })
}
