//! The naive kernel: one `sin_cos` per point and frequency, plain f64 sums. The truth the
//! other kernels are tested against.

use super::{Prepared, TrigSums};

pub(crate) fn sums(prep: &Prepared, omega: &[f64]) -> Vec<TrigSums> {
    omega
        .iter()
        .map(|&om| {
            let mut t = TrigSums::default();
            for ((&s, &w), &wy) in prep.s.iter().zip(&prep.w).zip(&prep.wy) {
                let (sn, cs) = (om * s).sin_cos();
                let (sn2, cs2) = (2.0 * om * s).sin_cos();
                t.c += w * cs;
                t.s += w * sn;
                t.yc += wy * cs;
                t.ys += wy * sn;
                t.c2 += w * cs2;
                t.s2 += w * sn2;
            }
            t
        })
        .collect()
}
