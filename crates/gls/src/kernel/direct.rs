//! The exact direct kernel: every point against every frequency, with a vectorised sine and
//! cosine (Cody-Waite reduction by π/2 in three parts, Cephes' minimax polynomials on
//! [-π/4, π/4], about 1 ulp), f64 accumulation.
//!
//! Runtime dispatch as RustFFT does it: the AVX2 + FMA path (in [`avx2`]) is chosen once per
//! call when `is_x86_feature_detected!` says the CPU has both; otherwise the portable path runs
//! the same arithmetic one lane at a time.

// The constants are quoted digit for digit from fdlibm and Cephes.
#![allow(clippy::excessive_precision)]

use super::{Prepared, TrigSums};

// π/2 in three 33-bit pieces (fdlibm's pio2_1, pio2_2, pio2_2t): q * PIO2_1 and q * PIO2_2 are
// exact for |q| < 2^20, so phases up to about 1.6e6 rad reduce with an absolute error of a few
// 1e-22 rad. Beyond that the error grows linearly with the phase, as for any f64 phase.
pub(crate) const PIO2_1: f64 = 1.570_796_326_734_125_614_17e+00;
pub(crate) const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11;
pub(crate) const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21;
pub(crate) const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
// Cephes sin.c / cos.c coefficients for [-π/4, π/4].
pub(crate) const SIN: [f64; 6] = [
    1.589_623_015_765_465_680_60e-10,
    -2.505_074_776_285_780_728_66e-8,
    2.755_731_362_138_572_452_13e-6,
    -1.984_126_982_958_953_859_96e-4,
    8.333_333_333_322_118_588_78e-3,
    -1.666_666_666_666_663_072_95e-1,
];
pub(crate) const COS: [f64; 6] = [
    -1.135_853_652_138_768_173_00e-11,
    2.087_570_084_197_473_167_78e-9,
    -2.755_731_417_929_673_881_12e-7,
    2.480_158_728_885_170_453_48e-5,
    -1.388_888_888_887_305_641_16e-3,
    4.166_666_666_666_659_292_18e-2,
];

/// Sine and cosine of `x` by the same arithmetic as the vector path (no fused multiply-add).
#[inline(always)]
pub(crate) fn sin_cos(x: f64) -> (f64, f64) {
    let q = (x * TWO_OVER_PI).round();
    let r = ((x - q * PIO2_1) - q * PIO2_2) - q * PIO2_2T;
    let z = r * r;
    let ps = ((((SIN[0] * z + SIN[1]) * z + SIN[2]) * z + SIN[3]) * z + SIN[4]) * z + SIN[5];
    let sr = r + r * z * ps;
    let pc = ((((COS[0] * z + COS[1]) * z + COS[2]) * z + COS[3]) * z + COS[4]) * z + COS[5];
    let cr = 1.0 - 0.5 * z + z * z * pc;
    let qi = q as i64;
    let (s, c) = if qi & 1 == 0 { (sr, cr) } else { (cr, sr) };
    let s = if qi & 2 == 0 { s } else { -s };
    let c = if (qi + 1) & 2 == 0 { c } else { -c };
    (s, c)
}

pub(crate) fn sums(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            return unsafe { avx2::sums(prep, omega) };
        }
    }
    portable(prep, omega)
}

/// The portable path (also used on x86_64 CPUs without AVX2/FMA).
pub(crate) fn portable(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    omega
        .iter()
        .map(|&om| {
            let (mut c, mut s, mut yc, mut ys, mut cc, mut cs) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for ((&t, &w), &wy) in prep.s.iter().zip(&prep.w).zip(&prep.wy) {
                let (sn, co) = sin_cos(om * t);
                let wc = w * co;
                c += wc;
                s += w * sn;
                yc += wy * co;
                ys += wy * sn;
                cc += wc * co;
                cs += wc * sn;
            }
            finish(c, s, yc, ys, cc, cs)
        })
        .collect()
}

/// From `Σ w cos²` and `Σ w cos sin` to the double-angle sums (`Σ w = 1`).
#[inline(always)]
fn finish(c: f64, s: f64, yc: f64, ys: f64, cc: f64, cs: f64) -> TrigSums {
    TrigSums {
        c,
        s,
        yc,
        ys,
        c2: 2.0 * cc - 1.0,
        s2: 2.0 * cs,
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    //! AVX2 + FMA: four points per vector, one frequency at a time.
    use super::*;
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(crate) unsafe fn sums(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
        let n = prep.s.len();
        let n4 = n / 4 * 4;
        omega
            .iter()
            .map(|&om| {
                let vom = _mm256_set1_pd(om);
                let mut acc = [_mm256_setzero_pd(); 6];
                let mut j = 0;
                while j < n4 {
                    // SAFETY: j + 4 <= n for all three slices (same length).
                    let t = _mm256_loadu_pd(prep.s.as_ptr().add(j));
                    let w = _mm256_loadu_pd(prep.w.as_ptr().add(j));
                    let wy = _mm256_loadu_pd(prep.wy.as_ptr().add(j));
                    let (sn, co) = sin_cos4(_mm256_mul_pd(vom, t));
                    let wc = _mm256_mul_pd(w, co);
                    acc[0] = _mm256_add_pd(acc[0], wc);
                    acc[1] = _mm256_fmadd_pd(w, sn, acc[1]);
                    acc[2] = _mm256_fmadd_pd(wy, co, acc[2]);
                    acc[3] = _mm256_fmadd_pd(wy, sn, acc[3]);
                    acc[4] = _mm256_fmadd_pd(wc, co, acc[4]);
                    acc[5] = _mm256_fmadd_pd(wc, sn, acc[5]);
                    j += 4;
                }
                let mut r = [0.0f64; 6];
                for (k, a) in acc.iter().enumerate() {
                    r[k] = hsum(*a);
                }
                for jj in n4..n {
                    let (sn, co) = sin_cos(om * prep.s[jj]);
                    let (w, wy) = (prep.w[jj], prep.wy[jj]);
                    let wc = w * co;
                    r[0] += wc;
                    r[1] += w * sn;
                    r[2] += wy * co;
                    r[3] += wy * sn;
                    r[4] += wc * co;
                    r[5] += wc * sn;
                }
                finish(r[0], r[1], r[2], r[3], r[4], r[5])
            })
            .collect()
    }

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn hsum(v: __m256d) -> f64 {
        let mut a = [0.0f64; 4];
        // SAFETY: a holds four f64.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
        (a[0] + a[1]) + (a[2] + a[3])
    }

    /// Four sines and cosines (the arithmetic of [`super::sin_cos`], with fused multiply-adds).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn sin_cos4(x: __m256d) -> (__m256d, __m256d) {
        let q = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(x, _mm256_set1_pd(TWO_OVER_PI)),
        );
        let mut r = _mm256_fnmadd_pd(q, _mm256_set1_pd(PIO2_1), x);
        r = _mm256_fnmadd_pd(q, _mm256_set1_pd(PIO2_2), r);
        r = _mm256_fnmadd_pd(q, _mm256_set1_pd(PIO2_2T), r);
        let z = _mm256_mul_pd(r, r);
        let mut ps = _mm256_set1_pd(SIN[0]);
        let mut pc = _mm256_set1_pd(COS[0]);
        for k in 1..6 {
            ps = _mm256_fmadd_pd(ps, z, _mm256_set1_pd(SIN[k]));
            pc = _mm256_fmadd_pd(pc, z, _mm256_set1_pd(COS[k]));
        }
        let sr = _mm256_fmadd_pd(_mm256_mul_pd(r, z), ps, r);
        let cr = _mm256_fmadd_pd(
            _mm256_mul_pd(z, z),
            pc,
            _mm256_fnmadd_pd(_mm256_set1_pd(0.5), z, _mm256_set1_pd(1.0)),
        );
        // Quadrant bits from the integer in the low mantissa bits of q + 1.5 * 2^52.
        let qi = _mm256_castpd_si256(_mm256_add_pd(q, _mm256_set1_pd(6_755_399_441_055_744.0)));
        let one = _mm256_set1_epi64x(1);
        let two = _mm256_set1_epi64x(2);
        let swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(qi, one), one));
        let s = _mm256_blendv_pd(sr, cr, swap);
        let c = _mm256_blendv_pd(cr, sr, swap);
        // Sign bits: bit 1 of q for the sine, bit 1 of q + 1 for the cosine, moved to bit 63.
        let sgn_s = _mm256_slli_epi64::<62>(_mm256_and_si256(qi, two));
        let sgn_c = _mm256_slli_epi64::<62>(_mm256_and_si256(_mm256_add_epi64(qi, one), two));
        let s = _mm256_xor_pd(s, _mm256_castsi256_pd(sgn_s));
        let c = _mm256_xor_pd(c, _mm256_castsi256_pd(sgn_c));
        (s, c)
    }
}
