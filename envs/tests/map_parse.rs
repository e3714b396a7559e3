//! The map format: what parses, and malformed maps reported with line, column and problem.

use rewardlab_envs::gridworld::{BuiltinMap, Cell, GridMap, MapError, MapProblem};

fn parse(text: &str) -> Result<GridMap, MapError> {
    GridMap::parse(text, "<test>")
}

/// The (line, column, problem) of a map that must be malformed.
fn malformed(text: &str) -> (usize, usize, MapProblem) {
    let err = parse(text).expect_err("the map is malformed");
    let (line, column, problem) = err.position().expect("a positioned error");
    (line, column, problem.clone())
}

#[test]
fn headers_comments_and_cells_parse() {
    let map = parse(
        "; a comment\n  ; an indented comment\n\nstep_reward = -0.5 ; trailing comment\n\
         goal_reward=2\nslip = 0.2\ngamma = 0.9\nlava_reward = -3\ncliff_reward = -7\n\
         goal A = 10\nwind = 0 1 -1 0\nS.#A\nLXG.\n\n",
    )
    .expect("a valid map");
    assert_eq!((map.nrows(), map.ncols()), (2, 4));
    let p = map.params();
    assert_eq!(
        (
            p.step_reward,
            p.goal_reward,
            p.slip,
            p.gamma,
            p.lava_reward,
            p.cliff_reward
        ),
        (-0.5, 2.0, 0.2, 0.9, -3.0, -7.0)
    );
    assert_eq!(p.wind, vec![0, 1, -1, 0]);
    let row0: Vec<_> = (0..4).map(|c| map.cell(0, c)).collect();
    assert_eq!(
        row0,
        vec![
            Some(Cell::Start),
            Some(Cell::Floor),
            Some(Cell::Wall),
            Some(Cell::Goal(10.0))
        ]
    );
    assert_eq!(map.cell(1, 0), Some(Cell::Lava));
    assert_eq!(map.cell(1, 1), Some(Cell::Cliff));
    assert_eq!(map.cell(1, 2), Some(Cell::Goal(2.0)));
    assert_eq!(map.cell(2, 0), None);
    assert_eq!(map.starts(), vec![0]);
}

#[test]
fn defaults_apply_without_headers() {
    let p = parse("SG").expect("valid").params().clone();
    assert_eq!(
        (
            p.step_reward,
            p.goal_reward,
            p.lava_reward,
            p.cliff_reward,
            p.slip,
            p.gamma
        ),
        (0.0, 1.0, -1.0, -100.0, 0.0, 0.99)
    );
    assert!(p.wind.is_empty());
}

#[test]
fn unknown_character_points_at_it() {
    let (line, col, problem) = malformed("; c\nS..\n.Z.\n..G\n");
    assert_eq!((line, col, problem), (3, 2, MapProblem::UnknownChar('Z')));
    // An undeclared goal letter is unknown too; a space inside a row as well.
    assert_eq!(malformed("SA G").2, MapProblem::UnknownChar('A'));
    assert_eq!(malformed("S. G").1, 3);
}

#[test]
fn ragged_row_points_past_the_shorter_width() {
    let (line, col, problem) = malformed("S...\n..\n...G\n");
    assert_eq!(
        (line, col, problem),
        (
            2,
            3,
            MapProblem::RaggedRow {
                expected: 4,
                found: 2
            }
        )
    );
    let (line, col, _) = malformed("S.\n...G\n");
    assert_eq!((line, col), (2, 3));
}

#[test]
fn missing_start_or_terminal_points_at_the_grid() {
    assert_eq!(
        malformed("gamma = 1\n...\n..G\n"),
        (2, 1, MapProblem::NoStart)
    );
    assert_eq!(malformed("; x\nS..\n...\n"), (2, 1, MapProblem::NoTerminal));
    // Lava alone is a terminal cell.
    assert!(parse("S.L").is_ok());
    assert_eq!(
        malformed("; only comments\n\n"),
        (1, 1, MapProblem::EmptyGrid)
    );
}

#[test]
fn header_errors_point_at_key_or_value() {
    assert_eq!(
        malformed("  stepreward = 1\nSG\n"),
        (1, 3, MapProblem::UnknownKey("stepreward".into()))
    );
    let (line, col, problem) = malformed("gamma = 0.9\nslip =  lots\nSG\n");
    assert_eq!((line, col), (2, 9));
    assert!(
        matches!(problem, MapProblem::BadValue { ref key, ref value, .. } if key == "slip" && value == "lots")
    );
    // Out of range is a bad value too.
    assert_eq!(malformed("gamma = 1.5\nSG").1, 9);
    assert_eq!(malformed("step_reward = inf\nSG").0, 1);
    assert_eq!(
        malformed("slip = 0.1\nslip = 0.2\nSG"),
        (2, 1, MapProblem::DuplicateKey("slip".into()))
    );
    assert_eq!(malformed("wind = 0 x\nSG").1, 8);
    assert!(matches!(
        malformed("goal = 3\nSG").2,
        MapProblem::BadGoalChar(_)
    ));
    assert!(matches!(
        malformed("goal # = 3\nSG").2,
        MapProblem::BadGoalChar(_)
    ));
    assert!(matches!(
        malformed("goal AB = 3\nSG").2,
        MapProblem::BadGoalChar(_)
    ));
}

#[test]
fn wind_stronger_than_the_grid_is_refused() {
    // i64::MIN would overflow the displacement arithmetic; anything past the height is moot.
    assert_eq!(
        malformed("wind = 0 -9223372036854775808 0 0\nS..G\n"),
        (
            1,
            8,
            MapProblem::WindStrength {
                strength: i64::MIN,
                nrows: 1
            }
        )
    );
    assert!(parse("wind = 0 -2 2 0\nS..G\n....\n").is_ok());
    let map = parse("S..G\n....\n").expect("valid");
    let mut params = map.params().clone();
    params.wind = vec![0, 3, 0, 0];
    let err = map.with_params(params).expect_err("too strong");
    assert!(err.to_string().contains("wind"), "{err}");
}

#[test]
fn wind_length_mismatch_points_at_the_wind_values() {
    assert_eq!(
        malformed("; windy\nwind = 0 1 2\nS..G\n"),
        (
            2,
            8,
            MapProblem::WindLength {
                expected: 4,
                found: 3
            }
        )
    );
}

#[test]
fn layout_errors_inside_the_grid() {
    assert_eq!(malformed("S.\n\n.G\n"), (2, 1, MapProblem::BlankInGrid));
    assert_eq!(
        malformed("S.\ngamma = 1\n.G\n"),
        (2, 1, MapProblem::HeaderAfterGrid)
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // 'é' is two bytes in UTF-8 but one column.
    let (_, col, problem) = malformed("; é\nSé.G\n");
    assert_eq!((col, problem), (2, MapProblem::UnknownChar('é')));
}

#[test]
fn error_messages_say_where_and_what() {
    let err = GridMap::parse("S.\n.Q", "maps/x.txt").expect_err("malformed");
    assert_eq!(
        err.to_string(),
        "maps/x.txt:2:2: unknown map character 'Q' (the legend is # . S G L X, plus declared goals)"
    );
    let err = GridMap::from_file("/nonexistent/dir/map.txt").expect_err("no such file");
    assert!(matches!(err, MapError::Unreadable { .. }));
    assert!(
        err.to_string().contains("/nonexistent/dir/map.txt"),
        "{err}"
    );
}

#[test]
fn files_and_builtins_parse_the_same() {
    for builtin in BuiltinMap::ALL {
        let path = format!("{}/maps/{}.txt", env!("CARGO_MANIFEST_DIR"), builtin.name());
        let from_file = GridMap::from_file(&path).expect("the shipped file parses");
        assert_eq!(from_file, builtin.load().expect("the embedded copy parses"));
        assert_eq!(BuiltinMap::from_name(builtin.name()), Some(builtin));
    }
}

#[test]
fn builtin_layouts_have_the_documented_shapes() {
    let shape = |b: BuiltinMap| {
        let m = b.load().expect("valid");
        (m.nrows(), m.ncols())
    };
    assert_eq!(shape(BuiltinMap::CliffWalk), (4, 12));
    assert_eq!(shape(BuiltinMap::Windy), (7, 10));
    assert_eq!(shape(BuiltinMap::FourRooms), (13, 13));
    assert_eq!(shape(BuiltinMap::Corridor), (1, 40));
    let rooms = BuiltinMap::FourRooms.load().expect("valid");
    let free = rooms.cells().iter().filter(|c| **c != Cell::Wall).count();
    assert_eq!(
        free, 104,
        "Sutton, Precup & Singh's four rooms has 104 cells"
    );
    let cliff = BuiltinMap::CliffWalk.load().expect("valid");
    assert_eq!(cliff.starts(), vec![36]);
    assert_eq!(cliff.cell(3, 11), Some(Cell::Goal(-1.0)));
    let windy = BuiltinMap::Windy.load().expect("valid");
    assert_eq!(windy.params().wind, vec![0, 0, 0, 1, 1, 1, 2, 2, 1, 0]);
    assert_eq!(windy.starts(), vec![30]);
    assert_eq!(windy.cell(3, 7), Some(Cell::Goal(-1.0)));
}
