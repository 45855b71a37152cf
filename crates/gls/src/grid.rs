//! Frequency grids: regular in frequency, log-spaced in period (CALNet's), or any list.

use crate::GlsError;
use std::f64::consts::PI;

/// How a grid was made; kernels use it to pick faster paths (a regular grid allows phase
/// recurrences over frequency).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GridKind {
    /// `f_k = f_min + k * df`.
    Regular {
        /// First frequency (cycles/day).
        f_min: f64,
        /// Step (cycles/day).
        df: f64,
    },
    /// Periods equally spaced in `log10 P`.
    LogPeriod,
    /// Anything else (given as a list).
    Arbitrary,
}

/// The frequencies a periodogram is computed on, with their periods.
///
/// Frequencies are in cycles per day and periods in days when the times are in days (BTJD);
/// any other time unit works the same way (frequencies are then cycles per that unit).
/// The angular frequencies the kernels use are `2π / P` for grids defined by their periods
/// (as the CALNet reference computes them) and `2π f` otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct FrequencyGrid {
    frequency: Vec<f64>,
    period: Vec<f64>,
    omega: Vec<f64>,
    kind: GridKind,
}

impl FrequencyGrid {
    /// CALNet's grid: periods `logspace(-3, 1, 1125)[125:]` days (numpy's arithmetic: exponent
    /// `k * (4 / 1124) - 3`, last exponent exactly 1, `P = 10^exponent`), 1000 periods from
    /// about 0.002785 d (the Nyquist period of 2-minute data) to 10 d, in increasing period,
    /// hence decreasing frequency.
    ///
    /// ```
    /// let g = gls::FrequencyGrid::calnet();
    /// assert_eq!(g.len(), 1000);
    /// assert_eq!(g.periods()[999], 10.0);
    /// ```
    pub fn calnet() -> Self {
        Self::numpy_logspace_periods(-3.0, 1.0, 1125, 125)
    }

    /// Periods `10^e` for `e` = numpy's `linspace(start, stop, num)[skip..]`, bit for bit.
    fn numpy_logspace_periods(start: f64, stop: f64, num: usize, skip: usize) -> Self {
        let step = (stop - start) / (num - 1) as f64;
        let period: Vec<f64> = (skip..num)
            .map(|k| {
                let e = if k == num - 1 {
                    stop
                } else {
                    k as f64 * step + start
                };
                10f64.powf(e)
            })
            .collect();
        let mut g = Self::from_periods_unchecked(period);
        g.kind = GridKind::LogPeriod;
        g
    }

    /// `n` periods equally spaced in `log10 P` from `p_min` to `p_max` (both included), in
    /// increasing period.
    pub fn log_period(p_min: f64, p_max: f64, n: usize) -> Result<Self, GlsError> {
        check_bounds("period", p_min, p_max, n)?;
        if n == 1 {
            return Self::from_periods(vec![p_min]);
        }
        let mut g = Self::numpy_logspace_periods(p_min.log10(), p_max.log10(), n, 0);
        g.period[0] = p_min;
        g.period[n - 1] = p_max;
        g.frequency[0] = 1.0 / p_min;
        g.frequency[n - 1] = 1.0 / p_max;
        g.omega[0] = 2.0 * PI / p_min;
        g.omega[n - 1] = 2.0 * PI / p_max;
        Ok(g)
    }

    /// `n` frequencies `f_min + k (f_max - f_min) / (n - 1)`, both ends included (cycles/day).
    ///
    /// ```
    /// let g = gls::FrequencyGrid::regular(0.1, 10.0, 100).unwrap();
    /// assert_eq!(g.frequencies()[99], 10.0);
    /// ```
    pub fn regular(f_min: f64, f_max: f64, n: usize) -> Result<Self, GlsError> {
        check_bounds("frequency", f_min, f_max, n)?;
        let df = if n > 1 {
            (f_max - f_min) / (n - 1) as f64
        } else {
            0.0
        };
        let mut f: Vec<f64> = (0..n).map(|k| f_min + k as f64 * df).collect();
        f[n - 1] = f_max;
        let mut g = Self::from_frequencies_unchecked(f);
        g.kind = GridKind::Regular { f_min, df };
        Ok(g)
    }

    /// Any list of frequencies (cycles/day), kept in the given order.
    pub fn from_frequencies(frequency: Vec<f64>) -> Result<Self, GlsError> {
        check_values("frequency", &frequency)?;
        Ok(Self::from_frequencies_unchecked(frequency))
    }

    /// Any list of periods (days), kept in the given order.
    pub fn from_periods(period: Vec<f64>) -> Result<Self, GlsError> {
        check_values("period", &period)?;
        Ok(Self::from_periods_unchecked(period))
    }

    fn from_frequencies_unchecked(frequency: Vec<f64>) -> Self {
        let period = frequency.iter().map(|f| 1.0 / f).collect();
        let omega = frequency.iter().map(|f| 2.0 * PI * f).collect();
        Self {
            frequency,
            period,
            omega,
            kind: GridKind::Arbitrary,
        }
    }

    fn from_periods_unchecked(period: Vec<f64>) -> Self {
        let frequency = period.iter().map(|p| 1.0 / p).collect();
        let omega = period.iter().map(|p| 2.0 * PI / p).collect();
        Self {
            frequency,
            period,
            omega,
            kind: GridKind::Arbitrary,
        }
    }

    /// Frequencies in cycles per time unit (cycles/day for BTJD), grid order.
    pub fn frequencies(&self) -> &[f64] {
        &self.frequency
    }

    /// Periods in the time unit (days for BTJD), grid order.
    pub fn periods(&self) -> &[f64] {
        &self.period
    }

    /// Angular frequencies (radians per time unit) the kernels use, grid order.
    pub fn angular_frequencies(&self) -> &[f64] {
        &self.omega
    }

    /// How the grid was made.
    pub fn kind(&self) -> GridKind {
        self.kind
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// Whether the grid has no points (never true for a grid made by a constructor).
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Highest frequency of the grid.
    pub fn max_frequency(&self) -> f64 {
        self.frequency.iter().cloned().fold(0.0, f64::max)
    }

    /// Lowest frequency of the grid.
    pub fn min_frequency(&self) -> f64 {
        self.frequency.iter().cloned().fold(f64::INFINITY, f64::min)
    }
}

fn check_bounds(what: &'static str, lo: f64, hi: f64, n: usize) -> Result<(), GlsError> {
    if n == 0 {
        return Err(GlsError::InvalidGrid {
            reason: format!("a {what} grid needs at least one point"),
        });
    }
    check_len(n)?;
    check_values(what, &[lo, hi])?;
    if hi < lo || (n > 1 && hi == lo) {
        return Err(GlsError::InvalidGrid {
            reason: format!("{what} bounds out of order: min {lo} >= max {hi}"),
        });
    }
    Ok(())
}

/// The grid-size guard: before anything of size `n` is allocated.
fn check_len(n: usize) -> Result<(), GlsError> {
    if n > crate::MAX_GRID_POINTS {
        return Err(GlsError::TooLarge {
            reason: format!("a grid of {n} points (limit {})", crate::MAX_GRID_POINTS),
        });
    }
    Ok(())
}

fn check_values(what: &'static str, v: &[f64]) -> Result<(), GlsError> {
    check_len(v.len())?;
    if v.is_empty() {
        return Err(GlsError::InvalidGrid {
            reason: format!("empty {what} list"),
        });
    }
    for (index, &value) in v.iter().enumerate() {
        if !value.is_finite() {
            return Err(GlsError::NonFinite { what, index, value });
        }
        if value <= 0.0 {
            return Err(GlsError::NonPositiveFrequency { what, index, value });
        }
        // A subnormal frequency's period (and a subnormal period's frequency) overflows.
        if !value.is_normal() || !(1.0 / value).is_finite() {
            return Err(GlsError::InvalidGrid {
                reason: format!("{what}[{index}] = {value:e}: its reciprocal is not finite"),
            });
        }
    }
    Ok(())
}
