//! Languages: which one an article is written in, and how its text splits into words, stop words and stems.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use std::sync::LazyLock;
use whatlang::Lang;

/// Reporting verbs and newsroom filler that every English article uses, on top of NLTK's English list: they say
/// nothing about which event an article reports.
const NEWS_STOP_WORDS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tell",
    "according",
    "also",
    "would",
    "could",
    "one",
    "two",
    "new",
    "mr",
    "mrs",
    "ms",
    "dr",
    "like",
    "may",
    "might",
    "must",
    "us",
    "via",
    "per",
    "yet",
    "still",
    "even",
    "much",
    "many",
    "however",
    "last",
    "first",
    "since",
    "week",
    "year",
    "years",
    "time",
    "people",
    "news",
];

/// Word sets looked up for every word of every article: hashed with xxh3 rather than SipHash.
pub(crate) type WordSet = HashSet<&'static str, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// How a language's text is read into terms.
pub struct Profile {
    /// ISO 639-1 code where there is one (`en`, `fr`, `zh`), else whatlang's ISO 639-3 code.
    pub code: &'static str,
    /// Small number standing for the language in features: 0 for English and for text of unknown language,
    /// which are read the same way.
    pub id: u8,
    pub stop_words: WordSet,
    pub stemmer: Option<Stemmer>,
    /// Written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese): split by a
    /// dictionary segmenter rather than at spaces.
    pub segmented: bool,
    /// ISO 15924 script code (`Latn`, `Cyrl`, `Hani`, ...).
    pub script: &'static str,
}

/// Scripts written without spaces between words.
const SEGMENTED_SCRIPTS: &[&str] = &["Hani", "Jpan", "Thai", "Khmr", "Mymr"];

/// Scripts in the order their pairing numbers are given (see [`pairing_id`]).
const SCRIPTS: &[&str] =
    &["Latn", "Cyrl", "Grek", "Arab", "Hebr", "Hani", "Jpan", "Thai", "Hang", "Deva", "Taml", "Khmr", "Mymr"];

impl Profile {
    /// The stem of a lowercase word, or the word itself where the language has no stemmer.
    pub fn stem<'a>(&self, lowercase: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(lowercase),
            None => std::borrow::Cow::Borrowed(lowercase),
        }
    }
}

/// The languages whatlang detects, with the ISO 639-1 code, the Snowball stemmer (rust-stemmers) and the
/// script (ISO 15924).
const LANGUAGES: &[(Lang, &str, Option<Algorithm>, &str)] = &[
    (Lang::Eng, "en", Some(Algorithm::English), "Latn"),
    (Lang::Fra, "fr", Some(Algorithm::French), "Latn"),
    (Lang::Deu, "de", Some(Algorithm::German), "Latn"),
    (Lang::Rus, "ru", Some(Algorithm::Russian), "Cyrl"),
    (Lang::Cmn, "zh", None, "Hani"),
    (Lang::Jpn, "ja", None, "Jpan"),
    (Lang::Tha, "th", None, "Thai"),
    (Lang::Khm, "km", None, "Khmr"),
    (Lang::Mya, "my", None, "Mymr"),
    (Lang::Spa, "es", Some(Algorithm::Spanish), "Latn"),
    (Lang::Por, "pt", Some(Algorithm::Portuguese), "Latn"),
    (Lang::Ita, "it", Some(Algorithm::Italian), "Latn"),
    (Lang::Nld, "nl", Some(Algorithm::Dutch), "Latn"),
    (Lang::Swe, "sv", Some(Algorithm::Swedish), "Latn"),
    (Lang::Dan, "da", Some(Algorithm::Danish), "Latn"),
    (Lang::Nob, "no", Some(Algorithm::Norwegian), "Latn"),
    (Lang::Fin, "fi", Some(Algorithm::Finnish), "Latn"),
    (Lang::Hun, "hu", Some(Algorithm::Hungarian), "Latn"),
    (Lang::Ron, "ro", Some(Algorithm::Romanian), "Latn"),
    (Lang::Ell, "el", Some(Algorithm::Greek), "Grek"),
    (Lang::Tur, "tr", Some(Algorithm::Turkish), "Latn"),
    (Lang::Ara, "ar", Some(Algorithm::Arabic), "Arab"),
    (Lang::Tam, "ta", Some(Algorithm::Tamil), "Taml"),
    (Lang::Ukr, "uk", None, "Cyrl"),
    (Lang::Pol, "pl", None, "Latn"),
    (Lang::Ces, "cs", None, "Latn"),
    (Lang::Kor, "ko", None, "Hang"),
    (Lang::Heb, "he", None, "Hebr"),
    (Lang::Hin, "hi", None, "Deva"),
    (Lang::Ind, "id", None, "Latn"),
    (Lang::Vie, "vi", None, "Latn"),
    (Lang::Cat, "ca", None, "Latn"),
    (Lang::Bul, "bg", None, "Cyrl"),
    (Lang::Srp, "sr", None, "Cyrl"),
    (Lang::Hrv, "hr", None, "Latn"),
    (Lang::Slk, "sk", None, "Latn"),
    (Lang::Slv, "sl", None, "Latn"),
    (Lang::Pes, "fa", None, "Arab"),
    (Lang::Urd, "ur", None, "Arab"),
];

static PROFILES: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .enumerate()
        .map(|(index, &(_, code, algorithm, script))| {
            let listed = stop_words::lookup(code).unwrap_or(&[]).iter().copied();
            let stop_words: WordSet = if code == "en" {
                listed.chain(NEWS_STOP_WORDS.iter().copied()).collect()
            } else {
                listed.collect()
            };
            let segmented = SEGMENTED_SCRIPTS.contains(&script);
            Profile {
                code,
                id: index as u8,
                stop_words,
                stemmer: algorithm.map(Stemmer::create),
                segmented,
                script,
            }
        })
        .collect()
});

/// The profile for a language code (ISO 639-1 or 639-3, any case); English for `None` and for codes storydiff
/// has no profile for.
pub fn profile(code: Option<&str>) -> &'static Profile {
    let profiles = &*PROFILES;
    code.and_then(index_of).map_or(&profiles[0], |index| &profiles[index])
}

/// A language code as one byte for pairing: the number of its script, 0 when unknown. Articles in two scripts
/// (Cyrillic and Latin, Chinese and Thai) can share no word, only numbers, so they are never paired; languages
/// sharing a script are left to their terms, since reports of one event in French and English share names and
/// numbers, and a language told wrongly (whatlang on an odd text) must not split a story.
pub fn pairing_id(code: Option<&str>) -> u8 {
    code.and_then(index_of)
        .and_then(|index| SCRIPTS.iter().position(|script| *script == LANGUAGES[index].3))
        .map_or(0, |position| position as u8 + 1)
}

/// The position in [`LANGUAGES`] of a code (ISO 639-1 or 639-3, any case, region subtags ignored).
fn index_of(code: &str) -> Option<usize> {
    let code = code.trim().to_ascii_lowercase();
    let primary = code.split(['-', '_']).next().unwrap_or("");
    LANGUAGES.iter().position(|(lang, iso1, _, _)| *iso1 == primary || lang.code() == primary)
}

/// Characters of an article sampled for whatlang: its cost grows with the sample (20k synthetic articles took
/// 6.7 s to cluster with 400 characters, 5.6 s with 150, before the allowlist below), and 400 characters of prose
/// are a few sentences, enough for its trigram model (all 16 multilingual fixture articles detected right).
const DETECTION_SAMPLE_CHARS: usize = 400;

/// Share of a text's words that are a Latin-script language's stop words at or above which whatlang's guess of
/// that language is believed. The team's French and German fixtures run 0.31-0.49 (English news more); the
/// synthetic corpus's made-up words, which whatlang calls Slovenian "reliably" for 6% of 2,000 articles, run
/// 0.16 at the median and 0.25 at the 99th percentile against Slovenian's list (NLTK lists). Latin-script
/// languages with short lists (Turkish has 53 words) may fall under it: they are then read with the default
/// profile, unstemmed, and shown as unknown.
const STOP_WORD_SHARE: f64 = 0.25;

/// Words of the sample checked against stop-word lists.
const STOP_WORD_SAMPLE_WORDS: usize = 120;

/// Share of a text's words that are everyday words of a Latin-script language (in its `lexicon::frequency`
/// list, Zipf 4.5 or more) at or above which whatlang's guess of that language is believed when its stop-word
/// list is too short to say (Finnish and Polish news run 0.03-0.17 against theirs). Measured by
/// `scripts/everyday_word_shares.py`: the team's Finnish, Polish and Portuguese fixture articles run 0.50-0.87
/// against their own language; a related language's list reaches 0.53 (Portuguese against Spanish), so this
/// only confirms whatlang's guess and does not choose between neighbours; 300 synthetic articles of
/// `gen_scale.py` (English grammar words, made-up content words) reach 0.47 against Dutch, above this bound, so
/// a synthetic article whatlang calls Dutch may pass (the 100k synthetic run scored the same F1 before and after,
/// docs/PERFORMANCE.md).
const EVERYDAY_WORD_SHARE: f64 = 0.46;

/// The share of a text's first words that are in a language's list of everyday words.
fn everyday_word_share(text: &str, profile: &Profile) -> f64 {
    listed_share(text, |lower| crate::text::lexicon::frequency::zipf(profile.code, lower).is_some())
}

/// The share of a text's first words that are in a profile's stop-word list.
fn stop_word_share(text: &str, profile: &Profile) -> f64 {
    listed_share(text, |lower| profile.stop_words.contains(lower))
}

/// The share of a text's first [`STOP_WORD_SAMPLE_WORDS`] words, lowercased, that `listed` accepts.
fn listed_share(text: &str, listed: impl Fn(&str) -> bool) -> f64 {
    use unicode_segmentation::UnicodeSegmentation;
    let mut words = 0usize;
    let mut found = 0usize;
    let mut lower = String::new();
    for word in text.unicode_words().take(STOP_WORD_SAMPLE_WORDS) {
        super::tokenize::lowercase_into(word, &mut lower);
        words += 1;
        found += usize::from(listed(&lower));
    }
    if words == 0 {
        0.0
    } else {
        found as f64 / words as f64
    }
}

/// Detects the language of a text (title and opening of the body).
///
/// English prose is recognised by its share of English stop words alone (most articles: whatlang on the first
/// 1,000 characters took the first pass on 100k synthetic articles from about 15 s to 28.7 s). Otherwise whatlang's guess is taken when it calls it
/// reliable and, for Latin-script languages, the text has that language's share of stop words too, so that text
/// in no real language is not given one. A page's `lang` attribute (`hint`) decides when the text cannot.
pub fn detect(text: &str, hint: Option<&str>) -> Option<&'static str> {
    let profiles = &*PROFILES;
    let hinted = hint.and_then(index_of).map(|index| &profiles[index]);
    if stop_word_share(text, &profiles[0]) >= STOP_WORD_SHARE {
        return Some("en");
    }
    let sample: String = text.chars().take(DETECTION_SAMPLE_CHARS).collect();
    let detected = DETECTOR.detect(&sample).and_then(|info| {
        let index = LANGUAGES.iter().position(|(lang, ..)| *lang == info.lang())?;
        Some((&profiles[index], info.is_reliable()))
    });
    match (detected, hinted) {
        // Scripts used by one language only need no more evidence, however short the text (a headline).
        (Some((profile, _)), _)
            if matches!(profile.script, "Hani" | "Jpan" | "Thai" | "Hang" | "Grek" | "Hebr") =>
        {
            Some(profile.code)
        }
        // Latin-script guesses must be borne out by the language's stop words (see [`STOP_WORD_SHARE`]) or its
        // everyday words ([`EVERYDAY_WORD_SHARE`]).
        (Some((profile, true)), _)
            if profile.script != "Latn"
                || stop_word_share(&sample, profile) >= STOP_WORD_SHARE
                || everyday_word_share(&sample, profile) >= EVERYDAY_WORD_SHARE =>
        {
            Some(profile.code)
        }
        (_, Some(hinted)) => Some(hinted.code),
        _ => None,
    }
}

/// whatlang limited to the languages storydiff has profiles for: fewer trigram models to score (it was a fifth
/// of all CPU samples, perf on 20k synthetic articles; 5.7 s against 6.7 s with the limit), and no guess
/// storydiff cannot use.
static DETECTOR: LazyLock<whatlang::Detector> =
    LazyLock::new(|| whatlang::Detector::with_allowlist(LANGUAGES.iter().map(|(lang, ..)| *lang).collect()));

static SEGMENTER: LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> = LazyLock::new(|| {
    icu_segmenter::WordSegmenter::new_auto(icu_segmenter::options::WordBreakInvariantOptions::default())
});

/// The words of a text in a language written without spaces, by ICU's dictionary segmenter (its CJ dictionary
/// for Chinese and Japanese, LSTM models for Thai and its neighbours); other text in it splits at Unicode word
/// boundaries as usual.
pub fn segmented_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut breaks = SEGMENTER.segment_str(text);
    let mut start = 0;
    while let Some(end) = breaks.next() {
        if end > start && breaks.is_word_like() {
            words.push(&text[start..end]);
        }
        start = end;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_detected_from_news_prose() {
        let cases = [
            ("en", "Vladimir Putin has called off a visit to Paris planned for next week, the Kremlin said."),
            ("fr", "Vladimir Poutine a renoncé à sa visite à Paris prévue la semaine prochaine, a annoncé le Kremlin."),
            ("de", "Wladimir Putin hat seinen für nächste Woche geplanten Besuch in Paris abgesagt, teilte der Kreml mit."),
            ("ru", "Владимир Путин отменил визит в Париж, запланированный на следующую неделю, сообщили в Кремле."),
            ("zh", "俄罗斯总统普京取消了原定下周对巴黎的访问，克里姆林宫表示。"),
        ];
        for (code, text) in cases {
            assert_eq!(detect(text, None), Some(code), "{text}");
        }
        assert_eq!(detect("Ok", None), None, "too short to tell");
        assert_eq!(detect("Ok", Some("de-DE")), Some("de"), "the page's own lang attribute");
    }

    #[test]
    fn chinese_japanese_and_thai_split_into_words_not_characters_or_runs() {
        assert_eq!(
            segmented_words("普京取消了对巴黎的访问。"),
            ["普", "京", "取消", "了", "对", "巴黎", "的", "访问"]
        );
        assert!(segmented_words("プーチン大統領はパリ訪問を取りやめた。").contains(&"訪問"));
        let thai = segmented_words("ปูตินยกเลิกการเยือนปารีส");
        assert!(thai.len() >= 4, "{thai:?}");
    }

    #[test]
    fn profiles_by_code_with_english_for_unknown() {
        assert_eq!(profile(Some("fr-FR")).code, "fr");
        assert_eq!(profile(Some("deu")).code, "de");
        assert_eq!(profile(None).code, "en");
        assert_eq!(profile(Some("xx")).id, 0);
        assert_eq!(profile(Some("de")).stem("abgesagt"), "abgesagt");
        assert_eq!(profile(Some("fr")).stem("visites"), "visit");
        assert!(profile(Some("ru")).stop_words.contains("в"));
    }
}
