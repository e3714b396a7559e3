//! Behaviour of [`VecTask`] on each backend, against hand-checked values and against each other.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::*;

type TestResult = Result<(), TaskError>;

fn cartpole(n: usize) -> Result<VecTask, TaskError> {
    VecTask::new("CartPole-v1", &[], n, MiniGridEncoding::Image)
}

fn kw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Rows of `final_obs` where an episode ended (the only meaningful ones).
fn done_rows(s: &TaskStep, dim: usize) -> Vec<(usize, Vec<f32>)> {
    (0..s.rewards.len())
        .filter(|e| s.terminated[*e] || s.truncated[*e])
        .map(|e| (e, s.final_obs[e * dim..(e + 1) * dim].to_vec()))
        .collect()
}

#[test]
fn cartpole_batch_path_equals_the_generic_path() -> TestResult {
    let mut fast = cartpole(4)?;
    let mut slow = VecTask::new_renderable("CartPole-v1", &[], 4, MiniGridEncoding::Image)?;
    assert_eq!(
        (fast.backend(), slow.backend()),
        ("cartpole-batch", "generic")
    );
    assert_eq!((fast.obs_dim(), slow.obs_dim()), (4, 4));
    assert_eq!(fast.action_spec(), &ActionSpec::Discrete { n: 2 });
    assert_eq!(fast.action_spec(), slow.action_spec());
    assert_eq!(
        fast.reset(Some(11)).expect("reset"),
        slow.reset(Some(11)).expect("reset")
    );
    let mut rng = Pcg64::seed_from_u64(3);
    let mut actions = vec![0usize; 4];
    let mut episodes = 0;
    for t in 0..300 {
        actions.iter_mut().for_each(|a| *a = rng.random_range(0..2));
        let a = fast.step_discrete(&actions)?.clone();
        let b = slow.step_discrete(&actions)?;
        assert_eq!(a.obs, b.obs, "obs at step {t}");
        assert_eq!(a.rewards, b.rewards, "rewards at step {t}");
        assert_eq!(a.terminated, b.terminated, "terminated at step {t}");
        assert_eq!(a.truncated, b.truncated, "truncated at step {t}");
        assert_eq!(done_rows(&a, 4), done_rows(b, 4), "final_obs at step {t}");
        assert_eq!(a.episodes, b.episodes, "episodes at step {t}");
        for ep in &a.episodes {
            // CartPole pays 1 per step, the terminal step included.
            assert_eq!(ep.ret, ep.len as f64);
            assert!(!ep.success);
        }
        episodes += a.episodes.len();
    }
    // Random play ends an episode every ~20 steps: the comparison covered many resets.
    assert!(episodes > 30, "only {episodes} episodes ended");
    Ok(())
}

/// Balances CartPole: push towards where the pole falls, with small cart-centring terms.
fn balance(obs: &[f32], actions: &mut [usize]) {
    for (a, s) in actions.iter_mut().zip(obs.chunks(4)) {
        let u = 0.1 * s[0] + 0.5 * s[1] + 10.0 * s[2] + 2.0 * s[3];
        *a = usize::from(u > 0.0);
    }
}

fn truncates_after_500_steps(mut task: VecTask) -> TestResult {
    let n = task.num_envs();
    let mut actions = vec![0; n];
    let mut obs = task.reset(Some(5)).expect("reset").to_vec();
    for t in 1..=500 {
        balance(&obs, &mut actions);
        let s = task.step_discrete(&actions)?;
        assert!(s.terminated.iter().all(|x| !x), "fell at step {t}");
        if t < 500 {
            assert!(s.truncated.iter().all(|x| !x), "truncated at step {t}");
            assert!(s.episodes.is_empty());
        } else {
            assert!(s.truncated.iter().all(|x| *x), "not truncated at 500");
            let want: Vec<_> = (0..n)
                .map(|env| EpisodeEnd {
                    env,
                    ret: 500.0,
                    shaped_ret: None,
                    len: 500,
                    success: false,
                })
                .collect();
            assert_eq!(s.episodes, want);
            for e in 0..n {
                let (last, fin) = (&obs[4 * e..4 * e + 4], &s.final_obs[4 * e..4 * e + 4]);
                let new = &s.obs[4 * e..4 * e + 4];
                // The final observation continues the trajectory (one 0.02 s Euler step on)...
                let x = last[0] + 0.02 * last[1];
                assert!(
                    (fin[0] - x).abs() < 1e-5,
                    "{fin:?} does not follow {last:?}"
                );
                // ...while the row itself is already a fresh start in [-0.05, 0.05].
                assert!(
                    new.iter().all(|x| x.abs() <= 0.05),
                    "not a reset obs: {new:?}"
                );
                assert_ne!(fin, new);
            }
        }
        obs.copy_from_slice(&s.obs);
    }
    Ok(())
}

#[test]
fn cartpole_truncates_after_500_steps_with_the_final_observation() -> TestResult {
    truncates_after_500_steps(cartpole(3)?)?;
    let renderable = VecTask::new_renderable("CartPole-v1", &[], 3, MiniGridEncoding::Image)?;
    truncates_after_500_steps(renderable)
}

#[test]
fn cartpole_threshold_and_rendering() -> TestResult {
    let mut fast = cartpole(2)?;
    assert_eq!(fast.reward_threshold(), Some(475.0));
    assert!(!fast.has_success());
    fast.reset(Some(0)).expect("reset");
    assert!(matches!(
        fast.render(0),
        Err(TaskError::BatchNotRenderable { .. })
    ));
    let mut slow = VecTask::new_renderable("CartPole-v1", &[], 2, MiniGridEncoding::Image)?;
    slow.reset(Some(0)).expect("reset");
    let frame = slow.render(1)?;
    assert_eq!((frame.width, frame.height), (600, 400));
    assert!(matches!(
        slow.render(2),
        Err(TaskError::NoSuchEnv { index: 2, n: 2, .. })
    ));
    Ok(())
}

const EMPTY: &str = "MiniGrid-Empty-5x5-v0";

#[test]
fn minigrid_empty_scripted_success() -> TestResult {
    let mut task = VecTask::new(EMPTY, &[], 2, MiniGridEncoding::Image)?;
    assert_eq!(task.backend(), "minigrid");
    assert_eq!(task.obs_dim(), 147);
    assert_eq!(task.action_spec(), &ActionSpec::Discrete { n: 7 });
    assert!(task.has_success());
    assert_eq!(task.reward_threshold(), None);
    let first = task.reset(Some(1)).expect("reset").to_vec();
    // Agent at (1, 1) facing east; the goal (3, 3) is 2 ahead and 2 to the right: view cell
    // (3 + 2, 6 − 2) = (5, 4), `[x][y][c]` index (5·7 + 4)·3 = 117: goal (8), green (1), 0.
    assert_eq!(&first[117..120], &[8.0, 1.0, 0.0]);
    assert_eq!(&first[147 + 117..147 + 120], &[8.0, 1.0, 0.0]);
    // Copy 0 walks to the goal (forward, forward, right, forward, forward); copy 1 turns left.
    let script = [2, 2, 1, 2];
    for a in script {
        let s = task.step_discrete(&[a, 0])?;
        assert_eq!(s.rewards, [0.0, 0.0]);
        assert!(s.episodes.is_empty());
    }
    let s = task.step_discrete(&[2, 0])?;
    assert_eq!(
        (s.terminated.clone(), s.truncated.clone()),
        (vec![true, false], vec![false, false])
    );
    // 1 − 0.9 · 5 / max_steps (4 · 5² = 100).
    let r = 1.0 - 0.9 * 5.0 / 100.0;
    assert_eq!(s.rewards[0], r as f32);
    assert_eq!(
        s.episodes,
        [EpisodeEnd {
            env: 0,
            ret: r,
            shaped_ret: None,
            len: 5,
            success: true
        }]
    );
    // Same-step autoreset: row 0 is the fixed start again, and the final view shows the
    // agent at the goal: nothing ahead but the wall two cells on, so no goal in sight.
    assert_eq!(&s.obs[..147], &first[..147]);
    assert!((0..49).all(|c| s.final_obs[3 * c] != 8.0));
    // 5 × 5 tiles of 32 pixels.
    let frame = task.render(0)?;
    assert_eq!((frame.width, frame.height), (160, 160));
    Ok(())
}

#[test]
fn minigrid_flat_encoding_appends_the_one_hot_mission() -> TestResult {
    let mut task = VecTask::new(EMPTY, &[], 1, MiniGridEncoding::Flat)?;
    assert_eq!(task.obs_dim(), 2835);
    let obs = task.reset(Some(0)).expect("reset").to_vec();
    assert_eq!(&obs[117..120], &[8.0, 1.0, 0.0]);
    // "get to the green goal square": row 0 is 'g' (code 6), row 3 the space (26).
    let row = |i: usize| &obs[147 + 28 * i..147 + 28 * (i + 1)];
    let hot = |i: usize| row(i).iter().position(|x| *x == 1.0);
    assert_eq!(
        (hot(0), hot(1), hot(2), hot(3)),
        (Some(6), Some(4), Some(19), Some(26))
    );
    assert_eq!(obs[147..].iter().sum::<f32>(), 28.0);
    // Steps keep the table.
    let s = task.step_discrete(&[1])?;
    assert_eq!(&s.obs[147..], &obs[147..]);
    Ok(())
}

#[test]
fn minigrid_encoding_is_snake_case_and_defaults_to_image() {
    assert_eq!(MiniGridEncoding::default(), MiniGridEncoding::Image);
    let json = serde_json::to_string(&MiniGridEncoding::Flat).expect("serialises");
    assert_eq!(json, "\"flat\"");
}

fn pendulum(n: usize) -> Result<VecTask, TaskError> {
    VecTask::new("Pendulum-v1", &[], n, MiniGridEncoding::Image)
}

#[test]
fn pendulum_actions_are_clipped_to_the_box() -> TestResult {
    let mut task = pendulum(2)?;
    assert_eq!(task.backend(), "generic");
    assert_eq!(task.obs_dim(), 3);
    assert_eq!(task.reward_threshold(), None);
    let spec = ActionSpec::Continuous {
        low: vec![-2.0],
        high: vec![2.0],
    };
    assert_eq!((task.action_spec(), task.action_spec().dim()), (&spec, 1));
    let mut twin = pendulum(2)?;
    let mut other = pendulum(2)?;
    task.reset(Some(9)).expect("reset");
    twin.reset(Some(9)).expect("reset");
    other.reset(Some(9)).expect("reset");
    let clipped = task.step_continuous(&[5.0, -7.5])?.clone();
    let bounds = twin.step_continuous(&[2.0, -2.0])?;
    assert_eq!(clipped.obs, bounds.obs);
    assert_eq!(clipped.rewards, bounds.rewards);
    // A torque inside the box is a different step: the comparison is not vacuous.
    let inside = other.step_continuous(&[1.0, -1.0])?;
    assert_ne!(clipped.obs, inside.obs);
    Ok(())
}

#[test]
fn bad_actions_are_refused_and_leave_the_envs_untouched() -> TestResult {
    let mut task = cartpole(3)?;
    assert!(matches!(
        task.step_discrete(&[0, 1, 0]),
        Err(TaskError::ResetNeeded { .. })
    ));
    let mut twin = cartpole(3)?;
    task.reset(Some(2)).expect("reset");
    twin.reset(Some(2)).expect("reset");
    assert!(matches!(
        task.step_discrete(&[0, 1]),
        Err(TaskError::WrongActionCount {
            expected: 3,
            got: 2,
            ..
        })
    ));
    let err = task.step_discrete(&[0, 2, 1]);
    assert!(matches!(
        err,
        Err(TaskError::ActionOutOfRange {
            env: 1,
            action: 2,
            n: 2,
            ..
        })
    ));
    assert!(matches!(
        task.step_continuous(&[0.0, 0.0, 0.0]),
        Err(TaskError::WrongActionKind { .. })
    ));
    // Nothing moved: the next good step equals the twin's.
    assert_eq!(
        task.step_discrete(&[1, 0, 1])?.obs,
        twin.step_discrete(&[1, 0, 1])?.obs
    );

    let mut p = pendulum(2)?;
    p.reset(Some(0)).expect("reset");
    let nan = p.step_continuous(&[0.5, f32::NAN]);
    assert!(matches!(
        nan,
        Err(TaskError::NanAction {
            env: 1,
            index: 1,
            ..
        })
    ));
    let msg = nan.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("Pendulum-v1"), "{msg}");
    assert!(matches!(
        p.step_continuous(&[0.5]),
        Err(TaskError::WrongActionCount {
            expected: 2,
            got: 1,
            ..
        })
    ));
    assert!(matches!(
        p.step_discrete(&[0, 0]),
        Err(TaskError::WrongActionKind { .. })
    ));

    let mut grid = VecTask::new(EMPTY, &[], 1, MiniGridEncoding::Image)?;
    grid.reset(Some(0)).expect("reset");
    assert!(matches!(
        grid.step_discrete(&[7]),
        Err(TaskError::ActionOutOfRange {
            action: 7,
            n: 7,
            ..
        })
    ));
    Ok(())
}

#[test]
fn discrete_observations_are_one_hot() -> TestResult {
    let mut task = VecTask::new(
        "FrozenLake-v1",
        &kw(&[("is_slippery", "False")]),
        2,
        MiniGridEncoding::Image,
    )?;
    assert_eq!(task.obs_dim(), 16);
    let obs = task.reset(Some(0)).expect("reset").to_vec();
    // Both copies start in state 0.
    let mut want = vec![0.0; 32];
    (want[0], want[16]) = (1.0, 1.0);
    assert_eq!(obs, want);
    // Right (2) moves to state 1 on the non-slippery lake.
    let s = task.step_discrete(&[2, 1])?;
    assert_eq!(s.obs[1], 1.0);
    assert_eq!(s.obs.iter().sum::<f32>(), 2.0);
    Ok(())
}

#[test]
fn unsupported_spaces_and_bad_construction_are_errors() {
    let text = Space::Text { max_length: 4 };
    let err = obs_dim("X-v0", &text);
    assert!(matches!(err, Err(TaskError::UnsupportedObservation { .. })));
    let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("X-v0") && msg.contains(&text.to_string()),
        "{msg}"
    );
    let multi = Space::MultiDiscrete { nvec: vec![2, 3] };
    assert!(matches!(
        action_spec("X-v0", &multi),
        Err(TaskError::UnsupportedAction { .. })
    ));
    let bytes = Space::Box(BoxSpace::uniform(&[2], 0.0, 255.0, DType::U8));
    assert!(matches!(
        action_spec("X-v0", &bytes),
        Err(TaskError::UnsupportedAction { .. })
    ));
    assert!(matches!(
        VecTask::new("NoSuchEnv-v9", &[], 2, MiniGridEncoding::Image),
        Err(TaskError::Make { .. })
    ));
    assert!(matches!(
        VecTask::new("CartPole-v1", &[], 0, MiniGridEncoding::Image),
        Err(TaskError::NoEnvs { .. })
    ));
}

#[test]
fn discrete_action_spaces_with_a_start_are_shifted() -> TestResult {
    let space = Space::Discrete { n: 3, start: -1 };
    let (spec, start, _) = action_spec("X-v0", &space)?;
    assert_eq!((spec, start), (ActionSpec::Discrete { n: 3 }, -1));
    Ok(())
}

/// One call of a recording hook: (env, obs, next_obs, task reward, terminated, truncated).
type HookCall = (usize, Vec<f32>, Vec<f32>, f64, bool, bool);

/// Steps `task` with a hook that records its calls and pays `10·env − 3·task_reward`, and
/// checks every call against the step it came from.
fn hook_sees_raw_transitions_and_its_reward_is_trained_on(mut task: VecTask) -> TestResult {
    use std::sync::{Arc, Mutex};
    let n = task.num_envs();
    let dim = task.obs_dim();
    let calls: Arc<Mutex<Vec<HookCall>>> = Arc::default();
    let seen = Arc::clone(&calls);
    let hook = move |e: usize, o: &[f32], next: &[f32], r: f64, term: bool, trunc: bool| {
        seen.lock()
            .expect("not poisoned")
            .push((e, o.to_vec(), next.to_vec(), r, term, trunc));
        10.0 * e as f64 - 3.0 * r
    };
    assert!(task.set_reward_hook(Some(Box::new(hook))).is_none());
    assert!(task.has_reward_hook());
    let mut obs = task.reset(Some(7))?.to_vec();
    let mut rng = Pcg64::seed_from_u64(1);
    let mut actions = vec![0usize; n];
    let (mut lens, mut ended) = (vec![0usize; n], 0);
    let (mut truncations, mut terminations) = (0, 0);
    for _ in 0..400 {
        actions.iter_mut().for_each(|a| *a = rng.random_range(0..2));
        let s = task.step_discrete(&actions)?;
        let calls = std::mem::take(&mut *calls.lock().expect("not poisoned"));
        assert_eq!(calls.len(), n, "one call per copy and step");
        for (e, (env, o, next, r, term, trunc)) in calls.into_iter().enumerate() {
            let row = e * dim..(e + 1) * dim;
            assert_eq!(env, e);
            assert_eq!(o, obs[row.clone()], "the observation the step started from");
            assert_eq!((term, trunc), (s.terminated[e], s.truncated[e]));
            let want_next = if term || trunc { &s.final_obs } else { &s.obs };
            assert_eq!(next, want_next[row], "final obs, not the reset obs");
            // CartPole pays 1 per step; the learner gets the hook's reward.
            assert_eq!(r, 1.0);
            assert_eq!(s.rewards[e], (10.0 * e as f64 - 3.0) as f32);
            lens[e] += 1;
            truncations += usize::from(trunc);
            terminations += usize::from(term);
        }
        for ep in &s.episodes {
            assert_eq!(ep.len, lens[ep.env]);
            assert_eq!(ep.ret, ep.len as f64, "the task return");
            let shaped = (10.0 * ep.env as f64 - 3.0) * ep.len as f64;
            assert_eq!(ep.shaped_ret, Some(shaped), "the hook's return");
            lens[ep.env] = 0;
            ended += 1;
        }
        obs.copy_from_slice(&s.obs);
    }
    assert!(ended > 20 && terminations > 0, "{ended} episodes");
    // The 25-step limit set by the callers makes some episodes truncate.
    assert!(truncations > 0, "no truncation seen");
    // Removing the hook gives the learner the task reward back.
    assert!(task.set_reward_hook(None).is_some());
    let s = task.step_discrete(&actions)?;
    assert!(s.rewards.iter().all(|r| *r == 1.0));
    assert!(s.episodes.iter().all(|ep| ep.shaped_ret.is_none()));
    Ok(())
}

#[test]
fn reward_hook_on_the_cartpole_batch() -> TestResult {
    let task = VecTask::new(
        "CartPole-v1",
        &kw(&[("max_episode_steps", "25")]),
        3,
        MiniGridEncoding::Image,
    )?;
    assert_eq!(task.backend(), "cartpole-batch");
    hook_sees_raw_transitions_and_its_reward_is_trained_on(task)
}

#[test]
fn reward_hook_on_the_generic_path() -> TestResult {
    let task = VecTask::new_renderable(
        "CartPole-v1",
        &kw(&[("max_episode_steps", "25")]),
        2,
        MiniGridEncoding::Image,
    )?;
    assert_eq!(task.backend(), "generic");
    hook_sees_raw_transitions_and_its_reward_is_trained_on(task)
}
