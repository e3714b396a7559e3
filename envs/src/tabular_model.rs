//! The tabular model of any registered env that has one: [`model`] turns an id and its kwargs
//! into the [`Mdp`] that planners, the invariance checker and the reward-shaping lab use.
//!
//! Three families have a model, each reached its own way:
//!
//! - gridworlds (`rewardlab/*`): [`make_gridworld`] builds the typed [`GridWorld`], whose
//!   model is the simulator; the map's grid shape and walking distances come along
//!   ([`GridInfo`]) so experiments can draw heatmaps.
//! - toy text (`FrozenLake-v1`, `FrozenLake8x8-v1`, `CliffWalking-v1`,
//!   `CliffWalkingSlippery-v1`, `Taxi-v4`): the registry's own constructor ([`make`], so every
//!   kwarg means what it means there), then the typed env is reached through
//!   [`Env::erased_inner_mut`] and a downcast (with or without the time limit around it).
//!   Taxi's `fickle_passenger` only changes stepping, never the model, as in the env itself.
//! - MiniGrid ids: the layout after `reset(Some(seed))` exported by
//!   [`minigrid::tabular::export_env`]. `seed` is an extra kwarg here (default 0) that picks
//!   the layout; the other kwargs go to the MiniGrid constructor.
//!
//! # Discount
//!
//! A model carries a γ. Where the env defines one it is kept: a gridworld map's `gamma`
//! header (or kwarg). Gymnasium's toy text defines none — their exports hold γ = 1 only as a
//! placeholder — and MiniGrid defines none either, so both get [`DEFAULT_GAMMA`] (0.99) and
//! [`TabularModel::gamma_source`] says so. Callers override γ with [`Mdp::with_gamma`].
//!
//! Any other id (classic control, …) is [`TabularModelError::NotTabular`].

use rewardlab_core::Env;
use rewardlab_core::mdp::{Mdp, MdpError};
use rewardlab_core::tabular::Tabular;
use rewardlab_core::wrappers::TimeLimit;

use crate::gridworld::GridWorld;
use crate::minigrid;
use crate::minigrid::tabular::{ExportConfig, ExportError, export_env};
use crate::registry::{Entry, MakeError, make, make_gridworld, spec};
use crate::toy_text::{CliffWalking, FrozenLake, Taxi};

/// The discount of models whose env defines none (toy text, MiniGrid).
pub const DEFAULT_GAMMA: f64 = 0.99;

/// The kwarg that picks a MiniGrid layout (the seed of the reset before the export).
pub const SEED_KWARG: &str = "seed";

/// Where a model's γ came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GammaSource {
    /// The env defines it (a gridworld map's `gamma`).
    Env,
    /// The env defines none: [`DEFAULT_GAMMA`].
    Default,
}

/// The grid behind a gridworld model: states are cells `row · cols + col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridInfo {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Walking distance (moves, ignoring wind and slip) from each cell to the nearest goal;
    /// `None` for walls, lava, cliffs and cells that cannot reach a goal.
    pub distance_to_goal: Vec<Option<usize>>,
}

/// A registered env's tabular model.
#[derive(Debug, Clone)]
pub struct TabularModel {
    /// The model, with the env's γ or [`DEFAULT_GAMMA`] (see [`TabularModel::gamma_source`]).
    pub mdp: Mdp,
    /// Whether γ is the env's own.
    pub gamma_source: GammaSource,
    /// The grid, for gridworld ids.
    pub grid: Option<GridInfo>,
}

/// Why [`model`] failed.
#[derive(Debug, thiserror::Error)]
pub enum TabularModelError {
    /// The id is unknown or its kwargs are wrong.
    #[error(transparent)]
    Make(#[from] MakeError),
    /// The MiniGrid export failed (too many states, moving obstacles, …).
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The model could not take the default γ.
    #[error(transparent)]
    Mdp(#[from] MdpError),
    /// The env exists but has no tabular model.
    #[error(
        "{id} has no tabular model: only gridworlds (rewardlab/*), toy text (FrozenLake, \
         CliffWalking, Taxi) and MiniGrid envs export one"
    )]
    NotTabular {
        /// The env id.
        id: String,
    },
}

/// The tabular model of the env registered as `id` with string `kwargs` (see the module docs).
pub fn model(id: &str, kwargs: &[(String, String)]) -> Result<TabularModel, TabularModelError> {
    let spec = spec(id)?;
    match spec.entry {
        Entry::GridWorld(_) => {
            let env = make_gridworld(id, kwargs)?;
            Ok(gridworld_model(env.inner()))
        }
        Entry::MiniGrid(_) => minigrid_model(id, kwargs),
        Entry::Builder(_) => {
            let mut env = make(id, kwargs)?;
            let mdp = env
                .erased_inner_mut()
                .and_then(toy_text_mdp)
                .ok_or_else(|| TabularModelError::NotTabular { id: id.to_string() })?;
            Ok(TabularModel {
                mdp: mdp.with_gamma(DEFAULT_GAMMA)?,
                gamma_source: GammaSource::Default,
                grid: None,
            })
        }
    }
}

/// The model, grid shape and distances of a built gridworld; γ is the map's.
pub fn gridworld_model(env: &GridWorld) -> TabularModel {
    TabularModel {
        mdp: env.mdp().clone(),
        gamma_source: GammaSource::Env,
        grid: Some(GridInfo {
            rows: env.nrows(),
            cols: env.ncols(),
            distance_to_goal: env.distance_to_goal().to_vec(),
        }),
    }
}

/// The model of a toy-text env inside an erased one, bare or in its time limit.
fn toy_text_mdp(inner: &mut dyn std::any::Any) -> Option<Mdp> {
    fn typed<E: Tabular + Env + 'static>(inner: &dyn std::any::Any) -> Option<Mdp> {
        inner
            .downcast_ref::<E>()
            .map(|e| e.mdp().clone())
            .or_else(|| {
                inner
                    .downcast_ref::<TimeLimit<E>>()
                    .map(|e| e.inner().mdp().clone())
            })
    }
    let inner: &dyn std::any::Any = inner;
    typed::<FrozenLake>(inner)
        .or_else(|| typed::<CliffWalking>(inner))
        .or_else(|| typed::<Taxi>(inner))
}

/// The export of a MiniGrid layout: `seed` picks it, the other kwargs build the env.
fn minigrid_model(
    id: &str,
    kwargs: &[(String, String)],
) -> Result<TabularModel, TabularModelError> {
    let mut seed = 0;
    let mut rest = Vec::with_capacity(kwargs.len());
    for (key, value) in kwargs {
        if key == SEED_KWARG {
            seed = value.trim().parse().map_err(|_| MakeError::BadKwarg {
                key: key.clone(),
                value: value.clone(),
                expected: "a non-negative integer",
            })?;
        } else {
            rest.push((key.clone(), value.clone()));
        }
    }
    let mut env = minigrid::make(id, &rest)?;
    env.reset(Some(seed));
    let config = ExportConfig {
        gamma: DEFAULT_GAMMA,
        ..ExportConfig::default()
    };
    let export = export_env(&*env, &config).map_err(|e| match e {
        ExportError::OwnStep { reason, .. } => ExportError::OwnStep {
            what: id.to_string(),
            reason,
        },
        other => other,
    })?;
    Ok(TabularModel {
        mdp: export.into_mdp(),
        gamma_source: GammaSource::Default,
        grid: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_gridworld_model_is_the_simulator_with_its_grid() -> Result<(), TabularModelError> {
        let m = model("rewardlab/Oscillation-v0", &[])?;
        let env = make_gridworld("rewardlab/Oscillation-v0", &[])?;
        assert_eq!(&m.mdp, env.inner().mdp());
        assert_eq!(m.gamma_source, GammaSource::Env);
        assert_eq!(m.mdp.gamma(), 0.99);
        let grid = m.grid.expect("a gridworld has a grid");
        assert_eq!((grid.rows, grid.cols), (6, 7));
        assert_eq!(grid.distance_to_goal.len(), 42);
        // The start (1, 1) is 7 moves from the goal (4, 5); walls have no distance.
        assert_eq!(grid.distance_to_goal[8], Some(7));
        assert_eq!(grid.distance_to_goal[0], None);
        // Kwargs reach the map: the cliff walk's γ = 1 is the map's own.
        let cliff = model("rewardlab/CliffWalk-v0", &kw(&[("gamma", "0.5")]))?;
        assert_eq!(cliff.mdp.gamma(), 0.5);
        assert_eq!(model("rewardlab/CliffWalk-v0", &[])?.mdp.gamma(), 1.0);
        Ok(())
    }

    #[test]
    fn toy_text_models_take_the_default_gamma_and_their_kwargs() -> Result<(), TabularModelError> {
        let lake = model("FrozenLake-v1", &[])?;
        assert_eq!((lake.mdp.n_states(), lake.mdp.n_actions()), (16, 4));
        assert_eq!(lake.mdp.gamma(), DEFAULT_GAMMA);
        assert_eq!(lake.gamma_source, GammaSource::Default);
        assert!(lake.grid.is_none());
        assert!(!lake.mdp.is_deterministic());
        let big = model(
            "FrozenLake-v1",
            &kw(&[("map_name", "8x8"), ("is_slippery", "false")]),
        )?;
        assert_eq!(big.mdp.n_states(), 64);
        assert!(big.mdp.is_deterministic());
        // Without a registered time limit (CliffWalking-v1) and with one given as a kwarg.
        let cliff = model("CliffWalking-v1", &[])?;
        assert_eq!(cliff.mdp.n_states(), 48);
        let limited = model("CliffWalking-v1", &kw(&[("max_episode_steps", "10")]))?;
        assert_eq!(limited.mdp, cliff.mdp);
        // The sibling ids go the same way.
        assert_eq!(model("FrozenLake8x8-v1", &[])?.mdp.n_states(), 64);
        let slippery = model("CliffWalkingSlippery-v1", &[])?;
        assert!(cliff.mdp.is_deterministic() && !slippery.mdp.is_deterministic());
        let taxi = model("Taxi-v4", &[])?;
        assert_eq!((taxi.mdp.n_states(), taxi.mdp.n_actions()), (500, 6));
        Ok(())
    }

    #[test]
    fn minigrid_layouts_export_with_a_seed_kwarg() -> Result<(), TabularModelError> {
        let empty = model("MiniGrid-Empty-5x5-v0", &[])?;
        assert_eq!(empty.mdp.gamma(), DEFAULT_GAMMA);
        assert_eq!(empty.gamma_source, GammaSource::Default);
        // The 3×3 floor but the goal cell, in 4 directions, plus the success state.
        assert_eq!(empty.mdp.n_states(), 8 * 4 + 1);
        let seeded = model("MiniGrid-Empty-5x5-v0", &kw(&[("seed", "3")]))?;
        assert_eq!(seeded.mdp.n_states(), empty.mdp.n_states());
        let bad = model("MiniGrid-Empty-5x5-v0", &kw(&[("seed", "x")]));
        assert!(matches!(
            bad,
            Err(TabularModelError::Make(MakeError::BadKwarg { .. }))
        ));
        Ok(())
    }

    #[test]
    fn other_ids_are_clear_errors() {
        let err = model("CartPole-v1", &[]).expect_err("CartPole has no table");
        assert!(matches!(err, TabularModelError::NotTabular { .. }));
        assert!(err.to_string().contains("CartPole-v1 has no tabular model"));
        let err = model("FrozenLak-v1", &[]).expect_err("a typo");
        assert!(
            err.to_string().contains("did you mean FrozenLake-v1"),
            "{err}"
        );
        let err = model("FrozenLake-v1", &kw(&[("slip", "0.1")])).expect_err("unknown kwarg");
        assert!(matches!(
            err,
            TabularModelError::Make(MakeError::UnknownKwarg { .. })
        ));
    }
}
