#!/usr/bin/env bash
# Environment throughput, rewardlab against Gymnasium, for every classic-control and toy-text
# env: prints the markdown table of docs/benchmarks.md ("Environment throughput").
#
# Each row runs `rewardlab bench --json` and bench/peers/gymnasium_throughput.py --json with the
# same env, copies and seed, REPEATS times each (alternating), and keeps each side's best
# steps/s. The backend column is what `rewardlab bench` ran: `typed-env` (one env, stepped
# through its typed interface: the counterpart of Gymnasium's env.step), `env` (one env
# through the type-erased Value interface) or a vector backend. Run it on an otherwise idle
# machine:
#
#     bench/compare_throughput.sh            # build with --release, then measure
#     REPEATS=5 SCALE=2 bench/compare_throughput.sh
#
# Environment: GYM_PYTHON (default /work/gymvenv/bin/python; see the peer script's header for
# the venv), REPEATS (default 3), SCALE (multiplies every step count, default 1), THREADS
# (threads of the vectorised rows, default 2).
set -euo pipefail

cd "$(dirname "$0")/.."
GYM_PYTHON=${GYM_PYTHON:-/work/gymvenv/bin/python}
REPEATS=${REPEATS:-3}
SCALE=${SCALE:-1}
THREADS=${THREADS:-2}
PEER=bench/peers/gymnasium_throughput.py
OURS=target/release/rewardlab

cargo build --release --quiet --bin rewardlab

# steps_per_sec of a JSON line on stdin.
rate() {
    python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["steps_per_sec"])'
}

# best_of CMD...: the highest steps/s over REPEATS runs.
best_of() {
    local best=0 r
    for _ in $(seq "$REPEATS"); do
        r=$("$@" --json | rate)
        best=$(python3 -c "print(max($best, $r))")
    done
    echo "$best"
}

# row LABEL GOAL OUR_STEPS GYM_STEPS NUM_ENVS GYM_MODE ENV [--env-arg K=V ...]
# GOAL: "100x" / "50x" (a ratio to Gymnasium) or "20M/s" (our absolute rate). GYM_MODE: how
# Gymnasium vectorises more than one copy (sync or vector_entry_point).
row() {
    local label=$1 goal=$2 our_steps=$3 gym_steps=$4 num_envs=$5 mode=$6 env=$7
    shift 7
    our_steps=$(python3 -c "print(int($our_steps * $SCALE))")
    gym_steps=$(python3 -c "print(int($gym_steps * $SCALE))")
    local ours gym backend
    backend=$("$OURS" bench --env "$env" --num-envs "$num_envs" --threads "$THREADS" \
        --steps "$num_envs" --seed 0 "$@" | awk '$1 == "backend" { print $2 }')
    ours=$(best_of "$OURS" bench --env "$env" --num-envs "$num_envs" --threads "$THREADS" \
        --steps "$our_steps" --seed 0 "$@")
    gym=$(best_of "$GYM_PYTHON" "$PEER" --env "$env" --num-envs "$num_envs" \
        --steps "$gym_steps" --seed 0 --vectorization-mode "$mode" "$@")
    python3 - "$label" "$goal" "$ours" "$gym" "$backend" <<'EOF'
import sys
label, goal, ours, gym = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
backend = sys.argv[5]
ratio = ours / gym
if goal.endswith("x"):
    met = ratio >= float(goal[:-1])
else:
    met = ours >= float(goal.rstrip("M/s")) * 1e6
fmt = lambda r: f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.1f}k"
print(f"| {label} | {backend} | {fmt(ours)} | {fmt(gym)} | {ratio:.0f}x | {goal} | {'yes' if met else 'no'} |")
EOF
}

echo "| env | rewardlab backend | rewardlab steps/s | Gymnasium steps/s | ratio | goal | met |"
echo "|---|---|---:|---:|---:|---:|:---:|"
row "CartPole-v1" 100x 20000000 200000 1 sync CartPole-v1
row "CartPole-v1 ×4096, ${THREADS} threads (Gymnasium: SyncVectorEnv)" 20M/s \
    200000000 300000 4096 sync CartPole-v1
row "CartPole-v1 ×4096, ${THREADS} threads (Gymnasium: numpy CartPoleVectorEnv)" 20M/s \
    200000000 4000000 4096 vector_entry_point CartPole-v1
row "MountainCar-v0" 50x 10000000 100000 1 sync MountainCar-v0
row "MountainCarContinuous-v0" 50x 20000000 300000 1 sync MountainCarContinuous-v0
row "Acrobot-v1" 50x 3000000 30000 1 sync Acrobot-v1
row "Pendulum-v1" 50x 6000000 100000 1 sync Pendulum-v1
row "FrozenLake-v1" 50x 10000000 150000 1 sync FrozenLake-v1
row "FrozenLake-v1 8x8" 50x 10000000 150000 1 sync FrozenLake-v1 --env-arg map_name=8x8
row "CliffWalking-v1" 50x 10000000 150000 1 sync CliffWalking-v1
row "Taxi-v4" 50x 6000000 150000 1 sync Taxi-v4
