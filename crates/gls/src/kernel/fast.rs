//! The fast kernel (work in progress: falls back to the direct kernel).

use super::{Prepared, TrigSums};

/// Estimated FFT length for a span and highest angular frequency.
pub(crate) fn fft_size_estimate(span: f64, omega_max: f64) -> usize {
    (4.0 * span * 2.0 * omega_max / std::f64::consts::PI).ceil() as usize + 64
}

pub(crate) fn sums(prep: &Prepared, omega: &[f64], _tol: f64) -> Vec<TrigSums> {
    super::direct::sums(prep, omega)
}
