//! The kwargs every MiniGrid row shares: `max_steps` (truncation inside the env, as
//! MiniGrid) and `agent_view_size`, parsed and validated in one place.

use crate::registry::{KwargSpec, Kwargs, MakeError};

/// The `agent_view_size` kwarg of every MiniGrid row.
pub(crate) const AGENT_VIEW_SIZE: KwargSpec = KwargSpec {
    name: "agent_view_size",
    default: "7",
    help: "side of the egocentric view (odd, at least 3)",
};

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
    if view < 3 || view.is_multiple_of(2) {
        return Err(MakeError::InvalidConfig {
            id,
            reason: format!("agent_view_size = {view}: must be odd and at least 3"),
        });
    }
    Ok((max_steps, view))
}
