"""MiniGrid throughput, measured the way `rewardlab bench` measures ours.

The peer figures for the MiniGrid rows of docs/benchmarks.md: MiniGrid 3.2's steps/s on
DoorKey-8x8 (random actions, the 7×7×3 observation built at every step) and resets/s on
MultiRoom-N6 (a new layout per reset), as issue 4 asks.

It is `gymnasium_throughput.py` with MiniGrid's ids registered (`import minigrid`): the same
flags, the same timing (actions from the seeded action space, drawn 4096 at a time *outside*
the clock; `env.reset()` inside the timed loop whenever an episode ends; `--resets` times
`reset()` instead) and the same single JSON line with `--json`, so the two sides can be put
side by side like `bench/compare_throughput.sh` does. The env is `gym.make(ID)`, as a user
gets it (MiniGrid's own `max_steps` truncation, Gymnasium's default wrappers).

Without `--env` it runs the two issue rows (REPEATS times each, best kept) against
`rewardlab bench` and prints the table of `compare_throughput.sh`:

    /work/gymvenv/bin/python bench/peers/minigrid_throughput.py            # both rows
    /work/gymvenv/bin/python bench/peers/minigrid_throughput.py \
        --env MiniGrid-DoorKey-8x8-v0 --steps 100000 --json                # one figure

Environment for the table: REWARDLAB (default target/release/rewardlab, built with
`cargo build --release --bin rewardlab`), REPEATS (default 3).

Setup (a virtual environment; never a runtime dependency of rewardlab):

    python3 -m venv /work/gymvenv
    /work/gymvenv/bin/pip install "minigrid==3.2.0" "gymnasium==1.4.0" numpy
"""

import json
import os
import subprocess
import sys

import minigrid  # noqa: F401  (registers the MiniGrid ids with Gymnasium)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gymnasium_throughput  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (label, env id, --resets?, goal ratio, our steps, MiniGrid steps)
ROWS = [
    ("MiniGrid-DoorKey-8x8-v0 steps", "MiniGrid-DoorKey-8x8-v0", False, 300, 20_000_000, 100_000),
    ("MiniGrid-MultiRoom-N6-v0 resets", "MiniGrid-MultiRoom-N6-v0", True, 300, 2_000_000, 10_000),
]


def rate(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["steps_per_sec"]


def best_of(cmd, repeats):
    return max(rate(cmd) for _ in range(repeats))


def fmt(r):
    return f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.1f}k"


def table():
    ours_bin = os.environ.get("REWARDLAB", os.path.join(ROOT, "target", "release", "rewardlab"))
    repeats = int(os.environ.get("REPEATS", "3"))
    print("| env | rewardlab backend | rewardlab steps/s | MiniGrid steps/s | ratio | goal | met |")
    print("|---|---|---:|---:|---:|---:|:---:|")
    for label, env_id, resets, goal, our_steps, peer_steps in ROWS:
        extra = ["--resets"] if resets else []
        ours_cmd = [ours_bin, "bench", "--env", env_id, "--steps", str(our_steps),
                    "--seed", "0", "--json", *extra]
        peer_cmd = [sys.executable, os.path.abspath(__file__), "--env", env_id,
                    "--steps", str(peer_steps), "--seed", "0", "--json", *extra]
        backend = "?"
        probe = subprocess.run([ours_bin, "bench", "--env", env_id, "--steps", "1000",
                                "--seed", "0", *extra], check=True, capture_output=True,
                               text=True).stdout
        for line in probe.splitlines():
            parts = line.split()
            if parts and parts[0] == "backend":
                backend = parts[1]
        ours = best_of(ours_cmd, repeats)
        peer = best_of(peer_cmd, repeats)
        ratio = ours / peer
        met = "yes" if ratio >= goal else "no"
        print(f"| {label} | {backend} | {fmt(ours)} | {fmt(peer)} | {ratio:.0f}x | {goal}x | {met} |")


if __name__ == "__main__":
    if "--env" in sys.argv[1:]:
        sys.exit(gymnasium_throughput.main())
    table()
