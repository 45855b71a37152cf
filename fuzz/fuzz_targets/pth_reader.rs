//! The PyTorch checkpoint reader of calnet-model on arbitrary bytes: a zip archive with a
//! pickle inside. Any input must give Ok or a typed error, and an accepted state_dict must
//! materialise without reading outside its storages.
//!
//!     LD_LIBRARY_PATH=$PWD/.venv/torch/lib cargo +nightly fuzz run pth_reader --features model
//!
//! A good seed corpus: `scripts/model_reference.py make DIR --variant other` (a 2 KB archive).
#![no_main]

use calnet_model::pth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = pth::read_state_dict(std::io::Cursor::new(data), "fuzz") {
        for t in &sd.tensors {
            let _ = sd.tensor(t);
        }
    }
});
