//! How common a word is in its language in general (wordfreq's Zipf scale), for weighing everyday words down.
//!
//! `word_frequencies.tsv` is built by `scripts/build_word_frequencies.py` from the PyPI package `wordfreq==3.1.1`
//! (data CC BY-SA 4.0, see `WORDFREQ-LICENSE`): per language, the words of Zipf 4.5 or more (one in 30,000 words
//! of general text), about 3,000 each. A language's list is parsed the first time one of its words is asked for.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

const TABLE: &str = include_str!("word_frequencies.tsv");

/// One language's words and their Zipf values.
type WordList = HashMap<&'static str, f32>;

/// Per language code: its line of the table, and the parsed list once asked for.
static LANGUAGES: LazyLock<HashMap<&'static str, (&'static str, OnceLock<WordList>)>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(code, words)| (code, (words, OnceLock::new())))
        .collect()
});

/// The Zipf frequency of a lowercase word in a language (ISO 639-1 code as `features::language` gives it):
/// log10 of its occurrences per billion words. `None` for words rarer than the table keeps (below 4.5) and for
/// languages it has no list for.
pub fn zipf(language: &str, lowercase: &str) -> Option<f32> {
    listed(language)?.get(lowercase).copied()
}

/// The words a language's list holds (Zipf 4.5 or more), in no particular order; none for a language without one.
pub fn common_words(language: &str) -> impl Iterator<Item = &'static str> {
    listed(language).into_iter().flat_map(|words| words.keys().copied())
}

fn listed(language: &str) -> Option<&'static WordList> {
    let (line, parsed) = LANGUAGES.get(language)?;
    Some(parsed.get_or_init(|| {
        let mut fields = line.split(' ');
        let mut words = HashMap::new();
        while let (Some(word), Some(value)) = (fields.next(), fields.next()) {
            if let Ok(value) = value.parse::<f32>() {
                words.entry(word).or_insert(value);
            }
        }
        words
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_words_are_common_in_their_own_language_only() {
        assert!(zipf("fi", "myös").unwrap() > 6.0);
        assert!(zipf("pl", "także").unwrap() > 5.5);
        assert!(zipf("pt", "também").unwrap() > 6.0);
        assert!(zipf("en", "the").unwrap() > 7.0);
        assert_eq!(zipf("en", "myös"), None);
        assert_eq!(zipf("en", "kleptocracy"), None, "rare words are not listed");
        assert_eq!(zipf("xx", "the"), None, "no list for the language");
    }
}
