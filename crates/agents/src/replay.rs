//! DQN experience replay with CleanRL semantics.
//!
//! A ring buffer of `capacity` transitions in flat `f32` storage allocated once in
//! [`ReplayBuffer::new`]: the `k`-th push (0-based) lands in slot `k % capacity`, so once full
//! the oldest transition is overwritten. Sampling draws `batch.size` slots uniformly *with
//! replacement* from `[0, len)`, like CleanRL's `ReplayBuffer.sample` (which ignores the
//! write position, so a transition can be sampled the very step it was stored).
//!
//! Only `terminated` is stored as the "done" of the TD target: a truncated transition is
//! stored with `terminated = false` and its `next_obs` is the real final observation of the
//! episode (not the reset observation the vector env already moved to), so the target
//! bootstraps from it.
//!
//! Actions are stored as `act_dim` `f32`s; discrete agents store the action index as one
//! `f32` (exact for indices up to 2^24) via [`ReplayBuffer::push_discrete`] and read it back
//! with [`ReplayBatch::discrete_actions`].

use rand::Rng;

/// Largest action index that `f32` represents exactly (and every smaller one too).
const MAX_EXACT_INDEX: usize = 1 << f32::MANTISSA_DIGITS;

/// Errors from [`ReplayBuffer`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// `capacity`, `obs_dim` or `act_dim` was zero.
    #[error("{what} must be at least 1")]
    Zero {
        /// Which size was zero.
        what: &'static str,
    },
    /// A pushed slice has the wrong length.
    #[error("{what} has {got} entries, expected {expected}")]
    LengthMismatch {
        /// Which argument.
        what: &'static str,
        /// Length the buffer was created with.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// `push_discrete` on a buffer whose `act_dim` is not 1.
    #[error("discrete actions need act_dim = 1, this buffer has act_dim = {act_dim}")]
    NotDiscrete {
        /// The buffer's action width.
        act_dim: usize,
    },
    /// A discrete action index too large to store exactly as `f32`.
    #[error("action index {0} is too large to store exactly as f32")]
    ActionTooLarge(usize),
    /// `sample` on an empty buffer.
    #[error("cannot sample from an empty replay buffer")]
    Empty,
}

/// Fixed-capacity ring buffer of `(obs, action, reward, next_obs, terminated)` transitions.
#[derive(Debug, Clone)]
pub struct ReplayBuffer {
    capacity: usize,
    obs_dim: usize,
    act_dim: usize,
    /// `capacity × obs_dim`, row per slot.
    obs: Vec<f32>,
    /// `capacity × obs_dim`.
    next_obs: Vec<f32>,
    /// `capacity × act_dim`.
    actions: Vec<f32>,
    rewards: Vec<f32>,
    terminated: Vec<bool>,
    /// Slot the next push writes.
    pos: usize,
    len: usize,
}

impl ReplayBuffer {
    /// Creates an empty buffer, allocating all storage now.
    pub fn new(capacity: usize, obs_dim: usize, act_dim: usize) -> Result<Self, ReplayError> {
        for (what, n) in [
            ("capacity", capacity),
            ("obs_dim", obs_dim),
            ("act_dim", act_dim),
        ] {
            if n == 0 {
                return Err(ReplayError::Zero { what });
            }
        }
        Ok(Self {
            capacity,
            obs_dim,
            act_dim,
            obs: vec![0.0; capacity * obs_dim],
            next_obs: vec![0.0; capacity * obs_dim],
            actions: vec![0.0; capacity * act_dim],
            rewards: vec![0.0; capacity],
            terminated: vec![false; capacity],
            pos: 0,
            len: 0,
        })
    }

    /// Number of stored transitions (at most `capacity`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been pushed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Maximum number of transitions held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Width of an observation row.
    pub fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    /// Width of an action row.
    pub fn act_dim(&self) -> usize {
        self.act_dim
    }

    /// Stores one transition, overwriting the oldest once full.
    ///
    /// `obs` and `next_obs` are `obs_dim` long; `next_obs` is the REAL next observation (the
    /// final observation when the step ended the episode). `terminated` is the only done flag
    /// kept: pass `false` for a truncated step so that its target bootstraps.
    pub fn push(
        &mut self,
        obs: &[f32],
        action: &[f32],
        reward: f32,
        next_obs: &[f32],
        terminated: bool,
    ) -> Result<(), ReplayError> {
        check_len("obs", self.obs_dim, obs.len())?;
        check_len("action", self.act_dim, action.len())?;
        check_len("next_obs", self.obs_dim, next_obs.len())?;
        let slot = self.pos;
        row_mut(&mut self.obs, self.obs_dim, slot).copy_from_slice(obs);
        row_mut(&mut self.next_obs, self.obs_dim, slot).copy_from_slice(next_obs);
        row_mut(&mut self.actions, self.act_dim, slot).copy_from_slice(action);
        self.rewards[slot] = reward;
        self.terminated[slot] = terminated;
        self.pos = (slot + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
        Ok(())
    }

    /// [`push`](Self::push) for a discrete action index (needs `act_dim = 1`).
    pub fn push_discrete(
        &mut self,
        obs: &[f32],
        action: usize,
        reward: f32,
        next_obs: &[f32],
        terminated: bool,
    ) -> Result<(), ReplayError> {
        if self.act_dim != 1 {
            return Err(ReplayError::NotDiscrete {
                act_dim: self.act_dim,
            });
        }
        if action > MAX_EXACT_INDEX {
            return Err(ReplayError::ActionTooLarge(action));
        }
        self.push(obs, &[action as f32], reward, next_obs, terminated)
    }

    /// Fills `batch` with `batch.size` transitions drawn uniformly with replacement from the
    /// stored ones. The batch's vectors are resized to this buffer's widths, which allocates
    /// only when they do not already fit (so a batch from [`ReplayBatch::new`] with the same
    /// widths never reallocates).
    pub fn sample<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        batch: &mut ReplayBatch,
    ) -> Result<(), ReplayError> {
        if self.is_empty() {
            return Err(ReplayError::Empty);
        }
        let n = batch.size;
        batch.obs.resize(n * self.obs_dim, 0.0);
        batch.next_obs.resize(n * self.obs_dim, 0.0);
        batch.actions.resize(n * self.act_dim, 0.0);
        batch.rewards.resize(n, 0.0);
        batch.terminated.resize(n, 0.0);
        batch.indices.resize(n, 0);
        for b in 0..n {
            let slot = rng.random_range(0..self.len);
            batch.indices[b] = slot;
            row_mut(&mut batch.obs, self.obs_dim, b).copy_from_slice(row(
                &self.obs,
                self.obs_dim,
                slot,
            ));
            row_mut(&mut batch.next_obs, self.obs_dim, b).copy_from_slice(row(
                &self.next_obs,
                self.obs_dim,
                slot,
            ));
            row_mut(&mut batch.actions, self.act_dim, b).copy_from_slice(row(
                &self.actions,
                self.act_dim,
                slot,
            ));
            batch.rewards[b] = self.rewards[slot];
            batch.terminated[b] = if self.terminated[slot] { 1.0 } else { 0.0 };
        }
        Ok(())
    }
}

fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), ReplayError> {
    if expected == got {
        Ok(())
    } else {
        Err(ReplayError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

fn row(data: &[f32], width: usize, i: usize) -> &[f32] {
    &data[i * width..(i + 1) * width]
}

fn row_mut(data: &mut [f32], width: usize, i: usize) -> &mut [f32] {
    &mut data[i * width..(i + 1) * width]
}

/// A sampled minibatch in row-major flat vectors, reused across calls to
/// [`ReplayBuffer::sample`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayBatch {
    /// Number of transitions drawn per sample.
    pub size: usize,
    /// `size × obs_dim` observations.
    pub obs: Vec<f32>,
    /// `size × act_dim` actions.
    pub actions: Vec<f32>,
    /// `size` rewards.
    pub rewards: Vec<f32>,
    /// `size × obs_dim` next observations (the bootstrap targets).
    pub next_obs: Vec<f32>,
    /// `size` flags, 1.0 where the transition terminated and 0.0 otherwise.
    pub terminated: Vec<f32>,
    /// `size` buffer slots the rows came from.
    pub indices: Vec<usize>,
}

impl ReplayBatch {
    /// A zero-filled batch of `size` transitions of the given widths.
    pub fn new(size: usize, obs_dim: usize, act_dim: usize) -> Self {
        Self {
            size,
            obs: vec![0.0; size * obs_dim],
            actions: vec![0.0; size * act_dim],
            rewards: vec![0.0; size],
            next_obs: vec![0.0; size * obs_dim],
            terminated: vec![0.0; size],
            indices: vec![0; size],
        }
    }

    /// The actions as discrete indices, for a batch sampled from a buffer filled with
    /// [`ReplayBuffer::push_discrete`] (one `f32` per action, holding an exact integer).
    pub fn discrete_actions(&self) -> impl Iterator<Item = usize> + '_ {
        // Stored values are exact non-negative integers up to 2^24, so the cast is exact.
        self.actions.iter().map(|&a| a as usize)
    }

    /// Writes [`discrete_actions`](Self::discrete_actions) into `out` as `i64` (the dtype
    /// burn's `Int` tensors are built from), reusing its allocation.
    pub fn discrete_actions_into(&self, out: &mut Vec<i64>) {
        out.clear();
        out.extend(self.actions.iter().map(|&a| a as i64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    /// Transition `k` of the test stream: obs = [k, 10k], action = [k + 0.5], reward = 100k,
    /// next_obs = [k + 1, 10k + 1], terminated when k is odd. Every field identifies `k`.
    fn push_k(buf: &mut ReplayBuffer, k: usize) -> Result<(), ReplayError> {
        let x = k as f32;
        buf.push(
            &[x, 10.0 * x],
            &[x + 0.5],
            100.0 * x,
            &[x + 1.0, 10.0 * x + 1.0],
            k % 2 == 1,
        )
    }

    /// Checks that row `b` of `batch` is exactly one transition of the test stream and
    /// returns its `k`.
    fn stream_k(batch: &ReplayBatch, b: usize) -> usize {
        let k = batch.obs[2 * b];
        assert_eq!(batch.obs[2 * b + 1], 10.0 * k);
        assert_eq!(batch.actions[b], k + 0.5);
        assert_eq!(batch.rewards[b], 100.0 * k);
        assert_eq!(batch.next_obs[2 * b], k + 1.0);
        assert_eq!(batch.next_obs[2 * b + 1], 10.0 * k + 1.0);
        let k = k as usize;
        assert_eq!(batch.terminated[b], if k % 2 == 1 { 1.0 } else { 0.0 });
        k
    }

    #[test]
    fn wrap_around_overwrites_oldest() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(3, 2, 1)?;
        assert!(buf.is_empty());
        for k in 0..5 {
            push_k(&mut buf, k)?;
            assert_eq!(buf.len(), (k + 1).min(3));
        }
        assert_eq!(buf.capacity(), 3);
        // Pushes 3 and 4 overwrote slots 0 and 1; slot 2 still holds push 2.
        assert_eq!(buf.obs, [3.0, 30.0, 4.0, 40.0, 2.0, 20.0]);
        assert_eq!(buf.next_obs, [4.0, 31.0, 5.0, 41.0, 3.0, 21.0]);
        assert_eq!(buf.actions, [3.5, 4.5, 2.5]);
        assert_eq!(buf.rewards, [300.0, 400.0, 200.0]);
        assert_eq!(buf.terminated, [true, false, false]);
        assert_eq!(buf.pos, 2);
        Ok(())
    }

    #[test]
    fn samples_are_stored_transitions_and_cover_all_slots() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(4, 2, 1)?;
        for k in 0..7 {
            push_k(&mut buf, k)?;
        }
        let mut rng = Pcg64::seed_from_u64(7);
        let mut batch = ReplayBatch::new(64, 2, 1);
        buf.sample(&mut rng, &mut batch)?;
        let mut seen = [false; 4];
        for b in 0..batch.size {
            let k = stream_k(&batch, b);
            // Only the last 4 pushes survive, each in slot k % 4.
            assert!((3..7).contains(&k), "sampled evicted transition {k}");
            assert_eq!(batch.indices[b], k % 4);
            seen[k % 4] = true;
        }
        // 64 uniform draws over 4 slots miss one with probability < 4·(3/4)^64 ≈ 4e-8,
        // and the seed is fixed anyway.
        assert_eq!(seen, [true; 4]);
        Ok(())
    }

    #[test]
    fn partially_filled_buffer_samples_only_filled_slots() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(100, 2, 1)?;
        push_k(&mut buf, 0)?;
        push_k(&mut buf, 1)?;
        let mut rng = Pcg64::seed_from_u64(3);
        let mut batch = ReplayBatch::new(32, 2, 1);
        buf.sample(&mut rng, &mut batch)?;
        assert!(batch.indices.iter().all(|&i| i < 2));
        for b in 0..batch.size {
            assert_eq!(stream_k(&batch, b), batch.indices[b]);
        }
        Ok(())
    }

    #[test]
    fn seeded_sampling_is_deterministic() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(50, 2, 1)?;
        for k in 0..80 {
            push_k(&mut buf, k)?;
        }
        let draw = |seed: u64| -> Result<ReplayBatch, ReplayError> {
            let mut rng = Pcg64::seed_from_u64(seed);
            let mut batch = ReplayBatch::new(16, 2, 1);
            buf.sample(&mut rng, &mut batch)?;
            buf.sample(&mut rng, &mut batch)?;
            Ok(batch)
        };
        assert_eq!(draw(11)?, draw(11)?);
        assert_ne!(draw(11)?.indices, draw(12)?.indices);
        Ok(())
    }

    #[test]
    fn batch_is_reused_without_reallocation() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(10, 3, 2)?;
        buf.push(&[1.0, 2.0, 3.0], &[0.1, 0.2], 1.0, &[4.0, 5.0, 6.0], false)?;
        let mut rng = Pcg64::seed_from_u64(0);
        // Built with the wrong widths: the first sample resizes it.
        let mut batch = ReplayBatch::new(5, 1, 1);
        buf.sample(&mut rng, &mut batch)?;
        assert_eq!(batch.obs.len(), 15);
        assert_eq!(batch.actions.len(), 10);
        let ptr = batch.obs.as_ptr();
        buf.sample(&mut rng, &mut batch)?;
        assert_eq!(batch.obs.as_ptr(), ptr);
        assert_eq!(batch.obs, [1.0, 2.0, 3.0].repeat(5));
        assert_eq!(batch.actions, [0.1, 0.2].repeat(5));
        assert_eq!(batch.next_obs, [4.0, 5.0, 6.0].repeat(5));
        Ok(())
    }

    #[test]
    fn truncated_transition_is_stored_as_not_terminated() -> Result<(), ReplayError> {
        // Slot 0: a terminated step. Slot 1: a truncated step, pushed as the DQN loop does:
        // next_obs = the episode's final obs (not the reset obs), terminated = false.
        let mut buf = ReplayBuffer::new(2, 1, 1)?;
        buf.push_discrete(&[0.25], 0, 1.0, &[0.5], true)?;
        buf.push_discrete(&[0.5], 1, 1.0, &[0.75], false)?;
        let mut rng = Pcg64::seed_from_u64(5);
        let mut batch = ReplayBatch::new(16, 1, 1);
        buf.sample(&mut rng, &mut batch)?;
        for b in 0..batch.size {
            let (term, next) = if batch.indices[b] == 0 {
                (1.0, 0.5)
            } else {
                (0.0, 0.75)
            };
            assert_eq!(batch.terminated[b], term);
            assert_eq!(batch.next_obs[b], next);
        }
        assert!(batch.indices.contains(&0) && batch.indices.contains(&1));
        Ok(())
    }

    #[test]
    fn discrete_actions_round_trip() -> Result<(), ReplayError> {
        let mut buf = ReplayBuffer::new(3, 1, 1)?;
        let big = MAX_EXACT_INDEX;
        for (i, a) in [0, 3, big].into_iter().enumerate() {
            buf.push_discrete(&[i as f32], a, 0.0, &[0.0], true)?;
        }
        let mut rng = Pcg64::seed_from_u64(9);
        let mut batch = ReplayBatch::new(20, 1, 1);
        buf.sample(&mut rng, &mut batch)?;
        let want = |i: usize| [0, 3, big][i];
        let got: Vec<usize> = batch.discrete_actions().collect();
        let mut as_i64 = vec![-1; 1];
        batch.discrete_actions_into(&mut as_i64);
        for b in 0..batch.size {
            assert_eq!(got[b], want(batch.indices[b]));
            assert_eq!(as_i64[b], want(batch.indices[b]) as i64);
        }
        assert_eq!(as_i64.len(), 20);
        Ok(())
    }

    #[test]
    fn invalid_inputs_are_errors() -> Result<(), ReplayError> {
        assert_eq!(
            ReplayBuffer::new(0, 2, 1).err(),
            Some(ReplayError::Zero { what: "capacity" })
        );
        assert_eq!(
            ReplayBuffer::new(4, 0, 1).err(),
            Some(ReplayError::Zero { what: "obs_dim" })
        );
        assert_eq!(
            ReplayBuffer::new(4, 2, 0).err(),
            Some(ReplayError::Zero { what: "act_dim" })
        );

        let mut buf = ReplayBuffer::new(4, 2, 1)?;
        let mut rng = Pcg64::seed_from_u64(1);
        let mut batch = ReplayBatch::new(4, 2, 1);
        assert_eq!(buf.sample(&mut rng, &mut batch), Err(ReplayError::Empty));
        assert_eq!(
            buf.push(&[1.0], &[0.0], 0.0, &[1.0, 2.0], false),
            Err(ReplayError::LengthMismatch {
                what: "obs",
                expected: 2,
                got: 1
            })
        );
        assert_eq!(
            buf.push(&[1.0, 2.0], &[0.0, 1.0], 0.0, &[1.0, 2.0], false),
            Err(ReplayError::LengthMismatch {
                what: "action",
                expected: 1,
                got: 2
            })
        );
        assert_eq!(
            buf.push(&[1.0, 2.0], &[0.0], 0.0, &[1.0, 2.0, 3.0], false),
            Err(ReplayError::LengthMismatch {
                what: "next_obs",
                expected: 2,
                got: 3
            })
        );
        assert_eq!(
            buf.push_discrete(&[1.0, 2.0], MAX_EXACT_INDEX + 1, 0.0, &[1.0, 2.0], false),
            Err(ReplayError::ActionTooLarge(MAX_EXACT_INDEX + 1))
        );
        // Failed pushes store nothing.
        assert!(buf.is_empty());

        let mut wide = ReplayBuffer::new(4, 2, 2)?;
        assert_eq!(
            wide.push_discrete(&[1.0, 2.0], 0, 0.0, &[1.0, 2.0], false),
            Err(ReplayError::NotDiscrete { act_dim: 2 })
        );
        Ok(())
    }
}
