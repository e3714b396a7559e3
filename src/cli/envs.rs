//! `rewardlab envs`: the registry as a table.

use std::io::{BufWriter, Write};

use rewardlab_core::Env;

use super::{CliError, print_line};

/// Prints one row per registered environment.
pub fn list() -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let header = format!(
        "{:<30} {:<24} {:<14} {:>9} {:>9}",
        "ID", "OBSERVATION", "ACTION", "MAX STEPS", "THRESHOLD"
    );
    print_line(&mut out, &header)?;
    for spec in rewardlab_envs::specs() {
        let (obs, act) = match rewardlab_envs::make(spec.id, &[]) {
            Ok(env) => (
                env.observation_space().to_string(),
                env.action_space().to_string(),
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
                "{:<30} {obs:<24} {act:<14} {steps:>9} {threshold:>9}",
                spec.id
            ),
        )?;
    }
    out.flush()?;
    Ok(())
}
