//! A synthetic news corpus for scale tests and benchmarks: events reported by outlets, deterministic by seed.
//!
//! Words are made of syllables (no real text), drawn with Zipf-like frequencies. Each event has its own names
//! and facts; each outlet's report keeps most facts in its own words (a share of words swapped), adds sentences
//! of its own, and pads to a body of 300-900 words. A share of reports are wire copies of another report of the
//! same event with light edits. Dates spread over weeks.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Zipf};
use rayon::prelude::*;
use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    pub articles: usize,
    pub events: usize,
    pub outlets: usize,
    pub seed: u64,
}

/// Words in the vocabulary. 50,000 covers what a month of one national news crawl uses in ordinary words.
const VOCABULARY: usize = 50_000;
/// Zipf exponent of word frequencies; about 1 for English text.
const ZIPF_EXPONENT: f64 = 1.05;
/// Facts per event, and names per event.
const FACTS_PER_EVENT: std::ops::RangeInclusive<usize> = 6..=12;
const NAMES_PER_EVENT: std::ops::RangeInclusive<usize> = 4..=8;
/// Share of an event's facts an outlet reports, and of the ordinary words in a fact it words differently.
const FACTS_KEPT: f64 = 0.75;
const WORDS_SWAPPED: f64 = 0.3;
/// Share of reports that are wire copies of another outlet's report of the event.
const WIRE_COPY_SHARE: f64 = 0.15;
/// Body length in words.
const BODY_WORDS: std::ops::RangeInclusive<usize> = 300..=900;
/// Events start within this many days of the first day, and are reported up to 2 days after.
const SPAN_DAYS: i64 = 42;

const SYLLABLES: &[&str] = &[
    "ba", "be", "bi", "bo", "da", "de", "di", "do", "fa", "fe", "ga", "go", "ka", "ke", "ki", "ko", "la",
    "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa", "pe", "pi", "po", "ra",
    "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "za", "zo",
    "ar", "en", "il", "or", "un", "es", "al", "an", "in",
];

/// The i-th vocabulary word: syllables of i in base 60, so every word is distinct and pronounceable.
fn word(mut index: usize) -> String {
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[index % SYLLABLES.len()]);
        index /= SYLLABLES.len();
        if index == 0 {
            break;
        }
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

struct Event {
    names: Vec<String>,
    facts: Vec<Vec<String>>,
    day: i64,
}

/// Names in the pool per event: names are drawn uniformly from a pool that grows with the number of events, so
/// a name recurs in about 1.5 events at any corpus size. With a fixed pool (45,000 names until this was
/// measured), each name sat in 17 events at 1M articles against 1.7 at 100k, so the corpus got harder with its
/// size instead of only bigger: candidate pairs per article grew from 19 at 100k to 45 at 300k. Zipf-distributed
/// names (a few in thousands of events) were tried too; docs/PERFORMANCE.md has both measurements.
const NAME_POOL_PER_EVENT: usize = 4;

/// A Zipf sampler over the vocabulary (rank 1 is the most common word), and the size of the name pool.
struct Words {
    zipf: Zipf<f64>,
    name_pool: usize,
}

impl Words {
    fn new(events: usize) -> Self {
        Words {
            zipf: Zipf::new(VOCABULARY as f64, ZIPF_EXPONENT).expect("valid Zipf parameters"),
            name_pool: NAME_POOL_PER_EVENT * events.max(1),
        }
    }

    fn name(&self, rng: &mut ChaCha8Rng) -> String {
        capitalise(&word(VOCABULARY + rng.random_range(0..self.name_pool)))
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> String {
        word(self.zipf.sample(rng) as usize - 1)
    }

    fn sentence(&self, rng: &mut ChaCha8Rng, names: &[String], length: usize) -> Vec<String> {
        let mut words: Vec<String> = (0..length).map(|_| self.draw(rng)).collect();
        for name in names {
            let at = rng.random_range(0..=words.len());
            words.insert(at, name.clone());
        }
        words
    }
}

fn event(index: usize, config: &SynthConfig, words: &Words) -> Event {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ 0x9e37_79b9_7f4a_7c15 ^ index as u64);
    let names: Vec<String> = (0..rng.random_range(NAMES_PER_EVENT)).map(|_| words.name(&mut rng)).collect();
    let facts = (0..rng.random_range(FACTS_PER_EVENT))
        .map(|_| {
            let in_fact: Vec<String> = names.choose_multiple(&mut rng, 2).cloned().collect();
            let length = rng.random_range(12..24);
            words.sentence(&mut rng, &in_fact, length)
        })
        .collect();
    Event { names, facts, day: rng.random_range(0..SPAN_DAYS) }
}

fn render(sentences: &[Vec<String>]) -> String {
    let mut body = String::new();
    for (i, sentence) in sentences.iter().enumerate() {
        if i > 0 {
            body.push_str(if i % 4 == 0 { "\n\n" } else { " " });
        }
        body.push_str(&capitalise(&sentence.join(" ")));
        body.push('.');
    }
    body
}

/// One outlet's report of an event: the facts it keeps, reworded, then its own sentences to a target length.
fn report(event: &Event, rng: &mut ChaCha8Rng, words: &Words) -> Vec<Vec<String>> {
    let mut sentences: Vec<Vec<String>> = Vec::new();
    for fact in &event.facts {
        if !rng.random_bool(FACTS_KEPT) {
            continue;
        }
        let mut reworded = Vec::with_capacity(fact.len());
        for w in fact {
            if !event.names.contains(w) && rng.random_bool(WORDS_SWAPPED) {
                reworded.push(words.draw(rng));
            } else {
                reworded.push(w.clone());
            }
        }
        sentences.push(reworded);
    }
    if sentences.len() > 2 {
        let tail = rng.random_range(1..sentences.len());
        sentences[tail..].shuffle(rng);
    }
    let target = rng.random_range(BODY_WORDS);
    let mut length: usize = sentences.iter().map(Vec::len).sum();
    while length < target {
        let names: Vec<String> = event.names.choose(rng).cloned().into_iter().collect();
        let extra_length = rng.random_range(10..25);
        let extra = words.sentence(rng, &names, extra_length);
        length += extra.len();
        sentences.push(extra);
    }
    sentences
}

/// Writes the corpus as JSON Lines, one article per line, in id order; with `gold`, also `doc_id<TAB>event`.
pub fn write_corpus(
    config: &SynthConfig,
    out: &mut dyn Write,
    mut gold: Option<&mut dyn Write>,
) -> io::Result<()> {
    let words = Words::new(config.events.max(1));
    let events: Vec<Event> =
        (0..config.events.max(1)).into_par_iter().map(|i| event(i, config, &words)).collect();
    let first_day = chrono::NaiveDate::from_ymd_opt(2016, 10, 1).expect("valid date");
    const CHUNK: usize = 4096;
    for start in (0..config.articles).step_by(CHUNK) {
        let end = (start + CHUNK).min(config.articles);
        let lines: Vec<(String, String)> = (start..end)
            .into_par_iter()
            .map(|i| {
                let mut rng =
                    ChaCha8Rng::seed_from_u64(config.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ i as u64);
                let event_index = rng.random_range(0..events.len());
                let event = &events[event_index];
                let outlet = rng.random_range(0..config.outlets.max(1));
                let sentences = if rng.random_bool(WIRE_COPY_SHARE) {
                    // A wire copy: the agency's report of the event (seeded by the event), lightly edited.
                    let mut wire_rng =
                        ChaCha8Rng::seed_from_u64(config.seed ^ 0x5851_f42d ^ event_index as u64);
                    let mut copy = report(event, &mut wire_rng, &words);
                    if let Some(last) = copy.last_mut() {
                        last.push(words.draw(&mut rng));
                    }
                    copy
                } else {
                    report(event, &mut rng, &words)
                };
                let day = first_day + chrono::Duration::days(event.day + rng.random_range(0..=2));
                let title = capitalise(&event.facts[0].iter().take(8).cloned().collect::<Vec<_>>().join(" "));
                let id = format!("a{i:07}");
                let record = serde_json::json!({
                    "id": id,
                    "url": format!("https://outlet{outlet}.example/{}/{id}", day.format("%Y/%m/%d")),
                    "outlet": format!("outlet{outlet}.example"),
                    "title": title,
                    "date": day.to_string(),
                    "body": render(&sentences),
                });
                (record.to_string(), format!("{id}\te{event_index}"))
            })
            .collect();
        for (line, gold_line) in lines {
            writeln!(out, "{line}")?;
            if let Some(g) = gold.as_mut() {
                writeln!(g, "{gold_line}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(seed: u64) -> String {
        let mut out = Vec::new();
        write_corpus(&SynthConfig { articles: 40, events: 5, outlets: 4, seed }, &mut out, None).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn same_seed_same_corpus_and_bodies_have_the_stated_length() {
        let corpus = generate(7);
        assert_eq!(corpus, generate(7));
        assert_ne!(corpus, generate(8));
        for line in corpus.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let words = record["body"].as_str().unwrap().split_whitespace().count();
            assert!((300..=960).contains(&words), "{words} words");
        }
        assert_eq!(corpus.lines().count(), 40);
    }

    #[test]
    fn vocabulary_words_are_distinct() {
        let words: std::collections::HashSet<String> = (0..5000).map(word).collect();
        assert_eq!(words.len(), 5000);
    }
}
