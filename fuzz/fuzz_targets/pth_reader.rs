//! The PyTorch checkpoint reader of calnet-model, the one both engines load through, on
//! arbitrary bytes: a zip archive with a pickle inside. Any input must give Ok or a typed error,
//! and an accepted state_dict must materialise without reading outside its storages; the
//! weights check must then accept or refuse it with a typed error.
//!
//!     cargo +nightly fuzz run pth_reader --features model
//!
//! A good seed corpus: `scripts/golden/model_reference.py make DIR --variant other` (a 2 KB
//! archive).
#![no_main]

use calnet_model::pth;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = pth::read_state_dict(std::io::Cursor::new(data), "fuzz") {
        let tensors: Vec<_> = sd.tensors.iter().map(|t| sd.tensor(t)).collect();
        let expected: Vec<(&str, Vec<usize>)> = calnet_model::STATE_DICT
            .iter()
            .map(|(k, s)| (*k, s.to_vec()))
            .collect();
        let _ = calnet_model::check_state_dict(&tensors, &expected, "fuzz");
    }
});
