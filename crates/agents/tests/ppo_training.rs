//! PPO end to end on CartPole: a short seeded learning test, determinism, checkpoints, resume,
//! and the NaN stop.

use rewardlab_agents::checkpoint;
use rewardlab_agents::ppo::{self, EnvChoice, PpoConfig};
use rewardlab_agents::presets;
use rewardlab_agents::progress::names;
use rewardlab_agents::task::MiniGridEncoding;
use rewardlab_agents::{AgentError, Backend, Session};
use rewardlab_core::metrics::{MemorySink, MetricRecord};

fn cartpole() -> EnvChoice<'static> {
    EnvChoice {
        id: "CartPole-v1",
        kwargs: &[],
        encoding: MiniGridEncoding::Image,
    }
}

fn tuned(total: u64) -> PpoConfig {
    let (_, cfg) = presets::ppo("CartPole-v1", None, false).expect("tuned preset");
    PpoConfig {
        total_timesteps: total,
        eval_every: 0,
        eval_episodes: 2,
        ..cfg
    }
}

fn train(
    cfg: &PpoConfig,
    sink: &mut MemorySink,
    run_dir: Option<&std::path::Path>,
    resume: bool,
) -> Result<rewardlab_agents::Summary, AgentError> {
    let device = Backend::Flex.device().expect("flex is the default backend");
    let mut session = Session::new(device, sink);
    session.run_dir = run_dir.map(|p| p.to_path_buf());
    session.resume = resume;
    ppo::train(cartpole(), cfg, session)
}

#[test]
fn ppo_learns_cartpole_within_30k_steps() {
    let cfg = PpoConfig {
        seed: 1,
        ..tuned(30_000)
    };
    let mut sink = MemorySink::default();
    let summary = train(&cfg, &mut sink, None, false).expect("trains");
    let mean = summary.mean_return_last100.expect("episodes finished");
    assert!(
        mean >= 150.0,
        "mean return of the last 100 episodes {mean} < 150"
    );
    // 30 000 / 256 = 117 whole rollouts (CleanRL's integer division).
    assert_eq!(summary.total_steps, 117 * 256);
}

fn without_timing(records: &[MetricRecord]) -> Vec<MetricRecord> {
    records
        .iter()
        .filter(|r| !names::TIMING.contains(&r.metric.as_str()))
        .cloned()
        .collect()
}

#[test]
fn same_seed_same_metrics_other_seed_other_metrics() {
    let run = |seed: u64| {
        let mut sink = MemorySink::default();
        train(
            &PpoConfig {
                seed,
                ..tuned(2_048)
            },
            &mut sink,
            None,
            false,
        )
        .expect("trains");
        without_timing(&sink.records)
    };
    let (a, b, c) = (run(3), run(3), run(4));
    assert!(a.iter().any(|r| r.metric == "losses/value_loss"));
    assert!(a.iter().any(|r| r.metric == names::EPISODIC_RETURN));
    assert_eq!(a, b, "same seed, backend and machine: identical metrics");
    assert_ne!(a, c);
}

#[test]
fn resume_continues_the_run_from_its_checkpoint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut sink = MemorySink::default();
    let first = train(&tuned(1_024), &mut sink, Some(tmp.path()), false).expect("first part");
    assert_eq!(first.total_steps, 1_024);
    let dir = checkpoint::locate(tmp.path()).expect("a checkpoint was written");
    for file in [
        checkpoint::MODEL_FILE,
        checkpoint::OPTIM_FILE,
        checkpoint::STATE_FILE,
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let mut more = MemorySink::default();
    let second = train(&tuned(2_048), &mut more, Some(tmp.path()), true).expect("resumed");
    assert_eq!(second.total_steps, 2_048);
    assert!(second.episodes > first.episodes, "episode count continues");
    let steps: Vec<u64> = more.records.iter().map(|r| r.step).collect();
    assert!(
        steps.iter().all(|s| *s > 1_024),
        "the resumed part logs later steps only"
    );
}

#[test]
fn a_checkpoint_of_another_shape_is_refused_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut sink = MemorySink::default();
    train(&tuned(256), &mut sink, Some(tmp.path()), false).expect("trains");
    let other = PpoConfig {
        hidden: vec![32],
        ..tuned(512)
    };
    let err = train(&other, &mut sink, Some(tmp.path()), true).expect_err("other layers");
    assert!(
        matches!(err, AgentError::CheckpointMismatch { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("hidden layers"), "{err}");
}

#[test]
fn a_non_finite_loss_stops_training_and_keeps_the_last_checkpoint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = PpoConfig {
        learning_rate: 1e30,
        anneal_lr: false,
        // One Adam step per update: update 1 leaves huge but finite weights (and a checkpoint).
        update_epochs: 1,
        checkpoint_every: 256,
        ..tuned(256 * 20)
    };
    let mut sink = MemorySink::default();
    let err = train(&cfg, &mut sink, Some(tmp.path()), false).expect_err("diverges");
    let AgentError::NonFiniteLoss { update, term, .. } = &err else {
        panic!("expected a non-finite loss, got {err}");
    };
    assert!(
        *update >= 2,
        "the first update starts from finite weights: {err}"
    );
    assert!(err.to_string().contains(term), "{err}");
    let dir = checkpoint::locate(tmp.path()).expect("the earlier checkpoint is kept");
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(checkpoint::STATE_FILE)).expect("state"),
    )
    .expect("json");
    assert!(state["global_step"].as_u64().expect("a step") < 256 * update);
}

#[test]
fn continuous_ppo_saves_and_reloads_its_normalisation_statistics() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let env = EnvChoice {
        id: "Pendulum-v1",
        kwargs: &[],
        encoding: MiniGridEncoding::Image,
    };
    let cfg = PpoConfig {
        num_steps: 64,
        num_minibatches: 4,
        update_epochs: 2,
        total_timesteps: 128,
        eval_every: 0,
        eval_episodes: 2,
        ..PpoConfig::cleanrl_continuous()
    };
    let mut sink = MemorySink::default();
    let device = Backend::Flex.device().expect("flex");
    let mut session = Session::new(device.clone(), &mut sink);
    session.run_dir = Some(tmp.path().to_path_buf());
    let summary = ppo::train(env, &cfg, session).expect("trains");
    assert_eq!(summary.total_steps, 128);
    let dir = checkpoint::locate(tmp.path()).expect("checkpoint");
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(checkpoint::STATE_FILE)).expect("state"),
    )
    .expect("json");
    let obs = &state["normalizer"]["obs"];
    // 128 observed steps plus the reset (1 copy), on top of the initial count 1e-4.
    let count = obs["count"].as_f64().expect("obs statistics saved");
    assert!((count - 129.0001).abs() < 1e-6, "{count}");
    assert!(state["normalizer"]["ret"]["count"].as_f64().is_some());

    // The reloaded policy acts with those statistics: same seed, same greedy episode.
    let task = rewardlab_agents::task::VecTask::new("Pendulum-v1", &[], 1, MiniGridEncoding::Image)
        .expect("pendulum");
    let play = || {
        let mut t =
            rewardlab_agents::task::VecTask::new("Pendulum-v1", &[], 1, MiniGridEncoding::Image)
                .expect("pendulum");
        let mut policy =
            ppo::PpoPolicy::load(tmp.path(), env, &cfg, &task, &device).expect("loads");
        rewardlab_agents::eval::run_episodes(&mut t, 5, &mut policy, true, None).expect("plays")
    };
    let (a, b) = (play(), play());
    assert_eq!(a, b);
    assert_eq!(a.lengths, vec![200]);
}
