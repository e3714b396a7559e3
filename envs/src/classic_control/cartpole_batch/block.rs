//! The kernel of [`super::CartPoleBatch`]: one block of copies (struct of arrays) stepped or
//! reset in a plain loop. A block is the unit of work of one thread; the batch splits its
//! copies into blocks and its output buffers into matching [`Out`] slices.
//!
//! Each copy runs `cartpole::step_physics`, `is_terminated`, `reward` and `sample_start`, the
//! functions `CartPole` runs, then the time limit's count (as core's `TimeLimit`: truncated once
//! the count reaches the limit) and the autoreset (as core's vector envs' `step_one`).

use rand::SeedableRng;
use rewardlab_core::rng::{EnvRng, rng_from_seed};
use rewardlab_core::vector::AutoresetMode;

use super::super::cartpole::{self, CartPoleParams};

/// How one block advances; shared by every block of a step.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    pub(super) params: CartPoleParams,
    pub(super) max_episode_steps: usize,
    pub(super) mode: AutoresetMode,
}

/// A contiguous range of copies, struct of arrays: the unit of work of one thread.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// Index of the block's first copy in the batch (for `seed + i`).
    first: usize,
    x: Vec<f64>,
    x_dot: Vec<f64>,
    theta: Vec<f64>,
    theta_dot: Vec<f64>,
    /// Steps taken in the current episode (the time limit's count).
    pub(super) elapsed: Vec<usize>,
    /// `NextStep`: the copy's episode ended and its next step is a reset.
    pub(super) pending: Vec<bool>,
    rngs: Vec<EnvRng>,
}

/// One block's share of the output buffers.
pub(super) struct Out<'a> {
    pub(super) obs: &'a mut [f32],
    pub(super) rewards: &'a mut [f32],
    pub(super) terminated: &'a mut [bool],
    pub(super) truncated: &'a mut [bool],
    pub(super) final_obs: &'a mut [f32],
}

impl Block {
    pub(super) fn new(first: usize, len: usize, master: &mut EnvRng) -> Self {
        Block {
            first,
            x: vec![0.0; len],
            x_dot: vec![0.0; len],
            theta: vec![0.0; len],
            theta_dot: vec![0.0; len],
            elapsed: vec![0; len],
            pending: vec![false; len],
            // Unseeded copies get independent streams from one OS-seeded master.
            rngs: (0..len).map(|_| EnvRng::from_rng(&mut *master)).collect(),
        }
    }

    fn len(&self) -> usize {
        self.x.len()
    }

    pub(super) fn state(&self, j: usize) -> [f64; 4] {
        [self.x[j], self.x_dot[j], self.theta[j], self.theta_dot[j]]
    }

    fn set(&mut self, j: usize, s: [f64; 4]) {
        [self.x[j], self.x_dot[j], self.theta[j], self.theta_dot[j]] = s;
    }

    /// Starts copy `j`'s episode from a fresh start state; returns it.
    fn restart(&mut self, j: usize) -> [f64; 4] {
        let s = cartpole::sample_start(&mut self.rngs[j]);
        self.set(j, s);
        self.elapsed[j] = 0;
        self.pending[j] = false;
        s
    }

    pub(super) fn reset(&mut self, seed: Option<u64>, obs: &mut [f32]) {
        for j in 0..self.len() {
            if let Some(seed) = seed {
                self.rngs[j] = rng_from_seed(seed.wrapping_add((self.first + j) as u64));
            }
            let s = self.restart(j);
            write_obs(&mut obs[4 * j..4 * j + 4], &s);
        }
    }

    /// Steps (or autoresets) every copy of the block. Actions were validated by the caller.
    pub(super) fn step<A: Copy + Into<usize>>(
        &mut self,
        rules: &Rules,
        actions: &[A],
        out: Out<'_>,
    ) {
        let n = self.len();
        let (actions, obs) = (&actions[..n], &mut out.obs[..4 * n]);
        let (rewards, terminated) = (&mut out.rewards[..n], &mut out.terminated[..n]);
        let (truncated, final_obs) = (&mut out.truncated[..n], &mut out.final_obs[..4 * n]);
        for j in 0..n {
            let o = &mut obs[4 * j..4 * j + 4];
            if rules.mode == AutoresetMode::NextStep && self.pending[j] {
                // The action is ignored: this step only starts the next episode.
                let s = self.restart(j);
                write_obs(o, &s);
                (rewards[j], terminated[j], truncated[j]) = (0.0, false, false);
                continue;
            }
            let s = cartpole::step_physics(&rules.params, self.state(j), actions[j].into());
            let term = cartpole::is_terminated(&rules.params, &s);
            self.elapsed[j] += 1;
            // As core's TimeLimit: truncated once the count reaches the limit.
            let trunc = self.elapsed[j] >= rules.max_episode_steps;
            rewards[j] = cartpole::reward(&rules.params, term) as f32;
            (terminated[j], truncated[j]) = (term, trunc);
            let done = term || trunc;
            match rules.mode {
                AutoresetMode::NextStep => {
                    self.set(j, s);
                    write_obs(o, &s);
                    self.pending[j] = done;
                }
                AutoresetMode::SameStep if done => {
                    write_obs(&mut final_obs[4 * j..4 * j + 4], &s);
                    let s = self.restart(j);
                    write_obs(o, &s);
                }
                AutoresetMode::SameStep => {
                    self.set(j, s);
                    write_obs(o, &s);
                }
            }
        }
    }
}

#[inline]
fn write_obs(o: &mut [f32], s: &[f64; 4]) {
    for (o, s) in o.iter_mut().zip(s) {
        *o = *s as f32;
    }
}
