//! What every MiniGrid registry row shares: its kwargs (`max_steps`, the truncation inside the
//! env as MiniGrid does it, and `agent_view_size`), parsed and validated in one place, and the
//! row itself. An env file keeps only what is its own: the words of its `max_steps` default,
//! the ids, descriptions and how each row builds its env. [`square_config`] is the checked
//! configuration of the envs on a plain square grid.
//!
//! A file's rows read
//!
//! ```text
//! const KWARGS: &[KwargSpec] = &row_kwargs("10·size²");
//! pub const SPECS: &[EnvSpec] = &[minigrid_spec("MiniGrid-X-v0", "…", KWARGS, |kw| {
//!     build_env(kw, DEFAULT_MAX_STEPS, X::env_with)
//! })];
//! ```

use crate::minigrid::any::{BoxedMiniGrid, boxed};
use crate::minigrid::engine::{EngineConfig, MiniGridEnv, check_view_size};
use crate::minigrid::layout::{GenError, Generator};
use crate::registry::{
    Entry, EnvSpec, KwargSpec, Kwargs, MAX_EPISODE_STEPS, MakeError, MiniGridBuilder,
};

/// The `agent_view_size` kwarg of every MiniGrid row.
pub(crate) const AGENT_VIEW_SIZE: KwargSpec = KwargSpec {
    name: "agent_view_size",
    default: "7",
    help: "side of the egocentric view (odd, at least 3)",
};

/// The `max_steps` kwarg of a MiniGrid row whose default reads `default` (in words: each env
/// states its own rule, e.g. `"10·size²"`).
pub(crate) const fn max_steps_kwarg(default: &'static str) -> KwargSpec {
    KwargSpec {
        name: "max_steps",
        default,
        help: "steps after which the env truncates the episode itself, as MiniGrid",
    }
}

/// Every kwarg a MiniGrid row accepts, its `max_steps` defaulting to `max_steps_default` (in
/// words). Bind it to a file's `const KWARGS: &[KwargSpec] = &row_kwargs(…)`.
pub(crate) const fn row_kwargs(max_steps_default: &'static str) -> [KwargSpec; 3] {
    [
        max_steps_kwarg(max_steps_default),
        AGENT_VIEW_SIZE,
        MAX_EPISODE_STEPS,
    ]
}

/// A MiniGrid registry row. It has no registered time limit (MiniGrid envs truncate
/// themselves at `max_steps`) and no reward threshold (MiniGrid registers none).
pub(crate) const fn minigrid_spec(
    id: &'static str,
    description: &'static str,
    kwargs: &'static [KwargSpec],
    build: MiniGridBuilder,
) -> EnvSpec {
    EnvSpec {
        id,
        description,
        max_episode_steps: None,
        reward_threshold: None,
        kwargs,
        entry: Entry::MiniGrid(build),
    }
}

/// Builds a row's env: parses `max_steps` (default `default_max_steps`) and `agent_view_size`,
/// hands them to `env_with` and reports a refused configuration as the row's
/// [`MakeError::InvalidConfig`].
pub(crate) fn build_env<G: Generator>(
    kw: &Kwargs<'_>,
    default_max_steps: usize,
    env_with: impl FnOnce(usize, usize) -> Result<MiniGridEnv<G>, GenError>,
) -> Result<BoxedMiniGrid, MakeError> {
    let (max_steps, view) = engine_kwargs(kw, default_max_steps)?;
    boxed(kw, env_with(max_steps, view))
}

/// The engine configuration of a `size × size` grid, refusing a side below `min_size` (the
/// smallest grid the env's layout rule can draw).
pub(crate) fn square_config(
    size: usize,
    min_size: usize,
    max_steps: usize,
    see_through_walls: bool,
    agent_view_size: usize,
) -> Result<EngineConfig, GenError> {
    if size < min_size {
        return Err(GenError::InvalidConfig(format!(
            "size = {size}: must be at least {min_size}"
        )));
    }
    Ok(EngineConfig::square(
        size,
        max_steps,
        see_through_walls,
        agent_view_size,
    ))
}

/// The `max_steps` (default `default_max_steps`) and `agent_view_size` kwargs, validated.
pub(crate) fn engine_kwargs(
    kw: &Kwargs<'_>,
    default_max_steps: usize,
) -> Result<(usize, usize), MakeError> {
    let id = kw.spec().id;
    let max_steps = kw
        .parse::<usize>("max_steps", "a positive integer")?
        .unwrap_or(default_max_steps);
    let view = kw
        .parse::<usize>(AGENT_VIEW_SIZE.name, "an odd integer ≥ 3")?
        .unwrap_or(7);
    if max_steps == 0 {
        return Err(MakeError::InvalidConfig {
            id,
            reason: "max_steps must be positive".to_string(),
        });
    }
    check_view_size(view).map_err(|_| MakeError::InvalidConfig {
        id,
        reason: format!("agent_view_size = {view}: must be odd and at least 3"),
    })?;
    Ok((max_steps, view))
}
