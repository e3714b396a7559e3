//! The MiniGrid backend: typed envs from [`minigrid::make`] stepped in a loop, with the
//! same-step autoreset done here and observations encoded straight into the task's rows.
//!
//! MiniGrid truncates at its own `max_steps`, so no time limit wraps these envs. The image
//! bytes become `f32` values unscaled. [`MiniGridEncoding::Flat`] appends the one-hot mission
//! table of MiniGrid's `FlatObsWrapper` ([`encode_mission`], `max_str_len` 96); each copy caches
//! its table while the mission stays the same, so a step re-encodes nothing.

use std::sync::Arc;

use rewardlab_core::vector::VectorError;
use rewardlab_core::{Env, EnvError, Frame, Space};
use rewardlab_envs::minigrid::wrappers::{DEFAULT_MAX_STR_LEN, NUM_CHAR_CODES, encode_mission};
use rewardlab_envs::minigrid::{self, BoxedMiniGrid, MiniGridObs};

use super::{MiniGridEncoding, TaskError, TaskStep};

/// One MiniGrid env and its cached mission table.
struct Slot {
    env: BoxedMiniGrid,
    /// The last mission encoded and its one-hot table (Flat encoding only).
    mission: Option<(Arc<str>, Vec<u8>)>,
}

/// `n` typed MiniGrid envs.
pub(super) struct MiniGridTask {
    copies: Vec<Slot>,
    encoding: MiniGridEncoding,
    /// `view · view · 3`.
    image_len: usize,
    obs_dim: usize,
}

impl MiniGridTask {
    pub(super) fn new(
        id: &str,
        kwargs: &[(String, String)],
        n: usize,
        encoding: MiniGridEncoding,
    ) -> Result<Self, TaskError> {
        let copies = (0..n)
            .map(|_| minigrid::make(id, kwargs).map(|env| Slot { env, mission: None }))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| TaskError::Make {
                id: id.to_string(),
                source: Box::new(source),
            })?;
        let view = copies
            .first()
            .map_or(0, |c| c.env.engine_config().agent_view_size);
        let image_len = view * view * 3;
        let obs_dim = match encoding {
            MiniGridEncoding::Image => image_len,
            MiniGridEncoding::Flat => image_len + NUM_CHAR_CODES * DEFAULT_MAX_STR_LEN,
        };
        Ok(MiniGridTask {
            copies,
            encoding,
            image_len,
            obs_dim,
        })
    }

    pub(super) fn num_envs(&self) -> usize {
        self.copies.len()
    }

    pub(super) fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    pub(super) fn action_space(&self) -> Space {
        self.copies
            .first()
            .map_or(Space::discrete(0), |c| c.env.action_space())
    }

    /// Resets copy `i` with `seed + i` (or continues its stream) and encodes into `obs`.
    pub(super) fn reset(
        &mut self,
        id: &str,
        seed: Option<u64>,
        obs: &mut [f32],
    ) -> Result<(), TaskError> {
        let (dim, image_len, encoding) = (self.obs_dim, self.image_len, self.encoding);
        for (i, (copy, row)) in self.copies.iter_mut().zip(obs.chunks_mut(dim)).enumerate() {
            let (o, _) = copy.env.reset(seed.map(|s| s.wrapping_add(i as u64)));
            copy.encode(id, i, &o, row, image_len, encoding)?;
        }
        Ok(())
    }

    /// Steps every copy (actions already checked against the space), resetting finished
    /// episodes in the same step.
    pub(super) fn step(
        &mut self,
        id: &str,
        actions: &[usize],
        out: &mut TaskStep,
        raw: &mut [f64],
    ) -> Result<(), TaskError> {
        let (dim, image_len, encoding) = (self.obs_dim, self.image_len, self.encoding);
        let rows = out.obs.chunks_mut(dim).zip(out.final_obs.chunks_mut(dim));
        let flags = out.terminated.iter_mut().zip(out.truncated.iter_mut());
        let per_copy = self.copies.iter_mut().zip(actions).zip(rows).zip(flags);
        for (i, ((((copy, a), (row, final_row)), (term, trunc)), r)) in
            per_copy.zip(raw.iter_mut()).enumerate()
        {
            let step = copy.env.step(a).map_err(|source| TaskError::Env {
                id: id.to_string(),
                source: VectorError::Env { index: i, source },
            })?;
            (*r, *term, *trunc) = (step.reward, step.terminated, step.truncated);
            if step.terminated || step.truncated {
                copy.encode(id, i, &step.obs, final_row, image_len, encoding)?;
                let (o, _) = copy.env.reset(None);
                copy.encode(id, i, &o, row, image_len, encoding)?;
            } else {
                copy.encode(id, i, &step.obs, row, image_len, encoding)?;
            }
        }
        Ok(())
    }

    /// Copy `i`'s frame; `None` past the last copy.
    pub(super) fn render(&self, i: usize) -> Option<Result<Frame, EnvError>> {
        self.copies.get(i).map(|c| c.env.render())
    }
}

impl Slot {
    /// Writes `obs` into `row`: the image, then (Flat) the mission table.
    fn encode(
        &mut self,
        id: &str,
        env: usize,
        obs: &MiniGridObs,
        row: &mut [f32],
        image_len: usize,
        encoding: MiniGridEncoding,
    ) -> Result<(), TaskError> {
        if obs.image.len() != image_len {
            return Err(TaskError::BadObservation {
                id: id.to_string(),
                env,
                space: format!("a MiniGrid image of {image_len} bytes"),
            });
        }
        let (image, table) = row.split_at_mut(image_len);
        for (x, b) in image.iter_mut().zip(&obs.image) {
            *x = f32::from(*b);
        }
        if encoding == MiniGridEncoding::Flat {
            let cached = self
                .mission
                .as_ref()
                .is_some_and(|(m, _)| Arc::ptr_eq(m, &obs.mission) || **m == *obs.mission);
            if !cached {
                let bytes =
                    encode_mission(&obs.mission, DEFAULT_MAX_STR_LEN).map_err(|source| {
                        TaskError::Mission {
                            id: id.to_string(),
                            source,
                        }
                    })?;
                self.mission = Some((Arc::clone(&obs.mission), bytes));
            }
            if let Some((_, bytes)) = &self.mission {
                for (x, b) in table.iter_mut().zip(bytes) {
                    *x = f32::from(*b);
                }
            }
        }
        Ok(())
    }
}
