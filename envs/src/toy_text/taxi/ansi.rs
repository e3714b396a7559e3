//! Gymnasium's `render_mode="ansi"` text for Taxi, byte for byte.
//!
//! The map is printed with ANSI escape codes: the taxi square gets a yellow background (green
//! with the passenger aboard, where an empty square shows `_`), the waiting passenger's pad
//! is bold blue and the destination magenta. Codes are applied in Gymnasium's order (taxi,
//! passenger, destination), each wrapping whatever the square already holds, so a square that
//! is several of these at once carries nested codes exactly as Gymnasium prints them. A last
//! line names the last action (`  (South)`), or is empty after a reset.

use super::model::{ACTION_NAMES, IN_TAXI, LOCS, MAP, TaxiState};

/// Terminal colours Gymnasium's `colorize` knows, by their SGR foreground code.
#[derive(Debug, Clone, Copy)]
enum Colour {
    Green = 32,
    Yellow = 33,
    Blue = 34,
    Magenta = 35,
}

/// `text` wrapped in the escape codes of Gymnasium's `colorize`: the colour code (plus 10
/// for a background highlight), then `;1` for bold.
fn colorize(text: &str, colour: Colour, bold: bool, highlight: bool) -> String {
    let code = colour as u8 + if highlight { 10 } else { 0 };
    let bold = if bold { ";1" } else { "" };
    format!("\x1b[{code}{bold}m{text}\x1b[0m")
}

/// The text picture of `state` (valid fields) after `last_action` (`None` after a reset).
pub(super) fn render(state: TaxiState, last_action: Option<usize>) -> String {
    let mut cells: Vec<Vec<String>> = MAP
        .iter()
        .map(|line| line.chars().map(String::from).collect())
        .collect();
    let square = |(row, col): (usize, usize)| (1 + row, 2 * col + 1);

    let (tr, tc) = square((state.taxi_row, state.taxi_col));
    if state.pass_loc < IN_TAXI {
        cells[tr][tc] = colorize(&cells[tr][tc], Colour::Yellow, false, true);
        let (pr, pc) = square(LOCS[state.pass_loc]);
        cells[pr][pc] = colorize(&cells[pr][pc], Colour::Blue, true, false);
    } else {
        // An empty square shows the taxi as `_` so the green background is visible in print.
        let shown = if cells[tr][tc] == " " {
            "_"
        } else {
            &cells[tr][tc]
        };
        cells[tr][tc] = colorize(shown, Colour::Green, false, true);
    }
    let (dr, dc) = square(LOCS[state.dest_idx]);
    cells[dr][dc] = colorize(&cells[dr][dc], Colour::Magenta, false, false);

    let mut out = String::with_capacity(256);
    for line in &cells {
        for cell in line {
            out.push_str(cell);
        }
        out.push('\n');
    }
    match last_action.and_then(|a| ACTION_NAMES.get(a)) {
        Some(name) => {
            out.push_str("  (");
            out.push_str(name);
            out.push_str(")\n");
        }
        None => out.push('\n'),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorize_writes_gymnasiums_codes() {
        assert_eq!(
            colorize("x", Colour::Yellow, false, true),
            "\x1b[43mx\x1b[0m"
        );
        assert_eq!(
            colorize("B", Colour::Blue, true, false),
            "\x1b[34;1mB\x1b[0m"
        );
        assert_eq!(
            colorize("R", Colour::Magenta, false, false),
            "\x1b[35mR\x1b[0m"
        );
    }

    #[test]
    fn passenger_aboard_on_an_empty_square_shows_an_underscore() {
        let text = render(
            TaxiState {
                taxi_row: 2,
                taxi_col: 2,
                pass_loc: IN_TAXI,
                dest_idx: 0,
            },
            Some(5),
        );
        let want = "+---------+\n|\x1b[35mR\x1b[0m: | : :G|\n| : | : : |\n| : :\x1b[42m_\x1b[0m: : |\n| | : | : |\n|Y| : |B: |\n+---------+\n  (Dropoff)\n";
        assert_eq!(text, want);
    }
}
