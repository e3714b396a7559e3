//! From a [`GridMap`] to its [`Mdp`]: the movement rules, slip, wind and cell events.
//!
//! Everything the simulator does is decided here, once, as transition probabilities; the
//! environment only samples the result. The rules (documented for users in [`super`]):
//! 1. slip: the intended direction with 1 − p, each perpendicular one with p/2;
//! 2. the horizontal part of the move (blocked by a wall or the border: no horizontal move);
//! 3. the vertical part: the action's row change minus the wind of the column the agent moved
//!    *from*, walked one cell at a time and stopped by the first wall or the border;
//! 4. the cell where the agent ends decides the event: goal or lava (terminal, their reward),
//!    cliff (cliff reward, back to a uniformly drawn start), otherwise `step_reward`.

use std::collections::VecDeque;

use rewardlab_core::mdp::{Mdp, MdpBuilder};

use super::MapError;
use super::map::{Cell, GridMap};

/// Number of actions: 0 up, 1 right, 2 down, 3 left (Gymnasium's CliffWalking order).
pub const N_ACTIONS: usize = 4;

/// Row and column change of each action.
const DELTAS: [(i64, i64); N_ACTIONS] = [(-1, 0), (0, 1), (1, 0), (0, -1)];

/// Builds the model of `map`: states are cells (`row · ncols + col`), walls included.
///
/// Walls are unreachable states marked terminal (absorbing, reward 0). Making them terminal
/// rather than non-terminal self-loops keeps every state able to end an episode, which
/// γ = 1 planners need: a non-terminal trap has no finite value under exact policy
/// evaluation, and soft value iteration would add τ·ln |A| to it on every sweep. No
/// transition enters a wall and `set_state` refuses them, so the env never reports one.
///
/// When several outcomes of one action land on the same state with different rewards (with
/// slip, a bump and a cliff fall can both end on the start), the model keeps them as separate
/// outcomes of that successor, so a sampled step pays one of the rewards the map defines;
/// outcomes with equal rewards are merged by the builder.
pub fn build_mdp(map: &GridMap) -> Result<Mdp, MapError> {
    let n = map.nrows() * map.ncols();
    let starts = map.starts();
    let mut b = MdpBuilder::new(n, N_ACTIONS).gamma(map.params().gamma);
    let mut initial = vec![0.0; n];
    for &s in &starts {
        initial[s] = 1.0 / starts.len() as f64;
    }
    b.initial(initial);
    for s in 0..n {
        match map.cells()[s] {
            c if c.is_terminal() || c == Cell::Wall => {
                b.terminal(s);
            }
            _ => {
                for a in 0..N_ACTIONS {
                    for (next, prob, reward) in outcomes(map, &starts, s, a) {
                        b.transition(s, a, next, prob, reward);
                    }
                }
            }
        }
    }
    Ok(b.build()?)
}

/// The outcomes `(next, prob, reward)` of a non-terminal, non-wall state, one per slip
/// direction (a cliff fall split over the starts); the builder merges those that share both
/// successor and reward and keeps the others apart.
fn outcomes(map: &GridMap, starts: &[usize], s: usize, a: usize) -> Vec<(usize, f64, f64)> {
    let p = map.params();
    let directions = [
        (a, 1.0 - p.slip),
        ((a + 1) % 4, p.slip / 2.0),
        ((a + 3) % 4, p.slip / 2.0),
    ];
    let mut out = Vec::with_capacity(3 + starts.len());
    for (dir, prob) in directions {
        // Without slip the perpendicular directions have probability 0: no outcome at all.
        if prob <= 0.0 {
            continue;
        }
        let landed = land(map, s, dir);
        match map.cells()[landed] {
            Cell::Goal(r) => out.push((landed, prob, r)),
            Cell::Lava => out.push((landed, prob, p.lava_reward)),
            Cell::Cliff => {
                let share = prob / starts.len() as f64;
                out.extend(starts.iter().map(|&st| (st, share, p.cliff_reward)));
            }
            _ => out.push((landed, prob, p.step_reward)),
        }
    }
    out
}

/// Where moving in direction `dir` from `s` ends, after walls, border and wind.
fn land(map: &GridMap, s: usize, dir: usize) -> usize {
    let (row, col) = map.position(s);
    let (mut r, mut c) = (row as i64, col as i64);
    let (dr, dc) = DELTAS[dir];
    let open = |r: i64, c: i64| {
        r >= 0
            && c >= 0
            && map
                .cell(r as usize, c as usize)
                .is_some_and(|cell| cell != Cell::Wall)
    };
    if dc != 0 && open(r, c + dc) {
        c += dc;
    }
    let wind = map.params().wind.get(col).copied().unwrap_or(0);
    let vertical = dr - wind;
    for _ in 0..vertical.unsigned_abs() {
        let next = r + vertical.signum();
        if !open(next, c) {
            break;
        }
        r = next;
    }
    map.index(r as usize, c as usize)
}

/// Shortest walking distance (in moves, ignoring wind and slip) from each cell to the
/// nearest goal, through floor, start and goal cells. `None` for walls, lava, cliffs and
/// cells that cannot reach a goal.
pub fn distance_to_goal(map: &GridMap) -> Vec<Option<usize>> {
    let cells = map.cells();
    let mut dist = vec![None; cells.len()];
    let mut queue = VecDeque::new();
    for (s, cell) in cells.iter().enumerate() {
        if matches!(cell, Cell::Goal(_)) {
            dist[s] = Some(0);
            queue.push_back(s);
        }
    }
    while let Some(s) = queue.pop_front() {
        let d = dist[s].unwrap_or(0) + 1;
        let (row, col) = map.position(s);
        for (dr, dc) in DELTAS {
            let (r, c) = (row as i64 + dr, col as i64 + dc);
            if r < 0 || c < 0 {
                continue;
            }
            let Some(cell) = map.cell(r as usize, c as usize) else {
                continue;
            };
            let t = map.index(r as usize, c as usize);
            if cell.is_walkable() && dist[t].is_none() {
                dist[t] = Some(d);
                queue.push_back(t);
            }
        }
    }
    dist
}
