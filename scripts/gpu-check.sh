#!/usr/bin/env bash
# Short PPO CartPole training on wgpu and on flex with one prebuilt binary; prints steps/s side
# by side. Meant for a GPU machine that may have no network and no time to compile burn:
#
#   cargo build --release --features wgpu --target-dir target/wgpu     # beforehand, anywhere
#   scripts/gpu-check.sh target/wgpu/release/rewardlab [STEPS]
#
# Without a GPU, wgpu runs on Mesa's software Vulkan driver (Debian: mesa-vulkan-drivers).
# Each backend gets at most 140 s (STEPS defaults to 10240 = 40 PPO updates of the CartPole
# preset), so the whole check stays under 5 minutes.
set -uo pipefail
bin=${1:?usage: scripts/gpu-check.sh BINARY [STEPS]}
steps=${2:-10240}
[[ -x "$bin" ]] || { echo "not an executable: $bin" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== machine"
uname -srm
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; fi
if command -v vulkaninfo >/dev/null; then
  vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName" | sort -u
fi

field() { sed -n "s/.*\"$2\": *\([^,}]*\).*/\1/p" "$1" | head -1; }

printf "\n%-8s %10s %10s %12s %22s\n" backend steps wall_s steps/s mean_return_last100
for backend in wgpu flex; do
  log="$tmp/$backend.log"
  if timeout 140 "$bin" train --env CartPole-v1 --algo ppo --seed 1 --total-steps "$steps" \
      --set eval_every=0 --backend "$backend" --runs-dir "$tmp" --experiment "$backend" >"$log" 2>&1; then
    summary=$(ls "$tmp/$backend"/*/summary.json)
    total=$(field "$summary" total_steps)
    wall=$(field "$summary" wall_seconds)
    ret=$(field "$summary" mean_return_last100)
    sps=$(awk -v s="$total" -v w="$wall" 'BEGIN { printf "%.0f", s / w }')
    printf "%-8s %10s %10.2f %12s %22s\n" "$backend" "$total" "$wall" "$sps" "$ret"
  else
    printf "%-8s failed or timed out (exit %s):\n" "$backend" "$?"
    tail -n 5 "$log" | sed 's/^/    /'
  fi
done
