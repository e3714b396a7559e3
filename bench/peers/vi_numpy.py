"""Synchronous value iteration on a 100x100 open grid with numpy: the peer figure for
crates/core/benches/value_iteration.rs (see docs/benchmarks.md).

Same model: 10,000 states, actions up/right/down/left (a move into the border stays put),
reward -1 per step, an absorbing goal (value 0) in the bottom-right corner, gamma = 0.99,
iterated from V = 0 until the sup-norm change is below 1e-8.

Vectorised on successor arrays: next[s, a] and R[s, a]; each sweep is
Q = R + gamma * V[next]; V_new = Q.max(1). The goal's row points at itself with reward 0.

Run: bench/peers/.venv/bin/python bench/peers/vi_numpy.py
"""

import time

import numpy as np

SIDE = 100
GAMMA = 0.99
TOL = 1e-8
REPEATS = 20


def build_grid(side: int):
    n = side * side
    y, x = np.divmod(np.arange(n), side)
    up = np.maximum(y - 1, 0) * side + x
    right = y * side + np.minimum(x + 1, side - 1)
    down = np.minimum(y + 1, side - 1) * side + x
    left = y * side + np.maximum(x - 1, 0)
    nxt = np.stack([up, right, down, left], axis=1)
    reward = np.full((n, 4), -1.0)
    goal = n - 1
    nxt[goal, :] = goal
    reward[goal, :] = 0.0
    return nxt, reward


def value_iteration(nxt, reward, gamma, tol):
    v = np.zeros(nxt.shape[0])
    sweeps = 0
    while True:
        q = reward + gamma * v[nxt]
        v_new = q.max(axis=1)
        sweeps += 1
        residual = np.abs(v_new - v).max()
        v = v_new
        if residual < tol:
            return v, sweeps


def main():
    nxt, reward = build_grid(SIDE)
    best = float("inf")
    sweeps = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        v, sweeps = value_iteration(nxt, reward, GAMMA, TOL)
        best = min(best, time.perf_counter() - start)
    assert v[-1] == 0.0, "the goal is absorbing"
    expect_corner = -(1 - GAMMA ** (2 * (SIDE - 1))) / (1 - GAMMA)
    assert abs(v[0] - expect_corner) < 1e-9, (v[0], expect_corner)
    print(f"numpy {np.__version__}: grid {SIDE}x{SIDE}")
    print(f"sweeps: {sweeps}")
    print(f"ms per sweep: {best * 1e3 / sweeps:.4f}")
    print(f"total seconds (best of {REPEATS}): {best:.4f}")


if __name__ == "__main__":
    main()
