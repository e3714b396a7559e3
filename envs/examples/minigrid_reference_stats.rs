//! Solves MiniGrid's own layouts and writes the summary the MiniGrid reference test compares
//! ours with (`envs/tests/fixtures/minigrid/shortest_solutions.json`).
//!
//! Input: a folder of `<id>.jsonl` files, one [`LayoutDump`] per line, written by
//! `envs/tests/fixtures/make_minigrid_reference.py dump`. Each layout is loaded as the
//! [`World`](rewardlab_envs::minigrid::World) whose steps are MiniGrid's and solved with
//! [`shortest_solution`](rewardlab_envs::minigrid::solve::shortest_solution), the search the
//! test runs on our layouts; the output has one row per id: `id`, `task` (the dump's task
//! kind), `seeds`, and the [`LengthStats`] (`n`, `unsolved`, `mean`, `sd`).
//!
//! ```text
//! cargo run --release -p rewardlab-envs --example minigrid_reference_stats -- \
//!     /tmp/minigrid_layouts envs/tests/fixtures/minigrid/shortest_solutions.json
//! ```

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use rewardlab_envs::minigrid::solve::{LayoutDump, LengthStats};
use serde_json::{Value, json};

/// States one search may visit before the layout is reported as too large.
const MAX_STATES: usize = 2_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: minigrid_reference_stats <dump folder> <summary.json>".into());
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&input)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    files.sort();
    let mut rows = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)?;
        let dumps: Vec<LayoutDump> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        let Some(first) = dumps.first() else { continue };
        let id = first.id.clone();
        let task = serde_json::to_value(&first.task)?["kind"].clone();
        let start = Instant::now();
        let lengths: Vec<Option<usize>> = dumps
            .par_iter()
            .map(|d| d.shortest_solution(MAX_STATES))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{id}: {e}"))?;
        let stats = LengthStats::of(&lengths);
        eprintln!(
            "{id}: n {} unsolved {} mean {:.3} sd {:.3} ({:.2}s)",
            stats.n,
            stats.unsolved,
            stats.mean,
            stats.sd,
            start.elapsed().as_secs_f64()
        );
        rows.push(json!({
            "id": id,
            "task": task,
            "seeds": dumps.len(),
            "n": stats.n,
            "unsolved": stats.unsolved,
            "mean": stats.mean,
            "sd": stats.sd,
        }));
    }
    let summary = json!({
        "minigrid": "3.2.0",
        "made_by": "envs/tests/fixtures/make_minigrid_reference.py dump + \
                    envs/examples/minigrid_reference_stats.rs",
        "rows": Value::Array(rows),
    });
    let mut text = serde_json::to_string_pretty(&summary)?;
    text.push('\n');
    std::fs::write(&output, text)?;
    Ok(())
}
