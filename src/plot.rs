//! Plotting shared by every picture the tool draws (periodograms, vetting sheets, and the
//! training curves of `calnet-train`'s `plots` feature): one embedded font, so text renders the
//! same on any machine without system fonts, and one error type.
//!
//! ```no_run
//! use calnet::plot::{self, plotters::prelude::*};
//!
//! plot::register_fonts();
//! let root = BitMapBackend::new("chart.png", (640, 480)).into_drawing_area();
//! root.fill(&WHITE).unwrap();
//! root.titled("A title", (plot::FONT, 20)).unwrap();
//! root.present().unwrap();
//! ```

use std::error::Error;
use std::path::Path;
use std::sync::Once;

use plotters::drawing::DrawingAreaErrorKind;

pub use plotters;

pub mod periodogram;
pub mod sheet;

/// Why a picture could not be drawn: its path and the reason in words.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot draw: {reason}")]
pub struct PlotError {
    /// The picture's path.
    pub path: String,
    /// What went wrong, in words (never plotters' Debug form).
    pub reason: String,
}

impl PlotError {
    /// The error for the picture at `path` that could not be drawn because of `reason` (an
    /// I/O error, plotters' error on a bitmap, or a message); see [`reason`].
    pub fn new(path: &Path, reason: impl Into<Box<dyn Error>>) -> Self {
        PlotError {
            path: path.display().to_string(),
            reason: self::reason(reason.into().as_ref()),
        }
    }
}

/// plotters' error on a bitmap in words. Its `Display` shows the backend's error in Debug
/// form: a full disk read `backend error: Drawing backend error:
/// ImageError(IoError(Os { code: 28, ... }))`, an unknown extension `ImageError(Unsupported(
/// UnsupportedError { ... }))`. Any other error is its `Display`.
pub fn reason(e: &(dyn Error + 'static)) -> String {
    use plotters_backend::DrawingErrorKind::{DrawingError, FontError};
    use plotters_bitmap::BitMapBackendError as B;
    let Some(e) = e.downcast_ref::<DrawingAreaErrorKind<B>>() else {
        return e.to_string();
    };
    match e {
        DrawingAreaErrorKind::BackendError(DrawingError(B::ImageError(e))) => e.to_string(),
        DrawingAreaErrorKind::BackendError(DrawingError(B::IOError(e))) => e.to_string(),
        DrawingAreaErrorKind::BackendError(DrawingError(B::InvalidBuffer)) => {
            "the pixel buffer does not match the picture's size".to_string()
        }
        DrawingAreaErrorKind::BackendError(FontError(e)) => format!("font: {e}"),
        other => other.to_string(),
    }
}

/// The family name under which the embedded font is registered; use it in every text style.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font with plotters under [`FONT`]. Idempotent and cheap after the
/// first call; every drawing function of this crate calls it.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a fixed, valid TTF compiled into the binary: failing here is a build defect.
        if plotters::style::register_font(FONT, plotters::style::FontStyle::Normal, DEJAVU_SANS)
            .is_err()
        {
            unreachable!("embedded DejaVu Sans must parse");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn text_renders_with_the_embedded_font() {
        register_fonts();
        let (w, h) = (200u32, 60u32);
        let mut buf = vec![0u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            root.draw_text(
                "TIC 98853987",
                &(FONT, 24).into_font().color(&BLACK),
                (5, 5),
            )
            .unwrap();
            root.present().unwrap();
        }
        // Glyphs drawn in black on white: a missing font would leave every pixel white.
        let dark = buf.chunks(3).filter(|p| p[0] < 128).count();
        assert!(dark > 100, "only {dark} dark pixels: text was not rendered");
    }
}
