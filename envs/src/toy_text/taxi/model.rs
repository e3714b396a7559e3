//! The Taxi world as data: the map, the four pads, Gymnasium's state encoding, the action
//! mask, and the transition table exported as an [`Mdp`].
//!
//! Everything here is a pure function of the state, so the table, the mask and the text
//! rendering can be checked state by state against Gymnasium's recordings.
//!
//! Movement rule (both weathers): south/north move one row unless at the grid's edge; east
//! and west move one column unless the map shows a wall (`|`) on that side of the square,
//! the outer frame included. In the rain, a move that would change the square goes the
//! intended way with `rainy_probability` and to each side (the two perpendicular moves, each
//! under the same wall rule) with half the rest; a move that would not change the square
//! (blocked) stays put with probability 1 and never drifts sideways, as in Gymnasium 1.4.

use rewardlab_core::mdp::{Mdp, MdpBuilder, MdpError};

/// Gymnasium's ASCII map: row `1 + r` is grid row `r`; the square of column `c` is character
/// `2c + 1`, and characters `2c` and `2c + 2` are its west and east sides (`:` open, `|` wall).
pub const MAP: [&str; 7] = [
    "+---------+",
    "|R: | : :G|",
    "| : | : : |",
    "| : : : : |",
    "| | : | : |",
    "|Y| : |B: |",
    "+---------+",
];

/// Grid rows.
pub const N_ROWS: usize = 5;
/// Grid columns.
pub const N_COLS: usize = 5;
/// Passenger locations: the four pads plus [`IN_TAXI`].
pub const N_PASSENGER_LOCS: usize = 5;
/// Destinations: the four pads.
pub const N_DESTINATIONS: usize = 4;
/// Number of encoded states, `5 · 5 · 5 · 4`.
pub const N_STATES: usize = N_ROWS * N_COLS * N_PASSENGER_LOCS * N_DESTINATIONS;
/// Number of actions.
pub const N_ACTIONS: usize = 6;

/// The pads (row, col), indexed as passenger locations and destinations: 0 Red, 1 Green,
/// 2 Yellow, 3 Blue.
pub const LOCS: [(usize, usize); 4] = [(0, 0), (0, 4), (4, 0), (4, 3)];
/// The passenger location that means "in the taxi".
pub const IN_TAXI: usize = 4;

/// Action 0: move south (down).
pub const SOUTH: usize = 0;
/// Action 1: move north (up).
pub const NORTH: usize = 1;
/// Action 2: move east (right).
pub const EAST: usize = 2;
/// Action 3: move west (left).
pub const WEST: usize = 3;
/// Action 4: pick the passenger up.
pub const PICKUP: usize = 4;
/// Action 5: drop the passenger off.
pub const DROPOFF: usize = 5;
/// Action names as Gymnasium's text rendering prints them.
pub const ACTION_NAMES: [&str; N_ACTIONS] = ["South", "North", "East", "West", "Pickup", "Dropoff"];

/// Reward of every step that pays nothing else (moves, including blocked ones, and a legal
/// pickup or a drop-off on a pad that is not the destination).
pub const STEP_REWARD: f64 = -1.0;
/// Reward for dropping the passenger off at the destination (ends the episode).
pub const DELIVERY_REWARD: f64 = 20.0;
/// Reward for a pickup or drop-off that is not allowed.
pub const ILLEGAL_REWARD: f64 = -10.0;

/// A decoded Taxi state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaxiState {
    /// The taxi's row, 0 (top) to 4.
    pub taxi_row: usize,
    /// The taxi's column, 0 (left) to 4.
    pub taxi_col: usize,
    /// Where the passenger is: a pad index 0–3, or [`IN_TAXI`].
    pub pass_loc: usize,
    /// The passenger's destination, a pad index 0–3.
    pub dest_idx: usize,
}

impl TaxiState {
    /// Whether every field is in range.
    pub fn is_valid(&self) -> bool {
        self.taxi_row < N_ROWS
            && self.taxi_col < N_COLS
            && self.pass_loc < N_PASSENGER_LOCS
            && self.dest_idx < N_DESTINATIONS
    }

    /// Gymnasium's index `((taxi_row · 5 + taxi_col) · 5 + pass_loc) · 4 + dest_idx`, or
    /// `None` when a field is out of range.
    pub fn encode(&self) -> Option<usize> {
        self.is_valid().then(|| self.index())
    }

    /// The index of a state whose fields are known to be in range.
    fn index(&self) -> usize {
        ((self.taxi_row * N_COLS + self.taxi_col) * N_PASSENGER_LOCS + self.pass_loc)
            * N_DESTINATIONS
            + self.dest_idx
    }

    /// The passenger has arrived: the episode is over. Only a delivery enters such a state.
    pub fn is_terminal(&self) -> bool {
        self.pass_loc == self.dest_idx
    }

    /// The same state with the taxi at `(row, col)`.
    fn at(self, (taxi_row, taxi_col): (usize, usize)) -> Self {
        TaxiState {
            taxi_row,
            taxi_col,
            ..self
        }
    }

    fn square(&self) -> (usize, usize) {
        (self.taxi_row, self.taxi_col)
    }
}

/// Gymnasium's `encode`: the index of a state, `None` when a component is out of range.
pub fn encode(taxi_row: usize, taxi_col: usize, pass_loc: usize, dest_idx: usize) -> Option<usize> {
    TaxiState {
        taxi_row,
        taxi_col,
        pass_loc,
        dest_idx,
    }
    .encode()
}

/// Gymnasium's `decode`: the components of a state index, `None` for an index `≥ 500`.
pub fn decode(state: usize) -> Option<TaxiState> {
    (state < N_STATES).then(|| decode_valid(state))
}

fn decode_valid(mut i: usize) -> TaxiState {
    let dest_idx = i % N_DESTINATIONS;
    i /= N_DESTINATIONS;
    let pass_loc = i % N_PASSENGER_LOCS;
    i /= N_PASSENGER_LOCS;
    TaxiState {
        taxi_row: i / N_COLS,
        taxi_col: i % N_COLS,
        pass_loc,
        dest_idx,
    }
}

/// The map character at `(line, column)` of [`MAP`].
fn map_char(line: usize, column: usize) -> u8 {
    MAP[line].as_bytes()[column]
}

/// Whether the taxi can leave `(row, col)` eastward: the map shows `:` on its east side.
pub(super) fn open_east(row: usize, col: usize) -> bool {
    map_char(1 + row, 2 * col + 2) == b':'
}

/// Whether the taxi can leave `(row, col)` westward.
fn open_west(row: usize, col: usize) -> bool {
    map_char(1 + row, 2 * col) == b':'
}

/// Where a move action takes the taxi from `(row, col)`: blocked moves stay.
fn moved((row, col): (usize, usize), action: usize) -> (usize, usize) {
    match action {
        SOUTH => ((row + 1).min(N_ROWS - 1), col),
        NORTH => (row.saturating_sub(1), col),
        EAST if open_east(row, col) => (row, col + 1),
        WEST if open_west(row, col) => (row, col - 1),
        _ => (row, col),
    }
}

/// The two moves perpendicular to a move action, in Gymnasium's (left, right) order for the
/// heading: south → (east, west), north → (west, east), east → (north, south),
/// west → (south, north).
fn sideways(action: usize) -> [usize; 2] {
    match action {
        SOUTH => [EAST, WEST],
        NORTH => [WEST, EAST],
        EAST => [NORTH, SOUTH],
        _ => [SOUTH, NORTH],
    }
}

/// Gymnasium's `action_mask` for a state: 1 for each action that changes the state (a move
/// that is not blocked, a pickup where the passenger waits, a drop-off on any pad with the
/// passenger aboard), `None` for an index `≥ 500`.
pub fn action_mask(state: usize) -> Option<[u8; N_ACTIONS]> {
    decode(state).map(mask_of)
}

pub(super) fn mask_of(s: TaxiState) -> [u8; N_ACTIONS] {
    let (row, col) = s.square();
    let on_pad = LOCS.contains(&(row, col));
    let legal = [
        row + 1 < N_ROWS,
        row > 0,
        col + 1 < N_COLS && open_east(row, col),
        col > 0 && open_west(row, col),
        s.pass_loc < IN_TAXI && LOCS[s.pass_loc] == (row, col),
        s.pass_loc == IN_TAXI && on_pad,
    ];
    legal.map(u8::from)
}

/// The outcome of a pickup or drop-off: next state, reward.
fn pickup_or_dropoff(s: TaxiState, action: usize) -> (TaxiState, f64) {
    let here = s.square();
    if action == PICKUP {
        if s.pass_loc < IN_TAXI && LOCS[s.pass_loc] == here {
            return (
                TaxiState {
                    pass_loc: IN_TAXI,
                    ..s
                },
                STEP_REWARD,
            );
        }
        return (s, ILLEGAL_REWARD);
    }
    if s.pass_loc == IN_TAXI
        && let Some(pad) = LOCS.iter().position(|&p| p == here)
    {
        // Delivered when the pad is the destination; otherwise the passenger waits there.
        let reward = if pad == s.dest_idx {
            DELIVERY_REWARD
        } else {
            STEP_REWARD
        };
        return (TaxiState { pass_loc: pad, ..s }, reward);
    }
    (s, ILLEGAL_REWARD)
}

/// The outcomes of `(s, a)` in Gymnasium's order, unmerged: `(probability, next, reward)`.
/// `rainy` is `Some(rainy_probability)` in the rain.
pub(super) fn outcomes(s: TaxiState, action: usize, rainy: Option<f64>) -> Vec<(f64, usize, f64)> {
    if action >= PICKUP {
        let (next, reward) = pickup_or_dropoff(s, action);
        return vec![(1.0, next.index(), reward)];
    }
    let here = s.square();
    let ahead = moved(here, action);
    match rainy {
        Some(p) if ahead != here => {
            let side = (1.0 - p) / 2.0;
            let [left, right] = sideways(action).map(|m| s.at(moved(here, m)).index());
            vec![
                (p, s.at(ahead).index(), STEP_REWARD),
                (side, left, STEP_REWARD),
                (side, right, STEP_REWARD),
            ]
        }
        _ => vec![(1.0, s.at(ahead).index(), STEP_REWARD)],
    }
}

/// The exported model: 500 states, 6 actions, γ = 1, the states where the passenger is at
/// the destination terminal (absorbing, reward 0), and episodes starting uniformly on the
/// 300 states with the passenger waiting on a pad other than the destination.
pub(super) fn build_mdp(rainy: Option<f64>) -> Result<Mdp, MdpError> {
    let mut builder = MdpBuilder::new(N_STATES, N_ACTIONS);
    let starts = LOCS.len() * (LOCS.len() - 1) * N_ROWS * N_COLS;
    // Passenger waiting on a pad that is not the destination: Gymnasium's 300 starts.
    let initial = (0..N_STATES)
        .map(|i| {
            let s = decode_valid(i);
            if s.pass_loc < IN_TAXI && !s.is_terminal() {
                1.0 / starts as f64
            } else {
                0.0
            }
        })
        .collect();
    for index in 0..N_STATES {
        let s = decode_valid(index);
        if s.is_terminal() {
            builder.terminal(index);
            continue;
        }
        for action in 0..N_ACTIONS {
            for (prob, next, reward) in outcomes(s, action, rainy) {
                builder.transition(index, action, next, prob, reward);
            }
        }
    }
    builder.initial(initial);
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(taxi_row: usize, taxi_col: usize, pass_loc: usize, dest_idx: usize) -> TaxiState {
        TaxiState {
            taxi_row,
            taxi_col,
            pass_loc,
            dest_idx,
        }
    }

    #[test]
    fn encoding_matches_gymnasiums_formula_at_hand_picked_states() {
        assert_eq!(encode(0, 0, 0, 0), Some(0));
        assert_eq!(encode(4, 4, 4, 3), Some(499));
        // ((3·5 + 1)·5 + 2)·4 + 3 = 331
        assert_eq!(encode(3, 1, 2, 3), Some(331));
        assert_eq!(decode(331), Some(st(3, 1, 2, 3)));
        assert_eq!(encode(5, 0, 0, 0), None);
        assert_eq!(encode(0, 0, 5, 0), None);
        assert_eq!(encode(0, 0, 0, 4), None);
        assert_eq!(decode(500), None);
    }

    #[test]
    fn walls_block_east_west_moves_as_drawn() {
        // (0,1) has a wall east ("R: |"), (4,0) has one east ("|Y|"), (3,0) one east.
        assert_eq!(moved((0, 1), EAST), (0, 1));
        assert_eq!(moved((0, 2), WEST), (0, 2));
        assert_eq!(moved((4, 0), EAST), (4, 0));
        assert_eq!(moved((2, 1), EAST), (2, 2));
        assert_eq!(moved((0, 4), EAST), (0, 4));
        assert_eq!(moved((0, 0), WEST), (0, 0));
        assert_eq!(moved((0, 0), NORTH), (0, 0));
        assert_eq!(moved((4, 2), SOUTH), (4, 2));
        assert_eq!(moved((1, 1), SOUTH), (2, 1));
    }

    #[test]
    fn pickup_and_dropoff_pay_as_in_gymnasium() {
        let one = |s: TaxiState, a: usize| outcomes(s, a, None);
        // Pickup on the passenger's pad (Green, (0, 4)): aboard, −1.
        assert_eq!(one(st(0, 4, 1, 2), PICKUP), vec![(1.0, 98, -1.0)]);
        // Pickup elsewhere or with the passenger already aboard: no change, −10.
        assert_eq!(one(st(2, 2, 1, 2), PICKUP), vec![(1.0, 246, -10.0)]);
        assert_eq!(one(st(0, 0, 4, 1), PICKUP), vec![(1.0, 17, -10.0)]);
        // Drop-off at the destination (Blue): delivered, +20.
        assert_eq!(one(st(4, 3, 4, 3), DROPOFF), vec![(1.0, 475, 20.0)]);
        // Drop-off on another pad (Yellow): the passenger waits there, −1.
        assert_eq!(one(st(4, 0, 4, 3), DROPOFF), vec![(1.0, 411, -1.0)]);
        // Drop-off off the pads, or with nobody aboard: no change, −10.
        assert_eq!(one(st(2, 2, 4, 0), DROPOFF), vec![(1.0, 256, -10.0)]);
        assert_eq!(one(st(0, 0, 2, 1), DROPOFF), vec![(1.0, 9, -10.0)]);
    }

    #[test]
    fn rain_drifts_sideways_only_when_the_move_is_possible() {
        let side = (1.0 - 0.8) / 2.0;
        // Gymnasium 1.4's P[257][0] (taxi (2, 2), passenger aboard, destination Green).
        assert_eq!(
            outcomes(st(2, 2, 4, 1), SOUTH, Some(0.8)),
            vec![(0.8, 357, -1.0), (side, 277, -1.0), (side, 237, -1.0)]
        );
        // P[0][0]: the west drift from (0, 0) is blocked and stays.
        assert_eq!(
            outcomes(st(0, 0, 0, 0), SOUTH, Some(0.8)),
            vec![(0.8, 100, -1.0), (side, 20, -1.0), (side, 0, -1.0)]
        );
        // P[0][1]: north is blocked, so no drift at all.
        assert_eq!(
            outcomes(st(0, 0, 0, 0), NORTH, Some(0.8)),
            vec![(1.0, 0, -1.0)]
        );
    }

    #[test]
    fn model_has_300_equally_likely_starts_and_100_terminal_states() {
        let mdp = build_mdp(None).expect("the dry model is valid");
        let (support, probs) = mdp.initial_support();
        assert_eq!(support.len(), 300);
        assert!(probs.iter().all(|&p| p == 1.0 / 300.0));
        assert_eq!(mdp.terminal().iter().filter(|&&t| t).count(), 100);
        assert!(mdp.is_deterministic());
        assert!(!build_mdp(Some(0.8)).expect("valid").is_deterministic());
    }

    #[test]
    fn mask_marks_the_actions_that_change_the_state() {
        // Taxi on Red with the passenger waiting there: south, east, pickup.
        assert_eq!(mask_of(st(0, 0, 0, 1)), [1, 0, 1, 0, 1, 0]);
        // Taxi at (4, 0), passenger aboard: north and drop-off (walls east, edge west/south).
        assert_eq!(mask_of(st(4, 0, 4, 3)), [0, 1, 0, 0, 0, 1]);
        // Open square, passenger aboard, off the pads: the four moves only.
        assert_eq!(mask_of(st(2, 2, 4, 0)), [1, 1, 1, 1, 0, 0]);
    }
}
