//! Every registered environment passes the Gymnasium-style conformance checks.

use rewardlab_core::check::{CheckConfig, check_env};
use rewardlab_envs::{make, specs};

#[test]
fn every_registered_env_passes_check_env() {
    let four_rooms = concat!(env!("CARGO_MANIFEST_DIR"), "/maps/four_rooms.txt");
    for spec in specs() {
        // Ids with a required kwarg get a valid one; the rest are made as `make` makes them.
        let kwargs: Vec<(String, String)> = if spec.kwargs.iter().any(|k| k.default == "required") {
            vec![("map".into(), four_rooms.into())]
        } else {
            vec![]
        };
        for slip in ["0", "0.2"] {
            let mut kwargs = kwargs.clone();
            kwargs.push(("slip".into(), slip.into()));
            let mut env = make(spec.id, &kwargs).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
            let report = check_env(&mut env, &CheckConfig::default());
            assert!(report.is_ok(), "{} (slip {slip}):\n{report}", spec.id);
        }
    }
}
