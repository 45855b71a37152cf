//! Any bytes as a run folder's `journal.jsonl`: the reader that resume and merge trust must
//! return `Ok` or `Err`, never panic (a torn line from two runs into one folder once made every
//! rerun refuse the folder).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
        .path()
}

fuzz_target!(|data: &[u8]| {
    let path = scratch().join(calnet::pipeline::journal::JOURNAL);
    std::fs::write(&path, data).expect("scratch write");
    if let Ok((_, records, good_len)) = calnet::pipeline::journal::read(&path) {
        // What the reader keeps is a prefix of the file, ending at a line's end.
        assert!(good_len as usize <= data.len());
        assert!(good_len == 0 || data[good_len as usize - 1] == b'\n');
        let _ = records.len();
    }
});
