//! The kernels behind the front door and the one function that picks among them.
//!
//! Every kernel computes the same six weighted trigonometric sums per angular frequency `ω`
//! ([`TrigSums`]) from times centred on the middle of the span (an exact subtraction for
//! spans far below the times themselves, which makes the phases `ω t` exact to rounding where
//! the reference's `ω t` at BTJD ≈ 3000 carries errors of about 1e-9 rad) and weights `w`
//! normalised to `Σ w = 1`. The power formula then lives in one place ([`standard_power`]).

pub(crate) mod direct;
pub(crate) mod fast;
pub(crate) mod naive;
pub(crate) mod recurrence;

use crate::GlsError;

/// The algorithm that computes the sums.
///
/// `Auto` is resolved by [`Method::resolve`], the single place that chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// Choose from the problem size (see [`Method::resolve`]).
    #[default]
    Auto,
    /// Direct sums with the standard library's `sin_cos`, one point and frequency at a time.
    /// The slowest; the truth the others are tested against.
    Naive,
    /// Exact direct sums over every point and frequency with a vectorised sine/cosine (AVX2 +
    /// FMA when the CPU has them, detected at run time; a portable path otherwise). Relative
    /// error about 1e-14 for any grid.
    Direct,
    /// Exact sums by phase recurrences along sorted, nearly regular times (TESS cadences with
    /// gaps), re-anchored with an exact sine and cosine every 64 points and at every gap;
    /// falls back to `Direct` for unsorted times. About 1.7 times faster than `Direct` on TESS
    /// cadences; its rounding grows over at most 64 steps between anchors.
    Recurrence,
    /// A type-3 non-uniform FFT (spreading onto a regular time grid with an
    /// exponential-of-semicircle kernel, FFT with `rustfft`, interpolation at the requested
    /// frequencies). Its error on every sum stays below the tolerance
    /// ([`crate::Periodogram::tolerance`], default 1e-10) times `Σ|w y|` or `Σ w`.
    Fast,
}

impl Method {
    /// Resolves `Auto` for `n` points, `m` frequencies with highest angular frequency
    /// `omega_max` and time span `span`: the direct kernel when its cost (`n m` sine/cosine
    /// pairs) is below the fast kernel's estimated cost (spreading `n` points, an FFT of about
    /// `4 span omega_max / π` points, interpolating `3 m` values), else the fast kernel. Any
    /// other method is returned unchanged.
    pub fn resolve(self, n: usize, m: usize, omega_max: f64, span: f64) -> Method {
        if self != Method::Auto {
            return self;
        }
        // Costs in nanoseconds per periodogram on one core, fitted to the gls_bench figures in
        // docs/performance.md (direct: 1.7 ns per point-frequency pair; fast: spreading,
        // interpolation at 4 targets per frequency, the FFT).
        let direct = 1.7 * n as f64 * m as f64;
        let nfft = fast::fft_size_estimate(span, omega_max);
        let fast = 20_000.0 + 30.0 * n as f64 + 100.0 * m as f64 + 0.3 * nfft * nfft.log2();
        if direct <= fast || nfft > crate::MAX_FFT_LEN as f64 || m > crate::MAX_FAST_GRID {
            Method::Direct
        } else {
            Method::Fast
        }
    }
}

/// The one guard every kernel runs behind, called by the front door once `Auto` is resolved:
/// refuses problems whose phases `ω t` carry no precision (every kernel would return noise) and,
/// for the fast kernel, FFTs longer than [`crate::MAX_FFT_LEN`] (whose length grows with
/// `span × ω_max` and would otherwise exhaust memory or overflow) and grids longer than
/// [`crate::MAX_FAST_GRID`] (its plan holds 4 interpolation targets per frequency). Grid sizes are bounded
/// where grids are made ([`crate::MAX_GRID_POINTS`]).
pub(crate) fn check_size(
    method: Method,
    m: usize,
    omega_max: f64,
    span: f64,
) -> Result<(), GlsError> {
    // Half the span, centred times: the largest phase is ω_max span / 2.
    let phase = omega_max * 0.5 * span;
    if phase.is_nan() || phase > crate::MAX_PHASE {
        return Err(GlsError::TooLarge {
            reason: format!(
                "the highest frequency times the time span is {:.3e} cycles: phases beyond \
                 {:.0e} radians have no precision in f64",
                omega_max * span / (2.0 * std::f64::consts::PI),
                crate::MAX_PHASE
            ),
        });
    }
    if method == Method::Fast && m > crate::MAX_FAST_GRID {
        return Err(GlsError::TooLarge {
            reason: format!(
                "the fast kernel plans 4 interpolation targets of 144 bytes per frequency: {m} \
                 frequencies (limit {}); use the direct kernel",
                crate::MAX_FAST_GRID
            ),
        });
    }
    if method == Method::Fast {
        let nfft = fast::fft_size_estimate(span, omega_max);
        if nfft.is_nan() || nfft > crate::MAX_FFT_LEN as f64 {
            return Err(GlsError::TooLarge {
                reason: format!(
                    "the fast kernel needs an FFT of about {nfft:.3e} points for this time span \
                     and highest frequency (limit {}); use the direct kernel or a lower --fmax",
                    crate::MAX_FFT_LEN
                ),
            });
        }
    }
    Ok(())
}

/// The weighted sums at one angular frequency ω, over centred times `s` and normalised weights
/// `w` (`Σ w = 1`), with `wy = w (y - ȳ)`:
/// `c = Σ w cos ωs`, `s = Σ w sin ωs`, `yc = Σ wy cos ωs`, `ys = Σ wy sin ωs`,
/// `c2 = Σ w cos 2ωs`, `s2 = Σ w sin 2ωs`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct TrigSums {
    pub c: f64,
    pub s: f64,
    pub yc: f64,
    pub ys: f64,
    pub c2: f64,
    pub s2: f64,
}

/// A light curve made ready for the kernels.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Times minus the middle of the span.
    pub s: Vec<f64>,
    /// Weights, `Σ w = 1`.
    pub w: Vec<f64>,
    /// `w (y - ȳ)`.
    pub wy: Vec<f64>,
    /// `Σ w (y - ȳ)` (round-off left by the centring; subtracted as the reference's `Y C`).
    pub y_res: f64,
    /// `Σ w (y - ȳ)²`.
    pub yy: f64,
    /// `Σ (y - ȳ)² / σ²` (σ = 1 without uncertainties).
    pub chi2_ref: f64,
    /// Span `max t - min t`.
    pub span: f64,
    /// Weighted variance of the times (Baluev's effective baseline).
    pub t_var: f64,
}

/// Computes the sums of `prep` at every angular frequency of `omega` with `method` (resolved).
pub(crate) fn sums(
    prep: &Prepared,
    grid: &crate::FrequencyGrid,
    method: Method,
    tol: f64,
) -> Vec<TrigSums> {
    let omega = grid.angular_frequencies();
    match method {
        Method::Naive => naive::sums(prep, omega),
        Method::Direct | Method::Auto => direct::sums(prep, omega),
        Method::Recurrence => recurrence::sums(prep, omega),
        Method::Fast => {
            let dnu = match grid.kind() {
                crate::GridKind::Regular { df, .. } => Some(2.0 * std::f64::consts::PI * df),
                _ => None,
            };
            fast::sums(prep, omega, dnu, tol)
        }
    }
}

/// Below this ratio of the small to the large eigenvalue of the 2x2 normal matrix of the
/// (cos, sin) pair, the pair is treated as one function (e.g. `sin ωt ≡ 0` at the Nyquist
/// frequency of regular sampling) and the power is that of the single remaining term, instead
/// of the 0/0 the textbook formula gives there.
pub(crate) const DEGENERATE: f64 = 1e-9;

/// The standard (Zechmeister & Kürster) power from the sums:
/// `p = (SS YC² + CC YS² - 2 CS YC YS) / (YY D)`, `D = CC SS - CS²`, with
/// `CC = (1 + c2)/2 - c²`, `SS = (1 - c2)/2 - s²`, `CS = s2/2 - c s`, `YC = yc - Y c`,
/// `YS = ys - Y s`. Clamped to `[0, 1]` against round-off.
pub(crate) fn standard_power(t: &TrigSums, y_res: f64, yy: f64) -> f64 {
    let cc = 0.5 * (1.0 + t.c2) - t.c * t.c;
    let ss = 0.5 * (1.0 - t.c2) - t.s * t.s;
    let cs = 0.5 * t.s2 - t.c * t.s;
    let yc = t.yc - y_res * t.c;
    let ys = t.ys - y_res * t.s;
    let half_tr = 0.5 * (cc + ss);
    let r = (0.5 * (cc - ss)).hypot(cs);
    let l1 = half_tr + r;
    if l1 <= 0.0 {
        return 0.0;
    }
    let d = cc * ss - cs * cs;
    let p = if d > DEGENERATE * l1 * l1 {
        (ss * yc * yc + cc * ys * ys - 2.0 * cs * yc * ys) / (yy * d)
    } else {
        // Eigenvector of the large eigenvalue: (cs, l1 - cc) or (l1 - ss, cs), whichever is
        // better conditioned.
        let (ux, uy) = if l1 - cc >= l1 - ss {
            (cs, l1 - cc)
        } else {
            (l1 - ss, cs)
        };
        let norm2 = ux * ux + uy * uy;
        if norm2 == 0.0 {
            // cc == ss and cs == 0 with a zero second eigenvalue: both directions are equal.
            (yc * yc + ys * ys) / (l1 * yy)
        } else {
            let proj = ux * yc + uy * ys;
            proj * proj / (norm2 * l1 * yy)
        }
    };
    p.clamp(0.0, 1.0)
}
