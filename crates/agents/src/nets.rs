//! Multi-layer perceptrons and their initialisation, drawn from our own seeded RNG.
//!
//! Weights are drawn on the host with a [`rand_pcg::Pcg64`] seeded from the run's seed and
//! then handed to burn as `Param`s. burn's own initialisers draw from a backend RNG that is
//! global to the process on flex, so two networks built at the same time in two threads would
//! interleave draws; our own stream makes the same seed give the same network anywhere, on
//! every backend, in any order of construction.
//!
//! Two schemes, the ones the reference implementations use:
//! - [`Init::Orthogonal`] (CleanRL PPO, SB3 policies): PyTorch's `orthogonal_` — QR of a
//!   standard-normal matrix, columns' signs fixed by R's diagonal, times a gain — with biases 0.
//! - [`Init::TorchDefault`] (CleanRL DQN): PyTorch's `nn.Linear` default, weights and biases
//!   uniform in ±1/√fan_in.
//!
//! burn stores a `Linear` weight as `[in, out]` (PyTorch: `[out, in]`); the orthogonal draw is
//! made in PyTorch's shape and transposed, so the law is PyTorch's.

use burn::module::{Module, Param};
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64;

/// The nonlinearity between hidden layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// tanh (CleanRL and SB3 policy networks).
    #[default]
    Tanh,
    /// ReLU (Q-networks).
    Relu,
}

/// How a network's weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    /// Orthogonal weights with `hidden_gain` for hidden layers and `out_gain` for the last one;
    /// zero biases.
    Orthogonal {
        /// Gain of every layer but the last (√2 in CleanRL).
        hidden_gain: f64,
        /// Gain of the output layer (0.01 for policies, 1 for values).
        out_gain: f64,
    },
    /// PyTorch's default `nn.Linear` init: U(±1/√fan_in) for weights and biases.
    TorchDefault,
}

/// A stack of `Linear` layers with one activation between them and none after the last.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    #[module(skip)]
    activation: Activation,
}

impl Mlp {
    /// A network with layer widths `sizes` (input first, output last; at least two entries).
    pub fn new(
        sizes: &[usize],
        activation: Activation,
        init: Init,
        rng: &mut Pcg64,
        device: &Device,
    ) -> Self {
        let n = sizes.len().saturating_sub(1);
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let (d_in, d_out) = (w[0], w[1]);
                let (weight, bias) = match init {
                    Init::Orthogonal {
                        hidden_gain,
                        out_gain,
                    } => {
                        let gain = if i + 1 == n { out_gain } else { hidden_gain };
                        (orthogonal(d_in, d_out, gain, rng), vec![0.0; d_out])
                    }
                    Init::TorchDefault => {
                        let bound = 1.0 / (d_in as f64).sqrt();
                        let mut draw = |k: usize| -> Vec<f32> {
                            (0..k)
                                .map(|_| rng.random_range(-bound..bound) as f32)
                                .collect()
                        };
                        let w = draw(d_in * d_out);
                        (w, draw(d_out))
                    }
                };
                linear(d_in, d_out, weight, bias, device)
            })
            .collect();
        Mlp { layers, activation }
    }

    /// Applies the network to a batch `[rows, in]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len().saturating_sub(1);
        let mut x = x;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = match self.activation {
                    Activation::Tanh => tanh_via_sigmoid(x),
                    Activation::Relu => relu(x),
                };
            }
        }
        x
    }

    /// Input width.
    pub fn input_dim(&self) -> usize {
        self.layers.first().map_or(0, |l| l.weight.dims()[0])
    }

    /// Output width.
    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.weight.dims()[1])
    }
}

/// tanh, computed once per element and differentiated without recomputing it.
///
/// On flex, `activation::tanh` calls libm's scalar `tanhf` per element, and burn's autodiff
/// recomputes it from the input in the backward pass; together that was 60 % of a PPO
/// CartPole update. Here the value is `2·σ(2x) − 1` (σ costs one `expf`) on the detached input,
/// and the gradient is attached as `y + (x − stop_grad(x))·(1 − y²)`: the added term is exactly
/// zero in the forward pass and has tanh's derivative `1 − y²` in the backward pass, which
/// only multiplies by a saved tensor.
pub fn tanh_via_sigmoid<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    let y = sigmoid(x.clone().detach().mul_scalar(2.0))
        .mul_scalar(2.0)
        .sub_scalar(1.0);
    let slope = y.clone().powf_scalar(2.0).neg().add_scalar(1.0);
    let zero_with_grad = x.clone() - x.detach();
    y + zero_with_grad * slope
}

/// The widths of a network: `input`, the `hidden` layers, `output`.
pub fn layer_sizes(input: usize, hidden: &[usize], output: usize) -> Vec<usize> {
    let mut sizes = Vec::with_capacity(hidden.len() + 2);
    sizes.push(input);
    sizes.extend_from_slice(hidden);
    sizes.push(output);
    sizes
}

/// A `Linear` layer with the given host weights (`[in, out]`, row-major) and biases.
fn linear(d_in: usize, d_out: usize, weight: Vec<f32>, bias: Vec<f32>, device: &Device) -> Linear {
    let mut layer = LinearConfig::new(d_in, d_out).init(device);
    layer.weight = Param::from_tensor(Tensor::from_data(
        TensorData::new(weight, [d_in, d_out]),
        device,
    ));
    layer.bias = Some(Param::from_tensor(Tensor::from_data(
        TensorData::new(bias, [d_out]),
        device,
    )));
    layer
}

/// PyTorch's `orthogonal_(gain)` for a `[out, in]` weight, returned transposed as `[in, out]`
/// row-major (burn's layout).
pub fn orthogonal(d_in: usize, d_out: usize, gain: f64, rng: &mut Pcg64) -> Vec<f32> {
    let (rows, cols) = (d_out, d_in);
    // PyTorch draws `rows × cols` normals row-major and factors the tall orientation.
    let normals: Vec<f64> = (0..rows * cols)
        .map(|_| StandardNormal.sample(rng))
        .collect();
    let tall = rows >= cols;
    let (m, n) = if tall { (rows, cols) } else { (cols, rows) };
    let a = faer::Mat::<f64>::from_fn(m, n, |i, j| {
        if tall {
            normals[i * cols + j]
        } else {
            normals[j * cols + i]
        }
    });
    let qr = a.qr();
    let q = qr.compute_thin_Q();
    let r = qr.thin_R();
    let sign = |j: usize| if r[(j, j)] < 0.0 { -1.0 } else { 1.0 };
    // q is m × n with orthonormal columns; the PyTorch weight is q (tall) or qᵀ (wide).
    let mut out = vec![0.0f32; d_in * d_out];
    for o in 0..rows {
        for i in 0..cols {
            let v = if tall {
                q[(o, i)] * sign(i)
            } else {
                q[(i, o)] * sign(o)
            };
            out[i * d_out + o] = (gain * v) as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn gram(w: &[f32], d_in: usize, d_out: usize, by_rows_of_torch: bool) -> Vec<f64> {
        // Torch weight W[o][i] = w[i * d_out + o].
        let (k, len) = if by_rows_of_torch {
            (d_out, d_in)
        } else {
            (d_in, d_out)
        };
        let at = |a: usize, b: usize| -> f64 {
            if by_rows_of_torch {
                w[b * d_out + a] as f64
            } else {
                w[a * d_out + b] as f64
            }
        };
        let mut g = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                g[a * k + b] = (0..len).map(|t| at(a, t) * at(b, t)).sum();
            }
        }
        g
    }

    #[test]
    fn orthogonal_weights_have_orthonormal_rows_or_columns_times_gain() {
        let mut rng = Pcg64::seed_from_u64(3);
        // Wide torch weight (out 4 < in 9): rows orthonormal.
        let w = orthogonal(9, 4, 2.0, &mut rng);
        let g = gram(&w, 9, 4, true);
        for a in 0..4 {
            for b in 0..4 {
                let want = if a == b { 4.0 } else { 0.0 };
                assert!(
                    (g[a * 4 + b] - want).abs() < 1e-5,
                    "{a},{b}: {}",
                    g[a * 4 + b]
                );
            }
        }
        // Tall torch weight (out 9 > in 4): columns orthonormal.
        let w = orthogonal(4, 9, 1.0, &mut rng);
        let g = gram(&w, 4, 9, false);
        for a in 0..4 {
            for b in 0..4 {
                let want = if a == b { 1.0 } else { 0.0 };
                assert!(
                    (g[a * 4 + b] - want).abs() < 1e-5,
                    "{a},{b}: {}",
                    g[a * 4 + b]
                );
            }
        }
    }

    #[test]
    fn tanh_via_sigmoid_is_tanh() {
        let dev = Device::flex();
        let xs: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.25).collect();
        let n = xs.len();
        let t = Tensor::<1>::from_data(TensorData::new(xs.clone(), [n]), &dev);
        let ys = tanh_via_sigmoid(t)
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        for (x, y) in xs.iter().zip(&ys) {
            assert!((x.tanh() - y).abs() < 1e-6, "{x}: {y} vs {}", x.tanh());
        }
    }

    #[test]
    fn the_gradient_of_tanh_via_sigmoid_is_one_minus_tanh_squared() {
        let dev = Device::flex().autodiff();
        let xs = vec![-2.0f32, -0.5, 0.0, 0.3, 1.7];
        let x = Tensor::<1>::from_data(TensorData::new(xs.clone(), [5]), &dev).require_grad();
        let grads = tanh_via_sigmoid(x.clone()).sum().backward();
        let g = x
            .grad(&grads)
            .expect("x is tracked")
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        for (x, g) in xs.iter().zip(&g) {
            let want = 1.0 - x.tanh().powi(2);
            assert!((g - want).abs() < 1e-6, "{x}: {g} vs {want}");
        }
    }

    #[test]
    fn same_seed_same_network_and_torch_default_bounds() {
        let dev = Device::flex();
        let out = |seed: u64, init: Init| -> Vec<f32> {
            let mut rng = Pcg64::seed_from_u64(seed);
            let net = Mlp::new(&[3, 5, 2], Activation::Tanh, init, &mut rng, &dev);
            let x = Tensor::<2>::from_data(TensorData::new(vec![0.5f32, -1.0, 2.0], [1, 3]), &dev);
            net.forward(x)
                .into_data()
                .try_to_vec::<f32>()
                .expect("f32 output")
        };
        let ortho = Init::Orthogonal {
            hidden_gain: 2f64.sqrt(),
            out_gain: 1.0,
        };
        assert_eq!(out(7, ortho), out(7, ortho));
        assert_ne!(out(7, ortho), out(8, ortho));

        let mut rng = Pcg64::seed_from_u64(1);
        let net = Mlp::new(
            &[16, 4],
            Activation::Relu,
            Init::TorchDefault,
            &mut rng,
            &dev,
        );
        let w = net.layers[0]
            .weight
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        assert!(w.iter().all(|v| v.abs() <= 0.25), "U(±1/√16)");
        assert_eq!((net.input_dim(), net.output_dim()), (16, 4));
    }
}
