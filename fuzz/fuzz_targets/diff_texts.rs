//! Fuzz target: the story diff of two articles built from any two texts, and the word diff of the texts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storydiff::article::{Article, SourceLocation};
use storydiff::diff::{diff_story, words::word_diff};

fn article(id: &str, text: &str) -> Article {
    let mut article = Article::new(id.to_string(), SourceLocation { path: id.to_string(), record: None });
    article.outlet = Some(id.to_string());
    article.paragraphs = text.split("\n\n").map(str::to_string).collect();
    storydiff::normalize::normalize_article(&mut article);
    article
}

fuzz_target!(|pair: (&str, &str)| {
    let (lhs, rhs) = (article("lhs", pair.0), article("rhs", pair.1));
    let diff = diff_story(&[&lhs, &rhs]);
    assert_eq!(diff.articles.len(), 2);
    let segments = word_diff(pair.0, pair.1);
    let _ = storydiff::diff::words::word_choices(&segments);
});
