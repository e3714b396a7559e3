//! The text-map parser: header lines, then grid rows (format documented in [`super`]).
//!
//! Parsing is one pass over the lines. Header values are checked where they stand; the checks
//! that need the whole grid (wind length, at least one start and one terminal cell) run after
//! the last row and point at the line that is wrong (the `wind` line, the first grid row).
//! Every position reported is 1-based and counts characters, not bytes.

use std::path::Path;

use super::error::{MapError, MapProblem};

/// What one grid cell is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// `.`: free floor; entering it pays `step_reward`.
    Floor,
    /// `#`: blocks movement.
    Wall,
    /// `S`: a start cell (episodes start uniformly over all of them); otherwise floor.
    Start,
    /// `G` or a declared goal character: terminal, entering it pays the reward held here.
    Goal(f64),
    /// `L`: lava or a pit: terminal, entering it pays `lava_reward`.
    Lava,
    /// `X`: a cliff: entering it pays `cliff_reward` and sends the agent back to a start cell
    /// (drawn uniformly when the map has several).
    Cliff,
}

impl Cell {
    /// Whether an episode ends on entering this cell.
    pub fn is_terminal(self) -> bool {
        matches!(self, Cell::Goal(_) | Cell::Lava)
    }

    /// Whether the agent can stand on this cell and walk on from it (floor, start, goal).
    pub fn is_walkable(self) -> bool {
        matches!(self, Cell::Floor | Cell::Start | Cell::Goal(_))
    }
}

/// The numbers a map's header sets; every field may also be overridden before building the
/// model (the registry's kwargs do that).
#[derive(Debug, Clone, PartialEq)]
pub struct GridParams {
    /// Reward for entering floor or start cells, and for bumping into a wall or the border.
    pub step_reward: f64,
    /// Reward for entering a `G` cell (declared goals carry their own).
    pub goal_reward: f64,
    /// Reward for entering an `L` cell.
    pub lava_reward: f64,
    /// Reward for entering an `X` cell (the agent then restarts).
    pub cliff_reward: f64,
    /// Probability of slipping: each perpendicular move happens with `slip / 2`.
    pub slip: f64,
    /// Upward push per column (Sutton & Barto's windy gridworld); empty means no wind.
    pub wind: Vec<i64>,
    /// Discount factor of the exported model.
    pub gamma: f64,
}

impl Default for GridParams {
    fn default() -> Self {
        GridParams {
            step_reward: 0.0,
            goal_reward: 1.0,
            lava_reward: -1.0,
            cliff_reward: -100.0,
            slip: 0.0,
            wind: Vec::new(),
            gamma: 0.99,
        }
    }
}

impl GridParams {
    /// Checks ranges: rewards finite, `slip` and `gamma` in [0, 1].
    pub fn validate(&self) -> Result<(), MapError> {
        let rewards = [
            ("step_reward", self.step_reward),
            ("goal_reward", self.goal_reward),
            ("lava_reward", self.lava_reward),
            ("cliff_reward", self.cliff_reward),
        ];
        for (name, value) in rewards {
            if !value.is_finite() {
                return Err(MapError::param(name, value, "must be finite"));
            }
        }
        for (name, value) in [("slip", self.slip), ("gamma", self.gamma)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(MapError::param(name, value, "must lie in [0, 1]"));
            }
        }
        Ok(())
    }
}

/// A parsed map: the cells, their characters and the header's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct GridMap {
    nrows: usize,
    ncols: usize,
    cells: Vec<Cell>,
    symbols: Vec<char>,
    params: GridParams,
}

impl GridMap {
    /// Parses a map; `origin` names the source in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Self, MapError> {
        Parser::new(origin).run(text)
    }

    /// Reads and parses a map file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, MapError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| MapError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// The cell at (row, col), `None` outside the grid.
    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        (row < self.nrows && col < self.ncols).then(|| self.cells[row * self.ncols + col])
    }

    /// All cells, row-major: the cell of state `s` is `cells()[s]`.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The character each cell was written with, row-major.
    pub fn symbols(&self) -> &[char] {
        &self.symbols
    }

    /// The parameters (header values or overrides).
    pub fn params(&self) -> &GridParams {
        &self.params
    }

    /// The same map with other parameters, after [`GridParams::validate`] and a wind-length
    /// check. `goal_reward` is applied to the `G` cells; declared goals keep their rewards.
    pub fn with_params(mut self, params: GridParams) -> Result<Self, MapError> {
        params.validate()?;
        if !params.wind.is_empty() && params.wind.len() != self.ncols {
            return Err(MapError::BadParam {
                name: "wind",
                value: format!("{:?}", params.wind),
                reason: "needs one entry per grid column",
            });
        }
        if params.wind.iter().any(|w| !wind_fits(*w, self.nrows)) {
            return Err(MapError::BadParam {
                name: "wind",
                value: format!("{:?}", params.wind),
                reason: "each entry must lie within ± the number of grid rows",
            });
        }
        for (cell, sym) in self.cells.iter_mut().zip(&self.symbols) {
            if *sym == 'G' {
                *cell = Cell::Goal(params.goal_reward);
            }
        }
        self.params = params;
        Ok(self)
    }

    /// The state index of (row, col).
    pub fn index(&self, row: usize, col: usize) -> usize {
        row * self.ncols + col
    }

    /// The (row, col) of a state index.
    pub fn position(&self, state: usize) -> (usize, usize) {
        (state / self.ncols, state % self.ncols)
    }

    /// The start cells' state indices, in row-major order.
    pub fn starts(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|&s| self.cells[s] == Cell::Start)
            .collect()
    }
}

/// One pass over the lines; `grid_line` remembers where the grid started for whole-grid errors.
struct Parser<'a> {
    origin: &'a str,
    params: GridParams,
    seen: Vec<String>,
    goals: Vec<(char, f64)>,
    wind_at: Option<(usize, usize, usize)>,
    rows: Vec<Vec<char>>,
    grid_line: usize,
    blank_after_grid: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(origin: &'a str) -> Self {
        Parser {
            origin,
            params: GridParams::default(),
            seen: Vec::new(),
            goals: Vec::new(),
            wind_at: None,
            rows: Vec::new(),
            grid_line: 0,
            blank_after_grid: None,
        }
    }

    fn err(&self, line: usize, column: usize, problem: MapProblem) -> MapError {
        MapError::Malformed {
            origin: self.origin.to_string(),
            line,
            column,
            problem,
        }
    }

    fn run(mut self, text: &str) -> Result<GridMap, MapError> {
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end();
            let trimmed = line.trim_start();
            if trimmed.starts_with(';') {
                continue;
            }
            if trimmed.is_empty() {
                if !self.rows.is_empty() && self.blank_after_grid.is_none() {
                    self.blank_after_grid = Some(line_no);
                }
                continue;
            }
            // A header may end in a `; comment`; grid rows may not.
            let code = line.find(';').map_or(line, |i| line[..i].trim_end());
            if let Some(eq) = code.find('=') {
                if !self.rows.is_empty() {
                    return Err(self.err(line_no, 1, MapProblem::HeaderAfterGrid));
                }
                self.header(code, eq, line_no)?;
            } else {
                if let Some(blank) = self.blank_after_grid {
                    return Err(self.err(blank, 1, MapProblem::BlankInGrid));
                }
                if self.rows.is_empty() {
                    self.grid_line = line_no;
                }
                self.rows.push(line.chars().collect());
                self.check_row(line_no)?;
            }
        }
        self.finish()
    }

    fn check_row(&self, line_no: usize) -> Result<(), MapError> {
        let Some(row) = self.rows.last() else {
            return Ok(());
        };
        for (j, &c) in row.iter().enumerate() {
            if self.cell_of(c).is_none() {
                return Err(self.err(line_no, j + 1, MapProblem::UnknownChar(c)));
            }
        }
        let expected = self.rows[0].len();
        if row.len() != expected {
            let column = expected.min(row.len()) + 1;
            return Err(self.err(
                line_no,
                column,
                MapProblem::RaggedRow {
                    expected,
                    found: row.len(),
                },
            ));
        }
        Ok(())
    }

    fn cell_of(&self, c: char) -> Option<Cell> {
        Some(match c {
            '.' => Cell::Floor,
            '#' => Cell::Wall,
            'S' => Cell::Start,
            'G' => Cell::Goal(self.params.goal_reward),
            'L' => Cell::Lava,
            'X' => Cell::Cliff,
            _ => Cell::Goal(self.goals.iter().find(|(g, _)| *g == c)?.1),
        })
    }

    /// One `key = value` line; columns point at the key or the value that is wrong.
    fn header(&mut self, line: &str, eq: usize, line_no: usize) -> Result<(), MapError> {
        let key_part = &line[..eq];
        let key_col = char_col(line, key_part.len() - key_part.trim_start().len());
        let key = key_part.trim().to_string();
        let value_part = &line[eq + 1..];
        let value_col = char_col(
            line,
            eq + 1 + value_part.len() - value_part.trim_start().len(),
        );
        let value = value_part.trim();

        let dup = |p: &Self, k: &str| {
            if p.seen.iter().any(|s| s == k) {
                Err(p.err(line_no, key_col, MapProblem::DuplicateKey(k.to_string())))
            } else {
                Ok(())
            }
        };
        dup(self, &key)?;
        let bad = |expected| MapProblem::BadValue {
            key: key.clone(),
            value: value.to_string(),
            expected,
        };
        let number = |p: &Self, expected| {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| p.err(line_no, value_col, bad(expected)))
        };
        let unit = |p: &Self| {
            number(p, "a number in [0, 1]").and_then(|v| {
                if (0.0..=1.0).contains(&v) {
                    Ok(v)
                } else {
                    Err(p.err(line_no, value_col, bad("a number in [0, 1]")))
                }
            })
        };
        match key.as_str() {
            "step_reward" => self.params.step_reward = number(self, "a finite number")?,
            "goal_reward" => self.params.goal_reward = number(self, "a finite number")?,
            "lava_reward" => self.params.lava_reward = number(self, "a finite number")?,
            "cliff_reward" => self.params.cliff_reward = number(self, "a finite number")?,
            "slip" => self.params.slip = unit(self)?,
            "gamma" => self.params.gamma = unit(self)?,
            "wind" => {
                let parsed: Result<Vec<i64>, _> =
                    value.split_whitespace().map(str::parse::<i64>).collect();
                self.params.wind = parsed.map_err(|_| {
                    self.err(line_no, value_col, bad("integers separated by spaces"))
                })?;
                self.wind_at = Some((line_no, value_col, self.params.wind.len()));
            }
            k if k == "goal" || k.starts_with("goal ") || k.starts_with("goal\t") => {
                let name = k[4..].trim();
                let mut chars = name.chars();
                let c = match (chars.next(), chars.next()) {
                    (Some(c), None) if !"#.SGLX=;@".contains(c) => c,
                    _ => {
                        return Err(self.err(
                            line_no,
                            key_col,
                            MapProblem::BadGoalChar(key.clone()),
                        ));
                    }
                };
                let reward = number(self, "a finite number")?;
                // Redeclaring a goal character is a duplicate key under its normalised name.
                let norm = format!("goal {c}");
                dup(self, &norm)?;
                self.goals.push((c, reward));
                self.seen.push(norm);
                return Ok(());
            }
            _ => return Err(self.err(line_no, key_col, MapProblem::UnknownKey(key))),
        }
        self.seen.push(key);
        Ok(())
    }

    fn finish(self) -> Result<GridMap, MapError> {
        if self.rows.is_empty() {
            return Err(self.err(1, 1, MapProblem::EmptyGrid));
        }
        let (nrows, ncols) = (self.rows.len(), self.rows[0].len());
        let symbols: Vec<char> = self.rows.iter().flatten().copied().collect();
        let cells: Vec<Cell> = symbols
            .iter()
            .map(|&c| self.cell_of(c).unwrap_or(Cell::Wall))
            .collect();
        if let Some((line, column, found)) = self.wind_at
            && found != ncols
        {
            return Err(self.err(
                line,
                column,
                MapProblem::WindLength {
                    expected: ncols,
                    found,
                },
            ));
        }
        if let (Some((line, column, _)), Some(&strength)) = (
            self.wind_at,
            self.params.wind.iter().find(|w| !wind_fits(**w, nrows)),
        ) {
            return Err(self.err(line, column, MapProblem::WindStrength { strength, nrows }));
        }
        if !cells.contains(&Cell::Start) {
            return Err(self.err(self.grid_line, 1, MapProblem::NoStart));
        }
        if !cells.iter().any(|c| c.is_terminal()) {
            return Err(self.err(self.grid_line, 1, MapProblem::NoTerminal));
        }
        Ok(GridMap {
            nrows,
            ncols,
            cells,
            symbols,
            params: self.params,
        })
    }
}

/// Whether a wind entry is at most the grid height in size: a stronger push changes nothing
/// (the border stops it) and an unbounded one would overflow the displacement arithmetic.
fn wind_fits(strength: i64, nrows: usize) -> bool {
    strength.unsigned_abs() <= nrows as u64
}

/// 1-based character column of byte offset `byte` in `line`.
fn char_col(line: &str, byte: usize) -> usize {
    line[..byte].chars().count() + 1
}
