//! The environment registry: Gymnasium-style ids, specs, and `make`.
//!
//! Each family of envs owns its rows: `gridworld`, `classic_control` and `toy_text` each
//! export a `SPECS` table, and [`specs`] is their concatenation. A row names an id, its
//! documentation, its registered time limit and accepted kwargs, and an [`Entry`] saying how
//! to construct it. Adding an env is one row plus one constructor fn in its family's module;
//! nothing here changes.
//!
//! [`make`] follows `gymnasium.make`: it looks the id up, checks the kwargs against the row,
//! builds the env, and wraps it in [`TimeLimit`] with the registered `max_episode_steps` (the
//! kwarg of that name overrides it). Kwargs arrive as strings, as from a command line; each
//! is parsed where it is used ([`Kwargs`]) and a value that does not parse is an error naming
//! key and value.

mod kwargs;

use std::sync::LazyLock;

use rewardlab_core::BoxedEnv;
use rewardlab_core::wrappers::TimeLimit;

use crate::gridworld::{self, BuiltinMap, GridWorld, MapError};
use crate::{classic_control, minigrid, toy_text};

pub use kwargs::Kwargs;

/// One keyword argument an env accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KwargSpec {
    /// The key.
    pub name: &'static str,
    /// The default, in words (`"required"` when there is none).
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Builds an env from kwargs already checked against its row; [`Kwargs::finish`] applies the
/// time limit and erases the type.
pub type Builder = fn(&Kwargs<'_>) -> Result<BoxedEnv, MakeError>;

/// How a registry row is constructed.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    /// A [`GridWorld`] on a built-in map, or with `None` on the file the `map` kwarg names.
    /// Kept apart so that [`make_gridworld`] can return the typed env.
    GridWorld(Option<BuiltinMap>),
    /// Any other env: its constructor.
    Builder(Builder),
    /// A MiniGrid env, built typed so that [`crate::minigrid::make`] can hand it to the
    /// MiniGrid wrappers.
    MiniGrid(MiniGridBuilder),
}

/// The constructor of a MiniGrid row, from its checked kwargs.
pub type MiniGridBuilder = fn(&Kwargs<'_>) -> Result<crate::minigrid::BoxedMiniGrid, MakeError>;

/// A registered environment.
#[derive(Debug, Clone, Copy)]
pub struct EnvSpec {
    /// The id passed to [`make`], `namespace/Name-vN` or Gymnasium's bare `Name-vN`.
    pub id: &'static str,
    /// One line on what the env is.
    pub description: &'static str,
    /// The registered time limit `make` applies (`None`: no limit).
    pub max_episode_steps: Option<usize>,
    /// Mean return at which the task counts as solved, if one is defined.
    pub reward_threshold: Option<f64>,
    /// Every kwarg `make` accepts for this id.
    pub kwargs: &'static [KwargSpec],
    /// How to construct it.
    pub entry: Entry,
}

/// The kwarg every row accepts: it overrides the registered time limit.
pub const MAX_EPISODE_STEPS: KwargSpec = KwargSpec {
    name: "max_episode_steps",
    default: "the registered limit",
    help: "truncate episodes after this many steps (a positive integer)",
};

/// Every family's rows, in listing order.
static SPECS: LazyLock<Vec<EnvSpec>> = LazyLock::new(|| {
    let families: [&[EnvSpec]; 4] = [
        classic_control::SPECS,
        toy_text::SPECS,
        gridworld::SPECS,
        minigrid::SPECS,
    ];
    families.concat()
});

/// Why `make` failed.
#[derive(Debug, thiserror::Error)]
pub enum MakeError {
    /// No such id.
    #[error("unknown environment id {id:?}{}", did_you_mean(.suggestion))]
    UnknownId {
        /// The id asked for.
        id: String,
        /// The closest registered id, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A kwarg the env does not take.
    #[error("{id} does not take the kwarg {key:?}; it accepts: {accepted}")]
    UnknownKwarg {
        /// The env id.
        id: &'static str,
        /// The key given.
        key: String,
        /// The accepted keys, comma-separated.
        accepted: String,
    },
    /// A kwarg given twice.
    #[error("kwarg {key:?} given twice")]
    DuplicateKwarg {
        /// The key.
        key: String,
    },
    /// A kwarg value that does not parse.
    #[error("kwarg {key} = {value:?}: expected {expected}")]
    BadKwarg {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A list-valued kwarg with the wrong number of entries.
    #[error("kwarg {key} = {value:?}: expected {expected} entries ({per}), found {found}")]
    KwargLength {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What one entry stands for.
        per: &'static str,
        /// Entries needed.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A required kwarg is missing.
    #[error("{id} needs the kwarg {key:?}")]
    MissingKwarg {
        /// The env id.
        id: &'static str,
        /// The key.
        key: &'static str,
    },
    /// The kwargs parse but do not describe a valid env (a malformed map, a size out of
    /// range, …).
    #[error("{id}: {reason}")]
    InvalidConfig {
        /// The env id.
        id: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The map could not be loaded or a parameter is out of range.
    #[error(transparent)]
    Map(#[from] MapError),
}

fn did_you_mean(suggestion: &Option<&'static str>) -> String {
    suggestion.map_or(String::new(), |s| format!("; did you mean {s}?"))
}

/// Every registered spec.
pub fn specs() -> &'static [EnvSpec] {
    &SPECS
}

/// The spec of `id`, or [`MakeError::UnknownId`] with the closest id as a suggestion.
pub fn spec(id: &str) -> Result<&'static EnvSpec, MakeError> {
    SPECS
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| MakeError::UnknownId {
            id: id.to_string(),
            suggestion: suggest(id),
        })
}

/// The registered id most similar to `id` (case-insensitive, with or without the namespace),
/// if any is similar enough to be a likely typo.
fn suggest(id: &str) -> Option<&'static str> {
    let want = id.to_lowercase();
    SPECS
        .iter()
        .map(|s| {
            let full = s.id.to_lowercase();
            let bare = full.rsplit('/').next().unwrap_or(&full).to_string();
            let score = strsim::normalized_damerau_levenshtein(&want, &full)
                .max(strsim::normalized_damerau_levenshtein(&want, &bare));
            // A fragment of a name ("windy", "cliff") is a strong hint on its own.
            let fragment = want.len() >= 4 && bare.contains(want.as_str());
            (if fragment { score.max(0.6) } else { score }, s.id)
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// Creates the env registered as `id`, with string kwargs, wrapped in its time limit.
pub fn make(id: &str, kwargs: &[(String, String)]) -> Result<BoxedEnv, MakeError> {
    let spec = spec(id)?;
    let kw = Kwargs::check(spec, kwargs)?;
    match spec.entry {
        Entry::GridWorld(builtin) => kw.finish(gridworld::from_kwargs(builtin, &kw)?),
        Entry::Builder(build) => build(&kw),
        Entry::MiniGrid(build) => kw.finish(build(&kw)?),
    }
}

/// Like [`make`] for a gridworld id, keeping the type: planners reach the model through
/// `env.inner()` (`Tabular::mdp`). An id without a registered limit gets `usize::MAX`.
pub fn make_gridworld(
    id: &str,
    kwargs: &[(String, String)],
) -> Result<TimeLimit<GridWorld>, MakeError> {
    let spec = spec(id)?;
    let kw = Kwargs::check(spec, kwargs)?;
    let Entry::GridWorld(builtin) = spec.entry else {
        return Err(MakeError::InvalidConfig {
            id: spec.id,
            reason: "not a gridworld id; use `make`".to_string(),
        });
    };
    let env = gridworld::from_kwargs(builtin, &kw)?;
    Ok(TimeLimit::new(env, kw.limit()?.unwrap_or(usize::MAX)))
}
