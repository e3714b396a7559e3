//! [`CartPoleBatch`]: `n` CartPole-v1 copies in one struct of arrays, stepped without
//! per-step allocation and optionally on a pool of threads.
//!
//! This is what [`crate::vector::make_vec`] returns for `CartPole-v1` with more than one copy.
//! It behaves exactly as `SyncVectorEnv<TimeLimit<CartPole>>` would (same seeds, same actions:
//! bit-identical observations, rewards, flags and final observations, in both autoreset modes;
//! `envs/tests/cartpole_batch.rs` proves it), but runs an order of magnitude faster:
//!
//! - **Same arithmetic.** Each copy advances with `cartpole::step_physics`, `is_terminated`,
//!   `reward` and `sample_start`, the functions [`CartPole`](super::CartPole) itself runs, so the
//!   two cannot drift apart. `sin`/`cos` stay the platform libm's (exactness against Gymnasium
//!   needs them), and they dominate the cost of a step.
//! - **Struct of arrays.** The four state variables, the elapsed-step counters (the registered
//!   time limit, 500 by default), the next-step autoreset flags and the per-copy RNGs each live
//!   in their own array; the outputs are flat `f32` / `bool` arrays in a reusable
//!   [`BatchStep`]. Nothing is allocated per step on the raw path ([`CartPoleBatch::step_into`]).
//! - **Threads.** The copies are split into contiguous blocks, one per thread. With one thread
//!   the blocks are stepped in a plain loop (no rayon on the path at all); with `T > 1` the batch
//!   owns a rayon pool of `T` threads and steps one block per task. Every copy owns its RNG, so
//!   the thread count never changes the results.
//!
//! Seeding follows core's vector envs: `reset(Some(seed))` seeds copy `i` with `seed + i`
//! (wrapping); `reset(None)` continues every copy's stream. Autoreset happens inside `step`,
//! [`AutoresetMode::NextStep`] (Gymnasium's default) or [`AutoresetMode::SameStep`] with the
//! last observation in `final_obs`.
//!
//! Two interfaces: the raw one ([`CartPoleBatch::reset_into`], [`CartPoleBatch::step_into`]:
//! action slice in, flat buffers out) for speed, and core's [`VectorEnv`] (`Obs = Vec<f32>`,
//! `Act = usize`) so the batch drops in wherever a vector env is used.

use rayon::prelude::*;
use rewardlab_core::rng::rng_from_entropy;
use rewardlab_core::vector::{AutoresetMode, VecStep, VectorEnv, VectorError};
use rewardlab_core::{Env, EnvError, Info, Space, Value};

use super::cartpole::{CartPole, CartPoleParams};

mod block;

use block::{Block, Out, Rules};

/// The time limit `CartPole-v1` is registered with.
pub const CARTPOLE_V1_MAX_EPISODE_STEPS: usize = 500;

/// Why a [`CartPoleBatch`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// A batch needs at least one copy.
    #[error("a vector env needs at least one env")]
    NoEnvs,
    /// At least one thread is needed.
    #[error("the thread count must be at least 1")]
    NoThreads,
    /// More copies than [`MAX_ENVS`]: refused before anything is allocated.
    #[error("{num_envs} envs is more than the limit of {max} copies in one vector env")]
    TooManyEnvs {
        /// Copies asked for.
        num_envs: usize,
        /// The limit, [`MAX_ENVS`].
        max: usize,
    },
    /// The rayon pool could not be started.
    #[error("could not start a pool of {threads} threads: {reason}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// rayon's message.
        reason: String,
    },
}

/// The most copies one vector env may hold (2^22, about 4.2M): a CartPole batch of that size
/// takes about half a GiB, and a larger request is far more likely a typo than a plan. Refusing
/// it up front turns an allocation abort into an error that names the limit.
pub const MAX_ENVS: usize = 1 << 22;

/// Refuses a vector env of no copies, too many copies or no threads (the batch's and
/// [`make_vec`](crate::vector::make_vec)'s rule).
pub(crate) fn check_counts(num_envs: usize, threads: usize) -> Result<(), BatchError> {
    if num_envs == 0 {
        return Err(BatchError::NoEnvs);
    }
    if num_envs > MAX_ENVS {
        return Err(BatchError::TooManyEnvs {
            num_envs,
            max: MAX_ENVS,
        });
    }
    if threads == 0 {
        return Err(BatchError::NoThreads);
    }
    Ok(())
}

/// A rayon pool of `threads` threads, owned by a vector env.
pub(crate) fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| BatchError::ThreadPool {
            threads,
            reason: e.to_string(),
        })
}

/// The flat outputs of one batched reset or step: entry `i` (or entries `4i..4i+4`) belong to
/// copy `i`. Make it once with [`CartPoleBatch::buffers`] and reuse it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchStep {
    /// Observations, 4 per copy (`[x, ẋ, θ, θ̇]` as `f32`); after an autoreset the reset one.
    pub obs: Vec<f32>,
    /// Rewards (0 on a next-step autoreset).
    pub rewards: Vec<f32>,
    /// The copy's episode terminated on this step.
    pub terminated: Vec<bool>,
    /// The copy's episode was truncated by the time limit on this step.
    pub truncated: Vec<bool>,
    /// `SameStep` mode: the last observation of an episode that ended on this step, 4 per
    /// copy. Meaningful only where `terminated[i] || truncated[i]`; other entries keep stale
    /// values.
    pub final_obs: Vec<f32>,
}

impl BatchStep {
    /// Buffers for `n` copies.
    pub fn new(n: usize) -> Self {
        BatchStep {
            obs: vec![0.0; 4 * n],
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            final_obs: vec![0.0; 4 * n],
        }
    }

    /// Number of copies the buffers hold.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// True for buffers of no copies.
    pub fn is_empty(&self) -> bool {
        self.rewards.is_empty()
    }

    /// Whether copy `i`'s episode ended on this step (either flag).
    pub fn done(&self, i: usize) -> bool {
        self.terminated.get(i).copied().unwrap_or(false)
            || self.truncated.get(i).copied().unwrap_or(false)
    }

    /// Sizes the buffers for `n` copies; allocates only when the size changes.
    fn fit(&mut self, n: usize) {
        if self.len() != n || self.obs.len() != 4 * n || self.final_obs.len() != 4 * n {
            *self = BatchStep::new(n);
        }
    }
}

/// `n` CartPole copies with the time limit and autoreset inside `step` (see the module docs).
#[derive(Debug)]
pub struct CartPoleBatch {
    rules: Rules,
    blocks: Vec<Block>,
    /// Copies per block (the last block may hold fewer).
    block_len: usize,
    n: usize,
    /// `None`: one thread, blocks stepped in a loop on the caller's thread.
    pool: Option<rayon::ThreadPool>,
    /// Whether `reset` has been called: before it, stepping is [`EnvError::ResetNeeded`].
    started: bool,
    /// Buffers of the [`VectorEnv`] path.
    scratch: BatchStep,
}

impl CartPoleBatch {
    /// `n` copies with the given constants, time limit (`CartPole-v1`'s is
    /// [`CARTPOLE_V1_MAX_EPISODE_STEPS`]), autoreset mode and thread count (`1`: no pool).
    /// Unseeded copies draw from the OS until the first seeded reset.
    pub fn new(
        params: CartPoleParams,
        n: usize,
        max_episode_steps: usize,
        mode: AutoresetMode,
        threads: usize,
    ) -> Result<Self, BatchError> {
        check_counts(n, threads)?;
        let threads = threads.min(n);
        let pool = if threads > 1 {
            Some(thread_pool(threads)?)
        } else {
            None
        };
        let block_len = n.div_ceil(threads);
        let mut master = rng_from_entropy();
        let blocks = (0..n)
            .step_by(block_len)
            .map(|first| Block::new(first, block_len.min(n - first), &mut master))
            .collect();
        Ok(CartPoleBatch {
            rules: Rules {
                params,
                max_episode_steps,
                mode,
            },
            blocks,
            block_len,
            n,
            pool,
            started: false,
            scratch: BatchStep::default(),
        })
    }

    /// `n` copies of `CartPole-v1` as registered: default constants, time limit 500,
    /// next-step autoreset, one thread.
    pub fn v1(n: usize) -> Result<Self, BatchError> {
        Self::new(
            CartPoleParams::default(),
            n,
            CARTPOLE_V1_MAX_EPISODE_STEPS,
            AutoresetMode::NextStep,
            1,
        )
    }

    /// The constants every copy uses.
    pub fn params(&self) -> &CartPoleParams {
        &self.rules.params
    }

    /// The time limit.
    pub fn max_episode_steps(&self) -> usize {
        self.rules.max_episode_steps
    }

    /// Threads that step the batch (at most the number of copies).
    pub fn threads(&self) -> usize {
        self.pool
            .as_ref()
            .map_or(1, rayon::ThreadPool::current_num_threads)
    }

    /// Fresh output buffers for this batch.
    pub fn buffers(&self) -> BatchStep {
        BatchStep::new(self.n)
    }

    /// Copy `i`'s physical state `[x, ẋ, θ, θ̇]` (zeros before the first reset).
    pub fn physical_state(&self, i: usize) -> Option<[f64; 4]> {
        let (block, j) = self.locate(i)?;
        Some(block.state(j))
    }

    /// Steps taken in copy `i`'s current episode.
    pub fn elapsed_steps(&self, i: usize) -> Option<usize> {
        let (block, j) = self.locate(i)?;
        Some(block.elapsed[j])
    }

    /// The block of copy `i` and its index there; `None` past the last copy.
    fn locate(&self, i: usize) -> Option<(&Block, usize)> {
        if i >= self.n {
            return None;
        }
        Some((&self.blocks[i / self.block_len], i % self.block_len))
    }

    /// Resets every copy (`Some(seed)`: copy `i` gets `seed + i`; `None` continues its
    /// stream) and writes the observations into `out.obs`; rewards and flags are cleared.
    pub fn reset_into(&mut self, seed: Option<u64>, out: &mut BatchStep) {
        out.fit(self.n);
        out.rewards.fill(0.0);
        out.terminated.fill(false);
        out.truncated.fill(false);
        let block_len = self.block_len;
        match &self.pool {
            None => {
                for (block, obs) in self
                    .blocks
                    .iter_mut()
                    .zip(out.obs.chunks_mut(4 * block_len))
                {
                    block.reset(seed, obs);
                }
            }
            Some(pool) => pool.install(|| {
                self.blocks
                    .par_iter_mut()
                    .zip(out.obs.par_chunks_mut(4 * block_len))
                    .for_each(|(block, obs)| block.reset(seed, obs));
            }),
        }
        self.started = true;
    }

    /// Steps every copy with its action (0 pushes left, 1 right) and writes the results into
    /// `out` (resized on first use, then reused). Ends of episodes autoreset as the mode says.
    ///
    /// Refused before anything moves: a wrong number of actions, an action other than 0 or 1
    /// for a copy that will step (a copy due for a next-step reset ignores its action, as in
    /// core's vector envs), and any step before the first [`reset_into`](Self::reset_into).
    pub fn step_into<A>(&mut self, actions: &[A], out: &mut BatchStep) -> Result<(), VectorError>
    where
        A: Copy + Into<usize> + Sync,
    {
        self.validate(actions)?;
        out.fit(self.n);
        let (rules, block_len) = (self.rules, self.block_len);
        let outs = out
            .obs
            .chunks_mut(4 * block_len)
            .zip(out.rewards.chunks_mut(block_len))
            .zip(out.terminated.chunks_mut(block_len))
            .zip(out.truncated.chunks_mut(block_len))
            .zip(out.final_obs.chunks_mut(4 * block_len));
        let outs = outs.map(
            |((((obs, rewards), terminated), truncated), final_obs)| Out {
                obs,
                rewards,
                terminated,
                truncated,
                final_obs,
            },
        );
        match &self.pool {
            None => {
                let work = self.blocks.iter_mut().zip(actions.chunks(block_len));
                for ((block, actions), out) in work.zip(outs) {
                    block.step(&rules, actions, out);
                }
            }
            Some(pool) => pool.install(|| {
                // Indexed parallel zips: no allocation, one task per block.
                self.blocks
                    .par_iter_mut()
                    .zip(actions.par_chunks(block_len))
                    .zip(out.obs.par_chunks_mut(4 * block_len))
                    .zip(out.rewards.par_chunks_mut(block_len))
                    .zip(out.terminated.par_chunks_mut(block_len))
                    .zip(out.truncated.par_chunks_mut(block_len))
                    .zip(out.final_obs.par_chunks_mut(4 * block_len))
                    .for_each(
                        |((((((block, actions), obs), rewards), terminated), truncated), fo)| {
                            let out = Out {
                                obs,
                                rewards,
                                terminated,
                                truncated,
                                final_obs: fo,
                            };
                            block.step(&rules, actions, out);
                        },
                    );
            }),
        }
        Ok(())
    }

    /// The checks of [`step_into`](Self::step_into), with core's vector-env errors.
    fn validate<A: Copy + Into<usize>>(&self, actions: &[A]) -> Result<(), VectorError> {
        if actions.len() != self.n {
            return Err(VectorError::WrongActionCount {
                expected: self.n,
                got: actions.len(),
            });
        }
        // Fast path: every action valid (the usual case) costs one pass over the slice.
        if actions.iter().all(|a| (*a).into() < 2) {
            return if self.started {
                Ok(())
            } else {
                Err(VectorError::Env {
                    index: 0,
                    source: EnvError::ResetNeeded,
                })
            };
        }
        let next_step = self.rules.mode == AutoresetMode::NextStep;
        for (index, a) in actions.iter().enumerate() {
            let pending = self.blocks[index / self.block_len].pending[index % self.block_len];
            if (*a).into() >= 2 && !(next_step && pending) {
                return Err(VectorError::Env {
                    index,
                    source: EnvError::InvalidAction {
                        // As `usize::to_value` prints it, so the errors equal core's.
                        action: Value::Int(i64::try_from((*a).into()).unwrap_or(i64::MAX))
                            .to_string(),
                        space: action_space().to_string(),
                    },
                });
            }
        }
        if self.started {
            Ok(())
        } else {
            Err(VectorError::Env {
                index: 0,
                source: EnvError::ResetNeeded,
            })
        }
    }
}

/// CartPole's action space, `Discrete(2)`.
fn action_space() -> Space {
    Space::discrete(2)
}

impl VectorEnv for CartPoleBatch {
    type Obs = Vec<f32>;
    type Act = usize;

    fn num_envs(&self) -> usize {
        self.n
    }

    fn single_observation_space(&self) -> Space {
        CartPole::new(self.rules.params).observation_space()
    }

    fn single_action_space(&self) -> Space {
        action_space()
    }

    fn autoreset_mode(&self) -> AutoresetMode {
        self.rules.mode
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<Vec<f32>>, Vec<Info>) {
        let mut out = std::mem::take(&mut self.scratch);
        self.reset_into(seed, &mut out);
        let obs = out.obs.chunks(4).map(<[f32]>::to_vec).collect();
        self.scratch = out;
        (obs, vec![Info::new(); self.n])
    }

    fn step(&mut self, actions: &[usize]) -> Result<VecStep<Vec<f32>>, VectorError> {
        let mut out = std::mem::take(&mut self.scratch);
        let result = self.step_into(actions, &mut out);
        let step = result.map(|()| {
            let same_step = self.rules.mode == AutoresetMode::SameStep;
            let final_obs = (0..self.n)
                .map(|i| {
                    (same_step && out.done(i)).then(|| out.final_obs[4 * i..4 * i + 4].to_vec())
                })
                .collect::<Vec<_>>();
            VecStep {
                obs: out.obs.chunks(4).map(<[f32]>::to_vec).collect(),
                rewards: out.rewards.iter().map(|r| f64::from(*r)).collect(),
                terminated: out.terminated.clone(),
                truncated: out.truncated.clone(),
                infos: vec![Info::new(); self.n],
                final_info: final_obs
                    .iter()
                    .map(|f| f.as_ref().map(|_| Info::new()))
                    .collect(),
                final_obs,
            }
        });
        self.scratch = out;
        step
    }
}
