//! Fuzz target: any bytes read as a seed-layout or plain-text article file, then normalised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storydiff::ingest::{read_bytes, FieldMap};

fuzz_target!(|data: &[u8]| {
    // Half the inputs get a URL line, so the fuzzer spends its time past `looks_like_seed` as well.
    let mut bytes = Vec::with_capacity(data.len() + 64);
    if data.first().is_some_and(|b| b % 2 == 0) {
        bytes.extend_from_slice(b"https://www.example.com/2016/10/11/story\n");
        bytes.extend_from_slice(&data[1..]);
    } else {
        bytes.extend_from_slice(data);
    }
    let mut read = read_bytes("seed/article.txt", &bytes, Some("seed"), &FieldMap::default());
    for article in &mut read.articles {
        storydiff::normalize::normalize_article(article);
        assert!(!article.doc_id.is_empty());
    }
    assert!(read.articles.len() + read.rejected.len() <= 1);
});
