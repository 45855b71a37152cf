//! One front door over every model, with integration over the exposure.

use crate::binary::EclipsingBinary;
use crate::variables::{
    ContactBinary, Flare, Granulation, Pulsator, RrLyrae, SpottedStar, Transit,
};

/// An astrophysical signal: normalised flux as a function of time (BTJD).
#[derive(Debug, Clone)]
pub enum Signal {
    /// Detached, semi-detached or ellipsoidal binary, possibly diluted.
    Binary(EclipsingBinary),
    /// Contact (W UMa) binary.
    Contact(ContactBinary),
    /// Transiting planet.
    Transit(Transit),
    /// Spotted rotator.
    Spotted(SpottedStar),
    /// delta Scuti or gamma Doradus pulsator.
    Pulsator(Pulsator),
    /// RR Lyrae star.
    RrLyrae(RrLyrae),
    /// Spotted M dwarf with flares.
    FlareStar {
        /// Rotational modulation.
        spots: SpottedStar,
        /// Flares, sorted by peak time.
        flares: Vec<Flare>,
    },
    /// Another signal seen on an active star (a planet host, an M-dwarf binary):
    /// `F = base x spots + granulation + flares`. Granulation (about 1e-4) is added rather
    /// than multiplied; the cross term is below 1e-6.
    ActiveStar {
        /// The signal of the system (a transit, an eclipsing binary).
        base: Box<Signal>,
        /// Rotational modulation of the star, if it has spots.
        spots: Option<SpottedStar>,
        /// Granulation, if modelled.
        granulation: Option<Granulation>,
        /// Flares, sorted by peak time.
        flares: Vec<Flare>,
    },
    /// Small independent terms of one system added: `F = 1 + sum_k (F_k - 1)` (Doppler
    /// beaming and higher ellipsoidal harmonics on a binary). The parts carry no flares.
    Sum(Vec<Signal>),
    /// No variability.
    Constant,
}

impl Signal {
    /// Instantaneous normalised flux at `t`.
    pub fn flux(&self, t: f64) -> f64 {
        match self {
            Signal::Binary(b) => b.flux(t),
            Signal::Contact(c) => c.flux(t),
            Signal::Transit(p) => p.flux(t),
            Signal::Spotted(s) => s.flux(t),
            Signal::Pulsator(p) => p.flux(t),
            Signal::RrLyrae(r) => r.flux(t),
            Signal::FlareStar { spots, flares } => {
                spots.flux(t) + flares.iter().map(|f| f.excess(t)).sum::<f64>()
            }
            Signal::ActiveStar {
                base,
                spots,
                granulation,
                flares,
            } => {
                base.flux(t) * spots.as_ref().map_or(1.0, |s| s.flux(t))
                    + granulation.as_ref().map_or(0.0, |g| g.excess(t))
                    + flares.iter().map(|f| f.excess(t)).sum::<f64>()
            }
            Signal::Sum(parts) => 1.0 + parts.iter().map(|s| s.flux(t) - 1.0).sum::<f64>(),
            Signal::Constant => 1.0,
        }
    }

    /// The flares of a flare star or an active star (integrated exactly, not sampled).
    fn flares(&self) -> &[Flare] {
        match self {
            Signal::FlareStar { flares, .. } | Signal::ActiveStar { flares, .. } => flares,
            _ => &[],
        }
    }

    /// Shortest time scale (days) on which the smooth part of the signal changes; the
    /// exposure is sampled finely enough to resolve it.
    pub fn min_timescale(&self) -> f64 {
        match self {
            Signal::Binary(b) => b.min_timescale(),
            Signal::Contact(c) => c.period_d / 40.0,
            Signal::Transit(p) => {
                let ingress = p.duration() * p.rp_rs / (1.0 + p.rp_rs);
                ingress.max(1e-4)
            }
            Signal::Spotted(s) | Signal::FlareStar { spots: s, .. } => s.period_d / 40.0,
            Signal::Pulsator(p) => {
                let fmax = p.modes.iter().map(|m| m.freq_cd).fold(1e-3, f64::max);
                1.0 / (20.0 * fmax)
            }
            Signal::RrLyrae(r) => r.period_d / 60.0,
            Signal::ActiveStar { base, spots, .. } => base
                .min_timescale()
                .min(spots.as_ref().map_or(f64::INFINITY, |s| s.period_d / 40.0)),
            Signal::Sum(parts) => parts
                .iter()
                .map(Signal::min_timescale)
                .fold(f64::INFINITY, f64::min),
            Signal::Constant => f64::INFINITY,
        }
    }

    /// Mean flux over exposures of `exposure_d` days centred on each of `time` (NaN where
    /// the time is NaN). Smooth parts are averaged over `n` evenly spaced sub-exposures,
    /// `n` set by [`Signal::min_timescale`] (at most 31); flares and granulation are
    /// integrated exactly.
    pub fn integrate(&self, time: &[f64], exposure_d: f64) -> Vec<f64> {
        let ts = self.min_timescale();
        let n = if exposure_d > 0.0 && ts.is_finite() {
            ((3.0 * exposure_d / ts).ceil() as usize).clamp(1, 31)
        } else {
            1
        };
        let smooth = |t: f64| -> f64 {
            let f = |t| match self {
                Signal::FlareStar { spots, .. } => spots.flux(t),
                Signal::ActiveStar { base, spots, .. } => {
                    base.flux(t) * spots.as_ref().map_or(1.0, |s| s.flux(t))
                }
                other => other.flux(t),
            };
            if n == 1 {
                return f(t);
            }
            (0..n)
                .map(|j| f(t + exposure_d * ((j as f64 + 0.5) / n as f64 - 0.5)))
                .sum::<f64>()
                / n as f64
        };
        let mut out: Vec<f64> = time
            .iter()
            .map(|&t| if t.is_finite() { smooth(t) } else { f64::NAN })
            .collect();
        for fl in self.flares() {
            let (a, b) = fl.window();
            for (o, &t) in out.iter_mut().zip(time) {
                if t.is_finite() && t + exposure_d >= a && t - exposure_d <= b {
                    *o += fl.mean_excess(t, exposure_d);
                }
            }
        }
        if let Signal::ActiveStar {
            granulation: Some(g),
            ..
        } = self
        {
            for (o, &t) in out.iter_mut().zip(time) {
                if t.is_finite() {
                    *o += g.mean_excess(t, exposure_d);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::{Mode, Pulsator};

    #[test]
    fn integration_averages_a_fast_sinusoid_away() {
        // A 30-minute sinusoid averaged over 30-minute exposures vanishes.
        let p = Signal::Pulsator(Pulsator {
            modes: vec![Mode {
                freq_cd: 48.0,
                amplitude: 0.01,
                phase: 0.3,
            }],
        });
        let t: Vec<f64> = (0..50).map(|i| i as f64 * 0.0208333).collect();
        let f = p.integrate(&t, 1.0 / 48.0);
        assert!(f.iter().all(|v| (v - 1.0).abs() < 2e-4), "{f:?}");
        let f = p.integrate(&[f64::NAN, 0.1], 0.0);
        assert!(f[0].is_nan() && f[1].is_finite());
    }
}
