//! The sizes a FITS file's headers claim, checked against its bytes before cfitsio or the
//! reader allocates anything from them.
//!
//! cfitsio trusts the headers: a table claiming `NAXIS2 = 5e9` rows opens fine and the reader
//! would size its columns from it; a `.fits.gz` is inflated whole into memory on open, however
//! large. This scan reads the headers itself (streaming through gzip, in constant memory),
//! computes each HDU's data size with checked arithmetic from `BITPIX`, `NAXISn`, `PCOUNT` and
//! `GCOUNT`, checks a binary table's row width against its `TFORMn`, and checks that the file
//! holds all of it. A `.fits.gz` may inflate to at most the size its headers describe plus
//! [`SLACK`]: more is refused before cfitsio inflates it.

use std::io::{BufReader, Read};
use std::path::Path;

use crate::Error;

/// FITS block size.
const BLOCK: u64 = 2880;

/// Bytes allowed after the last HDU's data (some writers pad or append a few blocks).
pub const SLACK: u64 = 64 * BLOCK;

/// Largest file (inflated, for `.fits.gz`) the reader accepts: far above any TESS light curve
/// (a 20-second SPOC file is about 30 MB), low enough that reading cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// Largest header, in 2880-byte blocks (a SPOC header is 2 to 4 blocks).
const MAX_HEADER_BLOCKS: u64 = 1000;

/// One HDU as its header describes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hdu {
    /// `EXTNAME` (empty for the primary HDU or when absent).
    pub extname: String,
    /// Whether it is a binary table (`XTENSION = 'BINTABLE'`).
    pub bintable: bool,
    /// Rows (`NAXIS2`) of a table.
    pub rows: u64,
    /// Bytes per row (`NAXIS1`) of a table.
    pub row_bytes: u64,
}

/// What the scan found: the HDUs in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub hdus: Vec<Hdu>,
}

impl Layout {
    /// The binary table named `LIGHTCURVE`, if the file has one.
    pub fn lightcurve(&self) -> Option<&Hdu> {
        self.hdus
            .iter()
            .find(|h| h.bintable && h.extname.trim().eq_ignore_ascii_case("LIGHTCURVE"))
    }

    /// The table the reader uses: the first extension when `first_extension` (eleanor, whose
    /// table has no `EXTNAME`), else the one named `LIGHTCURVE`.
    pub fn table(&self, first_extension: bool) -> Option<&Hdu> {
        match first_extension {
            true => self.hdus.get(1).filter(|h| h.bintable),
            false => self.lightcurve(),
        }
    }
}

/// Scans `path` (`gzipped`: its bytes are a gzip stream) and checks every size its headers
/// claim against what it holds.
pub(crate) fn scan(path: &Path, gzipped: bool) -> Result<Layout, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::from_io(path, e))?;
    let len = file.metadata().map_err(|e| Error::from_io(path, e))?.len();
    let source = if gzipped {
        Source::Gzip(Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(
            file,
        ))))
    } else {
        Source::Plain(BufReader::new(file), len)
    };
    Scanner {
        path,
        source,
        pos: 0,
    }
    .run()
}

/// The bytes to scan: a plain file is skipped through by seeking, a gzip stream is inflated
/// (in constant memory) to count its bytes.
enum Source {
    Plain(BufReader<std::fs::File>, u64),
    Gzip(Box<flate2::read::MultiGzDecoder<BufReader<std::fs::File>>>),
}

struct Scanner<'a> {
    path: &'a Path,
    source: Source,
    /// Bytes consumed so far (inflated bytes for gzip).
    pos: u64,
}

impl Scanner<'_> {
    fn run(mut self) -> Result<Layout, Error> {
        let mut hdus = Vec::new();
        loop {
            let first = hdus.is_empty();
            let header_start = self.pos;
            let Some(cards) = self.header(first)? else {
                break;
            };
            let hdu = self.describe(&cards, first, hdus.len())?;
            let data = data_bytes(&cards, first)
                .map_err(|(key, reason)| self.key_err(key, hdus.len(), reason))?;
            let padded = data.div_ceil(BLOCK).saturating_mul(BLOCK);
            let end = self.pos.checked_add(data);
            match end {
                Some(end) if end <= MAX_FILE_BYTES => {}
                _ => {
                    return Err(Error::TooLarge {
                        path: self.path.to_path_buf(),
                        reason: format!(
                            "HDU {}{} (header at byte {header_start}) claims {} bytes of data \
                             ({} rows of {} bytes); the limit is {MAX_FILE_BYTES} for the whole \
                             file",
                            hdus.len(),
                            name_of(&hdu),
                            if data == u64::MAX {
                                "over 1.8e19".to_owned()
                            } else {
                                data.to_string()
                            },
                            hdu.rows,
                            hdu.row_bytes
                        ),
                    })
                }
            }
            let got = self.skip(padded)?;
            if got < data {
                return Err(Error::Truncated {
                    path: self.path.to_path_buf(),
                    reason: format!(
                        "HDU {}{} claims {data} bytes of data ({} rows of {} bytes) but the \
                         file holds {got}",
                        hdus.len(),
                        name_of(&hdu),
                        hdu.rows,
                        hdu.row_bytes
                    ),
                });
            }
            hdus.push(hdu);
        }
        Ok(Layout { hdus })
    }

    /// Reads one header's cards; `None` at a clean end of file (or trailing bytes that are no
    /// header, which cfitsio ignores too, within [`SLACK`]).
    fn header(&mut self, first: bool) -> Result<Option<Vec<Card>>, Error> {
        let mut cards = Vec::new();
        let mut block = vec![0u8; BLOCK as usize];
        for k in 0..MAX_HEADER_BLOCKS {
            let n = self.fill(&mut block)?;
            if n == 0 && k == 0 && !first {
                return Ok(None);
            }
            if n < BLOCK as usize {
                if k == 0 && !first && block[..n].iter().all(|&b| b == 0 || b == b' ') {
                    return Ok(None);
                }
                return Err(Error::Truncated {
                    path: self.path.to_path_buf(),
                    reason: format!("the file ends inside a header, at byte {}", self.pos),
                });
            }
            if k == 0 && !first && !block.starts_with(b"XTENSION=") {
                // Not a header: trailing bytes. Allow a little, refuse a bomb.
                return self.trailing().map(|()| None);
            }
            for card in block.chunks(80) {
                let card = Card::parse(card);
                if card.key == "END" {
                    return Ok(Some(cards));
                }
                cards.push(card);
            }
        }
        Err(Error::Header {
            path: self.path.to_path_buf(),
            key: "END".to_owned(),
            reason: format!("missing: a header longer than {MAX_HEADER_BLOCKS} blocks"),
        })
    }

    /// Consumes what follows the last HDU, refusing more than [`SLACK`] bytes.
    fn trailing(&mut self) -> Result<(), Error> {
        let extra = self.skip(SLACK)?;
        let mut byte = [0u8; 1];
        if extra == SLACK && self.fill(&mut byte)? == 1 {
            let what = if matches!(self.source, Source::Gzip(_)) {
                "inflates to more"
            } else {
                "holds more"
            };
            return Err(Error::TooLarge {
                path: self.path.to_path_buf(),
                reason: format!(
                    "the file {what} than its headers describe (over {} bytes after the last HDU)",
                    SLACK
                ),
            });
        }
        Ok(())
    }

    fn describe(&self, cards: &[Card], first: bool, index: usize) -> Result<Hdu, Error> {
        let xtension = find(cards, "XTENSION").map(|c| c.string());
        if first && cards.first().map(|c| c.key.as_str()) != Some("SIMPLE") {
            return Err(Error::NotFits {
                path: self.path.to_path_buf(),
                reason: "the first card is not SIMPLE".to_owned(),
            });
        }
        let bintable = xtension.as_deref().map(str::trim) == Some("BINTABLE");
        let extname = find(cards, "EXTNAME")
            .map(|c| c.string())
            .unwrap_or_default();
        let mut hdu = Hdu {
            extname,
            bintable,
            rows: 0,
            row_bytes: 0,
        };
        if bintable {
            let naxis1 = int(cards, "NAXIS1").map_err(|r| self.key_err("NAXIS1", index, r))?;
            let naxis2 = int(cards, "NAXIS2").map_err(|r| self.key_err("NAXIS2", index, r))?;
            hdu.row_bytes = naxis1;
            hdu.rows = naxis2;
            let tfields = int(cards, "TFIELDS").map_err(|r| self.key_err("TFIELDS", index, r))?;
            if tfields > 999 {
                return Err(self.key_err(
                    "TFIELDS",
                    index,
                    format!("{tfields} columns (FITS allows at most 999)"),
                ));
            }
            let mut width: u64 = 0;
            for n in 1..=tfields {
                let key = format!("TFORM{n}");
                let Some(card) = find(cards, &key) else {
                    return Err(self.key_err(
                        "TFIELDS",
                        index,
                        format!("TFIELDS = {tfields} but there is no {key}"),
                    ));
                };
                let tform = card.string();
                let bytes = tform_bytes(&tform)
                    .ok_or_else(|| self.key_err(&key, index, format!("{tform:?} is no TFORM")))?;
                width = width.saturating_add(bytes);
            }
            if width != naxis1 {
                return Err(self.key_err(
                    "NAXIS1",
                    index,
                    format!("{naxis1} bytes per row, but the TFORMn columns take {width}"),
                ));
            }
        }
        Ok(hdu)
    }

    fn key_err(&self, key: &str, index: usize, reason: String) -> Error {
        Error::Header {
            path: self.path.to_path_buf(),
            key: key.to_owned(),
            reason: format!("{reason} (HDU {index})"),
        }
    }

    /// Reads until `buf` is full or the stream ends; the bytes read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut n = 0;
        while n < buf.len() {
            let (read, gzipped) = match &mut self.source {
                Source::Plain(r, _) => (r.read(&mut buf[n..]), false),
                Source::Gzip(r) => (r.read(&mut buf[n..]), true),
            };
            match read {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if gzipped => {
                    return Err(Error::CorruptGzip {
                        path: self.path.to_path_buf(),
                        reason: e.to_string(),
                    })
                }
                Err(e) => return Err(Error::from_io(self.path, e)),
            }
        }
        self.pos += n as u64;
        Ok(n)
    }

    /// Skips up to `n` bytes; the bytes skipped (fewer at the end of the stream).
    fn skip(&mut self, n: u64) -> Result<u64, Error> {
        if let Source::Plain(r, len) = &mut self.source {
            let k = n.min(len.saturating_sub(self.pos));
            r.seek_relative(k as i64)
                .map_err(|e| Error::from_io(self.path, e))?;
            self.pos += k;
            return Ok(k);
        }
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = n;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let got = self.fill(&mut buf[..want])?;
            left -= got as u64;
            if got < want {
                break;
            }
        }
        Ok(n - left)
    }
}

fn name_of(hdu: &Hdu) -> String {
    if hdu.extname.is_empty() {
        String::new()
    } else {
        format!(" ({})", hdu.extname.trim())
    }
}

/// One 80-byte header card: keyword and raw value text.
#[derive(Debug, Clone)]
struct Card {
    key: String,
    value: Option<String>,
}

impl Card {
    fn parse(raw: &[u8]) -> Card {
        let text: String = raw.iter().map(|&b| b as char).collect();
        let key = text.get(..8).unwrap_or(&text).trim_end().to_owned();
        let value = (text.get(8..10) == Some("= ")).then(|| text[10..].to_owned());
        Card { key, value }
    }

    /// A string value (`'BINTABLE'`), or the raw text without its comment.
    fn string(&self) -> String {
        let v = self.value.as_deref().unwrap_or("").trim_start();
        if let Some(rest) = v.strip_prefix('\'') {
            // '' is an escaped quote inside a FITS string.
            let mut out = String::new();
            let mut chars = rest.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        out.push('\'');
                        continue;
                    }
                    break;
                }
                out.push(c);
            }
            out.trim_end().to_owned()
        } else {
            v.split('/').next().unwrap_or("").trim().to_owned()
        }
    }
}

fn find<'a>(cards: &'a [Card], key: &str) -> Option<&'a Card> {
    cards.iter().find(|c| c.key == key)
}

/// A non-negative integer keyword.
fn int(cards: &[Card], key: &str) -> Result<u64, String> {
    let card = find(cards, key).ok_or_else(|| "missing".to_owned())?;
    let text = card.string();
    let v: i128 = text
        .parse()
        .map_err(|_| format!("{text:?} is not an integer"))?;
    u64::try_from(v).map_err(|_| format!("{v} is negative"))
}

/// Data bytes of an HDU: `|BITPIX| / 8 × GCOUNT × (PCOUNT + NAXIS1 × ... × NAXISn)`; on
/// error, the keyword at fault and why.
fn data_bytes(cards: &[Card], first: bool) -> Result<u64, (&'static str, String)> {
    const AXES: [&str; 10] = [
        "NAXIS1", "NAXIS2", "NAXIS3", "NAXIS4", "NAXIS5", "NAXIS6", "NAXIS7", "NAXIS8", "NAXIS9",
        "NAXIS10",
    ];
    let bitpix = find(cards, "BITPIX")
        .ok_or(("BITPIX", "missing".to_owned()))?
        .string();
    let bitpix: i64 = match bitpix.parse() {
        Ok(b) if [8, 16, 32, 64, -32, -64].contains(&b) => b,
        _ => return Err(("BITPIX", format!("{bitpix:?} is not a FITS value"))),
    };
    let naxis = int(cards, "NAXIS").map_err(|r| ("NAXIS", r))?;
    if naxis as usize > AXES.len() {
        return Err(("NAXIS", format!("{naxis} axes (this reader allows 10)")));
    }
    let mut n: u64 = u64::from(naxis > 0);
    for key in &AXES[..naxis as usize] {
        let v = int(cards, key).map_err(|r| (*key, r))?;
        // Saturating: an overflowing claim is refused as too large below.
        n = n.saturating_mul(v);
    }
    let (pcount, gcount) = if first {
        (0, 1)
    } else {
        let optional = |key: &'static str, default: u64| match find(cards, key) {
            Some(_) => int(cards, key).map_err(|r| (key, r)),
            None => Ok(default),
        };
        (optional("PCOUNT", 0)?, optional("GCOUNT", 1)?)
    };
    Ok(n.saturating_add(pcount)
        .saturating_mul(gcount)
        .saturating_mul(bitpix.unsigned_abs() / 8))
}

/// Bytes one binary-table column takes per row, from its `TFORM` (`rT`: repeat, type letter).
fn tform_bytes(tform: &str) -> Option<u64> {
    let t = tform.trim();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    let repeat: u64 = if digits == 0 {
        1
    } else {
        t[..digits].parse().ok()?
    };
    let letter = t[digits..].chars().next()?.to_ascii_uppercase();
    let size = match letter {
        'L' | 'B' | 'A' => return repeat.checked_mul(1),
        'X' => return Some(repeat.div_ceil(8)),
        'I' => 2,
        'J' | 'E' => 4,
        'K' | 'D' | 'C' | 'P' => 8,
        'M' | 'Q' => 16,
        _ => return None,
    };
    repeat.checked_mul(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tform_widths() {
        assert_eq!(tform_bytes("D"), Some(8));
        assert_eq!(tform_bytes("1E"), Some(4));
        assert_eq!(tform_bytes("16A"), Some(16));
        assert_eq!(tform_bytes("0E"), Some(0));
        assert_eq!(tform_bytes("9X"), Some(2));
        assert_eq!(tform_bytes("Z"), None);
    }

    #[test]
    fn card_values() {
        let c = Card::parse(format!("{:<80}", "EXTNAME = 'LIGHT''CURVE ' / name").as_bytes());
        assert_eq!(c.key, "EXTNAME");
        assert_eq!(c.string(), "LIGHT'CURVE");
        let c = Card::parse(format!("{:<80}", "NAXIS2  =                 -5 / rows").as_bytes());
        assert_eq!(c.string(), "-5");
    }
}
