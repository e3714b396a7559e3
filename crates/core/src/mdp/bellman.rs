//! Bellman backups: Q(s,a) = Σ_{s′} P(s′|s,a) (R(s,a,s′) + γ V(s′)) and the sweep kernels.
//!
//! Since Σ P = 1, Q(s,a) = r̄(s,a) + γ Σ_{s′} P(s′|s,a) V(s′) with r̄ the model's precomputed
//! expected reward, so a backup reads one reward per (s, a) instead of one per successor.
//!
//! The optimality sweep is the hot loop of value iteration and has two kernels:
//! - deterministic models (one successor per row, so the CSR `next` array is indexed by
//!   `s·A + a` directly) gather V[next] and take the max, with the action count as a const
//!   generic for the common small counts so the inner loop unrolls;
//! - stochastic models walk the CSR rows.
//!
//! Both write into a caller-owned output buffer and return the sup-norm change, so a sweep
//! allocates nothing. Large models split states into chunks over rayon; each chunk reads only
//! the previous V (Jacobi), so chunks are independent and the result is identical to the
//! serial sweep bit for bit (the residual is a max, which is order-independent).

use ndarray::{Array2, ArrayRef1};
use rayon::prelude::*;

use super::{Mdp, PlanError};

/// States per rayon task (2,500 and 8,192 measured the same on the 2-core box).
const PAR_CHUNK_STATES: usize = 4096;

/// Below this many stored successors a sweep runs serially. Measured on the 2-core box
/// (deterministic 4-action grids): 10,000 states (40k entries) were ~25% slower split
/// across threads, since a whole sweep is ~20 µs and fork/join costs a few; 40,000 states
/// (160k entries) were 1.4x faster and 160,000 states 1.8x faster in parallel.
pub(crate) const PAR_MIN_ENTRIES: usize = 1 << 17;

/// The larger of a running sup-norm change and a new difference, where NaN wins: `f64::max`
/// drops NaN, which would let a sweep whose values overflowed (inf − inf) look converged.
#[inline]
pub(crate) fn sup_change(running: f64, diff: f64) -> f64 {
    if diff > running || diff.is_nan() {
        diff
    } else {
        running
    }
}

/// Q(s, a) for every state and action, from values `v`.
pub fn q_values(mdp: &Mdp, v: &ArrayRef1<f64>) -> Result<Array2<f64>, PlanError> {
    check_values(mdp, v)?;
    let v: Vec<f64> = v.iter().copied().collect();
    let mut q = vec![0.0; mdp.n_states() * mdp.n_actions()];
    fill_q(mdp, &v, &mut q);
    Array2::from_shape_vec((mdp.n_states(), mdp.n_actions()), q)
        .map_err(|e| PlanError::Solver(e.to_string()))
}

/// Checks a value vector's length and finiteness against a model.
pub(crate) fn check_values(mdp: &Mdp, v: &ArrayRef1<f64>) -> Result<(), PlanError> {
    if v.len() != mdp.n_states() {
        return Err(PlanError::Shape {
            what: "value vector",
            expected: (mdp.n_states(), 1),
            got: (v.len(), 1),
        });
    }
    if let Some((state, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(PlanError::NonFinite {
            what: "value vector",
            state,
            action: 0,
            value,
        });
    }
    Ok(())
}

/// Writes Q(s, a) into `q[s·A + a]`.
pub(crate) fn fill_q(mdp: &Mdp, v: &[f64], q: &mut [f64]) {
    let gamma = mdp.gamma();
    for (sa, (out, &r)) in q.iter_mut().zip(mdp.expected_rewards()).enumerate() {
        *out = r + gamma * mdp.expected_next_value(sa, v);
    }
}

/// One synchronous optimality sweep `out(s) = max_a Q_v(s, a)`; returns max_s |out(s) − v(s)|.
pub(crate) fn optimal_sweep(mdp: &Mdp, v: &[f64], out: &mut [f64]) -> f64 {
    let parallel = mdp.n_entries() >= PAR_MIN_ENTRIES && rayon::current_num_threads() > 1;
    optimal_sweep_with(mdp, v, out, parallel)
}

/// [`optimal_sweep`] with the serial/parallel choice made by the caller (benchmarks, tests).
pub(crate) fn optimal_sweep_with(mdp: &Mdp, v: &[f64], out: &mut [f64], parallel: bool) -> f64 {
    if parallel {
        out.par_chunks_mut(PAR_CHUNK_STATES)
            .enumerate()
            .map(|(c, chunk)| sweep_chunk(mdp, v, chunk, c * PAR_CHUNK_STATES))
            .reduce(|| 0.0, sup_change)
    } else {
        sweep_chunk(mdp, v, out, 0)
    }
}

/// Backs up states `first .. first + out.len()`.
fn sweep_chunk(mdp: &Mdp, v: &[f64], out: &mut [f64], first: usize) -> f64 {
    if !mdp.is_deterministic() {
        return stochastic_chunk(mdp, v, out, first);
    }
    let (_, next, _, _) = mdp.csr();
    let k = Kernel {
        next,
        reward: mdp.expected_rewards(),
        gamma: mdp.gamma(),
        v,
        first,
    };
    match mdp.n_actions() {
        1 => k.run::<1>(out),
        2 => k.run::<2>(out),
        3 => k.run::<3>(out),
        4 => k.run::<4>(out),
        5 => k.run::<5>(out),
        6 => k.run::<6>(out),
        7 => k.run::<7>(out),
        8 => k.run::<8>(out),
        n => k.run_n(out, n),
    }
}

/// Inputs of the deterministic kernel: row `s·A + a` has the single successor `next[s·A + a]`.
struct Kernel<'a> {
    next: &'a [u32],
    reward: &'a [f64],
    gamma: f64,
    v: &'a [f64],
    first: usize,
}

impl Kernel<'_> {
    /// The kernel for a compile-time action count: [`Kernel::run_n`] inlined with `n` a
    /// constant, so the per-state action loop unrolls.
    fn run<const A: usize>(&self, out: &mut [f64]) -> f64 {
        self.run_n(out, A)
    }

    /// Backs up states `first .. first + out.len()`, `n_actions` rows each; for action counts
    /// above 8 it runs as is, with a runtime loop bound.
    #[inline(always)]
    fn run_n(&self, out: &mut [f64], n_actions: usize) -> f64 {
        let rows = self.first * n_actions..(self.first + out.len()) * n_actions;
        let next = &self.next[rows.clone()];
        let reward = &self.reward[rows];
        let old = &self.v[self.first..self.first + out.len()];
        let mut residual = 0.0f64;
        for (((o, &prev), n), r) in out
            .iter_mut()
            .zip(old)
            .zip(next.chunks_exact(n_actions))
            .zip(reward.chunks_exact(n_actions))
        {
            let mut best = f64::NEG_INFINITY;
            for a in 0..n_actions {
                let q = r[a] + self.gamma * self.v[n[a] as usize];
                best = if q > best { q } else { best };
            }
            residual = sup_change(residual, (best - prev).abs());
            *o = best;
        }
        residual
    }
}

fn stochastic_chunk(mdp: &Mdp, v: &[f64], out: &mut [f64], first: usize) -> f64 {
    let n_actions = mdp.n_actions();
    let gamma = mdp.gamma();
    let reward = mdp.expected_rewards();
    let mut residual = 0.0f64;
    for (i, o) in out.iter_mut().enumerate() {
        let s = first + i;
        let mut best = f64::NEG_INFINITY;
        let rows = s * n_actions..(s + 1) * n_actions;
        for (sa, &r) in rows.clone().zip(&reward[rows]) {
            let q = r + gamma * mdp.expected_next_value(sa, v);
            best = if q > best { q } else { best };
        }
        residual = sup_change(residual, (best - v[s]).abs());
        *o = best;
    }
    residual
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::super::test_mdps::{chain, random_mdp};
    use super::*;

    #[test]
    fn q_values_by_hand_on_the_chain() -> Result<(), PlanError> {
        // Chain: 0 -a0-> 1 (r=-1), 1 -a0-> 2 terminal (r=10), a1 stays (r=0); γ = 0.9.
        let mdp = chain();
        let q = q_values(&mdp, &array![1.0, 2.0, 0.0])?;
        assert_eq!(q, array![[-1.0 + 0.9 * 2.0, 0.9], [10.0, 1.8], [0.0, 0.0]]);
        assert!(matches!(
            q_values(&mdp, &array![1.0, 2.0]),
            Err(PlanError::Shape {
                what: "value vector",
                ..
            })
        ));
        assert!(matches!(
            q_values(&mdp, &array![1.0, f64::INFINITY, 0.0]),
            Err(PlanError::NonFinite { state: 1, .. })
        ));
        Ok(())
    }

    #[test]
    fn parallel_sweep_matches_serial_bit_for_bit() -> Result<(), PlanError> {
        // More than one chunk of states, stochastic and deterministic.
        for (seed, deterministic) in [(3, false), (4, true)] {
            let mdp = random_mdp(seed, 3 * PAR_CHUNK_STATES + 17, 3, deterministic, 0.95);
            let v: Vec<f64> = (0..mdp.n_states()).map(|s| (s % 97) as f64 * 0.1).collect();
            let (mut a, mut b) = (vec![0.0; v.len()], vec![0.0; v.len()]);
            let ra = optimal_sweep_with(&mdp, &v, &mut a, false);
            let rb = optimal_sweep_with(&mdp, &v, &mut b, true);
            assert_eq!(a, b);
            assert_eq!(ra, rb);
            // And both equal the row max of the reference Q table.
            let q = q_values(&mdp, &ndarray::Array1::from(v.clone()))?;
            for (s, row) in q.rows().into_iter().enumerate() {
                let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                assert!((m - a[s]).abs() <= 1e-12 * (1.0 + m.abs()), "state {s}");
            }
        }
        Ok(())
    }
}
