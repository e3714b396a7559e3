//! Test helper of the MultiRoom, LockedRoom, RedBlueDoors and Memory tests: scripts the agent
//! along a shortest path (breadth-first over the grid), opening doors on its way, so the win
//! and loss rules are exercised by real action sequences.

use std::collections::VecDeque;

use rewardlab_core::Step;

use crate::minigrid::any::AnyMiniGrid;
use crate::minigrid::layout::Pos;
use crate::minigrid::object::{DoorState, Obj};
use crate::minigrid::obs::MiniGridObs;
use crate::minigrid::world::{Action, World};

/// Whether a walk may cross this cell: empty, overlappable, or a door (opened on the way).
fn crossable(cell: Option<&Obj>) -> bool {
    cell.is_none_or(|o| o.can_overlap() || matches!(o, Obj::Door(..)))
}

/// A shortest 4-connected path from `from` to `to`, both included, crossing only crossable
/// cells (`to` itself may be anything).
pub fn path(world: &World, from: Pos, to: Pos) -> Option<Vec<Pos>> {
    let (w, h) = (world.grid.width(), world.grid.height());
    let mut prev: Vec<Option<Pos>> = vec![None; w * h];
    let mut queue = VecDeque::from([from]);
    prev[from.1 * w + from.0] = Some(from);
    while let Some(p) = queue.pop_front() {
        if p == to {
            let mut out = vec![to];
            let mut cur = to;
            while cur != from {
                cur = prev[cur.1 * w + cur.0]?;
                out.push(cur);
            }
            out.reverse();
            return Some(out);
        }
        let (x, y) = p;
        let next = [
            (x + 1, y),
            (x, y + 1),
            (x.wrapping_sub(1), y),
            (x, y.wrapping_sub(1)),
        ];
        for q in next {
            if q.0 >= w || q.1 >= h || prev[q.1 * w + q.0].is_some() {
                continue;
            }
            if q == to || crossable(world.grid.get(q.0, q.1)) {
                prev[q.1 * w + q.0] = Some(p);
                queue.push_back(q);
            }
        }
    }
    None
}

/// One action, in a running episode.
pub fn act<E: AnyMiniGrid>(env: &mut E, a: Action) -> Step<MiniGridObs> {
    env.step(&(a as usize))
        .expect("the episode is still running")
}

/// The direction from `a` to the neighbouring cell `b` (0 right, 1 down, 2 left, 3 up).
fn dir_to(a: Pos, b: Pos) -> u8 {
    if b.0 > a.0 {
        0
    } else if b.1 > a.1 {
        1
    } else if b.0 < a.0 {
        2
    } else {
        3
    }
}

/// Turns the agent to face `dir`; the last step, if it had to turn.
pub fn face<E: AnyMiniGrid>(env: &mut E, dir: u8) -> Option<Step<MiniGridObs>> {
    let mut last = None;
    while env.world().agent_dir != dir {
        let turn = if (dir + 4 - env.world().agent_dir) % 4 == 3 {
            Action::Left
        } else {
            Action::Right
        };
        last = Some(act(env, turn));
    }
    last
}

/// Walks along a shortest path onto `to` or, with `stop_next_to`, to the cell before it,
/// facing it; a closed or locked door ahead is toggled before crossing it. Returns the last
/// step taken. Panics if there is no path or a move fails.
pub fn walk<E: AnyMiniGrid>(env: &mut E, to: Pos, stop_next_to: bool) -> Option<Step<MiniGridObs>> {
    let cells = path(env.world(), env.world().agent_pos, to).expect("the target is reachable");
    let mut last = None;
    for pair in cells.windows(2) {
        let (from, next) = (pair[0], pair[1]);
        if let Some(s) = face(env, dir_to(from, next)) {
            last = Some(s);
        }
        if stop_next_to && next == to {
            break;
        }
        if let Some(Obj::Door(_, state)) = env.world().grid.get(next.0, next.1)
            && *state != DoorState::Open
        {
            act(env, Action::Toggle);
        }
        last = Some(act(env, Action::Forward));
        assert_eq!(env.world().agent_pos, next, "the agent moved onto {next:?}");
    }
    last
}
