//! Issue 3: the sentence splitter measured on the team's news fixture (tests/fixtures/sentences.txt).

use storydiff::diff::sentences::{split_body, split_dateline};
use unicode_segmentation::UnicodeSegmentation;

/// Paragraphs of the fixture, each as its gold sentences.
fn fixture() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sentences.txt"))
        .unwrap();
    let mut paragraphs = vec![Vec::new()];
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if line.trim().is_empty() {
            paragraphs.push(Vec::new());
        } else {
            paragraphs.last_mut().unwrap().push(line.trim().to_string());
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs
}

/// Gold sentences without their datelines (the splitter keeps datelines apart).
fn gold_without_datelines(paragraph: &[String]) -> Vec<String> {
    let mut gold = paragraph.to_vec();
    let (_, rest) = split_dateline(&gold[0]);
    gold[0] = rest.to_string();
    gold
}

/// (correct sentences, predicted, gold) summed over the fixture.
fn score(split: impl Fn(&str) -> Vec<String>) -> (usize, usize, usize) {
    let mut totals = (0, 0, 0);
    for paragraph in fixture() {
        let gold = gold_without_datelines(&paragraph);
        let predicted = split(&gold.join(" "));
        totals.0 += predicted.iter().filter(|s| gold.contains(s)).count();
        totals.1 += predicted.len();
        totals.2 += gold.len();
    }
    totals
}

#[test]
fn issue_3_sentence_splitter_on_the_news_fixture() {
    let storydiff = score(|p| split_body(&[p.to_string()]).sentences.into_iter().map(|s| s.text).collect());
    let uax29 = score(|p| p.unicode_sentences().map(|s| s.trim().to_string()).collect());
    eprintln!("storydiff: {storydiff:?}; UAX #29 baseline: {uax29:?} (correct, predicted, gold)");
    assert_eq!(storydiff.2, 30);
    assert_eq!(storydiff.0, storydiff.2, "every gold sentence found exactly");
    assert_eq!(storydiff.1, storydiff.2, "no extra splits");
    assert!(uax29.0 < storydiff.0, "the plain Unicode rules do worse: {uax29:?}");
}

#[test]
fn issue_3_datelines_of_the_fixture_are_kept_apart() {
    let datelines: Vec<String> =
        fixture().iter().filter_map(|p| split_dateline(&p[0]).0.map(str::to_string)).collect();
    assert_eq!(datelines, vec!["MOSCOW, Oct 11 (Reuters) -", "WASHINGTON -", "LONDON (AP) -"]);
}
