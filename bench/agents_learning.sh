#!/usr/bin/env bash
# Issue 5's learning targets: every (env, algo) pair with the default (tuned) preset, seeds 1-3,
# into runs/agents/; then one table of the summaries and learning-curve plots in docs/figures/.
#
#   cargo build --release && bash bench/agents_learning.sh [--jobs 2]
#
# Runs are independent processes; --jobs N runs N at once (each uses one core).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=1
if [[ "${1:-}" == "--jobs" ]]; then jobs=$2; fi
bin=target/release/rewardlab
runs=runs/agents
mkdir -p "$runs" docs/figures

targets=(
  "CartPole-v1 ppo"
  "CartPole-v1 dqn"
  "Acrobot-v1 ppo"
  "Pendulum-v1 ppo"
  "MiniGrid-Empty-8x8-v0 ppo"
  "MiniGrid-DoorKey-5x5-v0 ppo"
)
for t in "${targets[@]}"; do
  set -- $t
  for seed in 1 2 3; do
    # A finished run is kept (delete its folder to redo it).
    [[ -f "$runs/$1__$2__seed$seed/summary.json" ]] && continue
    echo "$bin train --env $1 --algo $2 --seed $seed --runs-dir runs --experiment agents"
  done
done | xargs -P "$jobs" -I{} bash -c '{} > /dev/null'

python3 - "$runs" <<'PY'
import json, pathlib, statistics, sys
rows = {}
for s in sorted(pathlib.Path(sys.argv[1]).glob("*/summary.json")):
    d = json.loads(s.read_text())
    rows.setdefault((d["env"], d["algo"]), []).append(d)
def ms(xs):
    xs = [x for x in xs if x is not None]
    if not xs: return "—"
    fmt = "{:.1f}" if max(abs(x) for x in xs) >= 10 else "{:.3f}"
    if len(xs) == 1: return fmt.format(xs[0])
    return fmt.format(statistics.mean(xs)) + " ± " + fmt.format(statistics.stdev(xs))
print("| env | algo | seeds | steps | last-100 mean return | last-100 success | best eval | final eval | steps to threshold | wall s |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (env, algo), ds in sorted(rows.items()):
    reached = [d["steps_to_threshold"] for d in ds]
    thr = ", ".join("never" if r is None else str(r) for r in reached)
    print(f"| {env} | {algo} | {len(ds)} | {ds[0]['total_steps']} | {ms([d['mean_return_last100'] for d in ds])} "
          f"| {ms([d.get('success_rate_last100') for d in ds])} | {ms([d['best_eval_mean_return'] for d in ds])} "
          f"| {ms([d.get('last_eval_mean_return') for d in ds])} | {thr} | {ms([d['wall_seconds'] for d in ds])} |")
PY

for t in "${targets[@]}"; do
  set -- $t
  name=$(echo "$1-$2" | tr 'A-Z' 'a-z')
  $bin plot "$runs"/"$1"__"$2"__seed* --out "docs/figures/agents-$name.png" >/dev/null
  case $1 in MiniGrid-*)
    $bin plot "$runs"/"$1"__"$2"__seed* --metric charts/episodic_success --out "docs/figures/agents-$name-success.png" >/dev/null;;
  esac
done
