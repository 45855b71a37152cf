//! The truth record of a simulated or injected light curve: one row of `labels.csv`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What went into one light curve. Fields that do not apply to its class are empty (`None`)
/// in `labels.csv`. The first nine columns are the contract other tools read:
/// `file,tic,sector,label,class,period_d,t0,depth1,depth2`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Truth {
    /// File name (no folder).
    pub file: String,
    /// TIC identifier written in the file.
    pub tic: u64,
    /// Sector.
    pub sector: u32,
    /// 1 = eclipsing binary, 0 = anything else.
    pub label: u8,
    /// Class name ([`crate::Class::name`]).
    pub class: String,
    /// Period of the signal, days (orbital, rotation, pulsation of the strongest mode).
    pub period_d: Option<f64>,
    /// Reference epoch, BTJD (primary conjunction, mid-transit, maximum light).
    pub t0: Option<f64>,
    /// Primary eclipse (or transit, or deeper minimum) depth, fraction of the flux, as
    /// observed (after dilution).
    pub depth1: Option<f64>,
    /// Secondary eclipse (or shallower minimum) depth; 0 when there is none.
    pub depth2: Option<f64>,
    /// Phase of the secondary eclipse after the primary.
    pub phase2: Option<f64>,
    /// Primary eclipse or transit duration, days.
    pub duration_d: Option<f64>,
    /// Eccentricity.
    pub ecc: Option<f64>,
    /// Argument of periastron, degrees.
    pub omega_deg: Option<f64>,
    /// Inclination, degrees.
    pub incl_deg: Option<f64>,
    /// R1/a (planets: R*/a).
    pub r1_a: Option<f64>,
    /// R2/a (planets: Rp/a).
    pub r2_a: Option<f64>,
    /// Surface-brightness ratio J of star 2 to star 1.
    pub sb_ratio: Option<f64>,
    /// Mass ratio M2/M1.
    pub mass_ratio: Option<f64>,
    /// Third light (dilution) fraction.
    pub third_light: Option<f64>,
    /// Number of primary eclipses (transits) falling on valid cadences.
    pub n_primary: Option<u32>,
    /// Number of flares.
    pub n_flares: Option<u32>,
    /// Peak-to-peak amplitude of the noiseless signal over valid cadences, fraction.
    pub amplitude: f64,
    /// `sqrt(sum (s_i - median s)^2) / sigma_white`: matched-filter signal-to-noise of the
    /// whole signal on valid cadences (on an active star of the hard-cases population, of
    /// its eclipses or transit alone, without the spots, granulation and flares).
    pub snr: f64,
    /// TESS magnitude.
    pub tmag: f64,
    /// Cadence, seconds.
    pub cadence_s: f64,
    /// White noise per cadence, ppm.
    pub sigma_ppm: f64,
    /// Effective temperature of the (primary) star, K.
    pub teff: Option<f64>,
    /// Seed of the run.
    pub seed: u64,
    /// Index of the light curve in the run (its random stream).
    pub index: u64,
    /// Region of the hard-cases population ([`crate::Region::name`]); `None` in the
    /// reference mix, whose tables have no `region` column (so they keep their bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Writes `rows` to `path` as CSV with a header, atomically (temporary file + rename).
pub fn write_labels(path: &Path, rows: &[Truth]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = tess_io::AtomicFile::create(path).map_err(io)?;
    {
        let mut w = csv::Writer::from_writer(tmp.file());
        if rows.is_empty() {
            // The header comes with the first record; an empty table still gets one.
            let mut head = csv::Writer::from_writer(Vec::new());
            head.serialize(Truth::default())
                .map_err(|source| Error::Csv {
                    path: path.to_path_buf(),
                    source,
                })?;
            let text = head.into_inner().map_err(|e| io(e.into_error()))?;
            let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
            use std::io::Write;
            let mut f = tmp.file();
            f.write_all(first)
                .and_then(|_| f.write_all(b"\n"))
                .map_err(io)?;
        }
        // The column is written for every row or for none (a CSV row has the header's
        // fields): an empty field where a table mixing regions and the reference has none.
        let regions = rows.iter().any(|r| r.region.is_some());
        for r in rows {
            let filled;
            let r = if regions && r.region.is_none() {
                filled = Truth {
                    region: Some(String::new()),
                    ..r.clone()
                };
                &filled
            } else {
                r
            };
            w.serialize(r).map_err(|source| Error::Csv {
                path: path.to_path_buf(),
                source,
            })?;
        }
        w.flush().map_err(io)?;
    }
    tmp.commit().map_err(io)
}

/// Reads a `labels.csv` written by [`write_labels`].
pub fn read_labels(path: &Path) -> Result<Vec<Truth>> {
    let csv_err = |source| Error::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut r = csv::Reader::from_path(path).map_err(csv_err)?;
    r.deserialize().map(|row| row.map_err(csv_err)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_with_empty_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.csv");
        let rows = vec![
            Truth {
                file: "a.fits".into(),
                tic: 9_000_000_001,
                label: 1,
                class: "detached".into(),
                period_d: Some(2.5),
                depth1: Some(0.1),
                ..Default::default()
            },
            Truth {
                file: "b.fits".into(),
                class: "constant".into(),
                ..Default::default()
            },
        ];
        write_labels(&p, &rows).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("file,tic,sector,label,class,period_d,t0,depth1,depth2,"));
        assert_eq!(read_labels(&p).unwrap(), rows);
        assert!(
            !text.contains("region"),
            "no region column in a reference table"
        );
        // A table with a region row (an injection into a hard-cases set) writes the column
        // for every row, empty where there is none, and reads back the same rows.
        let mut mixed = rows.clone();
        mixed[0].region = Some("low-mass-twin".into());
        write_labels(&p, &mixed).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.lines().next().unwrap().ends_with(",index,region"),
            "{text}"
        );
        assert_eq!(read_labels(&p).unwrap(), mixed);
        write_labels(&p, &[]).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("file,tic,sector,label,") && text.lines().count() == 1);
        assert!(read_labels(&p).unwrap().is_empty());
    }
}
