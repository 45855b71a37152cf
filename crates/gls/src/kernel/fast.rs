//! The fast kernel: a type-3 non-uniform FFT (points `s_j` anywhere in the span, frequencies
//! anywhere), built from two standard steps with the "exponential of semicircle" kernel
//! `φ(z) = exp(β (sqrt(1 - z²) - 1))` of FINUFFT (Barnett, Magland & af Klinteberg 2019):
//!
//! 1. spread the strengths `c_j` onto a regular time grid `τ_m = m h`, `h = π / (2 Ω)` for
//!    target frequencies `|ν| ≤ Ω`: `b_m = Σ_j c_j ψ(τ_m - s_j)`, so that
//!    `Σ_m b_m e^{iντ_m} = ψ̂(ν) G(ν) / h` up to aliasing below the tolerance;
//! 2. evaluate `B(ν) = Σ_m b_m e^{i m h ν}` at the targets as a type-2 transform: divide by the
//!    kernel's Fourier coefficients, zero-pad to twice the length, one inverse FFT (`rustfft`),
//!    interpolate with the same kernel; then `G(ν) = h B(ν) / ψ̂(ν)`.
//!
//! One complex transform gives all sums: with strengths `c = w + i κ wy` (κ balances the two
//! scales) at `±ω` and `±2ω`, `Σ w e^{iωs} = (G(ω) + conj G(-ω)) / 2` and
//! `Σ wy e^{iωs} = (G(ω) - conj G(-ω)) / (2iκ)`, likewise at `2ω`.
//!
//! Kernel width `W = ceil(log10(10 / tol))` points and `β = 2.30 W` with upsampling 2 give
//! errors about `tol` times the scale of each sum. Kernel values come from Chebyshev
//! expansions of each of the `W` pieces (degree `W + 5`, evaluated by Clenshaw), not from
//! `exp`/`sqrt`. Plans (FFT, deconvolution factors, target factors) are cached and
//! reused for every light curve whose span rounds to the same FFT length on the same grid: one
//! cache for all threads, bounded in bytes.

use super::{Prepared, TrigSums};
use rustfft::num_complex::Complex64;
use rustfft::{Fft, FftPlanner};
use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

/// Largest kernel width (lanes of the kernel-value vectors).
const MAXW: usize = 16;

/// Estimated FFT length for a span and highest angular frequency (for `Method::resolve` and
/// the size guard), in f64: it can exceed any `usize` for absurd inputs.
pub(crate) fn fft_size_estimate(span: f64, omega_max: f64) -> f64 {
    // n1 = 2 X sigma Omega / pi with X = span/2, Omega = 2 omega_max, sigma = 2; n2 = 2 n1.
    2.0 * (0.5 * span) * 2.0 * (2.0 * omega_max) / std::f64::consts::PI * 2.0 + 64.0
}

fn width_for(tol: f64) -> usize {
    ((10.0 / tol).log10().ceil() as usize).clamp(4, MAXW)
}

#[inline]
fn es(z: f64, beta: f64) -> f64 {
    if z.abs() >= 1.0 {
        0.0
    } else {
        (beta * ((1.0 - z * z).sqrt() - 1.0)).exp()
    }
}

/// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the three-term recurrence).
fn gauss_legendre(q: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; q];
    let mut w = vec![0.0; q];
    for i in 0..q.div_ceil(2) {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (q as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for k in 2..=q {
                let p2 = ((2 * k - 1) as f64 * z * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            dp = q as f64 * (z * p1 - p0) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() < 1e-16 {
                break;
            }
        }
        x[i] = -z;
        x[q - 1 - i] = z;
        w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
        w[q - 1 - i] = w[i];
    }
    (x, w)
}

/// `∫_{-1}^{1} φ(z) cos(ξ z) dz` by Gauss-Legendre.
struct EsTransform {
    z: Vec<f64>,
    wphi: Vec<f64>,
}

impl EsTransform {
    fn new(w: usize, beta: f64) -> Self {
        let (z, gw) = gauss_legendre(4 * w + 24);
        let wphi = z.iter().zip(&gw).map(|(&z, &g)| g * es(z, beta)).collect();
        Self { z, wphi }
    }
    /// The transform at `xi`. The nodes come in pairs `z[q - 1 - i] = -z[i]` (exactly), so
    /// `xi z` is negated exactly and its cosine, an even function in libm as well, is computed
    /// once per pair: half the `cos` calls of the plain sum, the same terms summed in the same
    /// order ([`EsTransform::at_plain`]; a test checks both agree bit for bit).
    fn at(&self, xi: f64) -> f64 {
        let q = self.z.len();
        let mut c = [0.0f64; (4 * MAXW + 24) / 2];
        for (c, &z) in c.iter_mut().zip(&self.z[..q / 2]) {
            *c = (xi * z).cos();
        }
        self.wphi
            .iter()
            .enumerate()
            .map(|(i, &g)| g * c[if i < q / 2 { i } else { q - 1 - i }])
            .sum()
    }

    /// The plain sum, one `cos` per node.
    #[cfg(test)]
    fn at_plain(&self, xi: f64) -> f64 {
        self.z
            .iter()
            .zip(&self.wphi)
            .map(|(&z, &g)| g * (xi * z).cos())
            .sum()
    }
}

/// The `W` kernel values at grid offsets `k = 0..W` for a fractional position `x ∈ [0, 1)`:
/// `φ((2(x + k) - W) / W)`, from Chebyshev expansions in `2x - 1`.
#[derive(Debug)]
struct KernelPoly {
    /// `coef[n][k]`: Chebyshev coefficient `n` of piece `k`.
    coef: Vec<[f64; MAXW]>,
}

impl KernelPoly {
    fn new(w: usize, beta: f64) -> Self {
        let deg = w + 5;
        let nn = deg + 1;
        let mut coef = vec![[0.0; MAXW]; nn];
        for k in 0..w {
            let f: Vec<f64> = (0..nn)
                .map(|i| {
                    let xi = (std::f64::consts::PI * (i as f64 + 0.5) / nn as f64).cos();
                    let x = 0.5 * (xi + 1.0);
                    es((2.0 * (x + k as f64) - w as f64) / w as f64, beta)
                })
                .collect();
            for (n, row) in coef.iter_mut().enumerate() {
                let s: f64 = (0..nn)
                    .map(|i| {
                        f[i] * (std::f64::consts::PI * n as f64 * (i as f64 + 0.5) / nn as f64)
                            .cos()
                    })
                    .sum();
                row[k] = s * if n == 0 { 1.0 } else { 2.0 } / nn as f64;
            }
        }
        Self { coef }
    }

    #[inline(always)]
    fn eval(&self, x: f64) -> [f64; MAXW] {
        let xi = 2.0 * x - 1.0;
        let two_xi = 2.0 * xi;
        let mut b1 = [0.0; MAXW];
        let mut b2 = [0.0; MAXW];
        let nn = self.coef.len();
        for n in (1..nn).rev() {
            let c = &self.coef[n];
            let mut b0 = [0.0; MAXW];
            for k in 0..MAXW {
                b0[k] = two_xi * b1[k] - b2[k] + c[k];
            }
            b2 = b1;
            b1 = b0;
        }
        let c = &self.coef[0];
        let mut out = [0.0; MAXW];
        for k in 0..MAXW {
            out[k] = xi * b1[k] - b2[k] + c[k];
        }
        out
    }
}

/// Everything that depends only on the grid, the tolerance and the FFT length.
struct Plan {
    /// Number of frequencies.
    m: usize,
    n2: usize,
    n1: usize,
    w: usize,
    h: f64,
    poly: KernelPoly,
    fft: Arc<dyn Fft<f64>>,
    /// `1 / ψ̂2(m)` for time-grid index `m - n1/2`, `m = 0..n1`.
    deconv: Vec<f64>,
    /// Interpolation weight vectors (`δ ψ2(lδ - θ)` for the `W` nearest fine-grid points).
    table: Vec<[f64; MAXW]>,
    /// Per target (`ω`, `-ω`, `2ω`, `-2ω`, each block in grid order): first fine-grid index,
    /// row of `table`, and `h / ψ̂(ν)`.
    targets: Vec<(i64, u32, f64)>,
}

const SIGMA: f64 = 2.0;

/// FFT lengths `2^a × {8, 9, 10, 12, 14, 15} / 8`: steps of at most 12.5%, so that light curves
/// of slightly different spans share a plan, and sizes RustFFT handles fast.
fn ladder(n: usize) -> usize {
    let mut p = 8usize;
    loop {
        for r in [8, 9, 10, 12, 14, 15] {
            let c = p / 8 * r;
            if c >= n {
                return c;
            }
        }
        p *= 2;
    }
}

/// FFT length, time step and, on a regular grid, the ratio `(num, den)` with FFT frequency step
/// `Δ = 2π / (n2 h) = dν num / den`.
///
/// `h ≤ π / (σ Ω)` keeps aliasing below the tolerance and `n2 h / 2 ≥ span + (W + 8) h` keeps
/// the points on the time grid. On a regular grid of step `dν`, `h` is chosen in that range so
/// that `Δ` is an integer multiple (`den = 1`) or an integer fraction (`num = 1`) of `dν`: the
/// targets then fall on only `den` distinct fractional positions, so their interpolation
/// weights are computed once. When no such `h` exists up to four times the plain FFT length,
/// the grid is treated as arbitrary.
fn geometry(
    span: f64,
    omega_big: f64,
    w: usize,
    regular_dnu: Option<f64>,
) -> (usize, f64, Option<(usize, usize)>) {
    let two_pi = 2.0 * std::f64::consts::PI;
    let h_max = std::f64::consts::PI / (SIGMA * omega_big);
    let pad = (w + 8) as f64;
    let n2_plain = ladder((SIGMA * ((span / h_max).ceil() + pad)) as usize);
    let Some(dnu) = regular_dnu.filter(|d| *d > 0.0) else {
        return (n2_plain, h_max, None);
    };
    let mut n2 = n2_plain;
    while n2 <= 4 * n2_plain && n2 <= crate::MAX_FFT_LEN {
        let n1 = (n2 / 2) as f64;
        let h_min = span / (n1 - pad);
        let d_min = two_pi / (n2 as f64 * h_max);
        let d_max = two_pi / (n2 as f64 * h_min);
        let q = (d_min / dnu).ceil().max(1.0);
        if q * dnu <= d_max {
            let h = two_pi / (n2 as f64 * q * dnu);
            return (n2, h, Some((1, q as usize)));
        }
        let qp = (dnu / d_max).ceil();
        if dnu / qp >= d_min {
            let h = two_pi * qp / (n2 as f64 * dnu);
            return (n2, h, Some((qp as usize, 1)));
        }
        n2 = ladder(n2 + 1);
    }
    (n2_plain, h_max, None)
}

impl Plan {
    fn new(omega: &[f64], regular_dnu: Option<f64>, tol: f64, span: f64, omega_big: f64) -> Self {
        let w = width_for(tol);
        let beta = 2.30 * w as f64;
        let (n2, h, ratio) = geometry(span, omega_big, w, regular_dnu);
        let n1 = n2 / 2;
        let delta = 2.0 * std::f64::consts::PI / n2 as f64;
        let ft = EsTransform::new(w, beta);
        let poly = KernelPoly::new(w, beta);
        let alpha2 = w as f64 * delta / 2.0;
        let off = (n1 / 2) as i64;
        let half: Vec<f64> = (0..=off.max(n1 as i64 - off))
            .map(|m| 1.0 / (alpha2 * ft.at(m as f64 * alpha2)))
            .collect();
        let deconv = (0..n1 as i64)
            .map(|m| half[(m - off).unsigned_abs() as usize])
            .collect();
        let alpha = w as f64 * h / 2.0;
        let half_w = w as f64 / 2.0;
        let weights = |t: f64| {
            let l0 = (t - half_w).ceil();
            let mut v = poly.eval(l0 - t + half_w);
            for x in v.iter_mut() {
                *x *= delta;
            }
            (l0 as i64, v)
        };
        let m = omega.len();
        let mut table = Vec::new();
        let mut targets = Vec::with_capacity(4 * m);
        for sgn in [1.0f64, -1.0, 2.0, -2.0] {
            match (regular_dnu, ratio) {
                (Some(dnu), Some((num, den))) if den < m => {
                    // t_k = sgn (t_0 + k num / den): the fraction repeats with period den.
                    let t0 = omega[0] * h / delta;
                    let base = table.len() as u32;
                    let mut starts = Vec::with_capacity(den);
                    for r in 0..den {
                        let (l0, v) = weights(sgn * (t0 + (r * num) as f64 / den as f64));
                        table.push(v);
                        starts.push(l0);
                    }
                    for k in 0..m {
                        let (a, r) = (k / den, k % den);
                        let nu = sgn * (omega[0] + k as f64 * dnu);
                        let fac = h / (alpha * ft.at(nu * alpha));
                        let l0 = starts[r] + (sgn * (a * num) as f64) as i64;
                        targets.push((l0, base + r as u32, fac));
                    }
                }
                _ => {
                    for &o in omega {
                        let nu = sgn * o;
                        let (l0, v) = weights(nu * h / delta);
                        targets.push((l0, table.len() as u32, h / (alpha * ft.at(nu * alpha))));
                        table.push(v);
                    }
                }
            }
        }
        let fft = FftPlanner::new().plan_fft_inverse(n2);
        Self {
            m: omega.len(),
            n2,
            n1,
            w,
            h,
            poly,
            fft,
            deconv,
            table,
            targets,
        }
    }
}

/// Reusable buffers of one thread.
#[derive(Default)]
struct Scratch {
    re: Vec<f64>,
    im: Vec<f64>,
    buf: Vec<Complex64>,
    fft: Vec<Complex64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What a plan is a function of (with the span only through `n2`).
#[derive(PartialEq)]
struct PlanKey {
    n2: usize,
    tol_bits: u64,
    regular_dnu_bits: Option<u64>,
    omega: Vec<f64>,
}

/// A cache entry; the plan is built once, outside the cache's lock, by the first thread that
/// asks for it (others asking for the same key wait for it rather than build it again).
struct PlanSlot {
    key: PlanKey,
    plan: OnceLock<Arc<Plan>>,
}

/// Bytes of plans the cache keeps (the most recently used first; at least one plan).
///
/// A plan costs about 1.5 million `cos` calls on CALNet's grid (tens of milliseconds, the
/// deconvolution factors at `n2 / 4` modes), against about 1 ms for the periodogram it serves:
/// light curves of a sector fall on some twenty FFT lengths of the ladder (spans of 3 to 28
/// days), so the cache must hold them all, once for all threads. A CALNet-grid plan takes
/// 1-4 MB.
const PLAN_CACHE_BYTES: usize = 96 << 20;

/// The plans, shared by all threads, least recently used first.
static PLANS: Mutex<Vec<Arc<PlanSlot>>> = Mutex::new(Vec::new());

impl Plan {
    /// Approximate heap bytes (the FFT's twiddles and scratch counted as `2 n2` complex
    /// values).
    fn bytes(&self) -> usize {
        8 * self.deconv.len()
            + std::mem::size_of::<[f64; MAXW]>() * self.table.len()
            + std::mem::size_of::<(i64, u32, f64)>() * self.targets.len()
            + 2 * std::mem::size_of::<Complex64>() * self.n2
    }
}

/// The plan for this grid, tolerance and span: a pure function of them (the cache only saves
/// time), so results never depend on what ran before, on this thread or another.
fn plan_for(omega: &[f64], regular_dnu: Option<f64>, tol: f64, span: f64) -> Arc<Plan> {
    let omega_max = omega.iter().fold(0.0f64, |a, o| a.max(o.abs()));
    let omega_big = 2.0 * omega_max;
    let w = width_for(tol);
    let (n2, _, _) = geometry(span, omega_big, w, regular_dnu);
    let matches = |k: &PlanKey| {
        k.n2 == n2
            && k.tol_bits == tol.to_bits()
            && k.regular_dnu_bits == regular_dnu.map(f64::to_bits)
            && k.omega == omega
    };
    // A panic while building a plan poisons nothing that matters: the list stays consistent.
    let lock = || PLANS.lock().unwrap_or_else(|e| e.into_inner());
    let slot = {
        let mut plans = lock();
        match plans.iter().position(|s| matches(&s.key)) {
            Some(i) => {
                let slot = plans.remove(i);
                plans.push(slot.clone());
                slot
            }
            None => {
                let slot = Arc::new(PlanSlot {
                    key: PlanKey {
                        n2,
                        tol_bits: tol.to_bits(),
                        regular_dnu_bits: regular_dnu.map(f64::to_bits),
                        omega: omega.to_vec(),
                    },
                    plan: OnceLock::new(),
                });
                plans.push(slot.clone());
                slot
            }
        }
    };
    let mut built = false;
    let plan = slot
        .plan
        .get_or_init(|| {
            built = true;
            Arc::new(Plan::new(omega, regular_dnu, tol, span, omega_big))
        })
        .clone();
    if built {
        // Evict the least recently used plans over the budget; threads still using one keep
        // it alive through their `Arc`.
        let mut plans = lock();
        let mut total: usize = plans
            .iter()
            .filter_map(|s| s.plan.get().map(|p| p.bytes()))
            .sum();
        let mut i = 0;
        while total > PLAN_CACHE_BYTES && i < plans.len() {
            match plans[i].plan.get() {
                Some(p) if !Arc::ptr_eq(&plans[i], &slot) => {
                    total -= p.bytes();
                    plans.remove(i);
                }
                _ => i += 1,
            }
        }
    }
    plan
}

/// The sums at `omega` (`regular_dnu`: the angular step when `omega` is a regular grid).
pub(crate) fn sums(
    prep: &Prepared,
    omega: &[f64],
    regular_dnu: Option<f64>,
    tol: f64,
) -> Vec<TrigSums> {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            let plan = plan_for(omega, regular_dnu, tol, prep.span);
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            return SCRATCH.with(|cell| unsafe { sums_avx2(prep, &plan, &mut cell.borrow_mut()) });
        }
    }
    portable(prep, omega, regular_dnu, tol)
}

/// The portable path (also used on x86_64 CPUs without AVX2/FMA).
pub(crate) fn portable(
    prep: &Prepared,
    omega: &[f64],
    regular_dnu: Option<f64>,
    tol: f64,
) -> Vec<TrigSums> {
    let plan = plan_for(omega, regular_dnu, tol, prep.span);
    SCRATCH.with(|cell| sums_generic(prep, &plan, &mut cell.borrow_mut()))
}

/// The same code compiled with AVX2 + FMA enabled, so the kernel loops vectorise.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sums_avx2(prep: &Prepared, plan: &Plan, scratch: &mut Scratch) -> Vec<TrigSums> {
    sums_generic(prep, plan, scratch)
}

#[inline(always)]
fn sums_generic(prep: &Prepared, plan: &Plan, scratch: &mut Scratch) -> Vec<TrigSums> {
    let (n1, n2, w) = (plan.n1, plan.n2, plan.w);
    let off = (n1 / 2) as f64;
    let inv_h = 1.0 / plan.h;
    let half_w = w as f64 / 2.0;
    // Balance the two strengths: Σ|κ wy| = Σ w = 1.
    let sum_abs_wy: f64 = prep.wy.iter().map(|v| v.abs()).sum();
    let kappa = if sum_abs_wy > 0.0 {
        1.0 / sum_abs_wy
    } else {
        1.0
    };

    // Step 1: spread onto the time grid (index m <-> tau = (m - off) h).
    let Scratch { re, im, buf, fft } = scratch;
    re.clear();
    re.resize(n1 + MAXW, 0.0);
    im.clear();
    im.resize(n1 + MAXW, 0.0);
    for ((&s, &wj), &wyj) in prep.s.iter().zip(&prep.w).zip(&prep.wy) {
        let u = s * inv_h + off;
        let i0 = (u - half_w).ceil();
        let x = i0 - u + half_w;
        let v = plan.poly.eval(x);
        let i0 = i0 as usize;
        let (cr, ci) = (wj, kappa * wyj);
        let r = &mut re[i0..i0 + MAXW];
        for k in 0..MAXW {
            r[k] += cr * v[k];
        }
        let q = &mut im[i0..i0 + MAXW];
        for k in 0..MAXW {
            q[k] += ci * v[k];
        }
    }

    // Step 2: deconvolve, place mode m - off at (m - off) mod n2, inverse FFT.
    buf.clear();
    buf.resize(n2, Complex64::new(0.0, 0.0));
    let offi = n1 / 2;
    for m in 0..n1 {
        let d = plan.deconv[m];
        let idx = if m >= offi { m - offi } else { n2 + m - offi };
        buf[idx] = Complex64::new(re[m] * d, im[m] * d);
    }
    fft.resize(plan.fft.get_inplace_scratch_len(), Complex64::new(0.0, 0.0));
    plan.fft.process_with_scratch(buf, fft);

    // Interpolate at θ = ν h.
    let n2i = n2 as i64;
    let g: Vec<Complex64> = plan
        .targets
        .iter()
        .map(|&(l0, row, fac)| {
            let v = &plan.table[row as usize];
            let (mut ar, mut ai) = (0.0, 0.0);
            let start = l0.rem_euclid(n2i) as usize;
            if start + w <= n2 {
                let b = &buf[start..start + w];
                for k in 0..w {
                    ar += v[k] * b[k].re;
                    ai += v[k] * b[k].im;
                }
            } else {
                for k in 0..w {
                    let z = buf[(start + k) % n2];
                    ar += v[k] * z.re;
                    ai += v[k] * z.im;
                }
            }
            Complex64::new(ar * fac, ai * fac)
        })
        .collect();

    let m = plan.m;
    (0..m)
        .map(|k| {
            let (gp, gm, g2p, g2m) = (g[k], g[m + k], g[2 * m + k], g[3 * m + k]);
            let fw = 0.5 * (gp + gm.conj());
            let fwy = (gp - gm.conj()) * Complex64::new(0.0, -0.5 / kappa);
            let f2 = 0.5 * (g2p + g2m.conj());
            TrigSums {
                c: fw.re,
                s: fw.im,
                yc: fwy.re,
                ys: fwy.im,
                c2: f2.re,
                s2: f2.im,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_cosines_give_the_plain_sum_bit_for_bit() {
        // The arguments a plan uses: deconvolution modes `m alpha2` for FFT lengths of the
        // ladder, and target frequencies `nu alpha` across CALNet's range.
        for w in [4, 10, MAXW] {
            let ft = EsTransform::new(w, 2.30 * w as f64);
            for n2 in [18432usize, 81920, 163840] {
                let alpha2 = w as f64 * std::f64::consts::PI / n2 as f64;
                for m in (0..=n2 / 4).step_by(7) {
                    let xi = m as f64 * alpha2;
                    assert_eq!(
                        ft.at(xi).to_bits(),
                        ft.at_plain(xi).to_bits(),
                        "w {w} m {m}"
                    );
                }
            }
            let alpha = w as f64 * 3.48e-4 / 2.0;
            for k in 0..5000 {
                let xi = (k as f64 * 0.9137 - 2000.0) * alpha;
                assert_eq!(
                    ft.at(xi).to_bits(),
                    ft.at_plain(xi).to_bits(),
                    "w {w} k {k}"
                );
            }
        }
    }

    #[test]
    fn threads_share_one_plan_per_key() {
        let omega: Vec<f64> = (0..50).map(|k| 0.37 + 0.61 * k as f64).collect();
        let a = plan_for(&omega, None, 1e-10, 12.5);
        let b = std::thread::spawn(move || plan_for(&omega, None, 1e-10, 12.5))
            .join()
            .unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        // Another span on another FFT length of the ladder: another plan.
        let omega: Vec<f64> = (0..50).map(|k| 0.37 + 0.61 * k as f64).collect();
        let c = plan_for(&omega, None, 1e-10, 40.0);
        assert!(c.n2 > a.n2);
    }
}
