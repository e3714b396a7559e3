//! Gradient steps on a flat parameter vector: Adam (the `imitation` library's choice for MCE
//! IRL) or plain gradient descent. Both minimise; the IRL loop hands them the gradient of the
//! negated MCE objective plus the L2 term.

use serde::{Deserialize, Serialize};

/// Which update rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// Adam (Kingma & Ba 2015) with β1 = 0.9, β2 = 0.999, ε = 1e-8.
    Adam,
    /// θ ← θ − lr · g.
    Sgd,
}

crate::names::cli_names!(OptimizerKind, "optimizer", [
    Adam => "adam",
    Sgd => "sgd",
]);

/// The state of one optimiser run.
#[derive(Debug, Clone)]
pub struct Optimizer {
    kind: OptimizerKind,
    learning_rate: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl Optimizer {
    /// A fresh optimiser for `n` parameters.
    pub fn new(kind: OptimizerKind, learning_rate: f64, n: usize) -> Self {
        Self {
            kind,
            learning_rate,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    /// One step of `params` against `grad` (same length).
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        match self.kind {
            OptimizerKind::Sgd => {
                for (p, g) in params.iter_mut().zip(grad) {
                    *p -= self.learning_rate * g;
                }
            }
            OptimizerKind::Adam => {
                self.t = self.t.saturating_add(1);
                let c1 = 1.0 - BETA1.powi(self.t);
                let c2 = 1.0 - BETA2.powi(self.t);
                for (((p, g), m), v) in params
                    .iter_mut()
                    .zip(grad)
                    .zip(&mut self.m)
                    .zip(&mut self.v)
                {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *p -= self.learning_rate * (*m / c1) / ((*v / c2).sqrt() + EPS);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_and_adam_take_the_textbook_first_step() {
        let mut p = [1.0, -2.0];
        Optimizer::new(OptimizerKind::Sgd, 0.1, 2).step(&mut p, &[2.0, -4.0]);
        assert_eq!(p, [0.8, -1.6]);
        // Adam's first step is lr · sign(g) (bias correction makes m̂/√v̂ = g/|g|).
        let mut p = [1.0, -2.0];
        Optimizer::new(OptimizerKind::Adam, 0.1, 2).step(&mut p, &[2.0, -4.0]);
        assert!(
            (p[0] - 0.9).abs() < 1e-9 && (p[1] + 1.9).abs() < 1e-9,
            "{p:?}"
        );
    }

    #[test]
    fn adam_minimises_a_quadratic() {
        let mut p = [3.0];
        let mut opt = Optimizer::new(OptimizerKind::Adam, 0.05, 1);
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 1.0)];
            opt.step(&mut p, &g);
        }
        assert!((p[0] - 1.0).abs() < 1e-3, "{p:?}");
    }
}
