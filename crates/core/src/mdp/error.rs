//! The one error type of planning, evaluation and occupancy measures.
//!
//! Every variant names the problem and, where there is one, the state (or state–action pair)
//! at fault, so that a caller can report it without re-deriving anything.

/// Why a planning, evaluation or occupancy computation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// A policy, Q table or value vector of the wrong shape.
    #[error("{what} has shape {got:?}, expected {expected:?}")]
    Shape {
        /// What was given ("policy", "Q table", "value vector", …).
        what: &'static str,
        /// The shape expected (rows, columns); a vector has 1 column.
        expected: (usize, usize),
        /// The shape found.
        got: (usize, usize),
    },
    /// A policy entry that is negative or not finite.
    #[error("policy gives state {state}, action {action} the invalid probability {prob}")]
    BadProbability {
        /// The state.
        state: usize,
        /// The action.
        action: usize,
        /// The offending probability.
        prob: f64,
    },
    /// A policy row that does not sum to 1.
    #[error("policy row of state {state} sums to {sum}, not 1")]
    RowSum {
        /// The state.
        state: usize,
        /// The sum found.
        sum: f64,
    },
    /// An action id past the end.
    #[error("state {state} is given action {action}, but there are only {n_actions} actions")]
    UnknownAction {
        /// The state.
        state: usize,
        /// The offending action.
        action: usize,
        /// Number of actions.
        n_actions: usize,
    },
    /// A Q table with no actions has no greedy or Boltzmann policy.
    #[error("a Q table with {n_states} states and no actions has no policy")]
    NoActions {
        /// Number of states (rows).
        n_states: usize,
    },
    /// A value or Q entry that is NaN or infinite.
    #[error("{what} entry at state {state}, action {action} is {value}, not finite")]
    NonFinite {
        /// What held it ("Q table", "value vector").
        what: &'static str,
        /// The state.
        state: usize,
        /// The action (0 for a value vector).
        action: usize,
        /// The offending value.
        value: f64,
    },
    /// A temperature that is not a positive finite number.
    #[error("temperature τ = {0} must be positive and finite")]
    Temperature(f64),
    /// A configuration field out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A sweep-based method (value iteration, soft value iteration, iterative evaluation)
    /// hit its iteration cap.
    #[error(
        "did not converge in {iterations} iterations: last sup-norm change {residual:e} is not below the tolerance {tolerance:e}"
    )]
    NotConverged {
        /// Iterations (sweeps) done.
        iterations: usize,
        /// The sup-norm change of the last sweep.
        residual: f64,
        /// The tolerance asked for.
        tolerance: f64,
    },
    /// A sweep produced values that are not finite (rewards or values beyond the range of
    /// `f64`), so it can never converge.
    #[error(
        "values stopped being finite after {iterations} sweeps: rewards or values overflow f64"
    )]
    Diverged {
        /// Sweeps done when it was noticed.
        iterations: usize,
    },
    /// Policy iteration hit its iteration cap with states still switching action.
    #[error(
        "policy iteration did not converge in {iterations} iterations: {switched} states still switched action in the last improvement step"
    )]
    PolicyIterationNotConverged {
        /// Evaluate–improve steps done.
        iterations: usize,
        /// States whose action changed in the last improvement step.
        switched: usize,
    },
    /// With γ = 1, a policy under which some state never reaches a terminal state has no
    /// finite value: the system (I − P_π) V = r_π is singular.
    #[error(
        "with γ = 1 the policy never terminates from state {state}: (I − P_π) is singular and the value is undefined"
    )]
    NonTerminating {
        /// A state from which no terminal state is reachable under the policy.
        state: usize,
    },
    /// The discounted occupancy measure is infinite when γ = 1.
    #[error("the occupancy measure needs γ < 1: with γ = {gamma} it is infinite")]
    InfiniteOccupancy {
        /// The model's discount.
        gamma: f64,
    },
    /// The sparse solver failed or produced a non-finite solution.
    #[error("sparse linear solve failed: {0}")]
    Solver(String),
}
