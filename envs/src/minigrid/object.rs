//! World objects and MiniGrid's index tables.
//!
//! A cell holds at most one [`Obj`]; an empty cell is `None` in the [`super::Grid`]. Objects
//! are plain enums (no trait objects, no strings) so a grid is a flat `Vec<Option<Obj>>` that
//! is cheap to clone and compare. The numeric codes (`OBJECT_TO_IDX`, `COLOR_TO_IDX`,
//! `STATE_TO_IDX` in MiniGrid) are the `*_IDX` constants and [`Obj::encode`], which is what
//! the observation image is made of.

/// Object-type index of a cell outside the agent's sight.
pub const UNSEEN_IDX: u8 = 0;
/// Object-type index of an empty cell.
pub const EMPTY_IDX: u8 = 1;
/// Object-type index of a wall.
pub const WALL_IDX: u8 = 2;
/// Object-type index of a floor tile.
pub const FLOOR_IDX: u8 = 3;
/// Object-type index of a door.
pub const DOOR_IDX: u8 = 4;
/// Object-type index of a key.
pub const KEY_IDX: u8 = 5;
/// Object-type index of a ball.
pub const BALL_IDX: u8 = 6;
/// Object-type index of a box.
pub const BOX_IDX: u8 = 7;
/// Object-type index of the goal.
pub const GOAL_IDX: u8 = 8;
/// Object-type index of lava.
pub const LAVA_IDX: u8 = 9;
/// Object-type index of the agent (used by fully observable encodings).
pub const AGENT_IDX: u8 = 10;

/// The six colours, in MiniGrid's index order (`COLOR_TO_IDX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Color {
    /// Index 0.
    Red,
    /// Index 1.
    Green,
    /// Index 2.
    Blue,
    /// Index 3.
    Purple,
    /// Index 4.
    Yellow,
    /// Index 5.
    Grey,
}

impl Color {
    /// Every colour, in index order.
    pub const ALL: [Color; 6] = [
        Color::Red,
        Color::Green,
        Color::Blue,
        Color::Purple,
        Color::Yellow,
        Color::Grey,
    ];

    /// MiniGrid's colour index.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The colour with this index, if any.
    pub fn from_index(i: u8) -> Option<Color> {
        Color::ALL.get(usize::from(i)).copied()
    }

    /// The colour's name, as it appears in missions.
    pub fn name(self) -> &'static str {
        match self {
            Color::Red => "red",
            Color::Green => "green",
            Color::Blue => "blue",
            Color::Purple => "purple",
            Color::Yellow => "yellow",
            Color::Grey => "grey",
        }
    }

    /// The RGB value MiniGrid draws the colour with.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Color::Red => [255, 0, 0],
            Color::Green => [0, 255, 0],
            Color::Blue => [0, 0, 255],
            Color::Purple => [112, 39, 195],
            Color::Yellow => [255, 255, 0],
            Color::Grey => [100, 100, 100],
        }
    }
}

/// A door's state, in MiniGrid's index order (`STATE_TO_IDX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoorState {
    /// Index 0: passable and transparent.
    Open,
    /// Index 1: blocks movement and sight; toggling opens it.
    Closed,
    /// Index 2: closed, and only a key of the door's colour opens it.
    Locked,
}

impl DoorState {
    /// MiniGrid's state index.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// A world object: what a non-empty cell holds, or what the agent carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Obj {
    /// Impassable, opaque; always grey in the stock envs.
    Wall(Color),
    /// Passable decoration.
    Floor(Color),
    /// A door with a colour and a state.
    Door(Color, DoorState),
    /// A key.
    Key(Color),
    /// A ball.
    Ball(Color),
    /// A box, possibly holding an object that toggling the box reveals.
    Box(Color, Option<std::boxed::Box<Obj>>),
    /// The goal (green): stepping on it ends the episode with the success reward.
    Goal,
    /// Lava (red): stepping on it ends the episode with reward 0.
    Lava,
}

impl Obj {
    /// The grey wall every border is made of.
    pub const WALL: Obj = Obj::Wall(Color::Grey);

    /// MiniGrid's object-type index.
    pub fn type_index(&self) -> u8 {
        match self {
            Obj::Wall(_) => WALL_IDX,
            Obj::Floor(_) => FLOOR_IDX,
            Obj::Door(..) => DOOR_IDX,
            Obj::Key(_) => KEY_IDX,
            Obj::Ball(_) => BALL_IDX,
            Obj::Box(..) => BOX_IDX,
            Obj::Goal => GOAL_IDX,
            Obj::Lava => LAVA_IDX,
        }
    }

    /// The object's colour (goal green, lava red, as MiniGrid fixes them).
    pub fn color(&self) -> Color {
        match self {
            Obj::Wall(c)
            | Obj::Floor(c)
            | Obj::Door(c, _)
            | Obj::Key(c)
            | Obj::Ball(c)
            | Obj::Box(c, _) => *c,
            Obj::Goal => Color::Green,
            Obj::Lava => Color::Red,
        }
    }

    /// The `(type, colour, state)` triple of the observation image; the state is 0 except for
    /// doors.
    pub fn encode(&self) -> [u8; 3] {
        let state = match self {
            Obj::Door(_, s) => s.index(),
            _ => 0,
        };
        [self.type_index(), self.color().index(), state]
    }

    /// Whether the agent may stand on it (floor, goal, lava, open doors).
    pub fn can_overlap(&self) -> bool {
        matches!(
            self,
            Obj::Floor(_) | Obj::Goal | Obj::Lava | Obj::Door(_, DoorState::Open)
        )
    }

    /// Whether the agent may pick it up (keys, balls, boxes).
    pub fn can_pickup(&self) -> bool {
        matches!(self, Obj::Key(_) | Obj::Ball(_) | Obj::Box(..))
    }

    /// Whether sight passes through it (everything but walls and doors that are not open).
    pub fn see_behind(&self) -> bool {
        match self {
            Obj::Wall(_) => false,
            Obj::Door(_, state) => *state == DoorState::Open,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_minigrid_tables() {
        assert_eq!(Obj::WALL.encode(), [2, 5, 0]);
        assert_eq!(Obj::Goal.encode(), [8, 1, 0]);
        assert_eq!(Obj::Lava.encode(), [9, 0, 0]);
        assert_eq!(
            Obj::Door(Color::Yellow, DoorState::Locked).encode(),
            [4, 4, 2]
        );
        assert_eq!(Obj::Door(Color::Blue, DoorState::Open).encode(), [4, 2, 0]);
        assert_eq!(Obj::Door(Color::Red, DoorState::Closed).encode(), [4, 0, 1]);
        assert_eq!(Obj::Box(Color::Purple, None).encode(), [7, 3, 0]);
        assert_eq!(Color::from_index(5), Some(Color::Grey));
        assert_eq!(Color::from_index(6), None);
    }

    #[test]
    fn only_open_doors_are_passable_and_transparent() {
        let open = Obj::Door(Color::Red, DoorState::Open);
        let closed = Obj::Door(Color::Red, DoorState::Closed);
        assert!(open.can_overlap() && open.see_behind());
        assert!(!closed.can_overlap() && !closed.see_behind());
        assert!(!Obj::WALL.see_behind() && !Obj::WALL.can_overlap());
        assert!(Obj::Key(Color::Red).can_pickup() && !Obj::Goal.can_pickup());
    }
}
