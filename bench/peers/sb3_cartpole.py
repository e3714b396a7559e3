#!/usr/bin/env python3
"""Peer benchmark: Stable-Baselines3 PPO on CartPole-v1 with the rl-zoo preset.

Reports, per seed, the same statistic that `rewardlab train` writes to summary.json:

  steps_to_threshold    environment steps (all envs together, SB3's num_timesteps) at the
                        first moment the mean return of the last 100 finished training
                        episodes is >= 475 (CartPole-v1's reward threshold); null if never.
  seconds_to_threshold  wall-clock seconds from the start of `learn()` to that moment.

"Last 100 episodes" needs 100 finished episodes; episodes are counted in the order the vector
env finishes them (env index order within one step), exactly like SB3's Monitor/ep_info_buffer.

Hyperparameters are rl-baselines3-zoo `hyperparams/ppo.yml`, entry `CartPole-v1`:
  n_envs 8, n_timesteps 1e5, MlpPolicy, n_steps 32, batch_size 256, gae_lambda 0.8,
  gamma 0.98, n_epochs 20, ent_coef 0.0, learning_rate lin_0.001, clip_range lin_0.2.
Everything else is SB3's PPO default (no value clipping, vf_coef 0.5, max_grad_norm 0.5,
advantage normalisation, separate 64-64 tanh actor/critic, orthogonal init, Adam eps 1e-5).
"lin_X" is X * progress_remaining, progress_remaining = 1 - num_timesteps / total_timesteps,
re-evaluated at every update. The vector env is SB3's DummyVecEnv (sequential) with Monitor.

Setup (one time, outside the repository; PyPI only, no other index is reachable here):

    python3 -m venv /work/sb3venv
    /work/sb3venv/bin/pip install stable-baselines3 gymnasium torch

PyPI's Linux torch wheel pulls the CUDA runtime packages (a few GB of download) even though
only the CPU is used; that is harmless, just slow to install once.

Run (3 seeds, JSON lines; the last line is the summary):

    /work/sb3venv/bin/python bench/peers/sb3_cartpole.py --seeds 1 2 3 --json

By default a seed stops as soon as the threshold is reached (the statistic is then final);
`--full` trains the whole 1e5 steps. `--threads N` sets torch's intra-op threads (default:
torch's own choice, i.e. the number of cores).
"""

import argparse
import json
import platform
import statistics
import sys
import time
from collections import deque

THRESHOLD = 475.0
WINDOW = 100

# rl-zoo hyperparams/ppo.yml, CartPole-v1
ZOO = dict(
    n_envs=8,
    n_timesteps=100_000,
    n_steps=32,
    batch_size=256,
    gae_lambda=0.8,
    gamma=0.98,
    n_epochs=20,
    ent_coef=0.0,
    learning_rate=0.001,  # linear to 0
    clip_range=0.2,  # linear to 0
)


class Linear:
    """rl-zoo's `lin_X`: X scaled by SB3's progress_remaining (1 at start, 0 at the end)."""

    def __init__(self, start):
        self.start = start

    def __call__(self, progress_remaining):
        return progress_remaining * self.start


def run_seed(seed, total_steps, full, verbose):
    import gymnasium  # noqa: F401  (import cost kept out of the timing)
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.env_util import make_vec_env

    class ThresholdWatch(BaseCallback):
        def __init__(self):
            super().__init__()
            self.returns = deque(maxlen=WINDOW)
            self.episodes = 0
            self.t0 = None
            self.steps_to_threshold = None
            self.seconds_to_threshold = None

        def _on_training_start(self):
            self.t0 = time.perf_counter()

        def _on_step(self):
            for info in self.locals["infos"]:
                ep = info.get("episode")
                if ep is None:
                    continue
                self.returns.append(float(ep["r"]))
                self.episodes += 1
                if (
                    self.steps_to_threshold is None
                    and len(self.returns) == WINDOW
                    and sum(self.returns) / WINDOW >= THRESHOLD
                ):
                    self.steps_to_threshold = int(self.num_timesteps)
                    self.seconds_to_threshold = time.perf_counter() - self.t0
                    if verbose:
                        print(
                            f"  seed {seed}: threshold at {self.num_timesteps} steps, "
                            f"{self.seconds_to_threshold:.2f} s",
                            file=sys.stderr,
                        )
            return full or self.steps_to_threshold is None

    env = make_vec_env("CartPole-v1", n_envs=ZOO["n_envs"], seed=seed)
    model = PPO(
        "MlpPolicy",
        env,
        n_steps=ZOO["n_steps"],
        batch_size=ZOO["batch_size"],
        gae_lambda=ZOO["gae_lambda"],
        gamma=ZOO["gamma"],
        n_epochs=ZOO["n_epochs"],
        ent_coef=ZOO["ent_coef"],
        learning_rate=Linear(ZOO["learning_rate"]),
        clip_range=Linear(ZOO["clip_range"]),
        seed=seed,
        device="cpu",
        verbose=0,
    )
    watch = ThresholdWatch()
    t0 = time.perf_counter()
    model.learn(total_timesteps=total_steps, callback=watch)
    wall = time.perf_counter() - t0
    env.close()
    last = list(watch.returns)
    return {
        "seed": seed,
        "steps_to_threshold": watch.steps_to_threshold,
        "seconds_to_threshold": (
            None if watch.seconds_to_threshold is None else round(watch.seconds_to_threshold, 3)
        ),
        "total_steps": int(model.num_timesteps),
        "wall_seconds": round(wall, 3),
        "episodes": watch.episodes,
        "mean_return_last100": round(sum(last) / len(last), 2) if last else None,
    }


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds to run")
    p.add_argument("--json", action="store_true", help="print only JSON lines")
    p.add_argument("--total-steps", type=int, default=ZOO["n_timesteps"])
    p.add_argument("--full", action="store_true", help="do not stop at the threshold")
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = p.parse_args()

    import torch
    import stable_baselines3

    if args.threads is not None:
        torch.set_num_threads(args.threads)

    results = []
    for seed in args.seeds:
        r = run_seed(seed, args.total_steps, args.full, verbose=not args.json)
        results.append(r)
        if args.json:
            print(json.dumps(r), flush=True)
        else:
            print(
                f"seed {seed}: steps_to_threshold={r['steps_to_threshold']} "
                f"seconds_to_threshold={r['seconds_to_threshold']} "
                f"(trained {r['total_steps']} steps in {r['wall_seconds']} s, "
                f"last-100 mean {r['mean_return_last100']})",
                flush=True,
            )

    reached = [r for r in results if r["steps_to_threshold"] is not None]
    summary = {
        "summary": True,
        "peer": "stable-baselines3 PPO, rl-zoo CartPole-v1 preset",
        "sb3_version": stable_baselines3.__version__,
        "torch_version": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "seeds": len(results),
        "reached": len(reached),
        "median_steps_to_threshold": median_or_none([r["steps_to_threshold"] for r in results]),
        "median_seconds_to_threshold": median_or_none([r["seconds_to_threshold"] for r in results]),
    }
    if args.json:
        print(json.dumps(summary), flush=True)
    else:
        print(
            f"median over {summary['reached']}/{summary['seeds']} seeds that reached {THRESHOLD:g}: "
            f"steps {summary['median_steps_to_threshold']}, "
            f"seconds {summary['median_seconds_to_threshold']}"
        )


if __name__ == "__main__":
    main()
