//! Fuzz target: the sentence splitter on any text; sentences are non-empty and come from the paragraph.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storydiff::diff::sentences::{paragraph_sentences, split_body};

fuzz_target!(|text: &str| {
    for sentence in paragraph_sentences(text) {
        assert!(!sentence.trim().is_empty(), "empty sentence from {text:?}");
    }
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    let _ = split_body(&paragraphs);
});
