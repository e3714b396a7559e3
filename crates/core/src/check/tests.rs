//! `check_env` on a correct toy env and on copies of it broken in one way each.

use std::sync::Arc;

use rand::Rng;

use super::*;
use crate::mdp::MdpBuilder;
use crate::rng::{EnvRng, reseed, rng_from_seed};
use crate::space::BoxSpace;
use crate::tabular::TabularEnv;
use crate::value::Info;

/// What is wrong with a [`Walk`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// `reset` ignores its seed: the start alternates between 0 and 1.
    ResetIgnoresSeed,
    /// Step observations are shifted out of the space.
    ObsOutsideSpace,
    /// Steps go on after termination.
    NoResetNeeded,
    /// The action indexes a table without a bounds check.
    PanicsOnInvalidAction,
    /// Rewards are NaN.
    NanReward,
    /// The episode never ends.
    NeverEnds,
    /// Moves use a generator the seed does not touch.
    UnseededSteps,
    /// `step` works before the first reset.
    StepsBeforeReset,
}

/// A walk on 0..=4: action 1 moves right with probability 0.8, action 0 stays; reaching 4
/// terminates. The start is 0 or 1, drawn from the env's RNG.
#[derive(Debug)]
struct Walk {
    fault: Fault,
    rng: EnvRng,
    other_rng: EnvRng,
    pos: usize,
    done: bool,
    resets: usize,
}

impl Walk {
    fn new(fault: Fault) -> Self {
        Self {
            fault,
            rng: rng_from_seed(0),
            other_rng: rng_from_seed(99),
            pos: 0,
            done: fault != Fault::StepsBeforeReset,
            resets: 0,
        }
    }
}

impl Env for Walk {
    type Obs = usize;
    type Act = usize;

    fn observation_space(&self) -> Space {
        Space::discrete(5)
    }

    fn action_space(&self) -> Space {
        Space::discrete(2)
    }

    fn reset(&mut self, seed: Option<u64>) -> (usize, Info) {
        reseed(&mut self.rng, seed);
        self.resets += 1;
        self.pos = if self.fault == Fault::ResetIgnoresSeed {
            self.resets % 2
        } else {
            self.rng.random_range(0..2)
        };
        self.done = false;
        (self.pos, Info::new())
    }

    fn step(&mut self, action: &usize) -> Result<Step<usize>, EnvError> {
        if self.done && self.fault != Fault::NoResetNeeded {
            return Err(EnvError::ResetNeeded);
        }
        let gain = [0.0, 0.8];
        let p = if self.fault == Fault::PanicsOnInvalidAction {
            gain[*action]
        } else {
            self.validate_action(action)?;
            gain[*action]
        };
        let u: f64 = if self.fault == Fault::UnseededSteps {
            self.other_rng.random()
        } else {
            self.rng.random()
        };
        if u < p {
            self.pos = (self.pos + 1).min(4);
        }
        let terminated = self.pos == 4 && self.fault != Fault::NeverEnds;
        if self.fault == Fault::NeverEnds && self.pos == 4 {
            self.pos = 0;
        }
        self.done = terminated;
        Ok(Step {
            obs: self.pos
                + if self.fault == Fault::ObsOutsideSpace {
                    5
                } else {
                    0
                },
            reward: if self.fault == Fault::NanReward {
                f64::NAN
            } else {
                f64::from(u8::from(terminated))
            },
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }
}

fn check(fault: Fault) -> CheckReport {
    check_env(&mut Walk::new(fault), &CheckConfig::default())
}

fn failed(report: &CheckReport) -> Vec<&str> {
    report.failures().iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn a_correct_env_passes_every_check() {
    let report = check(Fault::None);
    assert!(report.is_ok(), "{report}");
    let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            RESET_DETERMINISM,
            RESET_OBS_IN_SPACE,
            SAMPLED_ACTIONS_ACCEPTED,
            STEP_DETERMINISM,
            STEP_OBS_IN_SPACE,
            REWARD_FINITE,
            INVALID_ACTION,
            RESET_NEEDED,
            RESET_NEEDED_BEFORE_FIRST
        ]
    );
    let reset_needed = report.get(RESET_NEEDED).expect("present");
    assert!(!reset_needed.detail.contains("not applicable"), "{report}");
    assert!(
        report.to_string().ends_with("9 checks, 0 failed"),
        "{report}"
    );
}

#[test]
fn a_tabular_env_passes_every_check() {
    let mut b = MdpBuilder::new(3, 2);
    for a in 0..2 {
        b.transition(0, a, 1, 0.5, 1.0)
            .transition(0, a, 0, 0.5, 0.0);
        b.transition(1, a, 2, 0.3, 2.0)
            .transition(1, a, 0, 0.7, -1.0);
    }
    b.initial_state(0).terminal(2);
    let mut env = TabularEnv::new(Arc::new(b.build().expect("valid")));
    let report = check_env(&mut env, &CheckConfig::default());
    assert!(report.is_ok(), "{report}");
    // Episodes end (state 2 is reachable), so the after-the-end check really ran.
    let reset_needed = report.get(RESET_NEEDED).expect("present");
    assert!(!reset_needed.detail.contains("not applicable"), "{report}");
}

#[test]
fn each_fault_fails_its_check() {
    let cases = [
        (Fault::ResetIgnoresSeed, RESET_DETERMINISM),
        (Fault::ObsOutsideSpace, STEP_OBS_IN_SPACE),
        (Fault::NoResetNeeded, RESET_NEEDED),
        (Fault::PanicsOnInvalidAction, INVALID_ACTION),
        (Fault::NanReward, REWARD_FINITE),
        (Fault::UnseededSteps, STEP_DETERMINISM),
        (Fault::StepsBeforeReset, RESET_NEEDED_BEFORE_FIRST),
    ];
    for (fault, name) in cases {
        let report = check(fault);
        assert!(failed(&report).contains(&name), "{fault:?}:\n{report}");
        assert!(!report.is_ok());
        assert!(report.to_string().contains(&format!("[FAIL] {name}")));
    }
    let panicked = check(Fault::PanicsOnInvalidAction);
    let detail = &panicked.get(INVALID_ACTION).expect("present").detail;
    assert!(detail.contains("panic"), "{detail}");
    // Only the targeted check fails where the fault touches nothing else.
    assert_eq!(
        failed(&check(Fault::NoResetNeeded)),
        [RESET_NEEDED, RESET_NEEDED_BEFORE_FIRST]
    );
    assert_eq!(
        failed(&check(Fault::StepsBeforeReset)),
        [RESET_NEEDED_BEFORE_FIRST]
    );
    assert_eq!(failed(&check(Fault::NanReward)), [REWARD_FINITE]);
}

#[test]
fn an_env_that_never_ends_skips_the_reset_needed_check() {
    let report = check(Fault::NeverEnds);
    assert!(report.is_ok(), "{report}");
    let outcome = report.get(RESET_NEEDED).expect("present");
    assert!(
        outcome.detail.starts_with("not applicable"),
        "{}",
        outcome.detail
    );
}

/// A box-action env that accepts anything: the invalid-action check must catch it.
#[derive(Debug)]
struct AcceptsAnything;

impl Env for AcceptsAnything {
    type Obs = usize;
    type Act = Vec<f32>;
    fn observation_space(&self) -> Space {
        Space::discrete(1)
    }
    fn action_space(&self) -> Space {
        Space::Box(BoxSpace::uniform(&[2], -1.0, 1.0, DType::F32))
    }
    fn reset(&mut self, _: Option<u64>) -> (usize, Info) {
        (0, Info::new())
    }
    fn step(&mut self, _: &Vec<f32>) -> Result<Step<usize>, EnvError> {
        Ok(Step {
            obs: 0,
            reward: 0.0,
            terminated: false,
            truncated: false,
            info: Info::new(),
        })
    }
}

#[test]
fn a_box_action_of_the_wrong_length_must_be_refused() {
    let report = check_env(&mut AcceptsAnything, &CheckConfig::default());
    // It also steps before any reset, which the last check catches.
    assert_eq!(
        failed(&report),
        [INVALID_ACTION, RESET_NEEDED_BEFORE_FIRST],
        "{report}"
    );
    let detail = &report.get(INVALID_ACTION).expect("present").detail;
    assert!(
        detail.contains("[0.0,0.0,0.0]") && detail.contains("accepted"),
        "{detail}"
    );
}

#[test]
fn invalid_action_values_lie_outside_their_space() {
    let spaces = [
        Space::discrete(3),
        Space::Discrete { n: 2, start: -5 },
        Space::Box(BoxSpace::uniform(&[2, 2], 0.0, 1.0, DType::U8)),
        Space::MultiDiscrete { nvec: vec![2, 2] },
        Space::MultiBinary { n: 3 },
        Space::Text { max_length: 4 },
        Space::Dict(vec![("a".into(), Space::discrete(2))]),
    ];
    for space in spaces {
        let bad = invalid_action_value(&space);
        assert!(!space.contains(&bad), "{bad} must lie outside {space}");
    }
    assert_eq!(invalid_action_value(&Space::discrete(3)), Value::Int(3));
}

#[test]
fn config_reads_from_toml_with_defaults() {
    let cfg: CheckConfig = toml::from_str("steps = 50").expect("valid");
    assert_eq!(
        cfg,
        CheckConfig {
            seed: 123,
            steps: 50
        }
    );
}
