//! Errors of map loading: [`MapError`], and [`MapProblem`] for what is wrong at a position.

use std::fmt;
use std::path::PathBuf;

use rewardlab_core::mdp::MdpError;

/// What is wrong at one position of a map.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProblem {
    /// A grid character that is not in the legend.
    UnknownChar(char),
    /// A grid row of another width than the first.
    RaggedRow {
        /// Width of the first row.
        expected: usize,
        /// Width of this row.
        found: usize,
    },
    /// The map has no grid rows.
    EmptyGrid,
    /// A blank line between grid rows.
    BlankInGrid,
    /// A header line after the grid started.
    HeaderAfterGrid,
    /// No `S` cell.
    NoStart,
    /// No goal or lava cell: no episode could terminate.
    NoTerminal,
    /// A header key not in the format.
    UnknownKey(String),
    /// A header key given twice.
    DuplicateKey(String),
    /// A header value that does not parse or is out of range.
    BadValue {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A `wind` entry larger in size than the grid is high.
    WindStrength {
        /// The offending entry.
        strength: i64,
        /// Grid height: no push needs to be larger.
        nrows: usize,
    },
    /// A `wind` line whose length is not the grid width.
    WindLength {
        /// Grid width.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A `goal <c>` declaration whose character is not usable.
    BadGoalChar(String),
}

impl fmt::Display for MapProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapProblem::UnknownChar(c) => write!(
                f,
                "unknown map character {c:?} (the legend is # . S G L X, plus declared goals)"
            ),
            MapProblem::RaggedRow { expected, found } => write!(
                f,
                "ragged row: {found} cells where the first row has {expected}"
            ),
            MapProblem::EmptyGrid => write!(f, "the map has no grid rows"),
            MapProblem::BlankInGrid => write!(f, "blank line inside the grid"),
            MapProblem::HeaderAfterGrid => {
                write!(f, "header line after the grid started (headers come first)")
            }
            MapProblem::NoStart => write!(f, "no start: the grid needs at least one S"),
            MapProblem::NoTerminal => write!(
                f,
                "no goal or lava cell: the grid needs at least one terminal cell (G, L or a declared goal)"
            ),
            MapProblem::UnknownKey(k) => write!(
                f,
                "unknown header key {k:?} (known: step_reward, goal_reward, lava_reward, \
                 cliff_reward, slip, wind, gamma, goal <char>)"
            ),
            MapProblem::DuplicateKey(k) => write!(f, "header key {k:?} given twice"),
            MapProblem::BadValue {
                key,
                value,
                expected,
            } => write!(f, "bad value {value:?} for {key}: expected {expected}"),
            MapProblem::WindStrength { strength, nrows } => write!(
                f,
                "wind entry {strength} is stronger than the grid is high ({nrows} rows)"
            ),
            MapProblem::WindLength { expected, found } => write!(
                f,
                "wind has {found} entries but the grid has {expected} columns"
            ),
            MapProblem::BadGoalChar(s) => write!(
                f,
                "bad goal declaration {s:?}: expected `goal <c> = <reward>` with one character \
                 <c> not in the legend (# . S G L X), not '=', ';' or '@'"
            ),
        }
    }
}

/// Why a map could not be loaded or turned into a model.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The map file could not be read.
    #[error("cannot read map file {}: {source}", path.display())]
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid map.
    #[error("{origin}:{line}:{column}: {problem}")]
    Malformed {
        /// Where the text came from: a path, `builtin <name>` or `<string>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong.
        problem: MapProblem,
    },
    /// A parameter override is out of range.
    #[error("gridworld parameter {name} = {value}: {reason}")]
    BadParam {
        /// The parameter.
        name: &'static str,
        /// Its value, printed.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The model builder rejected the map's dynamics (a bug if it ever happens).
    #[error("gridworld model: {0}")]
    Model(#[from] MdpError),
}

impl MapError {
    pub(crate) fn param(name: &'static str, value: f64, reason: &'static str) -> Self {
        MapError::BadParam {
            name,
            value: value.to_string(),
            reason,
        }
    }

    /// The problem and its (line, column) for a malformed map.
    pub fn position(&self) -> Option<(usize, usize, &MapProblem)> {
        match self {
            MapError::Malformed {
                line,
                column,
                problem,
                ..
            } => Some((*line, *column, problem)),
            _ => None,
        }
    }
}
