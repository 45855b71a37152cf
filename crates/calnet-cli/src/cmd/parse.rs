//! Value parsers shared by the subcommands: numbers are refused at the command line when they
//! are non-finite or outside what the command can use, rather than accepted and failing (or
//! hanging, or filling memory) later.

/// Most segments in one forward pass: 8192 segments are 160 MB of model input; beyond that a
/// batch only costs memory (`--batch 100000` once panicked after asking for 4.3 GB).
pub const MAX_BATCH: usize = 8192;

/// A probability: finite, in `[0, 1]` (`--threshold`).
pub fn probability(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !v.is_finite() || !(0.0..=1.0).contains(&v) {
        return Err(format!("{v} is not a probability in [0, 1]"));
    }
    Ok(v)
}

/// A frequency in cycles/day: finite and positive (`gls --fmin/--fmax`).
pub fn frequency(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !v.is_finite() || v <= 0.0 {
        return Err(format!("{v} is not a finite, positive frequency"));
    }
    Ok(v)
}

/// A batch size in `1..=MAX_BATCH` (`--batch`).
pub fn batch(s: &str) -> Result<usize, String> {
    count(s, MAX_BATCH, "segments per batch")
}

/// A number of grid points in `1..=gls::MAX_GRID_POINTS` (`gls --n`).
pub fn grid_points(s: &str) -> Result<usize, String> {
    count(s, gls::MAX_GRID_POINTS, "grid points")
}

fn count(s: &str, max: usize, what: &str) -> Result<usize, String> {
    let v: u128 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    if v == 0 || v > max as u128 {
        return Err(format!("{v} {what}: expected 1 to {max}"));
    }
    Ok(v as usize)
}

/// A thread count in `1..=1024` (`--threads`).
pub fn threads(s: &str) -> Result<usize, String> {
    count(s, 1024, "threads")
}

/// `--threads N`, one meaning in every subcommand that takes it: the CPU threads the command
/// computes on (reading, features, simulation, and the network when it runs on the CPU,
/// libtorch's threads included). `--jobs` is accepted as an older spelling.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct Threads {
    /// CPU threads of the run: reading, features, simulation and the network on the CPU
    /// [default: all cores].
    #[arg(
        id = "threads",
        long = "threads",
        alias = "jobs",
        value_name = "N",
        value_parser = threads
    )]
    pub n: Option<usize>,
}

impl Threads {
    /// The count, all cores when not given.
    pub fn get(self) -> usize {
        self.n
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// Sizes rayon's global pool (and, with the `torch` feature, libtorch's CPU threads) for
    /// the commands that compute through them (`train`, `evaluate`).
    #[cfg(feature = "torch")]
    pub fn apply_globally(self) -> anyhow::Result<()> {
        if let Some(n) = self.n {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()?;
            tch::set_num_threads(n as i32);
        }
        Ok(())
    }
}

/// `--mode` of features, train and evaluate: the feature mode, its values listed in `--help`.
pub fn mode() -> impl clap::builder::TypedValueParser<Value = lc_prep::Mode> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["reference", "robust"])
        .try_map(|s| s.parse::<lc_prep::Mode>().map_err(|e| e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_finite_and_out_of_range() {
        for bad in ["nan", "NaN", "inf", "-inf", "2", "-1", "1.0000001", "x", ""] {
            assert!(probability(bad).is_err(), "{bad}");
        }
        assert_eq!(probability("0.5"), Ok(0.5));
        assert_eq!(probability("1"), Ok(1.0));
        for bad in ["nan", "inf", "0", "-3", "1e400"] {
            assert!(frequency(bad).is_err(), "{bad}");
        }
        assert_eq!(frequency("1e300"), Ok(1e300));
        for bad in [
            "0",
            "100000",
            "100000000",
            "-1",
            "1e3",
            "99999999999999999999999999",
        ] {
            assert!(batch(bad).is_err(), "{bad}");
        }
        assert_eq!(batch("8192"), Ok(8192));
        assert!(grid_points("100000000000").is_err());
        assert_eq!(grid_points("1000"), Ok(1000));
        for bad in ["0", "-1", "2000", "x"] {
            assert!(threads(bad).is_err(), "{bad}");
        }
        assert_eq!(threads("16"), Ok(16));
    }
}
