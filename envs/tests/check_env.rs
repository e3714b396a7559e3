//! Every registered environment passes the Gymnasium-style conformance checks, and every
//! check really runs (none is skipped as not applicable).

use rewardlab_core::check::{CheckConfig, check_env};
use rewardlab_envs::{make, specs};

#[test]
fn every_registered_env_passes_check_env() {
    let four_rooms = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/four_rooms.txt");
    for spec in specs() {
        // Ids with a required kwarg get a valid one; the rest are made as `make` makes them.
        let required = spec.kwargs.iter().any(|k| k.default == "required");
        for slip in ["0", "0.2"] {
            let mut kwargs = vec![("slip".to_owned(), slip.to_owned())];
            if required {
                kwargs.push(("map".into(), four_rooms.into()));
            }
            let mut env = make(spec.id, &kwargs).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
            let report = check_env(&mut env, &CheckConfig::default());
            assert!(report.is_ok(), "{} (slip {slip}):\n{report}", spec.id);
            assert_eq!(report.checks.len(), 9, "{report}");
            for check in &report.checks {
                assert!(
                    !check.detail.starts_with("not applicable"),
                    "{}: {report}",
                    spec.id
                );
            }
        }
    }
}
