//! The random FrozenLake map generator: seeded, valid, of the asked size and density, and
//! reachable through `make`'s `size`, `p` and `map_seed` kwargs.

use std::collections::VecDeque;

use proptest::prelude::*;
use rewardlab_core::{Env, Value};
use rewardlab_envs::registry::MakeError;
use rewardlab_envs::registry::make;
use rewardlab_envs::toy_text::frozen_lake::{
    LakeMap, LakeMapError, MAX_LAKE_SIDE, RANDOM_MAP_ATTEMPTS, Tile, generate_random_map,
};

use crate::common::kw;

/// Breadth-first search from (0, 0) through non-hole tiles to the bottom-right goal, written
/// independently of the library's check.
fn reachable(rows: &[String]) -> bool {
    let grid: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    let n = grid.len();
    let mut seen = vec![vec![false; n]; n];
    let mut queue = VecDeque::from([(0usize, 0usize)]);
    seen[0][0] = true;
    while let Some((r, c)) = queue.pop_front() {
        if (r, c) == (n - 1, n - 1) {
            return true;
        }
        let moves = [(0isize, 1isize), (1, 0), (0, -1), (-1, 0)];
        for (dr, dc) in moves {
            let (nr, nc) = (r as isize + dr, c as isize + dc);
            if nr < 0 || nc < 0 || nr >= n as isize || nc >= n as isize {
                continue;
            }
            let (nr, nc) = (nr as usize, nc as usize);
            if !seen[nr][nc] && grid[nr][nc] != 'H' {
                seen[nr][nc] = true;
                queue.push_back((nr, nc));
            }
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_maps_are_valid_square_and_seeded(size in 2usize..14, p in 0.55f64..=1.0, seed: u64) {
        let map = generate_random_map(size, p, seed).expect("dense enough to find a map");
        prop_assert_eq!((map.nrow(), map.ncol()), (size, size));
        let rows = map.rows();
        prop_assert!(reachable(&rows), "no path in {:?}", rows);
        prop_assert_eq!(map.tile(0, 0), Some(Tile::Start));
        prop_assert_eq!(map.tile(size - 1, size - 1), Some(Tile::Goal));
        let inner = &map.tiles()[1..size * size - 1];
        prop_assert!(inner.iter().all(|t| matches!(t, Tile::Frozen | Tile::Hole)));
        // The rows parse back to the same map, and the seed gives it again.
        prop_assert_eq!(&LakeMap::from_rows(&rows).expect("valid rows"), &map);
        prop_assert_eq!(generate_random_map(size, p, seed).expect("same seed"), map);
    }
}

#[test]
fn seeds_give_different_maps() {
    let maps: std::collections::BTreeSet<Vec<String>> = (0..20)
        .map(|seed| generate_random_map(8, 0.8, seed).expect("valid").rows())
        .collect();
    assert!(
        maps.len() >= 19,
        "{} distinct maps from 20 seeds",
        maps.len()
    );
}

#[test]
fn frozen_fraction_follows_p() {
    for p in [0.75, 0.9] {
        let (mut frozen, mut inner) = (0usize, 0usize);
        for seed in 0..10 {
            let map = generate_random_map(40, p, seed).expect("valid");
            let tiles = &map.tiles()[1..40 * 40 - 1];
            frozen += tiles.iter().filter(|t| **t == Tile::Frozen).count();
            inner += tiles.len();
        }
        let got = frozen as f64 / inner as f64;
        // 16k tiles: one standard deviation is about 0.003.
        assert!((got - p).abs() < 0.015, "p = {p}: frozen fraction {got}");
    }
    let solid = generate_random_map(5, 1.0, 9).expect("valid");
    assert!(!solid.tiles().contains(&Tile::Hole));
}

#[test]
fn impossible_parameters_are_errors() {
    assert_eq!(
        generate_random_map(1, 0.8, 0),
        Err(LakeMapError::SizeTooSmall(1))
    );
    assert_eq!(
        generate_random_map(0, 0.8, 0),
        Err(LakeMapError::SizeTooSmall(0))
    );
    for p in [0.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            generate_random_map(4, p, 0),
            Err(LakeMapError::FrozenProbability(_))
        ));
    }
    // A 2x2 map needs one of its two free tiles frozen; at p = 1e-9 no draw has one.
    assert_eq!(
        generate_random_map(2, 1e-9, 0),
        Err(LakeMapError::NoValidMap {
            size: 2,
            p: 1e-9,
            attempts: RANDOM_MAP_ATTEMPTS
        })
    );
}

#[test]
fn oversized_random_maps_are_refused_without_overflow() {
    // 2^32 squared wraps to 0 and usize::MAX squared to 1 in unchecked arithmetic: both
    // must be refused, as must a size that fits in memory but exceeds the bound.
    for size in [
        MAX_LAKE_SIDE + 1,
        3000,
        1 << 32,
        usize::MAX,
        (usize::MAX as f64).sqrt() as usize + 1,
    ] {
        assert_eq!(
            generate_random_map(size, 0.8, 0),
            Err(LakeMapError::SizeTooLarge(size)),
            "{size}"
        );
    }
    let largest = generate_random_map(MAX_LAKE_SIDE, 1.0, 0).expect("the bound itself is valid");
    assert_eq!(largest.n_states(), MAX_LAKE_SIDE * MAX_LAKE_SIDE);
}

#[test]
fn make_reports_oversized_lakes_as_invalid_config_naming_the_limit() {
    let row = |c: char, n: usize| std::iter::repeat_n(c, n).collect::<String>();
    let wide = format!("S{},{}G", row('F', MAX_LAKE_SIDE), row('F', MAX_LAKE_SIDE));
    let tall = std::iter::once("S".to_string())
        .chain(std::iter::repeat_n("F".to_string(), MAX_LAKE_SIDE - 1))
        .chain(std::iter::once("G".to_string()))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        LakeMap::parse_desc(&wide),
        Err(LakeMapError::TooLarge {
            nrow: 2,
            ncol: MAX_LAKE_SIDE + 1
        })
    );
    assert_eq!(
        LakeMap::parse_desc(&tall),
        Err(LakeMapError::TooLarge {
            nrow: MAX_LAKE_SIDE + 1,
            ncol: 1
        })
    );
    let cases = [
        ("size", "4294967296".to_string()),
        ("size", "18446744073709551615".to_string()),
        ("size", "3000".to_string()),
        ("size", (MAX_LAKE_SIDE + 1).to_string()),
        ("desc", wide),
        ("desc", tall),
    ];
    for (key, value) in &cases {
        match make("FrozenLake-v1", &kw(&[(key, value.as_str())])) {
            Err(MakeError::InvalidConfig { id, reason }) => {
                assert_eq!(id, "FrozenLake-v1");
                assert!(reason.contains("1024"), "{key}: {reason}");
                assert!(reason.contains("too large"), "{key}: {reason}");
            }
            other => panic!("{key}: {:?}", other.map(|_| "an env")),
        }
    }
    // A lake of exactly the bound's width is accepted.
    let edge = format!(
        "S{},{}G",
        row('F', MAX_LAKE_SIDE - 1),
        row('F', MAX_LAKE_SIDE - 1)
    );
    let env = make(
        "FrozenLake-v1",
        &kw(&[("desc", edge.as_str()), ("is_slippery", "false")]),
    )
    .expect("1024 columns are within the bound");
    assert_eq!(
        env.observation_space().discrete_n(),
        Some(2 * MAX_LAKE_SIDE)
    );
}

#[test]
fn make_builds_the_seeded_random_map() {
    let ansi_rows = |pairs: &[(&str, &str)]| {
        let mut env = make("FrozenLake-v1", &kw(pairs)).expect("valid kwargs");
        env.reset(Some(0));
        let text = env.render_ansi().expect("reset");
        let n = env.observation_space().discrete_n();
        // Drop the empty last-action line and the agent's highlight.
        let plain = text.replace("\x1b[41m", "").replace("\x1b[0m", "");
        (
            n,
            plain
                .lines()
                .skip(1)
                .map(str::to_string)
                .collect::<Vec<_>>(),
        )
    };
    let want = generate_random_map(5, 0.9, 3).expect("valid").rows();
    let (n, rows) = ansi_rows(&[("size", "5"), ("p", "0.9"), ("map_seed", "3")]);
    assert_eq!((n, rows), (Some(25), want));
    // Gymnasium's map_name=None: a random 8x8 map with p = 0.8, here from map seed 0.
    let want = generate_random_map(8, 0.8, 0).expect("valid").rows();
    assert_eq!(ansi_rows(&[("map_name", "None")]), (Some(64), want.clone()));
    assert_eq!(ansi_rows(&[("map_seed", "0")]), (Some(64), want));
    let other = ansi_rows(&[("map_seed", "1")]).1;
    assert_ne!(other, generate_random_map(8, 0.8, 0).expect("valid").rows());
    // The start is state 0 on a random map.
    let mut env = make("FrozenLake-v1", &kw(&[("size", "4")])).expect("valid");
    assert_eq!(env.reset(Some(2)).0, Value::Int(0));
}
