//! The `goodhart` experiment on a tiny budget: the summary's contract, the files it writes,
//! and the early-stopping guarantee on every path it ran.

use std::process::Command;

#[test]
fn tiny_goodhart_run_writes_the_contract_and_stopping_never_drops() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("goodhart");
    let status = Command::new(env!("CARGO_BIN_EXE_goodhart"))
        .args([
            "--mdps",
            "2",
            "--betas",
            "12",
            "--thetas",
            "10,60",
            "--grid-seeds",
            "1",
        ])
        .arg("--out")
        .arg(&dir)
        .status()?;
    assert!(status.success(), "goodhart exited with {status}");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json"))?)?;
    let variants = summary["variants"].as_object().expect("variants object");
    let mut names: Vec<&str> = variants.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "lava_bridge/ignores_lava",
            "lava_bridge/theta10",
            "lava_bridge/theta60",
            "random32x4/theta10",
            "random32x4/theta60",
        ]
    );
    for (name, v) in variants {
        let theta = v["theta_deg"].as_f64().expect("theta");
        if let Some(target) = name.strip_prefix("random32x4/theta") {
            let target: f64 = target.parse()?;
            assert!(
                (theta - target).abs() < 1e-6,
                "{name}: measured θ = {theta}"
            );
        }
        let stopped = &v["early_stopping"];
        assert_eq!(stopped["drop_frequency"], 0.0, "{name}: {v}");
        for key in ["drop_frequency", "mean_drop"] {
            assert!(v[key].as_f64().expect("number") >= 0.0, "{name}.{key}");
        }
        let t = &v["true_return"];
        let get = |k: &str| t[k].as_f64().expect("number");
        assert!(get("peak") >= get("end") - 1e-12 && get("peak") >= get("stop") - 1e-12);
        assert!((0.0..=1.0 + 1e-9).contains(&get("peak")), "{name}: {t}");
    }
    // Every path: 12 temperatures plus the hard optimum; the stopped prefix never drops.
    let paths = summary["paths"].as_array().expect("paths");
    assert_eq!(paths.len(), 2 * 2 + 1 + 2);
    for p in paths {
        assert_eq!(p["len"], 13);
        let stopped_drop = p["stopped_drop"].as_f64().expect("number");
        assert!(stopped_drop <= 1e-9, "{p}");
    }
    for file in [
        "metrics.csv",
        "drop_frequency.png",
        "drop_frequency.svg",
        "true_return_random32x4.png",
        "proxy_return_lava_bridge.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    Ok(())
}
