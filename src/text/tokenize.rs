//! Words to terms: stop words out, stems in, numbers and capitalised name pairs kept as their own terms.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;
use unicode_segmentation::UnicodeSegmentation;

use super::language::{segmented_words, Profile, WordSet};

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
                Term { text: text.to_string(), kind: TermKind::Number, surface: word.to_string() },
                index,
                1.0,
            ),
            Found::Name { text, previous, word } => emit(
                Term { text: text.to_string(), kind: TermKind::Name, surface: format!("{previous} {word}") },
                index,
                1.0,
            ),
            Found::Word { lower, word, everyday, .. } => {
                let stem =
                    if profile.id == 0 { cached_stem(lower) } else { profile.stem(lower).into_owned() };
                emit(Term { text: stem, kind: TermKind::Word, surface: word.to_string() }, index, everyday)
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
    /// A content word, with what the caller's classifier made of it.
    Word { lower: &'w str, word: &'w str, class: W, everyday: f32 },
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
    for (index, word) in profile_words(text, profile).enumerate() {
        count = index + 1;
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
        found(Found::Word { lower: &lower, word, class, everyday }, index);
    }
    count
}

/// What the per-thread word table remembers of a lowercase word: nothing to emit (a stop word or a single
/// letter), or the hash of its stem's term.
const SKIP_WORD: u64 = 0;

thread_local! {
    /// Lowercase-word hash -> stem term hash (or [`SKIP_WORD`]). Keyed by hash so a hit allocates and compares
    /// nothing: on 100k synthetic articles the string-keyed stem cache, its allocations and the per-word
    /// `String`s were most of the feature stage (docs/PERFORMANCE.md).
    static WORD_TABLE: std::cell::RefCell<WordTable> = std::cell::RefCell::new(WordTable::default());
}

type WordTable = std::collections::HashMap<
    u64,
    (u64, f32),
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

/// The term hash of a lowercase word that is not a number, with its [`everyday_weight`]: its stem's hash, or
/// [`SKIP_WORD`].
fn word_term_hash(
    table: &mut WordTable,
    profile: &Profile,
    lowercase: &str,
    lowercase_hash: u64,
) -> (u64, f32) {
    let key = lowercase_hash ^ language_salt(profile);
    if let Some(&entry) = table.get(&key) {
        return entry;
    }
    let hash = match word_weight(profile, lowercase) {
        None => (SKIP_WORD, 0.0),
        Some(everyday) => (crate::text::hash::term_hash(&profile.stem(lowercase)), everyday),
    };
    // Once full, the table keeps what it has: with Zipf-like frequencies the words met first are mostly the
    // frequent ones. Clearing it instead made it start over again and again on 300k+ synthetic articles, whose
    // name pool alone outgrows it (word_term_hash was 12% of the run, perf).
    if table.len() < WORD_TABLE_ENTRIES {
        table.insert(key, hash);
    }
    hash
}

/// Lowercases `word` into `out` (bytewise when it is ASCII, which most news words are).
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The same terms as [`terms`], as `term_hash(&term.text)` values, without building a string per word: the
/// clustering path needs only the hashes. `each_word` sees the xxh3 hash of every lowercased word, stop words
/// and numbers included, for the copy view's shingles. Returns the number of words read.
pub fn term_hashes(
    text: &str,
    profile: &Profile,
    emit: impl FnMut(u64, usize, f32),
    each_word: impl FnMut(u64),
) -> usize {
    // The table is borrowed once per text, not once per word.
    WORD_TABLE.with(|table| term_hashes_with(&mut table.borrow_mut(), text, profile, emit, each_word))
}

fn term_hashes_with(
    table: &mut WordTable,
    text: &str,
    profile: &Profile,
    mut emit: impl FnMut(u64, usize, f32),
    each_word: impl FnMut(u64),
) -> usize {
    scan(
        text,
        profile,
        |lower, lower_hash| {
            let (stem_hash, everyday) = word_term_hash(table, profile, lower, lower_hash);
            (stem_hash != SKIP_WORD).then_some((stem_hash, everyday))
        },
        each_word,
        |found, index| match found {
            Found::Number { text, .. } | Found::Name { text, .. } => {
                emit(crate::text::hash::term_hash(text), index, 1.0)
            }
            Found::Word { class: stem_hash, everyday, .. } => emit(stem_hash, index, everyday),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect_in(text: &str, language: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        let _ = terms(text, super::super::language::profile(language), |t, _, _| out.push(t.text));
        out
    }

    fn collect(text: &str) -> Vec<String> {
        collect_in(text, None)
    }

    #[test]
    fn stems_names_numbers_no_stop_words() {
        assert_eq!(
            collect("Vladimir Putin has canceled his visit, the Kremlin said on 11 October; 1,200 guests"),
            vec![
                "vladimir",
                "vladimir putin",
                "putin",
                "cancel",
                "visit",
                "kremlin",
                "#11",
                "octob",
                "#1200",
                "guest"
            ]
        );
    }

    #[test]
    fn issue_16_term_hashes_match_the_terms_they_stand_for() {
        let cases = [
            (
                None,
                "Vladimir Putin's trip: the KREMLIN said 1,200 Élysée guests met Angela Merkel, \
                 François Hollande and the U.N. Security Council in Straße 7b; a I x",
            ),
            (
                Some("de"),
                "Wladimir Putin hat seinen Besuch in Paris abgesagt, teilte der Kreml am Dienstag mit.",
            ),
            (Some("zh"), "俄罗斯总统普京取消了原定下周对巴黎的访问。"),
            // Capital sigma at a word's end: `str::to_lowercase` gives final ς, the character-wise fold σ.
            (Some("el"), "Ο ΠΡΩΘΥΠΟΥΡΓΟΣ Κυριάκος Μητσοτάκης ΕΠΙΣΚΕΦΘΗΚΕ ΤΟΥΣ ΣΕΙΣΜΟΠΛΗΚΤΟΥΣ"),
            (None, "ΟΔΥΣΣΕΑΣ ΕΛΥΤΗΣ"),
        ];
        for (language, text) in cases {
            let profile = super::super::language::profile(language);
            let mut expected = Vec::new();
            let expected_words =
                terms(text, profile, |t, i, w| expected.push((crate::text::hash::term_hash(&t.text), i, w)));
            let mut got = Vec::new();
            let mut word_hashes = 0;
            let got_words = term_hashes(text, profile, |h, i, w| got.push((h, i, w)), |_| word_hashes += 1);
            assert_eq!(got, expected, "{text}");
            assert_eq!(got_words, expected_words);
            assert_eq!(word_hashes, expected_words);
        }
    }

    #[test]
    fn everyday_words_weigh_less_in_their_own_language_only() {
        let profile = |code| super::super::language::profile(Some(code));
        assert_eq!(everyday_weight(profile("fi"), "myös"), 0.0, "'also' (Zipf 6.65) weighs nothing");
        let percent = everyday_weight(profile("fi"), "prosenttia");
        assert!(percent > 0.5 && percent < 1.0, "'percent' (Zipf 5.31) weighs less: {percent}");
        assert_eq!(everyday_weight(profile("fi"), "revontulet"), 1.0, "a rarer word keeps its weight");
        assert_eq!(everyday_weight(profile("pt"), "myös"), 1.0, "not a Portuguese word");
        assert!(everyday_weight(profile("pt"), "também") < 0.2, "but 'também' is");
        assert_eq!(everyday_weight(profile("en"), "government"), 1.0, "English keeps its weights");
        let weighed = |text: &str| {
            let mut out = Vec::new();
            let _ = terms(text, profile("fi"), |t, _, w| out.push((t.text, w)));
            out
        };
        let finnish = weighed("Suomen talous kasvoi myös kolme prosenttia");
        assert!(finnish.iter().all(|(t, _)| t != "myös"), "weightless words are not terms: {finnish:?}");
        let mut hashed = Vec::new();
        let _ = term_hashes(
            "Suomen talous kasvoi myös kolme prosenttia",
            profile("fi"),
            |h, _, w| hashed.push((h, w)),
            |_| {},
        );
        let expected: Vec<(u64, f32)> =
            finnish.iter().map(|(t, w)| (crate::text::hash::term_hash(t), *w)).collect();
        assert_eq!(hashed, expected, "both paths weigh alike");
    }

    #[test]
    fn each_language_drops_its_own_stop_words_and_stems_its_own_way() {
        assert_eq!(
            collect_in("Les ministres ont annulé la visite du président", Some("fr")),
            vec!["ministr", "annul", "visit", "président"]
        );
        assert_eq!(
            collect_in("Путин отменил визит в Париж", Some("ru")),
            vec!["путин", "отмен", "виз", "париж"]
        );
        assert_eq!(collect_in("普京取消了对巴黎的访问", Some("zh")), vec!["取消", "巴黎", "访问"]);
    }

    #[test]
    fn possessive_dropped() {
        assert_eq!(collect("Moscow's veto"), vec!["moscow", "veto"]);
    }
}
