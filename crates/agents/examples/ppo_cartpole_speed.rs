//! Seconds and steps to CartPole-v1's threshold (mean of the last 100 training episodes ≥ 475)
//! for PPO with the tuned preset, one seed after another; the Rust side of
//! `bench/peers/sb3_cartpole.py`.
//!
//! `cargo run --release -p rewardlab-agents --example ppo_cartpole_speed -- [SEED...] [--set k=v]...`
//!
//! Each run stops at the end of the update in which the threshold was reached (as the peer
//! stops its `learn()` there), so the wall time is the time to the threshold.

use rewardlab_agents::config::{layered, parse_overrides};
use rewardlab_agents::ppo::{self, EnvChoice, PpoConfig};
use rewardlab_agents::task::MiniGridEncoding;
use rewardlab_agents::{Backend, Session, presets};
use rewardlab_core::metrics::MemorySink;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (sets, seeds): (Vec<String>, Vec<String>) = args.into_iter().partition(|a| a.contains('='));
    let seeds: Vec<u64> = if seeds.is_empty() {
        vec![1, 2, 3]
    } else {
        seeds.iter().map(|s| s.parse()).collect::<Result<_, _>>()?
    };
    let (_, base) = presets::ppo("CartPole-v1", None, false)?;
    let cfg: PpoConfig = layered(&base, &[&parse_overrides(&sets)?], "ppo config")?;
    let env = EnvChoice {
        id: "CartPole-v1",
        kwargs: &[],
        encoding: MiniGridEncoding::Image,
    };
    println!("| seed | steps_to_threshold | seconds_to_threshold | episodes |");
    println!("|---|---|---|---|");
    for seed in seeds {
        let mut sink = MemorySink::default();
        let mut session = Session::new(Backend::Flex.device()?, &mut sink);
        session.stop_at_threshold = true;
        let s = ppo::train(
            env,
            &PpoConfig {
                seed,
                ..cfg.clone()
            },
            session,
        )?;
        let show = |v: Option<String>| v.unwrap_or_else(|| "never".into());
        println!(
            "| {seed} | {} | {} | {} |",
            show(s.steps_to_threshold.map(|v| v.to_string())),
            show(s.seconds_to_threshold.map(|v| format!("{v:.2}"))),
            s.episodes
        );
    }
    Ok(())
}
