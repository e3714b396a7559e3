//! Invariants of random maps: the model never puts the agent in a wall or on a cliff, and
//! the text round-trips through `ansi`.

use proptest::prelude::*;
use rewardlab_core::tabular::Tabular;
use rewardlab_envs::gridworld::{Cell, GridWorld};

/// A random grid text with at least one start and one goal, plus slip and wind headers.
fn map_text() -> impl Strategy<Value = (String, Vec<String>)> {
    (1usize..6, 2usize..7).prop_flat_map(|(rows, cols)| {
        let cell = prop::sample::select(vec!['.', '.', '.', '#', 'S', 'G', 'L', 'X']);
        (
            prop::collection::vec(prop::collection::vec(cell, cols), rows),
            0.0f64..=1.0,
            // Pushes up to the grid height in either direction (stronger ones are refused).
            prop::collection::vec(-(rows as i64)..=rows as i64, cols),
            any::<bool>(),
        )
            .prop_map(move |(mut grid, slip, wind, windy)| {
                grid[0][0] = 'S';
                grid[rows - 1][cols - 1] = 'G';
                let rows_text: Vec<String> = grid.iter().map(|r| r.iter().collect()).collect();
                let mut text = format!("slip = {slip}\n");
                if windy {
                    let w: Vec<String> = wind.iter().map(|x| x.to_string()).collect();
                    text.push_str(&format!("wind = {}\n", w.join(" ")));
                }
                text.push_str(&rows_text.join("\n"));
                (text, rows_text)
            })
    })
}

proptest! {
    #[test]
    fn successors_are_standable_cells((text, rows) in map_text()) {
        let env = GridWorld::parse(&text).expect("a valid random map");
        let mdp = env.mdp();
        let cells = env.map().cells();
        for s in 0..mdp.n_states() {
            if matches!(cells[s], Cell::Wall) || mdp.is_terminal(s) {
                continue;
            }
            for a in 0..4 {
                let total: f64 = mdp.successors(s, a).map(|t| t.prob).sum();
                prop_assert!((total - 1.0).abs() < 1e-9);
                for t in mdp.successors(s, a) {
                    prop_assert!(
                        !matches!(cells[t.next], Cell::Wall | Cell::Cliff),
                        "({s},{a}) -> {} is a {:?}", t.next, cells[t.next]
                    );
                }
            }
        }
        prop_assert_eq!(env.ansi(), rows.join("\n") + "\n");
    }
}
