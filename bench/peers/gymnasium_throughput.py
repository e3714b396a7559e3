"""Environment throughput of Gymnasium, measured the way `rewardlab bench` measures ours.

The peer figure for `rewardlab bench` (see docs/benchmarks.md, "Environment throughput"):
same flags, same single JSON line, so that `bench/compare_throughput.sh` can put the two
side by side.

What is timed:
- one env (`--num-envs 1`): `gym.make(ID, **kwargs)` (with its registered TimeLimit and
  Gymnasium's default wrappers, as a user gets it), seeded with `reset(seed=S)`; then `--steps`
  calls of `env.step(action)`, with `env.reset()` whenever an episode ends (terminated or
  truncated) inside the timed loop. The actions come from `env.action_space.sample()`, drawn
  4096 at a time *outside* the clock (see `timed_steps`).
- `--num-envs K`: `gymnasium.vector.SyncVectorEnv` over K `gym.make` envs (Gymnasium's default
  next-step autoreset), one `envs.action_space.sample()` per call (drawn outside the clock
  too); `--steps` counts transitions
  over all copies, so the loop makes `steps / K` vector calls (rounded up). With
  `--vectorization-mode vector_entry_point`, `gym.make_vec` uses the env's own batched
  implementation where it has one (CartPole's numpy `CartPoleVectorEnv`).
- `--resets`: `reset()` is timed instead of `step()` (for K copies, each vector reset counts K).

The action space is seeded with S, so the actions are uniform random from a seeded stream, as
in ours. `--threads` is accepted for symmetry and ignored: Gymnasium's SyncVectorEnv runs on
one thread, and the JSON reports `"threads": 1`.

`--env-arg key=value` values are read as Python literals where they parse (`8x8` stays a
string, `0.5` is a float); `true`/`false` in any case are booleans, as in our registry.

Setup (a virtual environment; never a runtime dependency of rewardlab):

    python3 -m venv /work/gymvenv
    /work/gymvenv/bin/pip install "gymnasium[classic-control,toy-text]==1.4.0" numpy

Run:

    /work/gymvenv/bin/python bench/peers/gymnasium_throughput.py --env CartPole-v1 --steps 200000 --json
"""

import argparse
import ast
import json
import math
import sys
import time

import gymnasium as gym


def parse_env_arg(text: str):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    key, value = text.split("=", 1)
    key, value = key.strip(), value.strip()
    if not key:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    lowered = value.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key, value


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


CHUNK = 4096


def timed_steps(step, sample, steps: int, on_end=None) -> float:
    """Times `steps` calls of `step`, drawing the actions `CHUNK` at a time outside the clock.

    Gymnasium's `Box.sample()` costs several microseconds, more than a classic-control step;
    timing it would flatter our ratio, so only the env is on the clock (ours times its cheap
    action draws too, which only makes our figure more conservative).
    """
    elapsed, done = 0.0, 0
    while done < steps:
        n = min(CHUNK, steps - done)
        actions = [sample() for _ in range(n)]
        start = time.perf_counter()
        if on_end is None:
            for a in actions:
                step(a)
        else:
            for a in actions:
                _, _, terminated, truncated, _ = step(a)
                if terminated or truncated:
                    on_end()
        elapsed += time.perf_counter() - start
        done += n
    return elapsed


def time_single(env_id: str, kwargs: dict, steps: int, resets: bool, seed: int) -> float:
    env = gym.make(env_id, **kwargs)
    env.action_space.seed(seed)
    env.reset(seed=seed)
    if resets:
        start = time.perf_counter()
        for _ in range(steps):
            env.reset()
        return time.perf_counter() - start
    elapsed = timed_steps(env.step, env.action_space.sample, steps, on_end=env.reset)
    env.close()
    return elapsed


def time_vector(
    env_id: str, kwargs: dict, num_envs: int, calls: int, resets: bool, seed: int, mode: str
) -> float:
    if mode == "sync":
        envs = gym.vector.SyncVectorEnv(
            [lambda: gym.make(env_id, **kwargs) for _ in range(num_envs)]
        )
    else:
        envs = gym.make_vec(env_id, num_envs=num_envs, vectorization_mode=mode, **kwargs)
    envs.action_space.seed(seed)
    envs.reset(seed=seed)
    if resets:
        start = time.perf_counter()
        for _ in range(calls):
            envs.reset()
        return time.perf_counter() - start
    elapsed = timed_steps(envs.step, envs.action_space.sample, calls)
    envs.close()
    return elapsed


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--env", required=True, help="Gymnasium id, e.g. CartPole-v1")
    p.add_argument("--env-arg", action="append", default=[], type=parse_env_arg,
                   metavar="KEY=VALUE", help="constructor kwarg (repeatable)")
    p.add_argument("--num-envs", type=positive_int, default=1)
    p.add_argument("--threads", type=positive_int, default=None, help="ignored (see header)")
    p.add_argument("--steps", type=positive_int, default=1_000_000,
                   help="transitions over all copies")
    p.add_argument("--resets", action="store_true", help="time reset() instead of step()")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--vectorization-mode", choices=["sync", "async", "vector_entry_point"],
                   default="sync", help="how K > 1 copies are vectorised")
    args = p.parse_args()

    kwargs = dict(args.env_arg)
    if args.num_envs == 1:
        steps = args.steps
        seconds = time_single(args.env, kwargs, steps, args.resets, args.seed)
    else:
        calls = math.ceil(args.steps / args.num_envs)
        steps = calls * args.num_envs
        seconds = time_vector(args.env, kwargs, args.num_envs, calls, args.resets, args.seed,
                              args.vectorization_mode)
    report = {
        "env": args.env,
        "num_envs": args.num_envs,
        "threads": 1,
        "steps": steps,
        "seconds": seconds,
        "steps_per_sec": steps / seconds if seconds > 0 else float("inf"),
    }
    if args.json:
        print(json.dumps(report))
    else:
        what = "resets" if args.resets else "steps"
        print(f"gymnasium {gym.__version__}: {args.env} x{args.num_envs}")
        print(f"  {what:>6}: {steps}")
        print(f"  seconds: {seconds:.4f}")
        print(f"  {what}/s: {report['steps_per_sec']:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
