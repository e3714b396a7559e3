//! [`LakeMap`]: a FrozenLake map, parsed and validated once so the model builder and the
//! renderers can index tiles without re-checking them.
//!
//! A map is Gymnasium's `desc`: rows of equal length over the letters `S` (start), `F`
//! (frozen), `H` (hole) and `G` (goal). Gymnasium accepts any such array and fails later (or
//! never) on a map without a start; here the map is checked up front — rectangular, exactly
//! one `S`, at least one `G`, no other letters, at most [`MAX_LAKE_SIDE`] rows and columns —
//! and every error says where the problem is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The most rows, and the most columns, a lake may have (custom or random): 1024, so at most
/// 1,048,576 states. Making a slippery 1024x1024 lake peaks near 0.8 GB (measured with
/// `rollout --env FrozenLake-v1 --env-arg size=1024`); larger lakes are refused rather than
/// left to exhaust memory (a 3000x3000 one would need about 7 GB).
pub const MAX_LAKE_SIDE: usize = 1024;

/// One tile of the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tile {
    /// `S`: where every episode starts; walkable like frozen ice.
    Start,
    /// `F`: frozen ice, walkable.
    Frozen,
    /// `H`: a hole; entering it ends the episode.
    Hole,
    /// `G`: the goal; entering it ends the episode.
    Goal,
}

impl Tile {
    /// The tile of a map letter, `None` for any other character.
    pub fn from_char(c: char) -> Option<Tile> {
        match c {
            'S' => Some(Tile::Start),
            'F' => Some(Tile::Frozen),
            'H' => Some(Tile::Hole),
            'G' => Some(Tile::Goal),
            _ => None,
        }
    }

    /// The map letter.
    pub fn symbol(self) -> char {
        match self {
            Tile::Start => 'S',
            Tile::Frozen => 'F',
            Tile::Hole => 'H',
            Tile::Goal => 'G',
        }
    }

    /// Whether entering the tile ends the episode (holes and goals).
    pub fn is_terminal(self) -> bool {
        matches!(self, Tile::Hole | Tile::Goal)
    }
}

/// Gymnasium's built-in maps (`map_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MapName {
    /// `"4x4"`: 4 holes, the default of `FrozenLake-v1`.
    #[serde(rename = "4x4")]
    FourByFour,
    /// `"8x8"`: 10 holes, the default of `FrozenLake8x8-v1`.
    #[serde(rename = "8x8")]
    EightByEight,
}

impl MapName {
    /// The map's rows, as Gymnasium lists them.
    pub fn rows(self) -> &'static [&'static str] {
        match self {
            MapName::FourByFour => &["SFFF", "FHFH", "FFFH", "HFFG"],
            MapName::EightByEight => &[
                "SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF",
                "FFFHFFFG",
            ],
        }
    }

    /// The name as Gymnasium spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            MapName::FourByFour => "4x4",
            MapName::EightByEight => "8x8",
        }
    }
}

impl FromStr for MapName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "4x4" => Ok(MapName::FourByFour),
            "8x8" => Ok(MapName::EightByEight),
            other => Err(format!("unknown FrozenLake map {other:?} (4x4 or 8x8)")),
        }
    }
}

/// Why a map was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LakeMapError {
    /// No rows, or an empty row 0.
    #[error("a FrozenLake map needs at least one row and one column")]
    Empty,
    /// A row whose length differs from row 0's.
    #[error("row {row} has {found} tiles but row 0 has {expected}: a map must be rectangular")]
    Ragged {
        /// The row (0-based).
        row: usize,
        /// Its length.
        found: usize,
        /// Row 0's length.
        expected: usize,
    },
    /// A character that is not a tile letter.
    #[error("row {row}, column {col}: {found:?} is not a tile (S start, F frozen, H hole, G goal)")]
    BadTile {
        /// The row (0-based).
        row: usize,
        /// The column (0-based).
        col: usize,
        /// The character.
        found: char,
    },
    /// Not exactly one `S`.
    #[error("a FrozenLake map needs exactly one start tile S, found {found}")]
    StartCount {
        /// How many `S` tiles the map has.
        found: usize,
    },
    /// No `G`.
    #[error("a FrozenLake map needs at least one goal tile G, found none")]
    NoGoal,
    /// A custom map with more than [`MAX_LAKE_SIDE`] rows or columns.
    #[error(
        "a {nrow}x{ncol} FrozenLake map is too large: at most {max} rows and {max} columns",
        max = MAX_LAKE_SIDE
    )]
    TooLarge {
        /// Number of rows.
        nrow: usize,
        /// Number of columns (of row 0).
        ncol: usize,
    },
    /// A random map larger than [`MAX_LAKE_SIDE`]x[`MAX_LAKE_SIDE`].
    #[error("random map size {0} is too large: the size must be at most {max}", max = MAX_LAKE_SIDE)]
    SizeTooLarge(usize),
    /// A random map smaller than 2x2.
    #[error("random map size {0} is too small: the start and the goal need a map of at least 2x2")]
    SizeTooSmall(usize),
    /// A random map's frozen probability outside (0, 1].
    #[error("random map frozen probability p = {0} is not in (0, 1]")]
    FrozenProbability(f64),
    /// The generator found no map with a path from start to goal.
    #[error(
        "no random {size}x{size} map with p = {p} had a path from start to goal in {attempts} \
         attempts; raise p"
    )]
    NoValidMap {
        /// Side of the map.
        size: usize,
        /// Probability of a frozen tile.
        p: f64,
        /// Maps drawn.
        attempts: usize,
    },
}

/// A validated FrozenLake map: states are tile indices `row · ncol + col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakeMap {
    nrow: usize,
    ncol: usize,
    tiles: Vec<Tile>,
    start: usize,
}

impl LakeMap {
    /// Parses and validates rows of tile letters (Gymnasium's `desc`).
    pub fn from_rows<S: AsRef<str>>(rows: &[S]) -> Result<Self, LakeMapError> {
        let ncol = rows.first().map_or(0, |r| r.as_ref().chars().count());
        if ncol == 0 {
            return Err(LakeMapError::Empty);
        }
        if rows.len() > MAX_LAKE_SIDE || ncol > MAX_LAKE_SIDE {
            return Err(LakeMapError::TooLarge {
                nrow: rows.len(),
                ncol,
            });
        }
        let mut tiles = Vec::with_capacity(rows.len() * ncol);
        for (row, text) in rows.iter().enumerate() {
            let found = text.as_ref().chars().count();
            if found != ncol {
                return Err(LakeMapError::Ragged {
                    row,
                    found,
                    expected: ncol,
                });
            }
            for (col, c) in text.as_ref().chars().enumerate() {
                let tile =
                    Tile::from_char(c).ok_or(LakeMapError::BadTile { row, col, found: c })?;
                tiles.push(tile);
            }
        }
        let starts: Vec<usize> = (0..tiles.len())
            .filter(|&s| tiles[s] == Tile::Start)
            .collect();
        let &[start] = starts.as_slice() else {
            return Err(LakeMapError::StartCount {
                found: starts.len(),
            });
        };
        if !tiles.contains(&Tile::Goal) {
            return Err(LakeMapError::NoGoal);
        }
        Ok(LakeMap {
            nrow: rows.len(),
            ncol,
            tiles,
            start,
        })
    }

    /// Parses a map written on one line, rows separated by commas: `"SFFF,FHFH,FFFH,HFFG"`.
    /// Spaces around rows are ignored, and so are the brackets and quotes of a pasted Python
    /// list (`["SFFF", "FHFH", "FFFH", "HFFG"]`). See [`split_desc`].
    pub fn parse_desc(desc: &str) -> Result<Self, LakeMapError> {
        Self::from_rows(&split_desc(desc))
    }

    /// One of Gymnasium's built-in maps.
    pub fn named(name: MapName) -> Self {
        // The built-in rows are constants checked by the tests; nothing a user passes reaches
        // this parse.
        Self::from_rows(name.rows()).expect("the built-in FrozenLake maps are valid")
    }

    /// Number of rows.
    pub fn nrow(&self) -> usize {
        self.nrow
    }

    /// Number of columns.
    pub fn ncol(&self) -> usize {
        self.ncol
    }

    /// Number of tiles, which is the number of states.
    pub fn n_states(&self) -> usize {
        self.tiles.len()
    }

    /// Every tile, row by row: `tiles()[row · ncol + col]`.
    pub fn tiles(&self) -> &[Tile] {
        &self.tiles
    }

    /// The tile at (row, col), `None` outside the map.
    pub fn tile(&self, row: usize, col: usize) -> Option<Tile> {
        (row < self.nrow && col < self.ncol).then(|| self.tiles[row * self.ncol + col])
    }

    /// The state of the start tile.
    pub fn start(&self) -> usize {
        self.start
    }

    /// The (row, col) of state `s`.
    pub fn position(&self, s: usize) -> (usize, usize) {
        (s / self.ncol, s % self.ncol)
    }

    /// The rows as strings of tile letters (what Gymnasium's `desc` holds).
    pub fn rows(&self) -> Vec<String> {
        self.tiles
            .chunks(self.ncol)
            .map(|row| row.iter().map(|t| t.symbol()).collect())
            .collect()
    }

    /// Whether a goal can be reached from the start without entering a hole (the validity
    /// test of Gymnasium's random maps, which only ever have one goal in the far corner).
    pub fn has_path_to_goal(&self) -> bool {
        let mut seen = vec![false; self.tiles.len()];
        let mut stack = vec![self.start];
        seen[self.start] = true;
        while let Some(s) = stack.pop() {
            if self.tiles[s] == Tile::Goal {
                return true;
            }
            let (r, c) = self.position(s);
            let neighbours = [
                (r + 1 < self.nrow).then(|| s + self.ncol),
                (c + 1 < self.ncol).then(|| s + 1),
                r.checked_sub(1).map(|_| s - self.ncol),
                c.checked_sub(1).map(|_| s - 1),
            ];
            for n in neighbours.into_iter().flatten() {
                if !seen[n] && self.tiles[n] != Tile::Hole {
                    seen[n] = true;
                    stack.push(n);
                }
            }
        }
        false
    }

    /// A map from tiles already known to be valid (the random generator's output).
    pub(super) fn from_valid_tiles(size: usize, tiles: Vec<Tile>) -> Self {
        LakeMap {
            nrow: size,
            ncol: size,
            tiles,
            start: 0,
        }
    }
}

/// Rows, one per line.
impl fmt::Display for LakeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, row) in self.rows().iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(row)?;
        }
        Ok(())
    }
}

/// Splits a one-line map into its rows: comma-separated, surrounding spaces ignored, and the
/// brackets and quotes of a pasted Python list stripped. Validation is [`LakeMap::from_rows`]'s.
pub fn split_desc(desc: &str) -> Vec<String> {
    let trimmed = desc.trim();
    let inner = trimmed
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(trimmed);
    inner
        .split(',')
        .map(|row| {
            let row = row.trim();
            ['"', '\'']
                .iter()
                .find_map(|q| row.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
                .unwrap_or(row)
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_maps_parse_with_their_holes() {
        let small = LakeMap::named(MapName::FourByFour);
        assert_eq!((small.nrow(), small.ncol(), small.start()), (4, 4, 0));
        let holes = |m: &LakeMap| m.tiles().iter().filter(|t| **t == Tile::Hole).count();
        assert_eq!(holes(&small), 4);
        assert_eq!(small.tile(3, 3), Some(Tile::Goal));
        assert_eq!(small.tile(4, 0), None);
        let large = LakeMap::named(MapName::EightByEight);
        assert_eq!((large.n_states(), holes(&large)), (64, 10));
        assert!(small.has_path_to_goal() && large.has_path_to_goal());
    }

    #[test]
    fn desc_accepts_commas_and_python_lists() {
        let want = vec!["SF".to_string(), "HG".to_string()];
        assert_eq!(split_desc("SF,HG"), want);
        assert_eq!(split_desc(" SF , HG "), want);
        assert_eq!(split_desc("[\"SF\", \"HG\"]"), want);
        assert_eq!(split_desc("['SF','HG']"), want);
        let map = LakeMap::parse_desc("SFH,FFG").expect("valid");
        assert_eq!(map.rows(), vec!["SFH", "FFG"]);
        assert_eq!(map.to_string(), "SFH\nFFG");
        assert_eq!(map.position(4), (1, 1));
    }

    #[test]
    fn path_check_goes_around_holes_and_stops_at_them() {
        let around = LakeMap::parse_desc("SHF,FHF,FFG").expect("valid");
        assert!(around.has_path_to_goal());
        let walled = LakeMap::parse_desc("SHF,HFF,FFG").expect("valid");
        assert!(!walled.has_path_to_goal());
    }
}
