"""numpy peer of `starc_random_mdps` (experiments/src/bin/starc_random_mdps.rs).

Same experiment, same generator semantics, a different random stream (numpy's PCG64 seeded
per (MDP, pair) with SeedSequence entropy [seed, mdp] and [seed, mdp, pair, 1]), so the
correlations agree statistically, not digit for digit:

- random MDPs: N(0,1) logits over (S, A, S'), kept if > threshold (1 below 50 states),
  softmax over the kept ones, dropped entries exactly 0, rows with none kept uniform;
  uniform initial distribution, no terminal states;
- random rewards: N(0,1); sparse (keep > 3) with p 0.2; scaled by 10*U with p 0.7; shifted by
  10*U with p 0.3; shaped with Phi = N(0,1)*10*U + U with p 0.5;
- R_k = R1 + k (R2 - R1) / steps, k = 1..steps;
- regret: exact, symmetric; optimal and worst policies by policy iteration (linear solves),
  ties to the lowest action index within 1e-9 relative; J = mu^T (I - gamma P_pi)^-1 r_pi;
- distances: the full set of the Rust binary (val, val-potential, epic, dard x 6 norms x
  3 distances; minimal x {l2, weighted-l2} x 3; Pearson EPIC and DARD), 80 keys.

All 1 + steps rewards of a pair are processed as one batch (arrays of shape (K, S, A, S)).

    /work/gymvenv/bin/python bench/peers/starc_random_mdps.py --mdps 4 [--pairs 64] [--steps 16]

prints the correlation table and the wall time, and `--json PATH` writes the correlations.
"""

import argparse
import json
import time

import numpy as np

NORMS = ["l1", "l2", "linf", "weighted-l1", "weighted-l2", "weighted-linf"]
DISTS = ["l1", "l2", "linf"]
CANONS = ["val", "val-potential", "epic", "dard", "minimal"]


def logit_threshold(n):
    return 1.0 if n < 50 else (1.5 if n < 100 else 1.8)


def reward_threshold(n):
    return 3.0 if n < 50 else (3.5 if n < 100 else 3.8)


def random_mdp(n, m, rng):
    logits = rng.standard_normal((n, m, n))
    keep = logits > logit_threshold(n)
    e = np.where(keep, np.exp(np.where(keep, logits, 0.0)), 0.0)
    sums = e.sum(axis=2, keepdims=True)
    empty = sums[..., 0] == 0.0
    tau = np.where(sums > 0, e / np.where(sums > 0, sums, 1.0), 0.0)
    tau[empty] = 1.0 / n
    return tau


def random_reward(n, m, gamma, rng):
    r = rng.standard_normal((n, m, n))
    if rng.random() < 0.2:
        r = np.where(r > reward_threshold(n), r, 0.0)
    if rng.random() < 0.7:
        r = r * (10.0 * rng.random())
    if rng.random() < 0.3:
        r = r + 10.0 * rng.random()
    if rng.random() < 0.5:
        scale, offset = 10.0 * rng.random(), rng.random()
        phi = rng.standard_normal(n) * scale + offset
        r = r + gamma * phi[None, None, :] - phi[:, None, None]
    return r


def norm(x, kind, tau):
    """Norm of each x[k] over all (s, a, s') entries; x has shape (K, S, A, S)."""
    flat = x.reshape(len(x), -1)
    t = tau.reshape(1, -1)
    if kind == "l1":
        return np.abs(flat).sum(1)
    if kind == "l2":
        return np.sqrt((flat * flat).sum(1))
    if kind == "linf":
        return np.abs(flat).max(1)
    if kind == "weighted-l1":
        return (t * np.abs(flat)).sum(1)
    if kind == "weighted-l2":
        return np.sqrt((t * flat * flat).sum(1))
    return (t * np.abs(flat)).max(1)


def normalise(x, kind, tau):
    size = norm(x, kind, tau)
    safe = np.where(size > 0, size, 1.0)
    return np.where((size > 0)[:, None, None, None], x / safe[:, None, None, None], 0.0)


class Model:
    def __init__(self, tau, gamma):
        self.tau, self.gamma = tau, gamma
        n, m, _ = tau.shape
        self.n, self.m = n, m
        self.eye = np.eye(n)
        # Uniform-policy dynamics for VAL.
        self.p_uniform = tau.mean(axis=1)
        # Minimal: rows e_s - gamma tau(s, a, .) of the design matrix, as (S*A, S).
        design = -gamma * tau.reshape(n * m, n)
        design[np.arange(n * m), np.repeat(np.arange(n), m)] += 1.0
        self.design = design
        self.w_l2 = 1.0 / (tau * tau).sum(axis=2).reshape(-1)
        self.normal = {
            "l2": design.T @ (self.w_l2[:, None] * design),
            "weighted-l2": design.T @ design,
        }

    def expected(self, r):
        return np.einsum("sat,ksat->ksa", self.tau, r)

    def canon(self, r):
        """Every canonical form of the batch r (K, S, A, S)."""
        n, m, g, tau = self.n, self.m, self.gamma, self.tau
        rbar = self.expected(r)
        out = {}
        # VAL and VAL-potential with V of the uniform policy, exactly.
        r_pi = rbar.mean(axis=2)
        v = np.linalg.solve(self.eye - g * self.p_uniform, r_pi.T).T
        next_v = np.einsum("sat,kt->ksa", tau, v)
        val = rbar - v[:, :, None] + g * next_v
        out["val"] = np.broadcast_to(val[..., None], r.shape)
        out["val-potential"] = r - v[:, :, None, None] + g * v[:, None, None, :]
        # EPIC, uniform coverage.
        mean = r.mean(axis=(2, 3))
        out["epic"] = (
            r + g * mean[:, None, None, :] - mean[:, :, None, None]
            - g * mean.mean(axis=1)[:, None, None, None]
        )
        # DARD: T3[s, s'] = gamma mean_a tau_a R_a tau_a^T.
        phi = rbar.mean(axis=2)
        t3 = np.zeros((len(r), n, n))
        for a in range(m):
            ta = tau[:, a, :]
            t3 += ta @ r[:, :, a, :] @ ta.T
        t3 *= g / m
        out["dard"] = (
            r + g * phi[:, None, None, :] - phi[:, :, None, None] - t3[:, :, None, :]
        )
        # Minimal: weighted least squares for the potential, then the residual.
        flat = rbar.reshape(len(r), -1)
        for kind, w in (("l2", self.w_l2), ("weighted-l2", np.ones(n * m))):
            rhs = -(self.design.T @ (w[:, None] * flat.T))
            pot = np.linalg.solve(self.normal[kind], rhs).T
            resid = (flat + pot @ self.design.T).reshape(len(r), n, m)
            if kind == "weighted-l2":
                out["minimal/" + kind] = np.broadcast_to(resid[..., None], r.shape)
            else:
                wsa = self.w_l2.reshape(n, m)
                out["minimal/" + kind] = (resid * wsa)[..., None] * tau[None]
        return out

    def optimal(self, rbar):
        """Optimal deterministic policies of a batch of r̄ (K, S, A) by policy iteration."""
        k = len(rbar)
        n, g = self.n, self.gamma
        pi = np.zeros((k, n), dtype=int)
        rows = np.arange(n)
        for _ in range(1000):
            p = self.tau[rows[None, :], pi]  # (K, S, S)
            r = np.take_along_axis(rbar, pi[..., None], axis=2)[..., 0]
            v = np.linalg.solve(self.eye[None] - g * p, r[..., None])[..., 0]
            q = rbar + g * np.einsum("sat,kt->ksa", self.tau, v)
            best = q.max(axis=2, keepdims=True)
            tol = 1e-9 * np.maximum(1.0, np.abs(best))
            ok = q >= best - tol
            current_ok = np.take_along_axis(ok, pi[..., None], axis=2)[..., 0]
            first = ok.argmax(axis=2)
            new = np.where(current_ok, pi, first)
            if np.array_equal(new, pi):
                return first
            pi = new
        raise RuntimeError("policy iteration did not converge")

    def returns(self, rbar, pi):
        """J of policies pi (K, S) under rewards rbar (K, S, A), from the uniform start."""
        rows = np.arange(self.n)
        p = self.tau[rows[None, :], pi]
        r = np.take_along_axis(rbar, pi[..., None], axis=2)[..., 0]
        v = np.linalg.solve(self.eye[None] - self.gamma * p, r[..., None])[..., 0]
        return v.mean(axis=1)


def regrets(model, rbar):
    """Symmetric regret of rbar[0] against each of rbar[1:]."""
    best = model.optimal(rbar)
    worst = model.optimal(-rbar)
    k = len(rbar) - 1
    r1 = np.repeat(rbar[:1], k, axis=0)
    rk = rbar[1:]

    def one(r_true, pi_best, pi_worst, pi_proxy):
        jb = model.returns(r_true, pi_best)
        jw = model.returns(r_true, pi_worst)
        jp = model.returns(r_true, pi_proxy)
        rng = jb - jw
        small = rng <= 1e-12 * np.maximum(np.maximum(np.abs(jb), np.abs(jw)), 1.0)
        return np.where(small, 0.0, np.clip((jb - jp) / np.where(small, 1.0, rng), 0, 1))

    b1, w1 = np.repeat(best[:1], k, 0), np.repeat(worst[:1], k, 0)
    forward = one(r1, b1, w1, best[1:])
    backward = one(rk, best[1:], worst[1:], b1)
    return 0.5 * (forward + backward)


def pearson_distance(x, y):
    """Row-wise Pearson distance sqrt((1 - rho)/2) of x[k] and y[k]."""
    x = x.reshape(len(x), -1)
    y = y.reshape(len(y), -1)
    xc = x - x.mean(1, keepdims=True)
    yc = y - y.mean(1, keepdims=True)
    cxx, cyy = (xc * xc).sum(1), (yc * yc).sum(1)
    rho = np.where(
        (cxx > 1e-24) & (cyy > 1e-24),
        (xc * yc).sum(1) / np.sqrt(np.maximum(cxx * cyy, 1e-300)),
        np.where((cxx <= 1e-24) & (cyy <= 1e-24), 1.0, 0.0),
    )
    return np.sqrt(np.maximum((1 - np.clip(rho, -1, 1)) / 2, 0))


def keys():
    out = []
    for canon in CANONS:
        for n in NORMS:
            if canon == "minimal" and n not in ("l2", "weighted-l2"):
                continue
            for d in DISTS:
                out.append((f"starc/{canon}/{n}-{d}", canon, n, d))
    return out


def run_pair(model, r1, r2, steps):
    batch = np.stack([r1] + [r1 + k * (r2 - r1) / steps for k in range(1, steps + 1)])
    regret = regrets(model, model.expected(batch))
    forms = model.canon(batch)
    cols = {}
    for key, canon, n, d in keys():
        form = forms["minimal/" + n] if canon == "minimal" else forms[canon]
        s = normalise(form, n, model.tau)
        cols[key] = norm(s[1:] - s[:1], d, model.tau)
    cols["epic"] = pearson_distance(np.repeat(forms["epic"][:1], steps, 0), forms["epic"][1:])
    cols["dard"] = pearson_distance(np.repeat(forms["dard"][:1], steps, 0), forms["dard"][1:])
    return regret, cols


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mdps", type=int, default=16)
    ap.add_argument("--pairs", type=int, default=64)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    n, m, gamma = 32, 4, 0.95
    start = time.perf_counter()
    regret_all, cols_all = [], {}
    for i in range(args.mdps):
        tau = random_mdp(n, m, np.random.default_rng([args.seed, i]))
        model = Model(tau, gamma)
        for j in range(args.pairs):
            rng = np.random.default_rng([args.seed, i, j, 1])
            r1 = random_reward(n, m, gamma, rng)
            r2 = random_reward(n, m, gamma, rng)
            regret, cols = run_pair(model, r1, r2, args.steps)
            regret_all.append(regret)
            for key, v in cols.items():
                cols_all.setdefault(key, []).append(v)
    regret = np.concatenate(regret_all)
    corr = {}
    for key, parts in cols_all.items():
        d = np.concatenate(parts)
        corr[key] = float(np.corrcoef(d, regret)[0, 1])
    seconds = time.perf_counter() - start
    for key, rho in corr.items():
        print(f"{key:<40} {rho:8.4f}")
    print(f"{len(regret)} points in {seconds:.2f} s (numpy {np.__version__})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"correlations": corr, "n_points": len(regret), "seconds": seconds}, f)


if __name__ == "__main__":
    main()
