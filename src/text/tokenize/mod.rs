//! Words to terms: stop words out, stems in, numbers and capitalised name pairs kept as their own terms.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;
use unicode_segmentation::UnicodeSegmentation;

use super::language::{segmented_words, Profile, WordSet};
use super::names::{is_rare_word, Naming};

static FUNCTION_WORDS: LazyLock<WordSet> = LazyLock::new(|| stop_words::get("en").iter().copied().collect());

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The words of a text as its language splits them: at Unicode word boundaries, or by the dictionary segmenter
/// for languages written without spaces.
fn profile_words<'a>(text: &'a str, profile: &Profile) -> impl Iterator<Item = &'a str> {
    let segmented = if profile.segmented { segmented_words(text) } else { Vec::new() };
    let spaced = (!profile.segmented).then(|| words(text)).into_iter().flatten();
    segmented.into_iter().chain(spaced)
}

/// Mixed into a word's hash in the per-thread word table so the same spelling in two languages (`die` in
/// English and German) keeps apart; 0 for English and unknown text, whose keys are the plain word hashes.
fn language_salt(profile: &Profile) -> u64 {
    u64::from(profile.id).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// What a term stands for; names and numbers are told apart so explanations can show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    Word,
    Number,
    Name,
}

/// One term of the event view with its position among the article's words (0 for the title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub kind: TermKind,
    /// The words as written, for showing the term to a reader (`Hollande` rather than `holland`).
    pub surface: String,
    /// The word opens a sentence, where a capital says nothing about names.
    pub opens_sentence: bool,
}

/// Snowball English stem of a lowercase word.
pub fn stem(lowercase: &str) -> String {
    cached_stem(lowercase)
}

/// Words this long or shorter are remembered per thread; word frequencies are Zipf-like, so a small table answers
/// most lookups. Stemming was an eighth of the clustering time before (perf, 10k synthetic articles).
const STEM_CACHE_MAX_WORD: usize = 24;
const STEM_CACHE_ENTRIES: usize = 200_000;
/// Entries of the per-thread word table, 16 bytes each: 1M is 32 MB a thread at most, and holds the vocabulary
/// of a million synthetic articles (50,000 words and 500,000 names).
const WORD_TABLE_ENTRIES: usize = 1_000_000;

thread_local! {
    static STEM_CACHE: std::cell::RefCell<std::collections::HashMap<String, String, xxhash_rust::xxh3::Xxh3DefaultBuilder>> =
        std::cell::RefCell::new(std::collections::HashMap::default());
}

/// [`stem`] without the per-thread cache, for one-off tables (the lexicon's 68,000 lemmas would only crowd it).
pub fn stem_uncached(lowercase: &str) -> String {
    STEMMER.stem(lowercase).into_owned()
}

fn cached_stem(lowercase: &str) -> String {
    if lowercase.len() > STEM_CACHE_MAX_WORD {
        return STEMMER.stem(lowercase).into_owned();
    }
    STEM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(stem) = cache.get(lowercase) {
            return stem.clone();
        }
        let stem = STEMMER.stem(lowercase).into_owned();
        if cache.len() >= STEM_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(lowercase.to_string(), stem.clone());
        stem
    })
}

/// NLTK's English stop words only: grammar words that carry no fact (unlike "said" or "two", which do in a
/// sentence even though they say nothing about which event an article reports).
pub fn is_function_word(lowercase: &str) -> bool {
    FUNCTION_WORDS.contains(lowercase)
}

/// An English stop word (NLTK's list and newsroom filler).
pub fn is_stop_word(lowercase: &str) -> bool {
    super::language::profile(None).stop_words.contains(lowercase)
}

/// The words of a text in order (Unicode word boundaries), apostrophe-s endings dropped.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.unicode_words().map(|w| w.strip_suffix("'s").unwrap_or(w))
}

/// Terms of a text: stemmed content words, numbers (`#12`, separators removed), and pairs of adjacent
/// capitalised words (`vladimir putin`) that name people, places and bodies more precisely than single words.
/// Each word-level term comes with the index of the word it was read from and its [`everyday_weight`].
/// Returns the number of words read, so callers need not split the text a second time.
pub fn terms(text: &str, profile: &Profile, mut emit: impl FnMut(Term, usize, f32)) -> usize {
    scan(
        text,
        profile,
        |lower, _| word_weight(profile, lower).map(|everyday| ((), everyday)),
        |_| {},
        |found, index| match found {
            Found::Number { text, word } => emit(
                Term {
                    text: text.to_string(),
                    kind: TermKind::Number,
                    surface: word.to_string(),
                    opens_sentence: false,
                },
                index,
                1.0,
            ),
            Found::Name { text, previous, word } => emit(
                Term {
                    text: text.to_string(),
                    kind: TermKind::Name,
                    surface: format!("{previous} {word}"),
                    opens_sentence: false,
                },
                index,
                1.0,
            ),
            Found::Word { lower, word, everyday, opens_sentence, .. } => {
                let stem =
                    if profile.id == 0 { cached_stem(lower) } else { profile.stem(lower).into_owned() };
                let term =
                    Term { text: stem, kind: TermKind::Word, surface: word.to_string(), opens_sentence };
                emit(term, index, everyday)
            }
        },
    )
}

/// A word's [`everyday_weight`], or `None` for a word that is no term: a stop word, a single letter, or a word
/// so common in its language that it weighs nothing.
fn word_weight(profile: &Profile, lowercase: &str) -> Option<f32> {
    if profile.stop_words.contains(lowercase) || lowercase.chars().count() < 2 {
        return None;
    }
    Some(everyday_weight(profile, lowercase)).filter(|&everyday| everyday != 0.0)
}

/// What the tokenizer found at one word.
enum Found<'w, W> {
    /// A word with a digit: `text` is `#` and its characters without thousands separators.
    Number { text: &'w str, word: &'w str },
    /// Two adjacent capitalised words: `text` is both lowercased, space-separated.
    Name { text: &'w str, previous: &'w str, word: &'w str },
    /// A content word, with what the caller's classifier made of it, and whether it opens a sentence.
    Word { lower: &'w str, word: &'w str, class: W, everyday: f32, opens_sentence: bool },
}

/// The one tokenizer: reads a text's words (see [`profile_words`]), lowercases each (character by character,
/// so that a final capital sigma folds like any other), hands `each_word` the xxh3 hash of every lowercased word,
/// and reports numbers, name pairs and the content words `classify` accepts (it returns the caller's view of the
/// word and its weight, or `None` to skip it; the name pair is reported before the second word). Returns the
/// number of words read.
fn scan<W>(
    text: &str,
    profile: &Profile,
    mut classify: impl FnMut(&str, u64) -> Option<(W, f32)>,
    mut each_word: impl FnMut(u64),
    mut found: impl FnMut(Found<'_, W>, usize),
) -> usize {
    let mut lower = String::new();
    let mut previous_lower = String::new();
    let mut previous: Option<&str> = None;
    let mut scratch = String::new();
    let mut count = 0;
    // Where the last word ended, and whether it was a short capitalised word ("Lt", "Mr", "Gov", an initial),
    // whose full stop does not end a sentence.
    let (mut previous_end, mut previous_abbreviation) = (0, false);
    for (index, word) in profile_words(text, profile).enumerate() {
        count = index + 1;
        // Every word is a slice of `text`, so its offset is where it starts.
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let opens_sentence = index == 0
            || (!previous_abbreviation
                && text.get(previous_end..start).is_some_and(|gap| gap.contains(['.', '!', '?', '\n'])));
        previous_end = start + word.len();
        previous_abbreviation =
            word.chars().count() <= 3 && word.chars().next().is_some_and(char::is_uppercase);
        lowercase_into(word, &mut lower);
        let lower_hash = xxhash_rust::xxh3::xxh3_64(lower.as_bytes());
        each_word(lower_hash);
        if word.bytes().any(|b| b.is_ascii_digit()) {
            previous = None;
            scratch.clear();
            scratch.push('#');
            scratch.extend(word.chars().filter(|c| *c != ','));
            found(Found::Number { text: &scratch, word }, index);
            continue;
        }
        let Some((class, everyday)) = classify(&lower, lower_hash) else {
            previous = None;
            continue;
        };
        if word.chars().next().is_some_and(char::is_uppercase) {
            if let Some(previous_word) = previous {
                scratch.clear();
                scratch.push_str(&previous_lower);
                scratch.push(' ');
                scratch.push_str(&lower);
                found(Found::Name { text: &scratch, previous: previous_word, word }, index);
            }
            previous_lower.clone_from(&lower);
            previous = Some(word);
        } else {
            previous = None;
        }
        found(Found::Word { lower: &lower, word, class, everyday, opens_sentence }, index);
    }
    count
}

/// What the per-thread word table remembers of a lowercase word: nothing to emit (a stop word or a single
/// letter), or the hash of its stem's term.
const SKIP_WORD: u64 = 0;

/// What the per-thread word table keeps per lowercase word (16 bytes, as the pair it replaced).
#[derive(Clone, Copy)]
struct WordEntry {
    /// The stem's term hash, or [`SKIP_WORD`].
    term: u64,
    /// Its [`everyday_weight`].
    everyday: f32,
    /// Rarer than the general frequency table lists ([`is_rare_word`]): written capitalised, it names someone
    /// or something.
    rare: bool,
}

thread_local! {
    /// Lowercase-word hash -> stem term hash (or [`SKIP_WORD`]). Keyed by hash so a hit allocates and compares
    /// nothing: on 100k synthetic articles the string-keyed stem cache, its allocations and the per-word
    /// `String`s were most of the feature stage (docs/PERFORMANCE.md).
    static WORD_TABLE: std::cell::RefCell<WordTable> = std::cell::RefCell::new(WordTable::default());
}

type WordTable = std::collections::HashMap<
    u64,
    WordEntry,
    std::hash::BuildHasherDefault<crate::text::hash::HashKeyHasher>,
>;

/// General Zipf frequency (`lexicon::frequency`) from which a word weighs less than its occurrences, and at
/// which it weighs nothing: everyday words of a language never carry a story, however rare a small corpus
/// makes them look (issue 14: a Finnish report and a Finnish column joined on "prosenttia", "myös", "miten").
/// Set, not tuned (the labelled corpora are English, which keeps its weights): from Zipf 5.0, one word in
/// 100,000, a word is in every few articles of its language; at 6.5, one in 3,000, are the grammar words and
/// adverbs ("myös" 6.65, "także" 5.99, "também" 6.31). Effect measured in docs/EVALUATION.md ("Everyday words").
const EVERYDAY_ZIPF_FROM: f32 = 5.0;
const EVERYDAY_ZIPF_TO: f32 = 6.5;

/// The share of its weight a word keeps for being common in its language in general: 1 below
/// [`EVERYDAY_ZIPF_FROM`], falling linearly to 0 at [`EVERYDAY_ZIPF_TO`]. English (and text of unknown language,
/// read as English) keeps every weight: it has the newsroom stop words, and weighing its everyday words down
/// changed no labelled corpus by more than 0.002 B-cubed F1 but lifted the bundled corpus's physics and
/// medicine Nobel reports (0.212 -> 0.227) over the threshold of the time (0.22) into one story (measured before
/// terms found in one article counted in the norm; docs/EVALUATION.md).
pub fn everyday_weight(profile: &Profile, lowercase: &str) -> f32 {
    if profile.id == 0 {
        return 1.0;
    }
    match crate::text::lexicon::frequency::zipf(profile.code, lowercase) {
        Some(zipf) => ((EVERYDAY_ZIPF_TO - zipf) / (EVERYDAY_ZIPF_TO - EVERYDAY_ZIPF_FROM)).clamp(0.0, 1.0),
        None => 1.0,
    }
}

/// What the table knows of a lowercase word that is not a number: its stem's term hash (or [`SKIP_WORD`]), its
/// [`everyday_weight`] and whether it is rare.
fn word_entry(table: &mut WordTable, profile: &Profile, lowercase: &str, lowercase_hash: u64) -> WordEntry {
    let key = lowercase_hash ^ language_salt(profile);
    if let Some(&entry) = table.get(&key) {
        return entry;
    }
    let entry = match word_weight(profile, lowercase) {
        None => WordEntry { term: SKIP_WORD, everyday: 0.0, rare: false },
        Some(everyday) => WordEntry {
            term: crate::text::hash::term_hash(&profile.stem(lowercase)),
            everyday,
            rare: is_rare_word(profile, lowercase),
        },
    };
    // Once full, the table keeps what it has: with Zipf-like frequencies the words met first are mostly the
    // frequent ones. Clearing it instead made it start over again and again on 300k+ synthetic articles, whose
    // name pool alone outgrows it (word_term_hash was 12% of the run, perf).
    if table.len() < WORD_TABLE_ENTRIES {
        table.insert(key, entry);
    }
    entry
}

/// Lowercases `word` into `out` (bytewise when it is ASCII, which most news words are).
pub(super) fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The same terms as [`terms`], as `term_hash(&term.text)` values, without building a string per word: the
/// clustering path needs only the hashes. `emit` gets each term's hash, word index, weight and [`Naming`].
/// `each_word` sees the xxh3 hash of every lowercased word, stop words and numbers included, for the copy
/// view's shingles. Returns the number of words read.
pub fn term_hashes(
    text: &str,
    profile: &Profile,
    emit: impl FnMut(u64, usize, f32, Naming),
    each_word: impl FnMut(u64),
) -> usize {
    // The table is borrowed once per text, not once per word.
    WORD_TABLE.with(|table| term_hashes_with(&mut table.borrow_mut(), text, profile, emit, each_word))
}

fn term_hashes_with(
    table: &mut WordTable,
    text: &str,
    profile: &Profile,
    mut emit: impl FnMut(u64, usize, f32, Naming),
    each_word: impl FnMut(u64),
) -> usize {
    scan(
        text,
        profile,
        |lower, lower_hash| {
            let entry = word_entry(table, profile, lower, lower_hash);
            (entry.term != SKIP_WORD).then_some((entry, entry.everyday))
        },
        each_word,
        |found, index| match found {
            Found::Number { text, .. } | Found::Name { text, .. } => {
                emit(crate::text::hash::term_hash(text), index, 1.0, Naming::Other)
            }
            Found::Word { class: entry, everyday, word, opens_sentence, .. } => {
                let naming = match (entry.rare, word.chars().next().is_some_and(char::is_uppercase)) {
                    (false, _) => Naming::Other,
                    (true, true) if opens_sentence => Naming::Other,
                    (true, true) => Naming::Capitalised,
                    (true, false) => Naming::LowerCase,
                };
                emit(entry.term, index, everyday, naming)
            }
        },
    )
}

#[cfg(test)]
mod tests;
