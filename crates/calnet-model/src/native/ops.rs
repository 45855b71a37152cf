//! The layers of the native engine on one segment: activations are `[channels, length]`
//! row-major (PyTorch's layout without the batch dimension).
//!
//! Every GEMM runs single-threaded with shapes and strides fixed by the network, never by the
//! batch, so a segment's arithmetic is the same whatever else is computed beside it.

/// A read-only matrix view: element `(r, c)` at `data[r * rs + c * cs]`.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub rs: usize,
    pub cs: usize,
}

impl<'a> View<'a> {
    /// A row-major `rows x cols` matrix.
    pub fn rows(data: &'a [f32], rows: usize, cols: usize) -> Self {
        View {
            data,
            rows,
            cols,
            rs: cols,
            cs: 1,
        }
    }

    /// The transpose of a row-major `cols x rows` matrix.
    pub fn transposed(data: &'a [f32], rows: usize, cols: usize) -> Self {
        View {
            data,
            rows,
            cols,
            rs: 1,
            cs: rows,
        }
    }

    /// One past the largest index the view reaches.
    fn extent(&self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            return 0;
        }
        (self.rows - 1) * self.rs + (self.cols - 1) * self.cs + 1
    }
}

/// `dst = lhs x rhs` (or `dst += lhs x rhs` with `accumulate`), `dst` row-major with row
/// stride `dst_rs`.
pub(crate) fn matmul(dst: &mut [f32], dst_rs: usize, lhs: View, rhs: View, accumulate: bool) {
    let (m, k, n) = (lhs.rows, lhs.cols, rhs.cols);
    assert_eq!(rhs.rows, k, "inner dimensions");
    assert!(lhs.extent() <= lhs.data.len() && rhs.extent() <= rhs.data.len());
    assert!(m == 0 || n == 0 || (m - 1) * dst_rs + n <= dst.len());
    // `gemm::gemm`'s own first step, for our strides (all positive, the destination's column
    // stride 1): a destination whose rows are longer than 1 apart is computed as its
    // transpose, `dst^T = rhs^T lhs^T`. Then the same f32 kernel `gemm::gemm` dispatches to.
    let (dst_rs, rhs_ptr, lhs_ptr) = (dst_rs as isize, rhs.data.as_ptr(), lhs.data.as_ptr());
    let (m, n, dst_cs, dst_rs, a, a_cs, a_rs, b, b_cs, b_rs) = if 1 < dst_rs {
        let (rhs_cs, rhs_rs) = (rhs.cs as isize, rhs.rs as isize);
        let (lhs_cs, lhs_rs) = (lhs.cs as isize, lhs.rs as isize);
        (
            n, m, dst_rs, 1, rhs_ptr, rhs_rs, rhs_cs, lhs_ptr, lhs_rs, lhs_cs,
        )
    } else {
        let (lhs_cs, lhs_rs) = (lhs.cs as isize, lhs.rs as isize);
        let (rhs_cs, rhs_rs) = (rhs.cs as isize, rhs.rs as isize);
        (
            m, n, 1, dst_rs, lhs_ptr, lhs_cs, lhs_rs, rhs_ptr, rhs_cs, rhs_rs,
        )
    };
    // SAFETY: the assertions above keep every element gemm reads or writes inside the slices,
    // and `dst` is borrowed mutably so it aliases neither input.
    unsafe {
        gemm_f32::gemm::f32::get_gemm_fn()(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            dst_cs,
            dst_rs,
            accumulate,
            a,
            a_cs,
            a_rs,
            b,
            b_cs,
            b_rs,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm_common::Parallelism::None,
        )
    }
}

/// PyTorch's `max`: NaN wins, so a NaN input shows in the output as it does there.
#[inline]
pub(crate) fn nan_max(a: f32, b: f32) -> f32 {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

#[inline]
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// A `Conv1d(c_in, c_out, 7, padding=3)` as one GEMM over the im2col matrix.
pub(crate) struct Conv {
    /// `[c_out, c_in * 7]`, PyTorch's `[c_out, c_in, 7]` as it is.
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub c_in: usize,
    pub c_out: usize,
}

pub(crate) const KERNEL: usize = 7;
const PAD: usize = KERNEL / 2;

impl Conv {
    /// `relu(conv(x) + bias)` of `x: [c_in, len]` into `[c_out, len]`; `cols` is scratch.
    pub fn forward_relu(&self, x: &[f32], len: usize, cols: &mut Vec<f32>) -> Vec<f32> {
        let k = self.c_in * KERNEL;
        im2col(x, self.c_in, len, cols);
        let mut out = vec![0.0; self.c_out * len];
        matmul(
            &mut out,
            len,
            View::rows(&self.weight, self.c_out, k),
            View::rows(cols, k, len),
            false,
        );
        for (row, &b) in out.chunks_exact_mut(len).zip(&self.bias) {
            for v in row {
                *v = (*v + b).max(0.0);
            }
        }
        out
    }
}

/// `cols[(c * 7 + t), l] = x[c, l + t - 3]`, zero outside the signal.
fn im2col(x: &[f32], channels: usize, len: usize, cols: &mut Vec<f32>) {
    cols.clear();
    cols.resize(channels * KERNEL * len, 0.0);
    for (c, signal) in x.chunks_exact(len).enumerate().take(channels) {
        for t in 0..KERNEL {
            let row = &mut cols[(c * KERNEL + t) * len..][..len];
            // Output l reads input l + t - 3.
            let (lo, hi) = (
                PAD.saturating_sub(t),
                (len + PAD).saturating_sub(t).min(len),
            );
            row[lo..hi].copy_from_slice(&signal[lo + t - PAD..hi + t - PAD]);
        }
    }
}

/// `MaxPool1d(4)` of `[channels, len]` into `[channels, len / 4]` (a remainder is dropped).
pub(crate) fn max_pool4(x: &[f32], channels: usize, len: usize) -> Vec<f32> {
    let out_len = len / 4;
    let mut out = Vec::with_capacity(channels * out_len);
    for row in x.chunks_exact(len).take(channels) {
        out.extend(
            row[..out_len * 4]
                .chunks_exact(4)
                .map(|w| nan_max(nan_max(w[0], w[1]), nan_max(w[2], w[3]))),
        );
    }
    out
}

/// CBAM with reduction 8 and a 7-tap spatial kernel, as the original CALNet's
/// `CNN_CBAM_LSTM_model` (<https://github.com/wangleon/CALNet>).
pub(crate) struct Cbam {
    /// `[channels / 8, channels]`.
    pub fc0: Vec<f32>,
    /// `[channels, channels / 8]`.
    pub fc2: Vec<f32>,
    /// `[2, 7]`: taps over the channel mean and the channel max.
    pub spatial: Vec<f32>,
    pub channels: usize,
}

impl Cbam {
    /// `x * ca` then `* sa`, in place, for `x: [channels, len]`.
    pub fn apply(&self, x: &mut [f32], len: usize) {
        let c = self.channels;
        let r = c / 8;
        // Channel attention: the shared MLP on the average and on the maximum over time.
        let (mut avg, max) = channel_sums_and_maxima(x, c, len);
        for a in &mut avg {
            *a /= len as f32;
        }
        let mlp = |v: &[f32]| -> Vec<f32> {
            let hidden: Vec<f32> = self
                .fc0
                .chunks_exact(c)
                .map(|w| dot(w, v).max(0.0))
                .collect();
            self.fc2.chunks_exact(r).map(|w| dot(w, &hidden)).collect()
        };
        let (a, m) = (mlp(&avg), mlp(&max));
        for ((row, a), m) in x.chunks_exact_mut(len).zip(a).zip(m) {
            let scale = sigmoid(a + m);
            for v in row {
                *v *= scale;
            }
        }
        // Spatial attention: a 7-tap convolution over the channel mean and maximum.
        let mut mean = vec![0.0f32; len];
        let mut peak = vec![f32::NEG_INFINITY; len];
        for row in x.chunks_exact(len) {
            for ((s, p), &v) in mean.iter_mut().zip(peak.iter_mut()).zip(row) {
                *s += v;
                *p = nan_max(*p, v);
            }
        }
        for s in &mut mean {
            *s /= c as f32;
        }
        let mut sa = vec![0.0f32; len];
        for (l, out) in sa.iter_mut().enumerate() {
            let mut acc = 0.0f32;
            for t in 0..KERNEL {
                if let Some(i) = (l + t).checked_sub(PAD).filter(|&i| i < len) {
                    acc += self.spatial[t] * mean[i] + self.spatial[KERNEL + t] * peak[i];
                }
            }
            *out = sigmoid(acc);
        }
        for row in x.chunks_exact_mut(len) {
            for (v, s) in row.iter_mut().zip(&sa) {
                *v *= s;
            }
        }
    }
}

/// Each channel's sum and maximum over time of `x: [channels, len]`, each a fold in time order
/// exactly as `row.iter().sum()` and `fold(-inf, nan_max)` compute it. A single fold is one
/// chain of dependent additions (or maxima); eight channels at a time give the CPU eight
/// independent chains, with every channel's operations unchanged.
// One time index `l` reads eight rows: the index is the clearest form.
#[allow(clippy::needless_range_loop)]
fn channel_sums_and_maxima(x: &[f32], channels: usize, len: usize) -> (Vec<f32>, Vec<f32>) {
    const LANES: usize = 8;
    // The starting value of `Iterator::sum` for f32, whichever zero the standard library uses.
    let zero: f32 = std::iter::empty::<f32>().sum();
    let mut sums = vec![zero; channels];
    let mut maxima = vec![f32::NEG_INFINITY; channels];
    let x = &x[..channels * len];
    let full = channels / LANES * LANES;
    for (block, rows) in x[..full * len].chunks_exact(LANES * len).enumerate() {
        let rows: [&[f32]; LANES] = std::array::from_fn(|j| &rows[j * len..(j + 1) * len]);
        let mut s = [zero; LANES];
        let mut m = [f32::NEG_INFINITY; LANES];
        for l in 0..len {
            for j in 0..LANES {
                let v = rows[j][l];
                s[j] += v;
                m[j] = nan_max(m[j], v);
            }
        }
        sums[block * LANES..][..LANES].copy_from_slice(&s);
        maxima[block * LANES..][..LANES].copy_from_slice(&m);
    }
    for ch in full..channels {
        let row = &x[ch * len..(ch + 1) * len];
        sums[ch] = row.iter().sum::<f32>();
        maxima[ch] = row.iter().copied().fold(f32::NEG_INFINITY, nan_max);
    }
    (sums, maxima)
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// One LSTM layer's weights, gates in PyTorch's order (i, f, g, o).
pub(crate) struct LstmLayer {
    /// `[4 * hidden, input]`.
    pub w_ih: Vec<f32>,
    /// `[4 * hidden, hidden]`.
    pub w_hh: Vec<f32>,
    /// `bias_ih + bias_hh`, `[4 * hidden]`.
    pub bias: Vec<f32>,
    pub input: usize,
    pub hidden: usize,
}

impl LstmLayer {
    /// The hidden states `[steps, hidden]` (row-major) over `x` from a zero state: the input
    /// projection of all steps as one GEMM, then the recurrence step by step.
    pub fn forward(&self, x: View, steps: usize) -> Vec<f32> {
        let (h, g4) = (self.hidden, 4 * self.hidden);
        let mut gates = vec![0.0f32; steps * g4];
        matmul(
            &mut gates,
            g4,
            x,
            View::transposed(&self.w_ih, self.input, g4),
            false,
        );
        let mut out = vec![0.0f32; steps * h];
        let mut cell = vec![0.0f32; h];
        for t in 0..steps {
            let (before, now) = out.split_at_mut(t * h);
            let g = &mut gates[t * g4..(t + 1) * g4];
            if t > 0 {
                let prev = &before[(t - 1) * h..];
                // The gates as a column: `g += w_hh x h_prev`.
                matmul(
                    g,
                    1,
                    View::rows(&self.w_hh, g4, h),
                    View::rows(prev, h, 1),
                    true,
                );
            }
            let hidden = &mut now[..h];
            for j in 0..h {
                let i = sigmoid(g[j] + self.bias[j]);
                let f = sigmoid(g[h + j] + self.bias[h + j]);
                let c = (g[2 * h + j] + self.bias[2 * h + j]).tanh();
                let o = sigmoid(g[3 * h + j] + self.bias[3 * h + j]);
                cell[j] = f * cell[j] + i * c;
                hidden[j] = o * cell[j].tanh();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The GEMM wrapper against a naive f64 product, with transposed and strided views.
    #[test]
    fn matmul_matches_naive() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| ((i * 37 % 11) as f32) - 5.0).collect();
        let b: Vec<f32> = (0..k * n).map(|i| ((i * 13 % 7) as f32) * 0.5).collect();
        let mut c = vec![1.0f32; m * n];
        matmul(&mut c, n, View::rows(&a, m, k), View::rows(&b, k, n), true);
        for i in 0..m {
            for j in 0..n {
                let want: f64 = 1.0
                    + (0..k)
                        .map(|p| a[i * k + p] as f64 * b[p * n + j] as f64)
                        .sum::<f64>();
                assert_eq!(c[i * n + j] as f64, want);
            }
        }
        // (b^T a^T) = (a b)^T through transposed views.
        let mut ct = vec![0.0f32; n * m];
        matmul(
            &mut ct,
            m,
            View::transposed(&b, n, k),
            View::transposed(&a, k, m),
            false,
        );
        for i in 0..m {
            for j in 0..n {
                assert_eq!(ct[j * m + i], c[i * n + j] - 1.0);
            }
        }
    }

    #[test]
    fn channel_statistics_are_the_plain_folds_bit_for_bit() {
        // 19 channels: two blocks of eight and a remainder of three; values of mixed signs and
        // magnitudes, so that the order of the additions shows in the bits, and a NaN.
        let len = 1001;
        let mut x: Vec<f32> = (0..19 * len)
            .map(|i| (i as f32 * 0.7311).sin() * 10f32.powi((i % 7) as i32 - 3))
            .collect();
        x[3 * len + 500] = f32::NAN;
        let (sums, maxima) = channel_sums_and_maxima(&x, 19, len);
        for (ch, row) in x.chunks_exact(len).enumerate() {
            assert_eq!(
                sums[ch].to_bits(),
                row.iter().sum::<f32>().to_bits(),
                "{ch}"
            );
            let max = row.iter().copied().fold(f32::NEG_INFINITY, nan_max);
            assert_eq!(maxima[ch].to_bits(), max.to_bits(), "{ch}");
        }
        assert!(maxima[3].is_nan());
    }

    #[test]
    fn im2col_pads_with_zeros() {
        let x: Vec<f32> = (1..=5).map(|v| v as f32).collect();
        let mut cols = Vec::new();
        im2col(&x, 1, 5, &mut cols);
        // Tap t, output l: x[l + t - 3].
        assert_eq!(&cols[0..5], &[0.0, 0.0, 0.0, 1.0, 2.0]);
        assert_eq!(&cols[15..20], &[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(&cols[30..35], &[4.0, 5.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn pool_keeps_nan_and_drops_the_remainder() {
        let x = [1.0, 3.0, 2.0, 0.0, f32::NAN, 1.0, 2.0, 3.0, 9.0];
        let p = max_pool4(&x, 1, 9);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0], 3.0);
        assert!(p[1].is_nan());
    }
}
