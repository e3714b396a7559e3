//! `rewardlab envs`: the registry as a table.

use std::io::{BufWriter, Write};

use rewardlab_core::{Env, Space};

use super::{CliError, print_line};

/// Prints one row per registered environment.
pub fn list() -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let header = format!(
        "{:<30} {:<24} {:<18} {:>9} {:>9}",
        "ID", "OBSERVATION", "ACTION", "MAX STEPS", "THRESHOLD"
    );
    print_line(&mut out, &header)?;
    for spec in rewardlab_envs::specs() {
        let (obs, act) = match rewardlab_envs::make(spec.id, &[]) {
            Ok(env) => (
                summary(&env.observation_space()),
                summary(&env.action_space()),
            ),
            Err(_) => ("(needs --env-arg)".to_owned(), String::new()),
        };
        let steps = spec
            .max_episode_steps
            .map_or_else(|| "-".to_owned(), |n| n.to_string());
        let threshold = spec
            .reward_threshold
            .map_or_else(|| "-".to_owned(), |r| r.to_string());
        print_line(
            &mut out,
            &format!(
                "{:<30} {obs:<24} {act:<18} {steps:>9} {threshold:>9}",
                spec.id
            ),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// A space short enough for a table cell: a box with per-element bounds prints its shape and
/// dtype only (`rollout` and the library print the full bounds).
fn summary(space: &Space) -> String {
    let full = space.to_string();
    match space {
        Space::Box(b) if full.len() > 24 => {
            let dims: Vec<String> = b.shape.iter().map(usize::to_string).collect();
            // Python's tuple notation: `(4,)`, `(7, 7, 3)`.
            let comma = if dims.len() == 1 { "," } else { "" };
            format!("Box(({}{comma}), {})", dims.join(", "), b.dtype)
        }
        _ => full,
    }
}
