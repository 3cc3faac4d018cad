//! Fuzz target: the same-fact score of any two sentences is a number in [0, 1], and symmetric.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storydiff::diff::same_fact::{same_fact_score, Idf};
use storydiff::diff::tokens::words;

fuzz_target!(|pair: (&str, &str)| {
    let (lhs, rhs) = (words(pair.0), words(pair.1));
    let idf = Idf::from_sentences([lhs.as_slice(), rhs.as_slice()]);
    let score = same_fact_score(&lhs, &rhs, &idf);
    assert!((0.0..=1.0).contains(&score), "score {score}");
    let back = same_fact_score(&rhs, &lhs, &idf);
    assert!((score - back).abs() < 1e-9, "{score} vs {back}");
});
