//! Fuzz target: any bytes read as a JSON Lines file; every non-blank line becomes an article or a rejection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storydiff::ingest::{read_bytes, FieldMap};

fuzz_target!(|data: &[u8]| {
    let mut read = read_bytes("records.jsonl", data, None, &FieldMap::default());
    for article in &mut read.articles {
        storydiff::normalize::normalize_article(article);
    }
    // Pages starting with `<` may be transcoded from a declared charset first; the line count holds for the rest.
    if !data.contains(&0) && !data.starts_with(b"<") {
        if let Ok(text) = std::str::from_utf8(data) {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
            let accounted = read.articles.len() + read.rejected.len();
            assert!(
                accounted == lines || (lines == 0 && accounted == 1),
                "{lines} lines, {accounted} accounted"
            );
        }
    }
});
