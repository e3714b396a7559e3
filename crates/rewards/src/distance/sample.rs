//! Sample-based EPIC and DARD for envs too large (or too continuous) for a tensor R(s, a, s′):
//! classic control, with a reward given as a closure R(obs, action, next_obs).
//!
//! Design, following evaluating-rewards' `epic_sample` (Gleave et al. 2021) and STARC's
//! continuous DARD (Wulfe et al. 2022):
//!
//! 1. **Coverage** ([`Coverage`]): N transitions (s_i, a_i, s′_i) from rollouts of a policy,
//!    uniformly random by default. The distance is the Pearson distance of the two canonical
//!    rewards over these N points, uniformly weighted. Episode ends are ignored by the
//!    canonicalisation (as in evaluating-rewards): a reward that treats terminal states
//!    specially must say so itself, through the observations it is given.
//! 2. **Coverage marginals**: D_S is uniform over the 2N visited observations {s_i} ∪ {s′_i},
//!    D_A uniform over the N actions {a_i}.
//! 3. **EPIC** ([`EpicSamples`]): M pairs (a_j, s′_j), a_j ∼ D_A and s′_j ∼ D_S drawn from two
//!    independent RNG streams and zipped (not a Cartesian product, as evaluating-rewards).
//!    m̂(x) = (1/M) Σ_j R(x, a_j, s′_j) is computed once per distinct observation, μ̂ = mean_j
//!    m̂(s′_j), and C_i = R(s_i, a_i, s′_i) + γ m̂(s′_i) − m̂(s_i) − γ μ̂.
//! 4. **DARD** ([`DardSamples`]): for every coverage transition, K draws A ∼ D_A with
//!    S′ ∼ τ(s_i, A) and S″ ∼ τ(s′_i, A), got by setting the env to s_i (resp. s′_i) with
//!    [`Env::set_state`] and stepping it with A, and
//!    C_i = R(s_i, a_i, s′_i) + (1/K) Σ_k [γ R(s′_i, A, S″) − R(s_i, A, S′) − γ R(S′, A, S″)].
//!    The states set are the env's own [`Env::state`] vectors recorded during the rollouts,
//!    not the observations (which are rounded to `f32`, and for Acrobot or Pendulum are not the
//!    state at all), so DARD needs an env that exposes both `state` and `set_state` — every
//!    classic-control env does. The env passed in is left wherever the last step put it.
//!
//! Both rewards of a comparison are evaluated on the **same** samples. Then potential shaping
//! by any Φ(obs) cancels term by term in both estimators (not only in expectation), so a
//! reward and its shaped version are at distance 0 up to round-off whatever N, M and K; only
//! differences that are not shaping are subject to sampling error.
//!
//! Seeds: one `seed` fixes everything. Independent streams (env resets, the policy, EPIC's
//! actions, EPIC's states, DARD's actions) are derived from it by a SplitMix64 step, so a
//! change in one of the sizes leaves the other draws unchanged.

use std::collections::HashMap;

use ndarray::Array3;
use rand::Rng;
use rewardlab_core::rng::{EnvRng, rng_from_seed};
use rewardlab_core::{Env, EnvError, SpaceElem, Value, ValueTypeError};
use serde::{Deserialize, Serialize};

use super::norm::pearson_distance;

/// Sizes, discount and seed of the sample-based distances; defaults as evaluating-rewards'
/// EPIC script (N = M = 4096, γ = 0.99), with K = 32 for DARD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SampleConfig {
    /// N: coverage transitions the Pearson distance is taken over (at least 2).
    pub n_coverage: usize,
    /// M: zipped (action, next observation) samples behind EPIC's means m̂ (at least 1).
    pub n_mean: usize,
    /// K: (A, S′, S″) samples per coverage transition behind DARD's correction (at least 1).
    pub n_dard: usize,
    /// The discount γ of the canonicalisation, in [0, 1].
    pub gamma: f64,
    /// Seed of every random draw (env resets, policy, marginal samples).
    pub seed: u64,
    /// Longest rollout when collecting coverage, on top of the env's own ends (`None`: only
    /// the env's own; an env without a time limit then gives one long episode).
    pub max_episode_steps: Option<usize>,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            n_coverage: 4096,
            n_mean: 4096,
            n_dard: 32,
            gamma: 0.99,
            seed: 0,
            max_episode_steps: Some(1000),
        }
    }
}

impl SampleConfig {
    /// Checks the sizes and γ.
    pub fn validate(&self) -> Result<(), SampleError> {
        let invalid = |name, reason: String| Err(SampleError::Invalid { name, reason });
        if self.n_coverage < 2 {
            return invalid(
                "n_coverage",
                format!("{}: a correlation needs at least 2 points", self.n_coverage),
            );
        }
        if self.n_mean == 0 {
            return invalid("n_mean", "0: EPIC's means need at least 1 sample".into());
        }
        if self.n_dard == 0 {
            return invalid("n_dard", "0: DARD needs at least 1 sample per point".into());
        }
        if !(self.gamma.is_finite() && (0.0..=1.0).contains(&self.gamma)) {
            return invalid("gamma", format!("{} is not in [0, 1]", self.gamma));
        }
        if self.max_episode_steps == Some(0) {
            return invalid("max_episode_steps", "0: rollouts would be empty".into());
        }
        Ok(())
    }
}

/// Why a sample-based distance could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleError {
    /// A size, γ or an argument out of range.
    #[error("invalid {name}: {reason}")]
    Invalid {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The env refused a reset-free step or a state.
    #[error("the environment failed: {0}")]
    Env(#[from] EnvError),
    /// DARD needs to read and set the env's state, and this env cannot.
    #[error(
        "sample-based DARD needs an env whose state can be read (Env::state) and set \
         (Env::set_state): {0}"
    )]
    StateNotSettable(String),
    /// A sampled action did not convert to the env's action type.
    #[error("a sampled action does not fit the env's action type: {0}")]
    Action(#[from] ValueTypeError),
    /// The reward closure returned NaN or ±∞.
    #[error("the canonical reward at coverage transition {index} is {value}, not finite")]
    NonFinite {
        /// Index of the coverage transition.
        index: usize,
        /// The value.
        value: f64,
    },
}

/// One coverage transition, with the env's state before and after (where it has one).
#[derive(Debug, Clone, PartialEq)]
pub struct SampledTransition<A> {
    /// s: the observation before the step.
    pub obs: Vec<f32>,
    /// a: the action taken.
    pub action: A,
    /// s′: the observation after the step.
    pub next_obs: Vec<f32>,
    /// The env's [`Env::state`] before the step, as numbers (`None` where it has none).
    pub state: Option<Vec<f64>>,
    /// The env's [`Env::state`] after the step.
    pub next_state: Option<Vec<f64>>,
}

/// The N transitions a sample-based distance is measured over.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage<A> {
    transitions: Vec<SampledTransition<A>>,
}

/// Stream indices of [`stream`]: one per independent use of randomness.
const STREAM_RESET: u64 = 1;
const STREAM_POLICY: u64 = 2;
const STREAM_EPIC_ACTIONS: u64 = 3;
const STREAM_EPIC_STATES: u64 = 4;
const STREAM_DARD_ACTIONS: u64 = 5;

/// A seed for stream `k` of `seed`: one SplitMix64 output, so nearby seeds and streams give
/// unrelated PCG streams.
fn stream_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn stream(seed: u64, k: u64) -> EnvRng {
    rng_from_seed(stream_seed(seed, k))
}

/// The env's state as numbers: a box state as is, a discrete one as a single number.
fn state_numbers(value: Option<Value>) -> Option<Vec<f64>> {
    match value? {
        Value::F64(v) => Some(v),
        Value::F32(v) => Some(v.into_iter().map(f64::from).collect()),
        Value::Int(i) => Some(vec![i as f64]),
        Value::Ints(v) => Some(v.into_iter().map(|i| i as f64).collect()),
        _ => None,
    }
}

impl<A: Clone> Coverage<A> {
    /// Rolls out `policy` (given the observation and its own RNG stream) in `env` until `n`
    /// transitions are collected, resetting after every end (terminated, truncated, or
    /// `max_episode_steps`). The first reset is seeded from `seed`, later ones continue the
    /// env's stream, so the result is a function of `seed`.
    pub fn collect<E, P>(
        env: &mut E,
        n: usize,
        max_episode_steps: Option<usize>,
        seed: u64,
        mut policy: P,
    ) -> Result<Self, SampleError>
    where
        E: Env<Obs = Vec<f32>, Act = A>,
        P: FnMut(&[f32], &mut EnvRng) -> A,
    {
        Self::collect_with(env, n, max_episode_steps, seed, |obs, rng| {
            Ok(policy(obs, rng))
        })
    }

    /// [`Coverage::collect`] with the uniformly random policy (the action space's sampler).
    pub fn collect_random<E>(
        env: &mut E,
        n: usize,
        max_episode_steps: Option<usize>,
        seed: u64,
    ) -> Result<Self, SampleError>
    where
        E: Env<Obs = Vec<f32>, Act = A>,
        A: SpaceElem,
    {
        let space = env.action_space();
        Self::collect_with(env, n, max_episode_steps, seed, |_, rng| {
            Ok(A::from_value(space.sample(rng))?)
        })
    }

    fn collect_with<E, P>(
        env: &mut E,
        n: usize,
        max_episode_steps: Option<usize>,
        seed: u64,
        mut policy: P,
    ) -> Result<Self, SampleError>
    where
        E: Env<Obs = Vec<f32>, Act = A>,
        P: FnMut(&[f32], &mut EnvRng) -> Result<A, SampleError>,
    {
        if n == 0 {
            return Err(SampleError::Invalid {
                name: "n_coverage",
                reason: "0 transitions".into(),
            });
        }
        if max_episode_steps == Some(0) {
            return Err(SampleError::Invalid {
                name: "max_episode_steps",
                reason: "0: rollouts would be empty".into(),
            });
        }
        let mut rng = stream(seed, STREAM_POLICY);
        let (mut obs, _) = env.reset(Some(stream_seed(seed, STREAM_RESET)));
        let mut steps = 0;
        let mut transitions = Vec::with_capacity(n);
        while transitions.len() < n {
            let state = state_numbers(env.state());
            let action = policy(&obs, &mut rng)?;
            let step = env.step(&action)?;
            steps += 1;
            let next_obs = step.obs;
            transitions.push(SampledTransition {
                obs: std::mem::replace(&mut obs, next_obs.clone()),
                action,
                next_obs,
                state,
                next_state: state_numbers(env.state()),
            });
            if step.terminated || step.truncated || max_episode_steps.is_some_and(|m| steps >= m) {
                obs = env.reset(None).0;
                steps = 0;
            }
        }
        Ok(Coverage { transitions })
    }

    /// Coverage from given transitions (from a dataset, say); at least 2.
    pub fn from_transitions(transitions: Vec<SampledTransition<A>>) -> Result<Self, SampleError> {
        if transitions.len() < 2 {
            return Err(SampleError::Invalid {
                name: "coverage",
                reason: format!(
                    "{} transitions: a correlation needs at least 2",
                    transitions.len()
                ),
            });
        }
        Ok(Coverage { transitions })
    }

    /// The transitions.
    pub fn transitions(&self) -> &[SampledTransition<A>] {
        &self.transitions
    }

    /// N.
    pub fn len(&self) -> usize {
        self.transitions.len()
    }

    /// Whether there are no transitions (never, for a collected coverage).
    pub fn is_empty(&self) -> bool {
        self.transitions.is_empty()
    }

    /// An observation drawn from D_S: uniform over {s_i} ∪ {s′_i}.
    fn draw_obs(&self, rng: &mut EnvRng) -> &[f32] {
        let i = rng.random_range(0..2 * self.len());
        let t = &self.transitions[i / 2];
        if i % 2 == 0 { &t.obs } else { &t.next_obs }
    }

    /// An action drawn from D_A: uniform over {a_i}.
    fn draw_action(&self, rng: &mut EnvRng) -> &A {
        &self.transitions[rng.random_range(0..self.len())].action
    }
}

/// EPIC's M zipped mean samples (a_j, s′_j) for one coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct EpicSamples<A> {
    means: Vec<(A, Vec<f32>)>,
}

impl<A: Clone> EpicSamples<A> {
    /// M pairs with a_j ∼ D_A and s′_j ∼ D_S of `coverage`, from independent streams of `seed`.
    pub fn draw(coverage: &Coverage<A>, m: usize, seed: u64) -> Result<Self, SampleError> {
        if m == 0 || coverage.is_empty() {
            return Err(SampleError::Invalid {
                name: "n_mean",
                reason: format!("{m} mean samples from {} transitions", coverage.len()),
            });
        }
        let mut actions = stream(seed, STREAM_EPIC_ACTIONS);
        let mut states = stream(seed, STREAM_EPIC_STATES);
        let means = (0..m)
            .map(|_| {
                let a = coverage.draw_action(&mut actions).clone();
                (a, coverage.draw_obs(&mut states).to_vec())
            })
            .collect();
        Ok(EpicSamples { means })
    }

    /// The pairs.
    pub fn pairs(&self) -> &[(A, Vec<f32>)] {
        &self.means
    }
}

/// The key an observation is deduplicated by (its exact bits).
fn obs_key(obs: &[f32]) -> Vec<u32> {
    obs.iter().map(|x| x.to_bits()).collect()
}

fn finite(values: Vec<f64>) -> Result<Vec<f64>, SampleError> {
    match values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        Some((index, &value)) => Err(SampleError::NonFinite { index, value }),
        None => Ok(values),
    }
}

/// EPIC's canonical reward C_i at every coverage transition (module docs, step 3).
pub fn sample_epic_canonical<A, R>(
    coverage: &Coverage<A>,
    samples: &EpicSamples<A>,
    reward: R,
    gamma: f64,
) -> Result<Vec<f64>, SampleError>
where
    A: Clone,
    R: Fn(&[f32], &A, &[f32]) -> f64,
{
    let m = samples.means.len() as f64;
    // m̂ per distinct observation; s′_j are coverage observations, so all of them are here.
    let mut mean: HashMap<Vec<u32>, f64> = HashMap::new();
    let mut m_hat = |x: &[f32]| -> f64 {
        *mean.entry(obs_key(x)).or_insert_with(|| {
            samples
                .means
                .iter()
                .map(|(a, s2)| reward(x, a, s2))
                .sum::<f64>()
                / m
        })
    };
    let mu = samples.means.iter().map(|(_, s2)| m_hat(s2)).sum::<f64>() / m;
    let values = coverage
        .transitions
        .iter()
        .map(|t| {
            reward(&t.obs, &t.action, &t.next_obs) + gamma * m_hat(&t.next_obs)
                - m_hat(&t.obs)
                - gamma * mu
        })
        .collect();
    finite(values)
}

/// DARD's K samples (A, S′, S″) per coverage transition.
#[derive(Debug, Clone, PartialEq)]
pub struct DardSamples<A> {
    k: usize,
    /// `samples[i * k + j]`: the j-th (A, S′ ∼ τ(s_i, A), S″ ∼ τ(s′_i, A)).
    samples: Vec<(A, Vec<f32>, Vec<f32>)>,
}

impl<A: Clone> DardSamples<A> {
    /// K samples per transition of `coverage`, stepping `env` from the recorded states (module
    /// docs, step 4). Fails with [`SampleError::StateNotSettable`] when a transition has no
    /// recorded state or the env refuses it.
    pub fn draw<E>(
        env: &mut E,
        coverage: &Coverage<A>,
        k: usize,
        seed: u64,
    ) -> Result<Self, SampleError>
    where
        E: Env<Obs = Vec<f32>, Act = A>,
    {
        if k == 0 {
            return Err(SampleError::Invalid {
                name: "n_dard",
                reason: "0: DARD needs at least 1 sample per point".into(),
            });
        }
        let mut rng = stream(seed, STREAM_DARD_ACTIONS);
        let mut samples = Vec::with_capacity(coverage.len() * k);
        let no_state = |i: usize| {
            SampleError::StateNotSettable(format!(
                "coverage transition {i} has no recorded state (the env's state() is None)"
            ))
        };
        let step_from = |env: &mut E, state: &[f64], a: &A| -> Result<Vec<f32>, SampleError> {
            env.set_state(state).map_err(|e| match e {
                EnvError::StateNotSettable => SampleError::StateNotSettable(e.to_string()),
                other => SampleError::Env(other),
            })?;
            Ok(env.step(a)?.obs)
        };
        for (i, t) in coverage.transitions.iter().enumerate() {
            let s = t.state.as_deref().ok_or_else(|| no_state(i))?;
            let s2 = t.next_state.as_deref().ok_or_else(|| no_state(i))?;
            for _ in 0..k {
                let a = coverage.draw_action(&mut rng).clone();
                let from_s = step_from(env, s, &a)?;
                let from_s2 = step_from(env, s2, &a)?;
                samples.push((a, from_s, from_s2));
            }
        }
        Ok(DardSamples { k, samples })
    }

    /// K.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The K samples of coverage transition `i` (empty past the end).
    pub fn of(&self, i: usize) -> &[(A, Vec<f32>, Vec<f32>)] {
        self.samples
            .get(i * self.k..(i + 1) * self.k)
            .unwrap_or_default()
    }
}

/// DARD's canonical reward C_i at every coverage transition (module docs, step 4).
pub fn sample_dard_canonical<A, R>(
    coverage: &Coverage<A>,
    samples: &DardSamples<A>,
    reward: R,
    gamma: f64,
) -> Result<Vec<f64>, SampleError>
where
    A: Clone,
    R: Fn(&[f32], &A, &[f32]) -> f64,
{
    if samples.samples.len() != coverage.len() * samples.k {
        return Err(SampleError::Invalid {
            name: "DARD samples",
            reason: format!(
                "{} samples for {} transitions × K = {}",
                samples.samples.len(),
                coverage.len(),
                samples.k
            ),
        });
    }
    let k = samples.k as f64;
    let values = coverage
        .transitions
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let correction: f64 = samples
                .of(i)
                .iter()
                .map(|(a, from_s, from_s2)| {
                    gamma * reward(&t.next_obs, a, from_s2)
                        - reward(&t.obs, a, from_s)
                        - gamma * reward(from_s, a, from_s2)
                })
                .sum();
            reward(&t.obs, &t.action, &t.next_obs) + correction / k
        })
        .collect();
    finite(values)
}

/// √((1 − ρ)/2) of two equally long samples, uniformly weighted ([`pearson_distance`]'s
/// conventions for constant inputs).
pub fn pearson_distance_of(x: &[f64], y: &[f64]) -> Result<f64, SampleError> {
    if x.len() != y.len() || x.len() < 2 {
        return Err(SampleError::Invalid {
            name: "samples",
            reason: format!(
                "lengths {} and {}: need two equal lengths ≥ 2",
                x.len(),
                y.len()
            ),
        });
    }
    let column = |v: &[f64]| Array3::from_shape_fn((v.len(), 1, 1), |(i, _, _)| v[i]);
    Ok(pearson_distance(&column(x), &column(y), None))
}

/// Sample-based EPIC distance of `r1` and `r2` on `env` (module docs): coverage from a
/// uniformly random policy, then M mean samples, all from `config.seed`.
pub fn sample_epic_distance<E, R1, R2>(
    env: &mut E,
    r1: R1,
    r2: R2,
    config: &SampleConfig,
) -> Result<f64, SampleError>
where
    E: Env<Obs = Vec<f32>>,
    E::Act: SpaceElem,
    R1: Fn(&[f32], &E::Act, &[f32]) -> f64,
    R2: Fn(&[f32], &E::Act, &[f32]) -> f64,
{
    config.validate()?;
    let coverage = Coverage::collect_random(
        env,
        config.n_coverage,
        config.max_episode_steps,
        config.seed,
    )?;
    sample_epic_distance_on(&coverage, r1, r2, config)
}

/// Sample-based EPIC distance over a given coverage (from any policy, or a dataset):
/// `config.n_mean`, `gamma` and `seed` are used, its coverage settings are not.
pub fn sample_epic_distance_on<A, R1, R2>(
    coverage: &Coverage<A>,
    r1: R1,
    r2: R2,
    config: &SampleConfig,
) -> Result<f64, SampleError>
where
    A: Clone,
    R1: Fn(&[f32], &A, &[f32]) -> f64,
    R2: Fn(&[f32], &A, &[f32]) -> f64,
{
    config.validate()?;
    let samples = EpicSamples::draw(coverage, config.n_mean, config.seed)?;
    let c1 = sample_epic_canonical(coverage, &samples, r1, config.gamma)?;
    let c2 = sample_epic_canonical(coverage, &samples, r2, config.gamma)?;
    pearson_distance_of(&c1, &c2)
}

/// Sample-based DARD distance of `r1` and `r2` on `env` (module docs): coverage from a
/// uniformly random policy, then K successor samples per point by `set_state` + `step` on
/// the same env, all from `config.seed`.
pub fn sample_dard_distance<E, R1, R2>(
    env: &mut E,
    r1: R1,
    r2: R2,
    config: &SampleConfig,
) -> Result<f64, SampleError>
where
    E: Env<Obs = Vec<f32>>,
    E::Act: SpaceElem,
    R1: Fn(&[f32], &E::Act, &[f32]) -> f64,
    R2: Fn(&[f32], &E::Act, &[f32]) -> f64,
{
    config.validate()?;
    let coverage = Coverage::collect_random(
        env,
        config.n_coverage,
        config.max_episode_steps,
        config.seed,
    )?;
    sample_dard_distance_on(env, &coverage, r1, r2, config)
}

/// Sample-based DARD distance over a given coverage, whose recorded states `env` can be set
/// to: `config.n_dard`, `gamma` and `seed` are used, its coverage settings are not.
pub fn sample_dard_distance_on<E, R1, R2>(
    env: &mut E,
    coverage: &Coverage<E::Act>,
    r1: R1,
    r2: R2,
    config: &SampleConfig,
) -> Result<f64, SampleError>
where
    E: Env<Obs = Vec<f32>>,
    R1: Fn(&[f32], &E::Act, &[f32]) -> f64,
    R2: Fn(&[f32], &E::Act, &[f32]) -> f64,
{
    config.validate()?;
    let samples = DardSamples::draw(env, coverage, config.n_dard, config.seed)?;
    let c1 = sample_dard_canonical(coverage, &samples, r1, config.gamma)?;
    let c2 = sample_dard_canonical(coverage, &samples, r2, config.gamma)?;
    pearson_distance_of(&c1, &c2)
}
