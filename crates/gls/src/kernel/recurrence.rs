//! The exact kernel for nearly regular times (TESS 2-minute cadence with gaps): phase
//! recurrences along the points instead of a sine and cosine per pair.
//!
//! For eight frequencies at a time, `z = e^{iωs_j}` advances by `z_{j+1} = z_j r e^{iωδ_j}`,
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
    sums_generic(prep, omega)
}

/// The same code compiled with AVX2 + FMA enabled, so the eight-lane loops vectorise.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sums_avx2(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    sums_generic(prep, omega)
}

#[inline(always)]
fn sums_generic(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    let mut out = Vec::with_capacity(omega.len());
    for chunk in omega.chunks(LANES) {
        let mut om = [0.0; LANES];
        om[..chunk.len()].copy_from_slice(chunk);
        let acc = block(prep, &om);
        for l in 0..chunk.len() {
            out.push(TrigSums {
                c: acc[0][l],
                s: acc[1][l],
                yc: acc[2][l],
                ys: acc[3][l],
                c2: 2.0 * acc[4][l] - 1.0,
                s2: 2.0 * acc[5][l],
            });
        }
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
