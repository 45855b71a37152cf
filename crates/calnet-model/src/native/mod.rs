//! The CPU inference engine in pure Rust: CALNet's forward pass on float32, with the matrix
//! products of `gemm-f32`, the `gemm` crate's f32 kernels (convolutions as im2col + GEMM,
//! LSTM input projections as one GEMM per layer, the dense layer as one GEMM per group of
//! segments).
//!
//! **Determinism.** A segment's p(EB) is bit-identical whatever its batch mates, batch size and
//! thread count: every GEMM runs single-threaded, with shapes fixed by the network; the work is
//! spread over the calling rayon pool by segment (convolutions, attention, LSTMs) and by block
//! of dense-layer outputs, never by splitting a sum. The dense layer, which reads its 32 MB of
//! weights once per call, takes segments [`GROUP`] at a time, a short group filled with zeros.

mod ops;

use rayon::prelude::*;

use crate::arch::{GLS_LEN, LC_LEN};
use crate::weights::NamedTensor;
use ops::{matmul, max_pool4, sigmoid, Cbam, Conv, LstmLayer, View};

/// Segments per dense-layer GEMM.
pub const GROUP: usize = 8;
/// Dense-layer outputs per GEMM (so a batch of one still spreads over the threads).
const FC_BLOCK: usize = 128;
/// Time steps the branches hand their LSTMs: 4000 / 4^3 and 1000 / 4^2, rounded down.
const STEPS: usize = 62;
const LC_HIDDEN: usize = 128;
const GLS_HIDDEN: usize = 64;
/// The dense head's input: the light-curve LSTM's outputs, 62 x 128.
const FUSED: usize = STEPS * LC_HIDDEN;
const FC_OUT: usize = 1024;

/// CALNet's weights laid out for the native forward pass.
pub struct Network {
    lc: [(Conv, Option<Cbam>); 3],
    lstm1: [LstmLayer; 2],
    gls: [(Conv, Option<Cbam>); 2],
    lstm2: [LstmLayer; 2],
    /// `[1024, 7936]`.
    fc0_w: Vec<f32>,
    fc0_b: Vec<f32>,
    /// `[2, 1024]`.
    fc3_w: Vec<f32>,
    fc3_b: Vec<f32>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network").finish_non_exhaustive()
    }
}

/// Hands out the tensors' values in key order.
struct InOrder(std::vec::IntoIter<NamedTensor>);

impl InOrder {
    fn next(&mut self) -> Vec<f32> {
        self.0.next().expect("42 tensors").values
    }

    fn conv(&mut self, c_in: usize, c_out: usize) -> Conv {
        Conv {
            weight: self.next(),
            bias: self.next(),
            c_in,
            c_out,
        }
    }

    fn cbam(&mut self, channels: usize) -> Cbam {
        Cbam {
            fc0: self.next(),
            fc2: self.next(),
            spatial: self.next(),
            channels,
        }
    }

    fn lstm_layer(&mut self, input: usize, hidden: usize) -> LstmLayer {
        let w_ih = self.next();
        let w_hh = self.next();
        let bias_ih = self.next();
        let bias_hh = self.next();
        LstmLayer {
            w_ih,
            w_hh,
            bias: bias_ih.iter().zip(&bias_hh).map(|(a, b)| a + b).collect(),
            input,
            hidden,
        }
    }
}

impl Network {
    /// The network from the 42 tensors in [`crate::STATE_DICT_KEYS`] order with their shapes
    /// checked, as [`crate::read_calnet`] returns them.
    pub fn new(tensors: Vec<crate::NamedTensor>) -> Network {
        assert_eq!(tensors.len(), crate::STATE_DICT_KEYS.len());
        let mut t = InOrder(tensors.into_iter());
        // The order of the calls is the order of STATE_DICT_KEYS.
        let lc0 = t.conv(1, 64);
        let lc0a = t.cbam(64);
        let lc1 = t.conv(64, 128);
        let lc1a = t.cbam(128);
        let lc2 = t.conv(128, 256);
        let lstm1 = [
            t.lstm_layer(256, LC_HIDDEN),
            t.lstm_layer(LC_HIDDEN, LC_HIDDEN),
        ];
        let gls0 = t.conv(1, 32);
        let gls0a = t.cbam(32);
        let gls1 = t.conv(32, 64);
        let gls1a = t.cbam(64);
        let lstm2 = [
            t.lstm_layer(64, GLS_HIDDEN),
            t.lstm_layer(GLS_HIDDEN, GLS_HIDDEN),
        ];
        Network {
            lc: [(lc0, Some(lc0a)), (lc1, Some(lc1a)), (lc2, None)],
            lstm1,
            gls: [(gls0, Some(gls0a)), (gls1, Some(gls1a))],
            lstm2,
            fc0_w: t.next(),
            fc0_b: t.next(),
            fc3_w: t.next(),
            fc3_b: t.next(),
        }
    }

    /// p(EB) of each segment: `lc` holds `n` light curves of [`LC_LEN`] values, `gls` their
    /// periodograms of [`GLS_LEN`]. Runs on the current rayon pool.
    pub fn predict(&self, lc: &[f32], gls: &[f32]) -> Vec<f32> {
        let n = lc.len() / LC_LEN;
        debug_assert_eq!(gls.len(), n * GLS_LEN);
        let fused: Vec<Vec<f32>> = lc
            .par_chunks_exact(LC_LEN)
            .zip(gls.par_chunks_exact(GLS_LEN))
            .map(|(x1, x2)| self.fused(x1, x2))
            .collect();
        let groups = n.div_ceil(GROUP);
        let blocks = FC_OUT / FC_BLOCK;
        // Each unit: one block of dense outputs for one group, `[FC_BLOCK, GROUP]` row-major.
        let units: Vec<Vec<f32>> = (0..groups * blocks)
            .into_par_iter()
            .map(|u| {
                let (g, b) = (u / blocks, u % blocks);
                let mut x = vec![0.0f32; GROUP * FUSED];
                for (row, f) in x.chunks_exact_mut(FUSED).zip(&fused[g * GROUP..]) {
                    row.copy_from_slice(f);
                }
                let mut out = vec![0.0f32; FC_BLOCK * GROUP];
                matmul(
                    &mut out,
                    GROUP,
                    View::rows(&self.fc0_w[b * FC_BLOCK * FUSED..], FC_BLOCK, FUSED),
                    View::transposed(&x, FUSED, GROUP),
                    false,
                );
                out
            })
            .collect();
        (0..n)
            .map(|s| {
                let (g, j) = (s / GROUP, s % GROUP);
                let hidden: Vec<f32> = (0..FC_OUT)
                    .map(|o| {
                        let unit = &units[g * blocks + o / FC_BLOCK];
                        sigmoid(unit[(o % FC_BLOCK) * GROUP + j] + self.fc0_b[o])
                    })
                    .collect();
                let logit = |k: usize| {
                    let w = &self.fc3_w[k * FC_OUT..(k + 1) * FC_OUT];
                    self.fc3_b[k] + w.iter().zip(&hidden).map(|(a, b)| a * b).sum::<f32>()
                };
                let (l0, l1) = (logit(0), logit(1));
                // Softmax over the two classes, column 1.
                let m = l0.max(l1);
                let (e0, e1) = ((l0 - m).exp(), (l1 - m).exp());
                e1 / (e0 + e1)
            })
            .collect()
    }

    /// The `[7936]` sum of the two branches' LSTM outputs that enters the dense head.
    pub fn fused(&self, x1: &[f32], x2: &[f32]) -> Vec<f32> {
        let (mut lc, gls) = rayon::join(
            || {
                let x = branch(&self.lc, x1, LC_LEN);
                lstm(&self.lstm1, &x)
            },
            || {
                let x = branch(&self.gls, x2, GLS_LEN);
                lstm(&self.lstm2, &x)
            },
        );
        // The periodogram branch gives 62 x 64 values, half the light curve's: the reference
        // tiles it twice to add them.
        for (v, g) in lc.iter_mut().zip(gls.iter().cycle()) {
            *v += g;
        }
        lc
    }
}

/// `Conv1d -> ReLU -> [CBAM] -> MaxPool1d(4)` stages over `[1, len]`: `[channels, len / 4^k]`.
fn branch(stages: &[(Conv, Option<Cbam>)], x: &[f32], len: usize) -> Vec<f32> {
    let mut cols = Vec::new();
    let (mut x, mut len) = (x.to_vec(), len);
    for (conv, attention) in stages {
        let mut y = conv.forward_relu(&x, len, &mut cols);
        if let Some(a) = attention {
            a.apply(&mut y, len);
        }
        x = max_pool4(&y, conv.c_out, len);
        len /= 4;
    }
    debug_assert_eq!(len, STEPS);
    x
}

/// The two-layer LSTM over the branch output `[channels, 62]` read as 62 steps (PyTorch's
/// `permute(0, 2, 1)`), flattened `[62 * hidden]`.
fn lstm(layers: &[LstmLayer; 2], x: &[f32]) -> Vec<f32> {
    let h0 = layers[0].forward(View::transposed(x, STEPS, layers[0].input), STEPS);
    layers[1].forward(View::rows(&h0, STEPS, layers[1].input), STEPS)
}
