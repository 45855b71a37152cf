//! False-alarm probabilities of a periodogram peak.

use crate::GlsError;

/// How a false-alarm probability is estimated, for a standard power `z`, `N` points,
/// highest grid frequency `f_max` and span `T`. The formulas are astropy's (its
/// `_statistics.py`, after Baluev 2008, Table 1), for the standard normalisation, with
/// `N_K = N - 3`, `N_H = N - 1`:
///
/// - `Single`: the probability that one given frequency reaches `z` under Gaussian noise,
///   `FAP₁ = (1 - z)^(N_K/2)` (Zechmeister & Kürster 2009, eq. 24).
/// - `MTrials`: `1 - (1 - FAP₁)^M` for `M` independent frequencies: the CALNet reference's
///   formula (ZK09 eq. 25). `trials: None` takes `M = f_max T` (astropy's `naive`).
/// - `Davies`: the Davies upper bound `FAP₁ + τ`, with
///   `τ = γ(N_H) W (1 - z)^((N_K - 1)/2) sqrt(N_H z / 2)`, `W = f_max sqrt(4π var(t))`
///   (weighted variance of the times), `γ(N) = sqrt(2/N) Γ(N/2) / Γ((N-1)/2)`.
/// - `Baluev`: the alias-free approximation `1 - (1 - FAP₁) e^(-τ)` (Baluev 2008, eq. 6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FalseAlarmMethod {
    /// Single-frequency probability.
    Single,
    /// `M` independent trials; `None` for `M = f_max T`.
    MTrials {
        /// Number of independent frequencies.
        trials: Option<f64>,
    },
    /// Davies upper bound.
    Davies,
    /// Baluev's alias-free approximation (astropy's default).
    Baluev,
}

pub(crate) fn false_alarm_probability(
    z: f64,
    method: FalseAlarmMethod,
    n: usize,
    f_max: f64,
    span: f64,
    t_var: f64,
) -> Result<f64, GlsError> {
    if n < 4 {
        return Err(GlsError::TooFewPoints { n });
    }
    let nk = n as f64 - 3.0;
    let nh = n as f64 - 1.0;
    let fap1 = (1.0 - z).powf(0.5 * nk);
    let tau = || {
        let w = f_max * (4.0 * std::f64::consts::PI * t_var).sqrt();
        gamma_ratio(nh) * w * (1.0 - z).powf(0.5 * (nk - 1.0)) * (0.5 * nh * z).sqrt()
    };
    Ok(match method {
        FalseAlarmMethod::Single => fap1,
        FalseAlarmMethod::MTrials { trials } => {
            let m = trials.unwrap_or(f_max * span);
            if m.is_nan() || m <= 0.0 || m.is_infinite() {
                return Err(GlsError::InvalidParameter {
                    name: "trials",
                    value: m,
                    reason: "must be finite and positive",
                });
            }
            -(m * (-fap1).ln_1p()).exp_m1()
        }
        FalseAlarmMethod::Davies => fap1 + tau(),
        FalseAlarmMethod::Baluev => {
            let t = tau();
            -(-t).exp_m1() + fap1 * (-t).exp()
        }
    })
}

/// `sqrt(2/N) Γ(N/2) / Γ((N-1)/2)`.
fn gamma_ratio(n: f64) -> f64 {
    (2.0 / n).sqrt() * (libm::lgamma(0.5 * n) - libm::lgamma(0.5 * (n - 1.0))).exp()
}
