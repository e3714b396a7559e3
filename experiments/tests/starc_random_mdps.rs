//! `starc_random_mdps` on a tiny budget (2 MDPs × 4 pairs × 16 steps): the summary's keys,
//! correlations in [−1, 1], the shared-work distances equal to the library's
//! `starc_distance`, VAL's L2 and weighted-L2 normalisations giving the same correlation,
//! and results independent of the thread count.

use std::collections::BTreeSet;

use rewardlab_experiments::starc_experiment::{
    Settings, Variant, correlations_csv, pearson, run, summarise, summary_json,
};
use rewardlab_rewards::distance::random::{mdp_seed, pair_seed, random_reward_pair};
use rewardlab_rewards::distance::{
    Canon, CanonOptions, Dist, DistanceModel, Norm, dard_distance, epic_distance, interpolate,
    random_mdp, regret_symmetric, starc_distance,
};

fn tiny() -> Settings {
    Settings {
        mdps: 2,
        pairs: 4,
        ..Settings::default()
    }
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

#[test]
fn summary_has_every_key_and_valid_correlations() -> anyhow::Result<()> {
    let settings = tiny();
    let points = run(&settings)?;
    assert_eq!(points.regret.len(), 2 * 4 * 16);
    assert!(points.regret.iter().all(|r| (0.0..=1.0).contains(r)));
    let stats = summarise(&points, settings.mdps);
    let summary = summary_json(&settings, &points, &stats)?;
    assert_eq!(summary["n_points"], 128);
    assert_eq!(summary["settings"]["mdps"], 2);

    // 4 canonicalisations × 6 norms × 3 distances, minimal × {l2, weighted-l2} × 3, EPIC, DARD.
    let mut expected = BTreeSet::new();
    for canon in ["val", "val-potential", "epic", "dard"] {
        for norm in [
            "l1",
            "l2",
            "linf",
            "weighted-l1",
            "weighted-l2",
            "weighted-linf",
        ] {
            for dist in ["l1", "l2", "linf"] {
                expected.insert(format!("starc/{canon}/{norm}-{dist}"));
            }
        }
    }
    for norm in ["l2", "weighted-l2"] {
        for dist in ["l1", "l2", "linf"] {
            expected.insert(format!("starc/minimal/{norm}-{dist}"));
        }
    }
    expected.insert("epic".into());
    expected.insert("dard".into());
    assert_eq!(expected.len(), 80);
    for map in ["correlations", "variants"] {
        let keys: BTreeSet<String> = summary[map]
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, expected, "{map}");
    }
    for key in &expected {
        let rho = summary["correlations"][key].as_f64().expect("a defined ρ");
        assert!((-1.0..=1.0).contains(&rho), "{key}: {rho}");
        assert_eq!(summary["variants"][key]["correlation"].as_f64(), Some(rho));
    }
    // Closer rewards have lower regret: the headline distance correlates clearly.
    let val = summary["correlations"]["starc/val/l2-l2"]
        .as_f64()
        .expect("a number");
    assert!(val > 0.5, "{val}");

    // VAL is constant in s′ and τ sums to 1 over s′, so its weighted norms are its plain
    // norms over a constant factor: identical normalised rewards, identical correlations.
    for (plain, weighted) in [("l2", "weighted-l2"), ("l1", "weighted-l1")] {
        for dist in ["l1", "l2", "linf"] {
            let a = summary["correlations"][format!("starc/val/{plain}-{dist}")].as_f64();
            let b = summary["correlations"][format!("starc/val/{weighted}-{dist}")].as_f64();
            let (a, b) = (a.expect("a number"), b.expect("a number"));
            assert!(
                (a - b).abs() < 1e-9,
                "{plain} vs {weighted}, {dist}: {a} {b}"
            );
        }
    }
    // The table has a header and one line per key.
    assert_eq!(correlations_csv(&stats).lines().count(), 81);
    Ok(())
}

#[test]
fn distances_and_regret_match_the_library_functions() -> anyhow::Result<()> {
    let settings = Settings {
        mdps: 2,
        pairs: 3,
        steps: 4,
        ..Settings::default()
    };
    let points = run(&settings)?;
    let opts = CanonOptions::default();
    let mut nonzero = 0;
    for mdp in 0..2 {
        let model = DistanceModel::new(&random_mdp(&settings.mdp, mdp_seed(settings.seed, mdp))?)?;
        for pair in 0..3 {
            let seed = pair_seed(settings.seed, mdp, pair);
            let (a, b) = random_reward_pair(32, 4, 0.95, &settings.reward, seed);
            let r1 = model.reward(a.clone())?;
            for k in 1..=4 {
                let rk = model.reward(interpolate(&a, &b, k, 4)?)?;
                let i = (mdp as usize * 3 + pair as usize) * 4 + k - 1;
                assert_eq!(points.mdp[i], mdp as usize);
                let want = regret_symmetric(&model, &r1, &rk)?;
                assert!(
                    (points.regret[i] - want).abs() < 1e-12,
                    "regret at MDP {mdp}, pair {pair}, k = {k}: {} vs {want}",
                    points.regret[i]
                );
                nonzero += usize::from(want > 0.0);
                for (v, column) in points.variants.iter().zip(&points.distances) {
                    let want = match *v {
                        Variant::Starc { canon, norm, dist } => {
                            starc_distance(&model, &r1, &rk, canon, norm, dist, &opts)?
                        }
                        Variant::EpicPearson => epic_distance(&model, &r1, &rk, &opts)?,
                        Variant::DardPearson => dard_distance(&model, &r1, &rk, &opts)?,
                    };
                    assert!(
                        (column[i] - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{} at k = {k}: {} vs {want}",
                        v.key(),
                        column[i]
                    );
                }
            }
            // The last step is R2 itself.
            let r2 = model.reward(b)?;
            let last = starc_distance(&model, &r1, &r2, Canon::Val, Norm::L2, Dist::L2, &opts)?;
            let column = points
                .variants
                .iter()
                .position(|v| v.key() == "starc/val/l2-l2")
                .expect("the headline variant");
            let i = (mdp as usize * 3 + pair as usize) * 4 + 3;
            assert!((points.distances[column][i] - last).abs() < 1e-12);
        }
    }
    // The comparison is not vacuous: most points have a positive regret.
    assert!(nonzero >= 12, "{nonzero} of 24 points with positive regret");
    Ok(())
}

#[test]
fn results_do_not_depend_on_the_thread_count() -> anyhow::Result<()> {
    let settings = Settings {
        mdps: 2,
        pairs: 3,
        steps: 4,
        ..Settings::default()
    };
    let one = in_pool(1, || run(&settings))?;
    let two = in_pool(2, || run(&settings))?;
    assert_eq!(one, two);
    let other_seed = in_pool(2, || {
        run(&Settings {
            seed: 7,
            ..settings.clone()
        })
    })?;
    assert_ne!(one.regret, other_seed.regret);
    Ok(())
}

#[test]
fn pearson_by_hand() {
    let close = |x: Option<f64>, want: f64| x.is_some_and(|v| (v - want).abs() < 1e-15);
    assert!(close(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), 1.0));
    assert!(close(pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0));
    // Centred, x = (−1, 0, 1) and y = (2/3, −4/3, 2/3): covariance 0.
    assert!(close(pearson(&[1.0, 2.0, 3.0], &[1.0, -1.0, 1.0]), 0.0));
    // x = (0, 1, 2, 3), y = (0, 1, 0, 1): cov 1, var 5 and 1 (summed), ρ = 1/√5.
    assert!(close(
        pearson(&[0.0, 1.0, 2.0, 3.0], &[0.0, 1.0, 0.0, 1.0]),
        1.0 / 5f64.sqrt()
    ));
    assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
    assert_eq!(pearson(&[1.0], &[1.0]), None);
    assert!(
        run(&Settings {
            mdps: 0,
            ..Settings::default()
        })
        .is_err()
    );
}
