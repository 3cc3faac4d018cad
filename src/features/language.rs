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
}

impl Profile {
    /// The stem of a lowercase word, or the word itself where the language has no stemmer.
    pub fn stem<'a>(&self, lowercase: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(lowercase),
            None => std::borrow::Cow::Borrowed(lowercase),
        }
    }
}

/// The languages whatlang detects, with the ISO 639-1 code, the Snowball stemmer (rust-stemmers) and whether
/// the script is written without spaces.
const LANGUAGES: &[(Lang, &str, Option<Algorithm>, bool)] = &[
    (Lang::Eng, "en", Some(Algorithm::English), false),
    (Lang::Fra, "fr", Some(Algorithm::French), false),
    (Lang::Deu, "de", Some(Algorithm::German), false),
    (Lang::Rus, "ru", Some(Algorithm::Russian), false),
    (Lang::Cmn, "zh", None, true),
    (Lang::Jpn, "ja", None, true),
    (Lang::Tha, "th", None, true),
    (Lang::Khm, "km", None, true),
    (Lang::Mya, "my", None, true),
    (Lang::Spa, "es", Some(Algorithm::Spanish), false),
    (Lang::Por, "pt", Some(Algorithm::Portuguese), false),
    (Lang::Ita, "it", Some(Algorithm::Italian), false),
    (Lang::Nld, "nl", Some(Algorithm::Dutch), false),
    (Lang::Swe, "sv", Some(Algorithm::Swedish), false),
    (Lang::Dan, "da", Some(Algorithm::Danish), false),
    (Lang::Nob, "no", Some(Algorithm::Norwegian), false),
    (Lang::Fin, "fi", Some(Algorithm::Finnish), false),
    (Lang::Hun, "hu", Some(Algorithm::Hungarian), false),
    (Lang::Ron, "ro", Some(Algorithm::Romanian), false),
    (Lang::Ell, "el", Some(Algorithm::Greek), false),
    (Lang::Tur, "tr", Some(Algorithm::Turkish), false),
    (Lang::Ara, "ar", Some(Algorithm::Arabic), false),
    (Lang::Tam, "ta", Some(Algorithm::Tamil), false),
    (Lang::Ukr, "uk", None, false),
    (Lang::Pol, "pl", None, false),
    (Lang::Ces, "cs", None, false),
    (Lang::Kor, "ko", None, false),
    (Lang::Heb, "he", None, false),
    (Lang::Hin, "hi", None, false),
    (Lang::Ind, "id", None, false),
    (Lang::Vie, "vi", None, false),
    (Lang::Cat, "ca", None, false),
    (Lang::Bul, "bg", None, false),
    (Lang::Srp, "sr", None, false),
    (Lang::Hrv, "hr", None, false),
    (Lang::Slk, "sk", None, false),
    (Lang::Slv, "sl", None, false),
    (Lang::Pes, "fa", None, false),
    (Lang::Urd, "ur", None, false),
];

static PROFILES: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .enumerate()
        .map(|(index, &(_, code, algorithm, segmented))| {
            let listed = stop_words::lookup(code).unwrap_or(&[]).iter().copied();
            let stop_words: WordSet = if code == "en" {
                listed.chain(NEWS_STOP_WORDS.iter().copied()).collect()
            } else {
                listed.collect()
            };
            Profile { code, id: index as u8, stop_words, stemmer: algorithm.map(Stemmer::create), segmented }
        })
        .collect()
});

/// The profile for a language code (ISO 639-1 or 639-3, any case); English for `None` and for codes storydiff
/// has no profile for.
pub fn profile(code: Option<&str>) -> &'static Profile {
    let profiles = &*PROFILES;
    code.and_then(index_of).map_or(&profiles[0], |index| &profiles[index])
}

/// A language code as one byte for pairing: 0 for unknown, the profile's number plus one for languages storydiff
/// has a profile for, 255 for others.
pub fn pairing_id(code: Option<&str>) -> u8 {
    match code {
        None => 0,
        Some(code) => index_of(code).map_or(u8::MAX, |index| index as u8 + 1),
    }
}

/// The position in [`LANGUAGES`] of a code (ISO 639-1 or 639-3, any case, region subtags ignored).
fn index_of(code: &str) -> Option<usize> {
    let code = code.trim().to_ascii_lowercase();
    let primary = code.split(['-', '_']).next().unwrap_or("");
    LANGUAGES.iter().position(|(lang, iso1, _, _)| *iso1 == primary || lang.code() == primary)
}

/// Characters of an article sampled for detection: whatlang's accuracy levels off well before this on news
/// prose, and it costs time linear in the sample.
const DETECTION_SAMPLE_CHARS: usize = 1000;

/// Detects the language of a text (title and opening of the body). A guess whatlang itself calls unreliable
/// is taken only when it agrees with `hint` (an HTML `lang` attribute or a `language` field); otherwise the
/// hint, when it names a language storydiff knows, else `None`.
pub fn detect(text: &str, hint: Option<&str>) -> Option<&'static str> {
    let sample: String = text.chars().take(DETECTION_SAMPLE_CHARS).collect();
    let hinted = hint.and_then(index_of).map(|index| &PROFILES[index]);
    let detected = whatlang::detect(&sample).and_then(|info| {
        LANGUAGES.iter().find(|(lang, ..)| *lang == info.lang()).map(|l| (l.1, info.is_reliable()))
    });
    match (detected, hinted) {
        (Some((code, true)), _) => Some(code),
        (Some((code, false)), Some(hinted)) if hinted.code == code => Some(code),
        (_, Some(hinted)) => Some(hinted.code),
        // Scripts used by one language only are reliable whatever the length (a Chinese headline).
        (Some((code, false)), None) if matches!(code, "zh" | "ja" | "th" | "ko" | "el" | "he") => Some(code),
        _ => None,
    }
}

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
