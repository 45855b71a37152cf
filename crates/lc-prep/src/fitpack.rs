//! FITPACK's interpolating cubic spline, rounded exactly as scipy rounds it.
//!
//! scipy's `InterpolatedUnivariateSpline(x, y)` (k = 3, s = 0, unit weights) calls Dierckx's
//! `curfit`/`fpcurf` once: knots at the data points except the second and the second-to-last,
//! the observation matrix reduced row by row with Givens rotations (`fpgivs`, `fprota`), the
//! B-spline values from de Boor-Cox (`fpbspl`), then back substitution (`fpback`). Evaluation
//! is `splev` with extrapolation from the end spans. This module follows those routines
//! operation for operation in f64, in the same loop order and without fused multiply-add, so
//! the knots, coefficients and values are bit-identical to scipy's (checked against the
//! `.venv`'s scipy by `tests/golden.rs`). The reference's outlier mask depends on that
//! round-off (see [`crate::detrend::reference_spline`]).
//!
//! Index variables below keep FITPACK's 1-based meaning where that keeps the port checkable
//! line by line against the Fortran; array accesses subtract one.

use crate::Error;

/// Spline degree (cubic).
const K: usize = 3;
/// `k + 1`: the number of non-zero B-splines at a point.
const K1: usize = K + 1;
/// `k + 2`.
const K2: usize = K + 2;

/// A cubic spline in B-spline form (FITPACK's `t`, `c`, `k = 3`).
#[derive(Debug, Clone, PartialEq)]
pub struct Spline {
    /// Knots, `n` of them, the first and last four repeated at the boundaries.
    pub knots: Vec<f64>,
    /// B-spline coefficients, `n - 4` of them (scipy pads its `c` with four trailing zeros).
    pub coeffs: Vec<f64>,
}

impl Spline {
    /// The interpolating cubic spline through `(x, y)`, as scipy's
    /// `InterpolatedUnivariateSpline(x, y)` computes it.
    ///
    /// `x` must be finite and strictly increasing, with at least 4 points; `y` finite and of
    /// the same length.
    ///
    /// ```
    /// use lc_prep::fitpack::Spline;
    /// let x: Vec<f64> = (0..10).map(|i| i as f64 / 9.0).collect();
    /// let y: Vec<f64> = x.iter().map(|v| v * v * v).collect();
    /// let s = Spline::interpolate(&x, &y)?;
    /// assert!((s.eval_one(0.5) - 0.125).abs() < 1e-12);
    /// # Ok::<(), lc_prep::Error>(())
    /// ```
    pub fn interpolate(x: &[f64], y: &[f64]) -> Result<Spline, Error> {
        Ok(Self::interpolate_with_values(x, y)?.0)
    }

    /// [`Spline::interpolate`], and the spline's values at `x` as `splev` gives them.
    ///
    /// `splev` at a data point evaluates the same B-splines (`fpbspl` on the same knot
    /// interval) that the fit already computed, so they are reused: the values are
    /// bit-identical to [`Spline::eval`]`(x)` at about half the cost.
    ///
    /// ```
    /// use lc_prep::fitpack::Spline;
    /// let x: Vec<f64> = (0..20).map(|i| (i as f64 / 19.0).sqrt()).collect();
    /// let y: Vec<f64> = x.iter().map(|v| (5.0 * v).cos()).collect();
    /// let (s, values) = Spline::interpolate_with_values(&x, &y)?;
    /// assert_eq!(values, s.eval(&x));
    /// # Ok::<(), lc_prep::Error>(())
    /// ```
    pub fn interpolate_with_values(x: &[f64], y: &[f64]) -> Result<(Spline, Vec<f64>), Error> {
        check_data(x, y)?;
        let m = x.len();
        let n = m + K1;
        let nk1 = n - K1;
        let mut t = vec![0.0; n];
        // fpcurf label 10 (k odd): interior knots t(k2..) = x(k/2 + 2..), i.e. all data
        // points but the first two and the last two.
        for l in 0..m - K1 {
            t[K2 - 1 + l] = x[K / 2 + 1 + l];
        }
        for j in 0..K1 {
            t[j] = x[0];
            t[n - 1 - j] = x[m - 1];
        }

        // Loop 130: build the observation matrix row by row, rotating each row into the
        // upper-triangular band `a` (nk1 x k1) and the right-hand side into `z`.
        let mut a = vec![[0.0f64; K1]; nk1];
        let mut z = vec![0.0f64; nk1];
        // FITPACK's `q`: the B-spline values of each row, and the row's knot interval.
        let mut q = Vec::with_capacity(m);
        let mut l = K1;
        for it in 0..m {
            let xi = x[it];
            while !(xi < t[l] || l == nk1) {
                l += 1;
            }
            let h = fpbspl(&t, xi, l);
            q.push((l, h));
            rotate_in(&mut a, &mut z, l, h, y[it]);
        }
        let coeffs = fpback(&a, &z);
        // splev's sum, in its order, over the stored B-spline values.
        let values = q
            .iter()
            .map(|(l, h)| {
                let mut sp = 0.0;
                for (j, hj) in h.iter().enumerate() {
                    sp += coeffs[l - K1 + j] * hj;
                }
                sp
            })
            .collect();
        Ok((Spline { knots: t, coeffs }, values))
    }

    /// Evaluates the spline at each of `x` (FITPACK `splev`, extrapolating outside the knots
    /// from the end polynomial pieces, scipy's `ext=0`).
    ///
    /// ```
    /// use lc_prep::fitpack::Spline;
    /// let x = [0.0, 1.0, 2.0, 3.0, 4.0];
    /// let s = Spline::interpolate(&x, &[0.0, 1.0, 2.0, 3.0, 4.0])?;
    /// let v = s.eval(&[0.5, 5.0]);
    /// assert!((v[0] - 0.5).abs() < 1e-12 && (v[1] - 5.0).abs() < 1e-12);
    /// # Ok::<(), lc_prep::Error>(())
    /// ```
    pub fn eval(&self, x: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; x.len()];
        self.eval_into(x, &mut out);
        out
    }

    /// [`Spline::eval`] into a caller's buffer of the same length as `x`.
    ///
    /// # Panics
    /// If `out.len() != x.len()`.
    pub fn eval_into(&self, x: &[f64], out: &mut [f64]) {
        assert_eq!(x.len(), out.len(), "eval_into: output length");
        let t = &self.knots;
        let n = t.len();
        let nk1 = n - K1;
        // splev keeps the knot interval (l, l1) from one point to the next.
        let mut l = K1;
        let mut l1 = l + 1;
        for (o, &arg) in out.iter_mut().zip(x) {
            while !(arg >= t[l - 1] || l1 == K2) {
                l1 = l;
                l -= 1;
            }
            while !(arg < t[l1 - 1] || l == nk1) {
                l = l1;
                l1 = l + 1;
            }
            let h = fpbspl(t, arg, l);
            let mut sp = 0.0;
            let mut ll = l - K1;
            for hj in h {
                ll += 1;
                sp += self.coeffs[ll - 1] * hj;
            }
            *o = sp;
        }
    }

    /// The spline's value at one point.
    ///
    /// ```
    /// use lc_prep::fitpack::Spline;
    /// let s = Spline::interpolate(&[0.0, 1.0, 2.0, 3.0], &[1.0; 4])?;
    /// assert!((s.eval_one(1.5) - 1.0).abs() < 1e-12);
    /// # Ok::<(), lc_prep::Error>(())
    /// ```
    pub fn eval_one(&self, x: f64) -> f64 {
        let mut out = [0.0];
        self.eval_into(&[x], &mut out);
        out[0]
    }
}

/// Checks what scipy checks before `fpcurf` (lengths, at least k + 1 points, strictly
/// increasing `x`) plus finiteness, which scipy leaves to the caller.
fn check_data(x: &[f64], y: &[f64]) -> Result<(), Error> {
    if x.len() != y.len() {
        return Err(Error::LengthMismatch {
            what: "spline x and y",
            left: x.len(),
            right: y.len(),
        });
    }
    if x.len() < K1 {
        return Err(Error::TooFewPoints {
            what: "interpolating spline",
            n: x.len(),
            need: K1,
        });
    }
    if let Some(i) = x.iter().chain(y).position(|v| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: if i < x.len() { "spline x" } else { "spline y" },
            index: i % x.len(),
        });
    }
    if let Some(i) = x.windows(2).position(|w| w[1] <= w[0]) {
        return Err(Error::NotIncreasing {
            what: "spline x",
            index: i + 1,
        });
    }
    Ok(())
}

/// Loop 130 of `fpcurf` for one observation: rotates the row `h` (the B-splines at the point,
/// whose knot interval is `l`, 1-based) with right-hand side `yi` into the upper-triangular
/// band `a` and `z`.
#[inline(always)]
fn rotate_in(a: &mut [[f64; K1]], z: &mut [f64], l: usize, mut h: [f64; K1], mut yi: f64) {
    let mut j = l - K1;
    for i in 1..=K1 {
        j += 1;
        let piv = h[i - 1];
        if piv == 0.0 {
            continue;
        }
        let row = &mut a[j - 1];
        let (cos, sin) = fpgivs(piv, &mut row[0]);
        fprota(cos, sin, &mut yi, &mut z[j - 1]);
        if i == K1 {
            break;
        }
        let mut i2 = 0;
        for i1 in i + 1..=K1 {
            i2 += 1;
            fprota(cos, sin, &mut h[i1 - 1], &mut row[i2]);
        }
    }
}

/// The least-squares cubic spline on the given `knots` (the first and last four repeated)
/// through the points `(t[i], y[i])` with `keep[i]` set, `t` increasing and inside the knots:
/// FITPACK's `fpcurf` reduction with fixed knots (scipy's `LSQUnivariateSpline` without its
/// Schoenberg-Whitney check). The observation matrix is reduced by Givens rotations row by
/// row, never forming the normal equations, so the condition number is that of the matrix and
/// not its square.
///
/// A B-spline that no kept point reaches (four or more knot intervals without data) has an
/// all-zero column: its coefficient is set to zero, which is the minimum-norm least-squares
/// solution (the other coefficients do not depend on it).
pub(crate) fn lsq(t: &[f64], y: &[f64], keep: &[bool], knots: &[f64]) -> Vec<f64> {
    let nk1 = knots.len() - K1;
    let mut a = vec![[0.0f64; K1]; nk1];
    let mut z = vec![0.0f64; nk1];
    let mut l = K1; // 1-based knot interval, t(l) <= x < t(l+1)
    for i in (0..t.len()).filter(|&i| keep[i]) {
        let xi = t[i];
        while !(xi < knots[l] || l == nk1) {
            l += 1;
        }
        rotate_in(&mut a, &mut z, l, fpbspl(knots, xi, l), y[i]);
    }
    fpback(&a, &z)
}

/// `fpbspl`: the k + 1 non-zero B-splines at `x`, with `t(l) <= x < t(l+1)` (`l` 1-based).
#[inline(always)]
pub(crate) fn fpbspl(t: &[f64], x: f64, l: usize) -> [f64; K1] {
    let mut h = [0.0f64; K1];
    let mut hh = [0.0f64; K1];
    h[0] = 1.0;
    for j in 1..=K {
        hh[..j].copy_from_slice(&h[..j]);
        h[0] = 0.0;
        for i in 1..=j {
            let li = l + i;
            let lj = li - j;
            let tli = t[li - 1];
            let tlj = t[lj - 1];
            if tli != tlj {
                let f = hh[i - 1] / (tli - tlj);
                h[i - 1] += f * (tli - x);
                h[i] = f * (x - tlj);
            } else {
                h[i] = 0.0;
            }
        }
    }
    h
}

/// `fpgivs`: the Givens rotation that zeroes `piv` against `ww`; `ww` becomes the new
/// diagonal value. Returns `(cos, sin)`.
#[inline(always)]
fn fpgivs(piv: f64, ww: &mut f64) -> (f64, f64) {
    let store = piv.abs();
    let w = *ww;
    let dd = if store >= w {
        let r = w / piv;
        store * (1.0 + r * r).sqrt()
    } else {
        let r = piv / w;
        w * (1.0 + r * r).sqrt()
    };
    *ww = dd;
    (w / dd, piv / dd)
}

/// `fprota`: applies a Givens rotation to `(a, b)`.
#[inline(always)]
fn fprota(cos: f64, sin: f64, a: &mut f64, b: &mut f64) {
    let stor1 = *a;
    let stor2 = *b;
    *b = cos * stor2 + sin * stor1;
    *a = cos * stor1 - sin * stor2;
}

/// `fpback`: solves the upper-triangular banded system `a c = z` (bandwidth k + 1).
// FITPACK's index arithmetic is kept as written so the port can be checked line by line.
#[allow(clippy::needless_range_loop)]
fn fpback(a: &[[f64; K1]], z: &[f64]) -> Vec<f64> {
    let n = z.len();
    let k1 = K1 - 1;
    let mut c = vec![0.0; n];
    // A zero diagonal is a B-spline without data (only in `lsq`): its coefficient is zero.
    let solve = |store: f64, diag: f64| if diag == 0.0 { 0.0 } else { store / diag };
    c[n - 1] = solve(z[n - 1], a[n - 1][0]);
    if n == 1 {
        return c;
    }
    let mut i = n - 1; // 1-based row
    for j in 2..=n {
        let mut store = z[i - 1];
        let i1 = if j <= k1 { j - 1 } else { k1 };
        let mut m = i;
        for l in 1..=i1 {
            m += 1;
            store -= c[m - 1] * a[i - 1][l];
        }
        c[i - 1] = solve(store, a[i - 1][0]);
        i -= 1;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_a_cubic_exactly_enough() {
        let x: Vec<f64> = (0..50).map(|i| (i as f64 / 49.0).powf(1.3)).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.0 - v + 3.0 * v * v * v).collect();
        let s = Spline::interpolate(&x, &y).unwrap();
        assert_eq!(s.knots.len(), 54);
        assert_eq!(s.coeffs.len(), 50);
        for (xi, yi) in x.iter().zip(&y) {
            assert!((s.eval_one(*xi) - yi).abs() < 1e-12);
        }
        // Extrapolation uses the end pieces of a cubic, so it stays on the cubic.
        let v = s.eval_one(1.2);
        assert!((v - (2.0 - 1.2 + 3.0 * 1.2f64.powi(3))).abs() < 1e-9);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            Spline::interpolate(&[0.0, 1.0, 2.0], &[0.0; 3]),
            Err(Error::TooFewPoints { .. })
        ));
        assert!(matches!(
            Spline::interpolate(&[0.0, 1.0, 1.0, 2.0], &[0.0; 4]),
            Err(Error::NotIncreasing { index: 2, .. })
        ));
        assert!(matches!(
            Spline::interpolate(&[0.0, 1.0, 2.0, 3.0], &[0.0, f64::NAN, 0.0, 0.0]),
            Err(Error::NonFinite { index: 1, .. })
        ));
    }
}
