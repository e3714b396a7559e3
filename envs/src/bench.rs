//! Environment throughput: the measurement behind `rewardlab bench`, as library code.
//!
//! [`run`] times `steps` transitions (or resets) of a registered env and returns a
//! [`BenchReport`]. It measures the way a user runs the env, and the way
//! `bench/peers/gymnasium_throughput.py` measures Gymnasium, so the two figures compare:
//!
//! - **One copy, typed** (backend `"typed-env"`, the default): the env [`make`] builds (same
//!   kwargs, same registered time limit), stepped through its typed interface: the typed env
//!   inside the erased one ([`Env::erased_inner_mut`], downcast to this crate's env types).
//!   Actions are typed too (`usize`, or a `Vec<f32>` redrawn in place), drawn from a PCG64
//!   seeded with `seed` on the very stream the action space's [`SpaceSampler`] would use, so
//!   the trajectory is the one the erased env would step. It is seeded with
//!   `reset(Some(seed))` before the clock starts, and an episode that ends (terminated or
//!   truncated) is reset inside the timed loop, as `gym.make` users do. This is the honest
//!   counterpart of Gymnasium's `env.step`: a Rust program steps `TimeLimit<CartPole>` with a
//!   `usize`, as a Python program steps `gym.make("CartPole-v1")` with an `int`. The
//!   `Value` boxing of a made env is an adapter for code that must handle any env (the CLI,
//!   `check_env`), and costs about as much as a classic-control step's physics.
//! - **One copy, erased** (backend `"env"`): the made env itself, actions from a
//!   [`SpaceSampler`] and observations as [`Value`]s. Chosen with [`BenchConfig::erased`], and
//!   used for envs whose type the benchmark does not know. The criterion benches
//!   `typed_env/<id>` and `erased_env/<id>` run both through [`run`].
//! - **`num_envs` copies**: the vector env from [`make_vec`] (next-step autoreset, inside the
//!   timed loop as in Gymnasium's vector envs). `steps` counts transitions over all copies, so
//!   the loop makes `ceil(steps / num_envs)` vector steps and reports that many times
//!   `num_envs`. For `CartPole-v1` this is the native batch driven through its raw interface,
//!   with actions drawn as random bits (64 copies per `u64` of a seeded PCG64); for other ids it
//!   is core's generic vector env driven through [`VectorEnv`] with one sampled action per copy.
//! - **`resets`**: `reset(None)` is timed instead of `step` (each vector reset counts
//!   `num_envs`).
//!
//! Drawing the actions is on the clock (Gymnasium's peer draws them off it, since its
//! `Box.sample()` costs microseconds; ours cost nanoseconds, so timing them only makes our
//! figure more conservative). Each step's result is inspected and dropped in place, as a
//! caller's loop that reads its fields would: passing a returned `Step` to `black_box` by value
//! forces a copy through memory that such a loop does not make, and that copy stalls on the
//! narrow stores that wrote it (store-to-load forwarding fails), which cost more than a
//! MountainCarContinuous step.
//!
//! The clock is [`Instant`]; nothing is printed here.

use std::any::Any;
use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::{Rng, RngCore};
use rewardlab_core::rng::{EnvRng, rng_from_seed};
use rewardlab_core::vector::{AutoresetMode, VectorEnv, VectorError};
use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{BoxedEnv, DType, Env, EnvError, Space, SpaceSampler, Step, Value};

use crate::classic_control::{
    Acrobot, BatchError, CartPole, CartPoleBatch, ContinuousMountainCar, MountainCar, Pendulum,
};
use crate::gridworld::GridWorld;
use crate::minigrid::BoxedMiniGrid;
use crate::registry::{MakeError, make};
use crate::toy_text::{CliffWalking, FrozenLake, Taxi};
use crate::vector::{MakeVecError, VecEnv, VecOptions, make_vec};

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
    /// Time one copy through the made env's type-erased [`Value`] interface instead of the
    /// typed env inside it (see the module docs); ignored for more than one copy.
    pub erased: bool,
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
            erased: false,
        }
    }
}

/// Every core the process may use (`std::thread::available_parallelism`), or 1 if unknown.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Copies one thread gets before a second thread pays for itself: a pool's per-step
/// synchronisation costs microseconds, more than stepping a few hundred cheap copies
/// (CartPole on 2 cores, one thread against two: ×16 35.6M and 0.89M steps/s, ×256 37.5M
/// and 20.8M, ×1024 37.4M and 43.5M, ×4096 37.5M and 60.3M; docs/benchmarks.md has the
/// command).
pub const MIN_COPIES_PER_THREAD: usize = 1024;

/// The thread count when none is asked for: all cores, but no more than one per
/// [`MIN_COPIES_PER_THREAD`] copies (at least 1). An explicit count is used as given.
pub fn default_threads_for(num_envs: usize) -> usize {
    default_threads()
        .min(num_envs.div_ceil(MIN_COPIES_PER_THREAD))
        .max(1)
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
    /// What ran: `"typed-env"` (the typed env inside one made env), `"env"` (one made env,
    /// type-erased), or a [`VecEnv`] backend.
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
    // A loop faster than the clock's resolution is credited one nanosecond, so the rate stays
    // a finite number (JSON has no infinity; serde_json would print `null`).
    let seconds = elapsed.as_secs_f64().max(1e-9);
    Ok(BenchReport {
        env: cfg.env.clone(),
        num_envs: cfg.num_envs,
        threads,
        steps,
        seconds,
        steps_per_sec: steps as f64 / seconds,
        backend,
        resets: cfg.resets,
    })
}

/// One env, stepped (or reset) `cfg.steps` times: the typed env inside the made one where its
/// type is known (and `cfg.erased` is off), else the made env itself.
fn time_single(cfg: &BenchConfig) -> Result<(&'static str, Duration), BenchError> {
    if cfg.threads == 0 {
        return Err(MakeVecError::Batch(BatchError::NoThreads).into());
    }
    let mut env = make(&cfg.env, &cfg.kwargs)?;
    if !cfg.erased
        && let Some(inner) = env.erased_inner_mut()
        && let Some(elapsed) = time_known_type(inner, cfg)?
    {
        return Ok(("typed-env", elapsed));
    }
    Ok(("env", time_erased(env, cfg)?))
}

/// Times the typed env behind a made one, if it is one of this crate's envs (with or without
/// its time limit) and its action space is one [`RandomAction`] draws from; `None` otherwise.
fn time_known_type(inner: &mut dyn Any, cfg: &BenchConfig) -> Result<Option<Duration>, BenchError> {
    macro_rules! try_types {
        ($($ty:ty),* $(,)?) => {$(
            if let Some(env) = inner.downcast_mut::<TimeLimit<$ty>>() {
                return time_typed(env, cfg);
            }
            if let Some(env) = inner.downcast_mut::<$ty>() {
                return time_typed(env, cfg);
            }
        )*};
    }
    try_types!(
        CartPole,
        MountainCar,
        ContinuousMountainCar,
        Acrobot,
        Pendulum,
        FrozenLake,
        CliffWalking,
        Taxi,
        GridWorld,
        BoxedMiniGrid,
    );
    Ok(None)
}

/// The made (type-erased) env: observations and actions as [`Value`]s.
fn time_erased(mut env: BoxedEnv, cfg: &BenchConfig) -> Result<Duration, BenchError> {
    let mut actions = SpaceSampler::new(env.action_space(), cfg.seed);
    timed(&mut env, cfg, |env| env.step(&actions.sample()))
}

/// A typed env, as a Rust user steps one: typed actions in, typed observations out, no
/// [`Value`] on either side. The actions are those the action-space sampler would draw from
/// the same seed ([`RandomAction`]), redrawn into one reused action. `None` when the action
/// space is not one [`RandomAction`] handles.
fn time_typed<E>(env: &mut E, cfg: &BenchConfig) -> Result<Option<Duration>, BenchError>
where
    E: Env,
    E::Act: RandomAction,
{
    let Some((mut action, draw)) = E::Act::sampler(&env.action_space()) else {
        return Ok(None);
    };
    let mut rng = rng_from_seed(cfg.seed);
    let elapsed = timed(env, cfg, |env| {
        action.redraw(&draw, &mut rng);
        env.step(&action)
    })?;
    Ok(Some(elapsed))
}

/// The timed loop of one env, seeded with `reset(Some(seed))` first: `cfg.steps` resets, or
/// `cfg.steps` calls of `step` (which draws an action and steps), with a reset whenever an
/// episode ends.
///
/// Each result is hidden from the optimiser by reference where it lies and dropped there, as
/// a caller that reads and discards it would: `black_box(value)` by value, or a move into a
/// helper, would copy a returned `Step` through memory with wide loads that stall on the narrow
/// stores that wrote it.
#[inline(always)]
fn timed<E: Env>(
    env: &mut E,
    cfg: &BenchConfig,
    mut step: impl FnMut(&mut E) -> Result<Step<E::Obs>, EnvError>,
) -> Result<Duration, BenchError> {
    env.reset(Some(cfg.seed));
    let start = Instant::now();
    if cfg.resets {
        for _ in 0..cfg.steps {
            let reset = env.reset(None);
            black_box(&reset);
        }
    } else {
        for _ in 0..cfg.steps {
            let result = step(env);
            black_box(&result);
            match &result {
                Ok(s) if s.terminated || s.truncated => {
                    let reset = env.reset(None);
                    black_box(&reset);
                }
                Ok(_) => {}
                Err(e) => return Err(e.clone().into()),
            }
        }
    }
    Ok(start.elapsed())
}

/// A typed action drawn uniformly from its action space, on the stream [`SpaceSampler`] would
/// use with the same seed (so the typed and the erased benchmark step the same trajectory),
/// but redrawn in place: a box action reuses its buffer.
trait RandomAction: Sized {
    /// What a draw needs from the space (its size, its bounds).
    type Draw;
    /// A first action and the draw, or `None` for a space this type is not drawn from here.
    fn sampler(space: &Space) -> Option<(Self, Self::Draw)>;
    /// Overwrites `self` with the next action.
    fn redraw(&mut self, draw: &Self::Draw, rng: &mut EnvRng);
}

/// `Discrete { n, start }` with `start ≥ 0`: `start + random_range(0..n)`, as
/// [`Space::sample`] draws it.
impl RandomAction for usize {
    type Draw = (u64, usize);
    fn sampler(space: &Space) -> Option<(usize, (u64, usize))> {
        match *space {
            Space::Discrete { n, start } if n > 0 => Some((0, (n, usize::try_from(start).ok()?))),
            _ => None,
        }
    }
    #[inline]
    fn redraw(&mut self, &(n, start): &(u64, usize), rng: &mut EnvRng) {
        *self = start + rng.random_range(0..n) as usize;
    }
}

/// A bounded `float32` box: per element `lo + (hi − lo)·u` with `u` uniform in `[0, 1)`,
/// rounded to `f32` and clamped to the `f32` bounds, as [`Space::sample`] draws it.
impl RandomAction for Vec<f32> {
    type Draw = Vec<BoxBounds>;
    fn sampler(space: &Space) -> Option<(Vec<f32>, Vec<BoxBounds>)> {
        let Space::Box(b) = space else { return None };
        let bounded = b.low.iter().chain(&b.high).all(|v| v.is_finite());
        if b.dtype != DType::F32 || !bounded {
            return None;
        }
        let bounds: Vec<BoxBounds> = b
            .low
            .iter()
            .zip(&b.high)
            .map(|(&lo, &hi)| BoxBounds {
                lo,
                width: hi - lo,
                lo32: lo as f32,
                hi32: hi as f32,
            })
            .collect();
        Some((vec![0.0; bounds.len()], bounds))
    }
    #[inline]
    fn redraw(&mut self, bounds: &Vec<BoxBounds>, rng: &mut EnvRng) {
        for (a, b) in self.iter_mut().zip(bounds) {
            let x = b.lo + b.width * rng.random::<f64>();
            *a = (x as f32).clamp(b.lo32, b.hi32);
        }
    }
}

/// One element's bounds, precomputed for [`RandomAction::redraw`].
#[derive(Debug, Clone, Copy)]
struct BoxBounds {
    lo: f64,
    width: f64,
    lo32: f32,
    hi32: f32,
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
            let reset = venv.reset(None);
            black_box(&reset);
        }
    } else {
        for _ in 0..calls {
            actions.clear();
            actions.extend((0..venv.num_envs()).map(|_| sampler.sample()));
            let step = venv.step(&actions)?;
            black_box(&step);
        }
    }
    Ok(start.elapsed())
}

#[cfg(test)]
#[path = "bench_tests.rs"]
mod tests;
