//! Taxi-v4: Gymnasium 1.4's Taxi, from Dietterich's MAXQ paper (2000).
//!
//! # Description
//! A taxi drives on a 5×5 grid with walls and four coloured pads, Red (0, 0), Green (0, 4),
//! Yellow (4, 0) and Blue (4, 3). A passenger waits on one pad and wants to go to another.
//! The taxi must drive to the passenger, pick them up, drive to the destination and drop
//! them off; the episode ends with the drop-off.
//!
//! ```text
//! +---------+
//! |R: | : :G|
//! | : | : : |
//! | : : : : |
//! | | : | : |
//! |Y| : |B: |
//! +---------+
//! ```
//!
//! # Actions
//! `Discrete(6)`: 0 south (down), 1 north (up), 2 east (right), 3 west (left), 4 pickup,
//! 5 drop-off. A move into a wall or off the grid leaves the taxi where it is.
//!
//! # Observations
//! `Discrete(500)`: Gymnasium's encoding `((taxi_row · 5 + taxi_col) · 5 + pass_loc) · 4 +
//! dest_idx` ([`encode`], [`decode`]), with `pass_loc` a pad index 0–3 or 4 ([`IN_TAXI`])
//! and `dest_idx` a pad index. `info` holds `"prob"` (the probability of the sampled outcome,
//! 1 after a reset) and `"action_mask"` (six 0/1 entries, [`action_mask`]: 1 where the action
//! changes the state), on reset and on every step, as in Gymnasium.
//!
//! # Rewards
//! −1 per step, +20 for delivering the passenger, −10 for a pickup or drop-off that is not
//! allowed (pickup where the passenger is not waiting, drop-off off the pads or with nobody
//! aboard). A drop-off on a pad other than the destination is allowed (−1): the passenger
//! then waits on that pad.
//!
//! # Start
//! Uniform over the 300 states with the taxi anywhere and the passenger waiting on a pad
//! other than the destination.
//!
//! # Episode end
//! Terminated by the delivery. Truncated after 200 steps by the registered time limit.
//!
//! # Arguments
//! [`TaxiConfig`]: `is_rainy` (moves drift sideways, see [`model`]), `rainy_probability`,
//! `fickle_passenger`, `fickle_probability`; registered as `Taxi-v4` with these kwargs.
//!
//! # The exported model and where stepping differs from it
//! [`Tabular::mdp`] is Gymnasium's table `P` with equal outcomes merged and the 100 states
//! where the passenger is at the destination marked terminal (absorbing, reward 0). Only
//! the delivery enters them, so on every state an episode can visit the model and Gymnasium's
//! `P` agree, `terminated` flags included. Stepping samples that model, with one exception:
//! with `fickle_passenger = true` the destination may change on the first move after the
//! pickup (see [`TaxiConfig::fickle_passenger`]). Gymnasium implements fickleness in `step`,
//! outside `P`, with a hidden flag drawn at reset; so do we, and the exported model is then
//! the dynamics *without* fickleness. Planners that need the fickle dynamics exactly must
//! treat the hidden flag as part of the state.
//!
//! Two smaller differences: `info["prob"]` is the probability of the sampled outcome with
//! equal outcomes merged, so where Gymnasium's `P` lists one successor twice (a rainy move
//! with both sides blocked) Gymnasium reports the entry it drew (0.1) and we report the sum
//! (0.2); and our generator is PCG64 with its own seeding, so a seed gives another
//! trajectory than the same seed in Gymnasium (the fickle draws use a second stream, see
//! [`Taxi`]).

mod ansi;
pub mod model;
mod registry;
mod render;

use std::sync::{Arc, LazyLock};

use rand::Rng;
use rewardlab_core::mdp::{Mdp, MdpError};
use rewardlab_core::rng::{EnvRng, reseed, rng_from_entropy};
use rewardlab_core::tabular::{Tabular, TabularEnv};
use rewardlab_core::{Env, EnvError, Frame, Info, Step, Value};
use serde::{Deserialize, Serialize};

use super::shared::{current_state, forward_tabular_env, impl_tabular};

pub use model::{
    ACTION_NAMES, DROPOFF, EAST, IN_TAXI, LOCS, MAP, N_ACTIONS, N_STATES, NORTH, PICKUP, SOUTH,
    TaxiState, WEST, action_mask, decode, encode,
};
pub(crate) use registry::SPEC;
pub use render::{DESTINATION_COLOR, PASSENGER_COLOR, TAXI_FULL_COLOR, TAXI_RIM_COLOR};

/// [`action_mask`] of every state, computed once: the mask goes into every step's info, and
/// decoding the state to compute it cost as much as the transition itself.
static MASKS: LazyLock<Vec<[u8; N_ACTIONS]>> = LazyLock::new(|| {
    (0..N_STATES)
        .map(|s| action_mask(s).unwrap_or([0; N_ACTIONS]))
        .collect()
});

/// Taxi's arguments, with Gymnasium 1.4's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxiConfig {
    /// Moves that are not blocked go the intended way with `rainy_probability` and to each
    /// perpendicular side with half the rest (default false).
    pub is_rainy: bool,
    /// Probability of moving in the intended direction in the rain, in [0, 1] (default 0.8).
    pub rainy_probability: f64,
    /// With probability `fickle_probability`, drawn at reset, the passenger changes
    /// destination (uniformly to one of the three others) on the first step after which the
    /// taxi, carrying them, stands on another square; at most once per episode. Not part of
    /// the exported model (default false).
    pub fickle_passenger: bool,
    /// Probability in [0, 1] that an episode's passenger is fickle (default 0.3).
    pub fickle_probability: f64,
}

impl Default for TaxiConfig {
    fn default() -> Self {
        TaxiConfig {
            is_rainy: false,
            rainy_probability: 0.8,
            fickle_passenger: false,
            fickle_probability: 0.3,
        }
    }
}

/// Why a [`TaxiConfig`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaxiError {
    /// A probability outside [0, 1] (or not a number).
    #[error("{name} = {value} is not a probability in [0, 1]")]
    Probability {
        /// The argument.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// The model could not be built (not expected for a valid config).
    #[error(transparent)]
    Model(#[from] MdpError),
}

/// Gymnasium's `render_mode="ansi"` text of `state` after `last_action` (`None`: right
/// after a reset), whatever state the env is in; `None` for a state `≥ 500`.
pub fn ansi_text(state: usize, last_action: Option<usize>) -> Option<String> {
    decode(state).map(|s| ansi::render(s, last_action))
}

/// Seeds of the fickle-passenger generator are the reset seed XOR this tag, so that its
/// stream is unrelated to the one the model is sampled with, and the same seed gives the same
/// taxi trajectory with or without fickleness until a destination changes.
const FICKLE_STREAM: u64 = 0x6669_636b_6c65_7061;

/// The Taxi environment: a [`TabularEnv`] over the exported model, plus Gymnasium's
/// fickle-passenger rule and the last action (which the ansi text prints).
///
/// The fickle passenger draws from a second generator, reseeded with the reset seed XOR a
/// fixed tag, so one seed gives the same start state and the same model samples with or
/// without fickleness.
#[derive(Debug, Clone)]
pub struct Taxi {
    config: TaxiConfig,
    env: TabularEnv,
    /// Draws the fickle flag at reset and the new destination.
    fickle_rng: EnvRng,
    /// Gymnasium's `fickle_step`: this episode's passenger will still change their mind.
    fickle_pending: bool,
    last_action: Option<usize>,
}

impl Taxi {
    /// A Taxi with `config`.
    pub fn new(config: TaxiConfig) -> Result<Self, TaxiError> {
        for (name, value) in [
            ("rainy_probability", config.rainy_probability),
            ("fickle_probability", config.fickle_probability),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(TaxiError::Probability { name, value });
            }
        }
        let mdp = model::build_mdp(config.is_rainy.then_some(config.rainy_probability))?;
        Ok(Taxi {
            config,
            env: TabularEnv::new(Arc::new(mdp)),
            fickle_rng: rng_from_entropy(),
            fickle_pending: false,
            last_action: None,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TaxiConfig {
        &self.config
    }

    /// The shared handle to the model.
    pub fn mdp_arc(&self) -> &Arc<Mdp> {
        self.env.mdp_arc()
    }

    /// The current state decoded, `None` before the first reset.
    pub fn taxi_state(&self) -> Option<TaxiState> {
        current_state(&self.env).and_then(decode)
    }

    /// The last action taken since the reset, `None` right after it.
    pub fn last_action(&self) -> Option<usize> {
        self.last_action
    }

    /// Gymnasium's `render_mode="ansi"` text of the current state (see [`Env::render_ansi`]),
    /// `None` before the first reset.
    pub fn ansi(&self) -> Option<String> {
        self.taxi_state().map(|s| ansi::render(s, self.last_action))
    }

    #[inline]
    fn info(&self, state: usize, prob: f64) -> Info {
        let mask = MASKS.get(state).copied().unwrap_or([0; N_ACTIONS]);
        // Inserted in key order, so the second insert appends instead of shifting the first
        // entry; and inserted, not `Info::from([...])`, which sorts the array first (both
        // measured: fewer instructions per step).
        let mut info = Info::new();
        info.insert("action_mask".to_string(), Value::Binary(mask.to_vec()));
        info.insert("prob".to_string(), Value::Float(prob));
        info
    }

    /// Gymnasium's fickle rule, applied after the model moved the taxi from `before` to
    /// `after`: returns the state with the new destination when the passenger changes mind.
    #[inline]
    fn fickle(&mut self, before: usize, after: usize) -> Option<usize> {
        if !(self.config.fickle_passenger && self.fickle_pending) {
            return None;
        }
        let (b, a) = (decode(before)?, decode(after)?);
        let moved = (a.taxi_row, a.taxi_col) != (b.taxi_row, b.taxi_col);
        if b.pass_loc != IN_TAXI || !moved {
            return None;
        }
        self.fickle_pending = false;
        // Uniform over the three other pads, in increasing order as Gymnasium lists them.
        let k = self.fickle_rng.random_range(0..LOCS.len() - 1);
        let dest_idx = if k < b.dest_idx { k } else { k + 1 };
        TaxiState { dest_idx, ..a }.encode()
    }
}

impl_tabular!(Taxi, env);

impl Env for Taxi {
    type Obs = usize;
    type Act = usize;

    forward_tabular_env!(env);

    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        let (s, _) = self.env.reset(seed);
        reseed(&mut self.fickle_rng, seed.map(|x| x ^ FICKLE_STREAM));
        // Drawn only when fickleness is on, as Gymnasium's short-circuit does.
        self.fickle_pending = self.config.fickle_passenger
            && self.fickle_rng.random::<f64>() < self.config.fickle_probability;
        self.last_action = None;
        (s, self.info(s, 1.0))
    }

    #[inline(always)]
    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        let before = self.env.state_index();
        // Taken apart and rebuilt, not updated in place: see `shared::with_info`.
        let Step {
            mut obs,
            reward,
            terminated,
            truncated,
            ..
        } = self.env.step(action)?;
        let prob = self.env.last_prob();
        self.last_action = Some(*action);
        if let Some(s) = self.fickle(before, obs) {
            // A move never terminates, so the episode goes on from the new state.
            self.env.set_state(&[s as f64])?;
            obs = s;
        }
        Ok(Step {
            obs,
            reward,
            terminated,
            truncated,
            info: self.info(obs, prob),
        })
    }

    /// Places the env in state `state[0]` (an integer in `0..500`), as assigning
    /// `env.unwrapped.s` does in Gymnasium: the last action and the fickle flag are kept. A
    /// terminal state (passenger at the destination) follows the model's absorbing row: the
    /// next step stays, pays 0 and reports `terminated`.
    fn set_state(&mut self, state: &[f64]) -> Result<usize, EnvError> {
        self.env.set_state(state)
    }

    /// A 320×320 picture from the shared tile grid, 64 px per square: the floor, the pads
    /// in their colours (R, G, Y, B), the inner walls, the destination as a
    /// [`DESTINATION_COLOR`] outline, the taxi as a square ([`palette::TAXI`] when empty,
    /// [`TAXI_FULL_COLOR`] with the passenger aboard, as the ansi text highlights it) inside
    /// a [`TAXI_RIM_COLOR`] rim that sets it off from the pads, and a waiting passenger as a [`PASSENGER_COLOR`] disc, over the taxi when both share a
    /// square. Gymnasium blits pixel art in a 536×456 window instead.
    ///
    /// [`palette::TAXI`]: crate::render::grid::palette::TAXI
    fn render(&self) -> Result<Frame, EnvError> {
        self.taxi_state()
            .map(render::frame)
            .ok_or(EnvError::ResetNeeded)
    }

    fn render_ansi(&self) -> Result<String, EnvError> {
        self.ansi().ok_or(EnvError::ResetNeeded)
    }
}
