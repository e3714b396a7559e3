//! Reward classes for inverse RL: what a learned reward may depend on and how it is
//! parameterised.
//!
//! The IRL loops ([`super::mce_irl`], [`super::maxent_irl`]) never look inside a reward class.
//! They ask a [`RewardModel`] for its reward tensor R_θ(s, a, s′) and hand back the gradient
//! of the objective with respect to that tensor (an occupancy difference); the model maps it
//! to its parameters ([`RewardModel::pullback`]). A linear model does that with its feature
//! matrix; a network (deep MaxEnt IRL, later, on burn) would do it by backpropagation. The
//! optimiser only sees the flat parameter vector.
//!
//! [`LinearReward`] is R_θ = θᵀf over one [`Domain`]: the state s, the next state s′, the
//! pair (s, a) or the whole transition (s, a, s′). Tabular rewards are the one-hot case,
//! which is never materialised as a matrix (a tabular R(s, a, s′) has S²A parameters).

use ndarray::{Array2, Array3};

use crate::RewardsError;

/// What a reward depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// R(s): the state an action is taken in (Ziebart's state rewards).
    State,
    /// R(s′): the state an action leads to (a goal cell pays on entry).
    NextState,
    /// R(s, a).
    StateAction,
    /// R(s, a, s′).
    Transition,
}

crate::names::cli_names!(Domain, "reward domain", [
    State => "state",
    NextState => "next-state",
    StateAction => "state-action",
    Transition => "transition",
]);

impl Domain {
    /// Number of entries of a reward on this domain.
    pub fn size(self, n_states: usize, n_actions: usize) -> usize {
        match self {
            Self::State | Self::NextState => n_states,
            Self::StateAction => n_states * n_actions,
            Self::Transition => n_states * n_actions * n_states,
        }
    }

    /// The entry of (s, a, s′) on this domain.
    fn index(self, s: usize, a: usize, next: usize, n_states: usize, n_actions: usize) -> usize {
        match self {
            Self::State => s,
            Self::NextState => next,
            Self::StateAction => s * n_actions + a,
            Self::Transition => (s * n_actions + a) * n_states + next,
        }
    }

    /// Broadcasts a reward on this domain to the (S, A, S) tensor.
    pub fn broadcast(self, values: &[f64], n_states: usize, n_actions: usize) -> Array3<f64> {
        Array3::from_shape_fn((n_states, n_actions, n_states), |(s, a, next)| {
            values[self.index(s, a, next, n_states, n_actions)]
        })
    }

    /// Sums an (S, A, S) tensor onto this domain (the adjoint of [`Domain::broadcast`]).
    pub fn reduce(self, tensor: &Array3<f64>) -> Vec<f64> {
        let (n, m, _) = tensor.dim();
        let mut out = vec![0.0; self.size(n, m)];
        for ((s, a, next), &x) in tensor.indexed_iter() {
            out[self.index(s, a, next, n, m)] += x;
        }
        out
    }
}

/// A differentiable reward class (see the module docs).
pub trait RewardModel {
    /// Number of parameters.
    fn n_params(&self) -> usize;
    /// The current parameters, flat.
    fn params(&self) -> Vec<f64>;
    /// Replaces the parameters; fails on a wrong length or a non-finite value.
    fn set_params(&mut self, params: &[f64]) -> Result<(), RewardsError>;
    /// R_θ(s, a, s′), shape (S, A, S).
    fn reward(&self) -> Array3<f64>;
    /// ∂L/∂θ given ∂L/∂R for the tensor [`RewardModel::reward`] returns.
    fn pullback(&self, d_reward: &Array3<f64>) -> Vec<f64>;
}

/// Features f(x) of a linear reward on one [`Domain`].
#[derive(Debug, Clone, PartialEq)]
pub enum Features {
    /// One indicator per entry of the domain: a tabular reward.
    OneHot(Domain),
    /// A (domain size × d) matrix, one row per entry.
    Matrix {
        /// The domain the rows index.
        domain: Domain,
        /// The features, one row per entry of the domain.
        matrix: Array2<f64>,
    },
}

impl Features {
    /// The domain the features live on.
    pub fn domain(&self) -> Domain {
        match self {
            Self::OneHot(d) | Self::Matrix { domain: d, .. } => *d,
        }
    }

    /// Checks a feature matrix: one row per entry of `domain`, finite values.
    pub fn matrix(
        domain: Domain,
        matrix: Array2<f64>,
        n_states: usize,
        n_actions: usize,
    ) -> Result<Self, RewardsError> {
        let rows = domain.size(n_states, n_actions);
        if matrix.nrows() != rows {
            return Err(RewardsError::Invalid {
                name: "features",
                reason: format!(
                    "{} rows, but a {} reward on {n_states} states and {n_actions} actions has {rows} entries",
                    matrix.nrows(),
                    domain.as_str()
                ),
            });
        }
        if matrix.ncols() == 0 {
            return Err(RewardsError::Invalid {
                name: "features",
                reason: "no feature columns".into(),
            });
        }
        if let Some(((i, j), v)) = matrix.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(RewardsError::Invalid {
                name: "features",
                reason: format!("row {i}, column {j} is {v}, not a finite number"),
            });
        }
        Ok(Self::Matrix { domain, matrix })
    }

    /// State features of a grid: (row / (rows − 1), col / (cols − 1), 1) for state
    /// `row * cols + col`; states past the grid (a model's extra states) get zeros.
    pub fn coords(rows: usize, cols: usize, n_states: usize) -> Result<Self, RewardsError> {
        if rows == 0 || cols == 0 || rows * cols > n_states {
            return Err(RewardsError::Invalid {
                name: "features",
                reason: format!("a {rows}×{cols} grid does not fit {n_states} states"),
            });
        }
        let scale = |x: usize, n: usize| {
            if n > 1 {
                x as f64 / (n - 1) as f64
            } else {
                0.0
            }
        };
        let matrix = Array2::from_shape_fn((n_states, 3), |(s, j)| {
            if s >= rows * cols {
                return 0.0;
            }
            match j {
                0 => scale(s / cols, rows),
                1 => scale(s % cols, cols),
                _ => 1.0,
            }
        });
        Ok(Self::Matrix {
            domain: Domain::State,
            matrix,
        })
    }

    /// Number of features (parameters of a linear reward).
    pub fn dim(&self, n_states: usize, n_actions: usize) -> usize {
        match self {
            Self::OneHot(d) => d.size(n_states, n_actions),
            Self::Matrix { matrix, .. } => matrix.ncols(),
        }
    }
}

/// R_θ = θᵀf on a model with `n_states` states and `n_actions` actions.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearReward {
    features: Features,
    theta: Vec<f64>,
    n_states: usize,
    n_actions: usize,
}

impl LinearReward {
    /// θ = 0. Fails when a feature matrix does not have one row per entry of its domain on
    /// this model (build matrices with [`Features::matrix`], which checks that too).
    pub fn new(
        features: Features,
        n_states: usize,
        n_actions: usize,
    ) -> Result<Self, RewardsError> {
        if let Features::Matrix { domain, matrix } = &features {
            Features::matrix(*domain, matrix.clone(), n_states, n_actions)?;
        }
        let theta = vec![0.0; features.dim(n_states, n_actions)];
        Ok(Self {
            features,
            theta,
            n_states,
            n_actions,
        })
    }

    /// The features.
    pub fn features(&self) -> &Features {
        &self.features
    }

    /// The reward on its domain (θᵀf(x) per entry x).
    pub fn on_domain(&self) -> Vec<f64> {
        match &self.features {
            Features::OneHot(_) => self.theta.clone(),
            Features::Matrix { matrix, .. } => matrix.dot(&ndarray::aview1(&self.theta)).to_vec(),
        }
    }
}

impl RewardModel for LinearReward {
    fn n_params(&self) -> usize {
        self.theta.len()
    }

    fn params(&self) -> Vec<f64> {
        self.theta.clone()
    }

    fn set_params(&mut self, params: &[f64]) -> Result<(), RewardsError> {
        if params.len() != self.theta.len() {
            return Err(RewardsError::Length {
                what: "parameter vector",
                expected: self.theta.len(),
                got: params.len(),
            });
        }
        if let Some((i, v)) = params.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(RewardsError::Invalid {
                name: "parameters",
                reason: format!("θ[{i}] = {v} is not finite"),
            });
        }
        self.theta.copy_from_slice(params);
        Ok(())
    }

    fn reward(&self) -> Array3<f64> {
        self.features
            .domain()
            .broadcast(&self.on_domain(), self.n_states, self.n_actions)
    }

    fn pullback(&self, d_reward: &Array3<f64>) -> Vec<f64> {
        let on_domain = self.features.domain().reduce(d_reward);
        match &self.features {
            Features::OneHot(_) => on_domain,
            Features::Matrix { matrix, .. } => {
                matrix.t().dot(&ndarray::aview1(&on_domain)).to_vec()
            }
        }
    }
}

/// Sets R(s, ·, ·) = 0 for every terminal s: rewards there are never collected (the model
/// absorbs with reward 0), so a learned tensor carries zeros there, as the truth does, and
/// no distance counts entries no policy can earn.
pub fn zero_terminal_rows(reward: &mut Array3<f64>, terminal: &[bool]) {
    for (s, mut row) in reward.outer_iter_mut().enumerate() {
        if terminal.get(s).copied().unwrap_or(false) {
            row.fill(0.0);
        }
    }
}
