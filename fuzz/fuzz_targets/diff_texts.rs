//! Fuzz target: the story diff of two articles built from any two texts, and the word diff of the texts.
//! The input is the two texts separated by the first U+001E (record separator), so seeds are readable files.
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

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (lhs_text, rhs_text) = text.split_once('\u{1e}').unwrap_or((&text, ""));
    let (lhs, rhs) = (article("lhs", lhs_text), article("rhs", rhs_text));
    let diff = diff_story(&[&lhs, &rhs]);
    assert_eq!(diff.articles.len(), 2);
    let segments = word_diff(lhs_text, rhs_text);
    let _ = storydiff::diff::words::word_choices(&segments);
});
