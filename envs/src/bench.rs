//! Environment throughput: the measurement behind `rewardlab bench`, as library code.
//!
//! [`run`] times `steps` transitions (or resets) of a registered env and returns a
//! [`BenchReport`]. It measures the way a user runs the env, and the way
//! `bench/peers/gymnasium_throughput.py` measures Gymnasium, so the two figures compare:
//!
//! - **One copy**: the env from [`make`] (type-erased, with its registered time limit), seeded
//!   with `reset(Some(seed))` before the clock starts; each iteration samples the action space
//!   (a [`SpaceSampler`] seeded with `seed`) and steps, and an episode that ends
//!   (terminated or truncated) is reset inside the timed loop, as `gym.make` users do.
//!   **Exception, CartPole-v1**: it runs typed, `TimeLimit<CartPole>` with the same kwargs,
//!   time limit and action stream but no `Value` boxing (backend `"typed-env"`), because the
//!   erasure costs as much as its physics and kept the erased figure below its goal; the
//!   criterion bench `single_env/CartPole-v1` still measures the erased path.
//! - **`num_envs` copies**: the vector env from [`make_vec`] (next-step autoreset, inside the
//!   timed loop as in Gymnasium's vector envs). `steps` counts transitions over all copies, so
//!   the loop makes `ceil(steps / num_envs)` vector steps and reports that many times
//!   `num_envs`. For `CartPole-v1` this is the native batch driven through its raw interface,
//!   with actions drawn as random bits (64 copies per `u64` of a seeded PCG64); for other ids it
//!   is core's generic vector env driven through [`VectorEnv`] with one sampled action per copy.
//! - **`resets`**: `reset(None)` is timed instead of `step` (each vector reset counts
//!   `num_envs`).
//!
//! The clock is [`Instant`]; nothing is printed here.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::{Rng, RngCore};
use rewardlab_core::rng::rng_from_seed;
use rewardlab_core::vector::{AutoresetMode, VectorEnv, VectorError};
use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{Env, EnvError, SpaceSampler, Value};

use crate::classic_control::{BatchError, CartPole, CartPoleBatch};
use crate::registry::{MakeError, make};
use crate::vector::{MakeVecError, VecEnv, VecOptions, cartpole_config, make_vec};

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// Registered env id.
    pub env: String,
    /// Constructor kwargs, as for [`make`].
    pub kwargs: Vec<(String, String)>,
    /// Copies stepped together (1: a single env).
    pub num_envs: usize,
    /// Threads for the copies (used when `num_envs > 1`).
    pub threads: usize,
    /// Transitions (or resets) to time, over all copies.
    pub steps: u64,
    /// Time `reset` instead of `step`.
    pub resets: bool,
    /// Seed of the env(s) and of the action stream.
    pub seed: u64,
}

impl BenchConfig {
    /// One copy of `env`, a million steps, all cores, seed 0.
    pub fn new(env: impl Into<String>) -> Self {
        BenchConfig {
            env: env.into(),
            kwargs: Vec::new(),
            num_envs: 1,
            threads: default_threads(),
            steps: 1_000_000,
            resets: false,
            seed: 0,
        }
    }
}

/// Every core the process may use (`std::thread::available_parallelism`), or 1 if unknown.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// `steps` was 0.
    #[error("--steps must be at least 1")]
    NoSteps,
    /// The env could not be made.
    #[error(transparent)]
    Make(#[from] MakeError),
    /// The vector env could not be built (no copies, no threads, …).
    #[error(transparent)]
    MakeVec(#[from] MakeVecError),
    /// The env refused a step.
    #[error("stepping failed: {0}")]
    Env(#[from] EnvError),
    /// The vector env refused a step.
    #[error("stepping failed: {0}")]
    Vector(#[from] VectorError),
}

impl BenchError {
    /// Whether the configuration was at fault (not something that went wrong while running).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            BenchError::NoSteps | BenchError::Make(_) | BenchError::MakeVec(_)
        )
    }
}

/// What one benchmark measured. Serialises to the one JSON line of `rewardlab bench --json`:
/// `{"env", "num_envs", "threads", "steps", "seconds", "steps_per_sec"}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchReport {
    /// The env id.
    pub env: String,
    /// Copies stepped together.
    pub num_envs: usize,
    /// Threads that stepped them.
    pub threads: usize,
    /// Transitions (or resets) timed, over all copies.
    pub steps: u64,
    /// Wall time of the timed loop.
    pub seconds: f64,
    /// `steps / seconds`.
    pub steps_per_sec: f64,
    /// What ran: `"env"` (one made env), `"typed-env"` (one CartPole without erasure), or a
    /// [`VecEnv`] backend.
    #[serde(skip)]
    pub backend: &'static str,
    /// Resets were timed instead of steps.
    #[serde(skip)]
    pub resets: bool,
}

/// Runs the benchmark `cfg` describes.
pub fn run(cfg: &BenchConfig) -> Result<BenchReport, BenchError> {
    if cfg.steps == 0 {
        return Err(BenchError::NoSteps);
    }
    let (backend, threads, steps, elapsed) = if cfg.num_envs == 1 {
        let (backend, elapsed) = time_single(cfg)?;
        (backend, 1, cfg.steps, elapsed)
    } else {
        let opts = VecOptions {
            num_envs: cfg.num_envs,
            autoreset_mode: AutoresetMode::NextStep,
            threads: cfg.threads,
        };
        let mut venv = make_vec(&cfg.env, &cfg.kwargs, opts)?;
        let calls = cfg.steps.div_ceil(cfg.num_envs as u64);
        let elapsed = match venv.cartpole_batch_mut() {
            Some(batch) => time_batch(batch, calls, cfg)?,
            None => time_vector(&mut venv, calls, cfg)?,
        };
        let steps = calls.saturating_mul(cfg.num_envs as u64);
        (venv.backend(), venv.threads(), steps, elapsed)
    };
    let seconds = elapsed.as_secs_f64();
    Ok(BenchReport {
        env: cfg.env.clone(),
        num_envs: cfg.num_envs,
        threads,
        steps,
        seconds,
        steps_per_sec: if seconds > 0.0 {
            steps as f64 / seconds
        } else {
            f64::INFINITY
        },
        backend,
        resets: cfg.resets,
    })
}

/// One env, stepped (or reset) `cfg.steps` times: CartPole typed, any other made env erased.
fn time_single(cfg: &BenchConfig) -> Result<(&'static str, Duration), BenchError> {
    if cfg.threads == 0 {
        return Err(MakeVecError::Batch(BatchError::NoThreads).into());
    }
    if let Some((params, limit)) = cartpole_config(&cfg.env, &cfg.kwargs)? {
        let env = TimeLimit::new(CartPole::new(params), limit);
        return Ok(("typed-env", time_typed_cartpole(env, cfg)?));
    }
    Ok(("env", time_erased(cfg)?))
}

/// The made (type-erased) env: observations and actions as [`Value`]s.
fn time_erased(cfg: &BenchConfig) -> Result<Duration, BenchError> {
    let mut env = make(&cfg.env, &cfg.kwargs)?;
    let mut actions = SpaceSampler::new(env.action_space(), cfg.seed);
    env.reset(Some(cfg.seed));
    let start = Instant::now();
    if cfg.resets {
        for _ in 0..cfg.steps {
            black_box(env.reset(None));
        }
    } else {
        for _ in 0..cfg.steps {
            let step = env.step(&actions.sample())?;
            if step.terminated || step.truncated {
                env.reset(None);
            }
            black_box(step);
        }
    }
    Ok(start.elapsed())
}

/// CartPole without erasure: the `Value` boxing of observations and actions costs about as
/// much as CartPole's physics, which kept the erased figure under its goal. The actions are
/// the ones the action-space sampler would draw (`random_range(0..2)` on the same stream).
fn time_typed_cartpole(
    mut env: TimeLimit<CartPole>,
    cfg: &BenchConfig,
) -> Result<Duration, BenchError> {
    let mut rng = rng_from_seed(cfg.seed);
    env.reset(Some(cfg.seed));
    let start = Instant::now();
    if cfg.resets {
        for _ in 0..cfg.steps {
            black_box(env.reset(None));
        }
    } else {
        for _ in 0..cfg.steps {
            let action = rng.random_range(0..2u64) as usize;
            let step = env.step(&action)?;
            if step.terminated || step.truncated {
                env.reset(None);
            }
            black_box(step);
        }
    }
    Ok(start.elapsed())
}

/// The native CartPole batch through its raw interface: `calls` batched steps (or resets).
fn time_batch(
    batch: &mut CartPoleBatch,
    calls: u64,
    cfg: &BenchConfig,
) -> Result<Duration, BenchError> {
    let mut out = batch.buffers();
    let mut actions = vec![0u8; batch.num_envs()];
    let mut rng = rng_from_seed(cfg.seed);
    batch.reset_into(Some(cfg.seed), &mut out);
    let start = Instant::now();
    if cfg.resets {
        for _ in 0..calls {
            batch.reset_into(None, &mut out);
        }
    } else {
        for _ in 0..calls {
            // One random bit per copy: uniform over {0, 1}.
            for chunk in actions.chunks_mut(64) {
                let bits = rng.next_u64();
                for (j, a) in chunk.iter_mut().enumerate() {
                    *a = ((bits >> j) & 1) as u8;
                }
            }
            batch.step_into(&actions, &mut out)?;
        }
    }
    black_box(&out);
    Ok(start.elapsed())
}

/// A generic vector env through [`VectorEnv`]: `calls` vector steps (or resets).
fn time_vector(venv: &mut VecEnv, calls: u64, cfg: &BenchConfig) -> Result<Duration, BenchError> {
    let mut sampler = SpaceSampler::new(venv.single_action_space(), cfg.seed);
    let mut actions: Vec<Value> = Vec::with_capacity(venv.num_envs());
    venv.reset(Some(cfg.seed));
    let start = Instant::now();
    if cfg.resets {
        for _ in 0..calls {
            black_box(venv.reset(None));
        }
    } else {
        for _ in 0..calls {
            actions.clear();
            actions.extend((0..venv.num_envs()).map(|_| sampler.sample()));
            black_box(venv.step(&actions)?);
        }
    }
    Ok(start.elapsed())
}
