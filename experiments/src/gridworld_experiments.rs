//! The library side of `shaping_gridworld` and `shaping_terminal_bug` (the binaries parse
//! arguments and print; everything they measure is here, so tests can run it on a tiny
//! budget). The reasoning behind each design is in the binaries' docs.

use std::path::Path;

use anyhow::Context;
use rewardlab_envs::gridworld::BuiltinMap;
use rewardlab_envs::{Cell, GridWorld};
use rewardlab_rewards::potential::PotentialName;
use rewardlab_rewards::shaping::{Pbrs, Progress, Task, TerminalPotential};
use rewardlab_rewards::tabular;
use rewardlab_rewards::{RewardFnExt, TabularPotential, check_pbrs, compare_optimal_policies};
use serde_json::json;

use crate::Output;
use crate::gridworld_common::{
    GREEDY_TRUE_RETURN, HeatValues, LearnSettings, RewardMaker, SHAPED_RETURN, SeedRun, Variant,
    optimal_return, plot_curves, plot_heatmap, run_variants, variant_summary,
};

/// The progress bonus b of `progress` (the value `envs/maps/oscillation.txt` works out).
pub const PROGRESS_BONUS: f64 = 0.1;

/// The custom map of `shaping_terminal_bug` (documented in the file and the binary).
pub const TERMINAL_BUG_MAP: &str = include_str!("../maps/terminal_bug.txt");

/// Scale c of the closeness potential Φ = c·(1 − m(s)/m_max) of `shaping_terminal_bug`.
pub const CLOSENESS_SCALE: f64 = 10.0;

/// Loads a built-in map by name (`four_rooms`, `oscillation`, …).
pub fn builtin_world(name: &str) -> anyhow::Result<GridWorld> {
    let map = BuiltinMap::from_name(name).with_context(|| {
        let names: Vec<&str> = BuiltinMap::ALL.iter().map(|m| m.name()).collect();
        format!("unknown map {name:?}; expected one of {}", names.join(", "))
    })?;
    Ok(GridWorld::builtin(map)?)
}

/// A PBRS variant: task reward plus F with the tabular potential `phi`.
fn pbrs_variant(
    name: &str,
    world: &GridWorld,
    phi: TabularPotential,
    terminal: TerminalPotential,
) -> anyhow::Result<Variant> {
    let task = world.mdp_arc();
    let gamma = task.gamma();
    let model = tabular::pbrs(task, &phi, terminal)?;
    let report = check_pbrs(task, &phi, terminal)?;
    let values = phi.values().to_vec();
    let make: RewardMaker = Box::new(move || {
        Box::new(Task.plus(Pbrs::new(phi.clone(), gamma).with_terminal(terminal)))
    });
    Ok(Variant {
        name: name.into(),
        make,
        model,
        check: Some(report),
        heat: HeatValues::Potential(values),
    })
}

/// The unshaped control.
fn none_variant(world: &GridWorld) -> Variant {
    Variant {
        name: "none".into(),
        make: Box::new(|| Box::new(Task)),
        model: world.mdp_arc().as_ref().clone(),
        check: None,
        heat: HeatValues::LearnedMaxQ,
    }
}

/// The four variants of `shaping_gridworld`: `none`, `pbrs_distance`, `pbrs_value`,
/// `progress`.
pub fn gridworld_variants(world: &GridWorld) -> anyhow::Result<Vec<Variant>> {
    let task = world.mdp_arc();
    let distance = world.distance_to_goal().to_vec();
    let progress_model = tabular::progress(task, &distance, PROGRESS_BONUS)?;
    let progress_check = compare_optimal_policies(task, &progress_model)?;
    let make: RewardMaker = Box::new(move || {
        let d = distance.clone();
        let dist = move |s: &usize| d.get(*s).copied().flatten().map(|x| x as f64);
        Box::new(Task.plus(Progress::new(dist, PROGRESS_BONUS)))
    });
    Ok(vec![
        none_variant(world),
        pbrs_variant(
            "pbrs_distance",
            world,
            TabularPotential::named(PotentialName::Distance, task)?,
            TerminalPotential::Zero,
        )?,
        pbrs_variant(
            "pbrs_value",
            world,
            TabularPotential::named(PotentialName::Value, task)?,
            TerminalPotential::Zero,
        )?,
        Variant {
            name: "progress".into(),
            make,
            model: progress_model,
            check: Some(progress_check),
            heat: HeatValues::LearnedMaxQ,
        },
    ])
}

/// Φ(s) = c·(1 − m(s)/m_max): closeness to the nearest goal *as the crow flies* (Manhattan
/// distance m, ignoring walls and lava), normalised by the largest m over non-wall cells and
/// scaled by `scale`; 0 on walls (never visited).
pub fn closeness_potential(world: &GridWorld, scale: f64) -> anyhow::Result<TabularPotential> {
    let map = world.map();
    let goals: Vec<(usize, usize)> = (0..map.cells().len())
        .filter(|&s| matches!(map.cells()[s], Cell::Goal(_)))
        .map(|s| map.position(s))
        .collect();
    anyhow::ensure!(!goals.is_empty(), "the map has no goal");
    let manhattan = |s: usize| {
        let (r, c) = map.position(s);
        goals
            .iter()
            .map(|&(gr, gc)| r.abs_diff(gr) + c.abs_diff(gc))
            .min()
            .unwrap_or(0)
    };
    let open: Vec<usize> = (0..map.cells().len())
        .filter(|&s| map.cells()[s] != Cell::Wall)
        .collect();
    let m_max = open.iter().map(|&s| manhattan(s)).max().unwrap_or(1).max(1) as f64;
    let mut values = vec![0.0; map.cells().len()];
    for s in open {
        values[s] = scale * (1.0 - manhattan(s) as f64 / m_max);
    }
    Ok(TabularPotential::new(values)?)
}

/// The world of `shaping_terminal_bug`.
pub fn terminal_bug_world() -> anyhow::Result<GridWorld> {
    Ok(GridWorld::parse(TERMINAL_BUG_MAP)?)
}

/// The three variants of `shaping_terminal_bug`: `none`, `pbrs` (Φ(terminal) = 0) and
/// `pbrs_keep_terminal` (Φ(terminal) kept), both with the closeness potential.
pub fn terminal_bug_variants(world: &GridWorld) -> anyhow::Result<Vec<Variant>> {
    let phi = closeness_potential(world, CLOSENESS_SCALE)?;
    Ok(vec![
        none_variant(world),
        pbrs_variant("pbrs", world, phi.clone(), TerminalPotential::Zero)?,
        pbrs_variant("pbrs_keep_terminal", world, phi, TerminalPotential::Keep)?,
    ])
}

/// Runs `variants` on `world` into `out_dir` (run folders, curves, heatmaps, summary.json)
/// and returns the summary.
pub fn run_experiment(
    map_name: &str,
    world: &GridWorld,
    variants: &[Variant],
    settings: &LearnSettings,
    out_dir: &Path,
) -> anyhow::Result<serde_json::Value> {
    let task = world.mdp_arc();
    let j_star = optimal_return(task)?;
    let out = Output::create(out_dir)?;
    let runs: Vec<Vec<SeedRun>> = run_variants(world, map_name, variants, settings, Some(&out))?;
    let mut entries = serde_json::Map::new();
    for (variant, seeds) in variants.iter().zip(&runs) {
        entries.insert(
            variant.name.clone(),
            variant_summary(task, variant, seeds, j_star)?,
        );
        if let Some(seed0) = seeds.first() {
            plot_heatmap(&out, world, variant, seed0)?;
        }
    }
    plot_curves(
        &out,
        "true_return",
        GREEDY_TRUE_RETURN,
        &format!("{map_name}: true return of the greedy policy (J* = {j_star:.4})"),
        settings.episodes,
    )?;
    plot_curves(
        &out,
        "shaped_return",
        SHAPED_RETURN,
        &format!("{map_name}: return the learner was paid"),
        settings.episodes,
    )?;
    let summary = json!({
        "map": map_name,
        "optimal_return": j_star,
        "gamma": task.gamma(),
        "settings": settings,
        "variants": entries,
    });
    out.finish(&summary)?;
    Ok(summary)
}
