//! Normalisations of the periodogram: astropy's four and the two classic ones of the CALNet
//! reference, all computed from the standard power.

/// How the power is scaled. Every variant is a monotonic function of the standard power `p`,
/// so peaks and their order are the same in every normalisation.
///
/// With `χ²₀ = Σ (y - ȳ)² / σ²` the weighted sum of squares about the weighted mean (σ = 1 when
/// no uncertainties are given), `χ²(f)` the one left by the best floating-mean sinusoid at
/// frequency `f`, and `N` the number of points:
///
/// | variant | formula | range |
/// |---|---|---|
/// | `Standard` | `p = (χ²₀ - χ²) / χ²₀` (Zechmeister & Kürster 2009, eq. 5; astropy `standard`) | `[0, 1]` |
/// | `Model` | `p / (1 - p) = (χ²₀ - χ²) / χ²` (astropy `model`) | `[0, ∞]` |
/// | `Log` | `-ln(1 - p) = ln(χ²₀ / χ²)` (astropy `log`) | `[0, ∞]` |
/// | `Psd` | `χ²₀ p / 2` (astropy `psd`: `0.5 Σ σ⁻²` times the unnormalised power) | `[0, χ²₀/2]` |
/// | `HorneBaliunas` | `(N - 1) p / 2` (Horne & Baliunas 1986; the CALNet reference's factor) | `[0, (N-1)/2]` |
/// | `Cumming` | `(N - 3) p / (2 (1 - p))` (Cumming et al. 1999; ZK09 eq. 22) | `[0, ∞]` |
///
/// A perfect fit (`p = 1`) gives `+∞` in `Model`, `Log` and `Cumming`: a defined result, not
/// an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Normalization {
    /// Fraction of variance explained, in `[0, 1]`.
    #[default]
    Standard,
    /// `p / (1 - p)`.
    Model,
    /// `-ln(1 - p)`.
    Log,
    /// `χ²₀ p / 2`.
    Psd,
    /// `(N - 1) p / 2`.
    HorneBaliunas,
    /// `(N - 3) p / (2 (1 - p))`.
    Cumming,
}

impl Normalization {
    /// Converts a standard power `p` (in `[0, 1]`) to this normalisation, for `n` points whose
    /// weighted sum of squares about the mean is `chi2_ref`.
    ///
    /// ```
    /// use gls::Normalization;
    /// assert_eq!(Normalization::Model.from_standard(0.5, 10, 4.0), 1.0);
    /// assert_eq!(Normalization::HorneBaliunas.from_standard(0.5, 11, 4.0), 2.5);
    /// ```
    pub fn from_standard(self, p: f64, n: usize, chi2_ref: f64) -> f64 {
        let n = n as f64;
        match self {
            Normalization::Standard => p,
            Normalization::Model => p / (1.0 - p),
            Normalization::Log => -(-p).ln_1p(),
            Normalization::Psd => 0.5 * chi2_ref * p,
            Normalization::HorneBaliunas => 0.5 * (n - 1.0) * p,
            Normalization::Cumming => 0.5 * (n - 3.0) * p / (1.0 - p),
        }
    }

    /// The inverse of [`Normalization::from_standard`]: the standard power of a value `z` in
    /// this normalisation.
    ///
    /// ```
    /// use gls::Normalization;
    /// let z = Normalization::Log.from_standard(0.3, 50, 2.0);
    /// assert!((Normalization::Log.to_standard(z, 50, 2.0) - 0.3).abs() < 1e-15);
    /// ```
    pub fn to_standard(self, z: f64, n: usize, chi2_ref: f64) -> f64 {
        let n = n as f64;
        match self {
            Normalization::Standard => z,
            Normalization::Model => z / (1.0 + z),
            Normalization::Log => -(-z).exp_m1(),
            Normalization::Psd => 2.0 * z / chi2_ref,
            Normalization::HorneBaliunas => 2.0 * z / (n - 1.0),
            Normalization::Cumming => {
                let m = 2.0 * z / (n - 3.0);
                m / (1.0 + m)
            }
        }
    }

    /// All variants, for tests and command-line help.
    pub const ALL: [Normalization; 6] = [
        Normalization::Standard,
        Normalization::Model,
        Normalization::Log,
        Normalization::Psd,
        Normalization::HorneBaliunas,
        Normalization::Cumming,
    ];
}
