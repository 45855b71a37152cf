//! The exact kernel for nearly regular times (TESS 2-minute cadence with gaps): phase
//! recurrences along the points instead of a sine and cosine per pair.
//!
//! For four (AVX2) or eight (portable) frequencies at a time, `z = e^{iωs_j}` advances by `z_{j+1} = z_j r e^{iωδ_j}`,
//! with `r = e^{iωΔ}` for the first step `Δ` after an anchor and `δ_j` the departure of the
//! step from `Δ` (barycentric drift and time quantisation: about 1e-10 d for TESS). The small
//! rotation uses `cos ε ≈ 1 - ε²/2`, `sin ε ≈ ε - ε³/6`, allowed while `|ε| ≤ 1e-4` (truncation
//! below 5e-18). The phase is re-anchored with an exact sine and cosine every 64 points, at
//! every gap, and wherever `|ε|` would exceed the bound, which keeps the accumulated rounding
//! below about 64 × 2 ulp. Times must be sorted; unsorted input goes to the direct kernel.

use super::direct::sin_cos;
use super::{Prepared, TrigSums};

const LANES: usize = 8;
/// Points between exact re-anchorings.
const ANCHOR_EVERY: usize = 64;
/// Largest `|ω δ|` for the small-rotation expansion.
const MAX_EPS: f64 = 1e-4;

pub(crate) fn sums(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    if prep.s.windows(2).any(|w| w[1] < w[0]) {
        return super::direct::sums(prep, omega);
    }
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            return unsafe { sums_avx2(prep, omega) };
        }
    }
    portable(prep, omega)
}

/// AVX2 + FMA: four frequencies per vector, every value in a register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sums_avx2(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    use std::arch::x86_64::*;
    let (s, w, wy) = (&prep.s, &prep.w, &prep.wy);
    let n = s.len();
    let mut out = Vec::with_capacity(omega.len());
    for chunk in omega.chunks(4) {
        let mut oma = [0.0; 4];
        oma[..chunk.len()].copy_from_slice(chunk);
        let om_max = oma.iter().fold(0.0f64, |a, o| a.max(o.abs()));
        // SAFETY: oma holds four f64.
        let om = unsafe { _mm256_loadu_pd(oma.as_ptr()) };
        let mut acc = [_mm256_setzero_pd(); 6];
        let half = _mm256_set1_pd(0.5);
        let sixth = _mm256_set1_pd(1.0 / 6.0);
        let one = _mm256_set1_pd(1.0);
        let mut j = 0;
        while j < n {
            let (mut zi, mut zr) =
                super::direct::avx2::sin_cos4(_mm256_mul_pd(om, _mm256_set1_pd(s[j])));
            add4(&mut acc, zr, zi, w[j], wy[j]);
            let end = (j + ANCHOR_EVERY).min(n);
            let mut k = j + 1;
            if k < end {
                let d0 = s[k] - s[j];
                let (ri, rr) = super::direct::avx2::sin_cos4(_mm256_mul_pd(om, _mm256_set1_pd(d0)));
                while k < end {
                    let del = (s[k] - s[k - 1]) - d0;
                    if del.abs() * om_max > MAX_EPS {
                        break;
                    }
                    let e = _mm256_mul_pd(om, _mm256_set1_pd(del));
                    let e2 = _mm256_mul_pd(e, e);
                    let fc = _mm256_fnmadd_pd(half, e2, one);
                    let fs = _mm256_mul_pd(e, _mm256_fnmadd_pd(sixth, e2, one));
                    let sr = _mm256_fmsub_pd(rr, fc, _mm256_mul_pd(ri, fs));
                    let si = _mm256_fmadd_pd(rr, fs, _mm256_mul_pd(ri, fc));
                    let nr = _mm256_fmsub_pd(zr, sr, _mm256_mul_pd(zi, si));
                    let ni = _mm256_fmadd_pd(zr, si, _mm256_mul_pd(zi, sr));
                    zr = nr;
                    zi = ni;
                    add4(&mut acc, zr, zi, w[k], wy[k]);
                    k += 1;
                }
            }
            j = k;
        }
        let mut a = [[0.0f64; 4]; 6];
        for (dst, v) in a.iter_mut().zip(acc) {
            // SAFETY: dst holds four f64.
            unsafe { _mm256_storeu_pd(dst.as_mut_ptr(), v) };
        }
        out.extend((0..chunk.len()).map(|l| TrigSums {
            c: a[0][l],
            s: a[1][l],
            yc: a[2][l],
            ys: a[3][l],
            c2: 2.0 * a[4][l] - 1.0,
            s2: 2.0 * a[5][l],
        }));
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn add4(
    acc: &mut [std::arch::x86_64::__m256d; 6],
    zr: std::arch::x86_64::__m256d,
    zi: std::arch::x86_64::__m256d,
    w: f64,
    wy: f64,
) {
    use std::arch::x86_64::*;
    let w = _mm256_set1_pd(w);
    let wy = _mm256_set1_pd(wy);
    let wc = _mm256_mul_pd(w, zr);
    acc[0] = _mm256_add_pd(acc[0], wc);
    acc[1] = _mm256_fmadd_pd(w, zi, acc[1]);
    acc[2] = _mm256_fmadd_pd(wy, zr, acc[2]);
    acc[3] = _mm256_fmadd_pd(wy, zi, acc[3]);
    acc[4] = _mm256_fmadd_pd(wc, zr, acc[4]);
    acc[5] = _mm256_fmadd_pd(wc, zi, acc[5]);
}

/// The portable path (also used on x86_64 CPUs without AVX2/FMA); times must be sorted.
pub(crate) fn portable(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    sums_generic(prep, omega)
}

#[inline(always)]
fn sums_generic(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    let mut out = Vec::with_capacity(omega.len());
    for chunk in omega.chunks(LANES) {
        let mut om = [0.0; LANES];
        om[..chunk.len()].copy_from_slice(chunk);
        let acc = block(prep, &om);
        out.extend((0..chunk.len()).map(|l| TrigSums {
            c: acc[0][l],
            s: acc[1][l],
            yc: acc[2][l],
            ys: acc[3][l],
            c2: 2.0 * acc[4][l] - 1.0,
            s2: 2.0 * acc[5][l],
        }));
    }
    out
}

#[inline(always)]
fn block(prep: &Prepared, om: &[f64; LANES]) -> [[f64; LANES]; 6] {
    let (s, w, wy) = (&prep.s, &prep.w, &prep.wy);
    let n = s.len();
    let om_max = om.iter().fold(0.0f64, |a, o| a.max(o.abs()));
    let mut acc = [[0.0; LANES]; 6];
    let mut zr = [0.0; LANES];
    let mut zi = [0.0; LANES];
    let mut rr = [0.0; LANES];
    let mut ri = [0.0; LANES];
    let mut j = 0;
    while j < n {
        // Anchor: exact phases at point j, exact step rotation for the next step.
        for l in 0..LANES {
            let (sn, cs) = sin_cos(om[l] * s[j]);
            zr[l] = cs;
            zi[l] = sn;
        }
        add(&mut acc, &zr, &zi, w[j], wy[j]);
        let end = (j + ANCHOR_EVERY).min(n);
        let mut k = j + 1;
        if k < end {
            let d0 = s[k] - s[j];
            for l in 0..LANES {
                let (sn, cs) = sin_cos(om[l] * d0);
                rr[l] = cs;
                ri[l] = sn;
            }
            while k < end {
                let del = (s[k] - s[k - 1]) - d0;
                if del.abs() * om_max > MAX_EPS {
                    break;
                }
                for l in 0..LANES {
                    let e = om[l] * del;
                    let e2 = e * e;
                    let fc = 1.0 - 0.5 * e2;
                    let fs = e * (1.0 - e2 * (1.0 / 6.0));
                    let sr = rr[l] * fc - ri[l] * fs;
                    let si = rr[l] * fs + ri[l] * fc;
                    let nr = zr[l] * sr - zi[l] * si;
                    let ni = zr[l] * si + zi[l] * sr;
                    zr[l] = nr;
                    zi[l] = ni;
                }
                add(&mut acc, &zr, &zi, w[k], wy[k]);
                k += 1;
            }
        }
        j = k;
    }
    acc
}

#[inline(always)]
fn add(acc: &mut [[f64; LANES]; 6], zr: &[f64; LANES], zi: &[f64; LANES], w: f64, wy: f64) {
    for l in 0..LANES {
        let wc = w * zr[l];
        acc[0][l] += wc;
        acc[1][l] += w * zi[l];
        acc[2][l] += wy * zr[l];
        acc[3][l] += wy * zi[l];
        acc[4][l] += wc * zr[l];
        acc[5][l] += wc * zi[l];
    }
}
