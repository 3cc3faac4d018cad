//! Sentence words for comparing facts: stems, kinds, and numbers read as values with their units.

use crate::text::language::{self, Profile};
use crate::text::tokenize::{is_function_word, stem};
use unicode_segmentation::UnicodeSegmentation;

/// What a word contributes to a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordKind {
    /// Grammar words ("the", "of", "was").
    Function,
    /// Other lowercase words: what happened, to what.
    Content,
    /// Capitalised words inside a sentence, and acronyms: who and where.
    Name,
    /// Digits or number words, read as a value.
    Number,
}

/// One word of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub surface: String,
    pub lower: String,
    /// Stem for content words and names; the value as written canonically for numbers.
    pub key: String,
    pub kind: WordKind,
}

/// Number words up to twenty and the tens, so "nine killed" and "9 killed" agree and "nine" and "12" do not.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("sixty", "60"),
    ("seventy", "70"),
    ("eighty", "80"),
    ("ninety", "90"),
    ("hundred", "100"),
    ("dozen", "12"),
];

/// The canonical value of a number as written: "1,200" -> "1200", "2.50" -> "2.5", "nine" -> "9".
pub fn number_value(lower: &str) -> Option<String> {
    if let Some((_, value)) = NUMBER_WORDS.iter().find(|(word, _)| *word == lower) {
        return Some((*value).to_string());
    }
    if !lower.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits: String = lower.chars().filter(|c| *c != ',').collect();
    if digits.contains('.') && digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let trimmed = digits.trim_end_matches('0').trim_end_matches('.');
        return Some(trimmed.to_string());
    }
    Some(digits)
}

/// Units a number can be followed by, each with the spellings that mean it (English; plurals are read by
/// dropping a final "s"). "Three hours" and "3 percent" share a value but not a fact; a number without a
/// unit agrees with any ("nine killed", "9 people killed").
const UNITS: &[&[&str]] = &[
    &["percent", "pct"],
    &["second"],
    &["minute"],
    &["hour"],
    &["day"],
    &["week"],
    &["month"],
    &["year"],
    &["mile", "mi"],
    &["kilometre", "kilometer", "km"],
    &["metre", "meter"],
    &["foot", "feet", "ft"],
    &["inch"],
    &["mph"],
    &["degree"],
    &["ton", "tonne"],
    &["kilogram", "kilo", "kg"],
    &["pound", "lb"],
    &["dollar", "usd"],
    &["euro"],
    &["yen"],
    &["thousand"],
    &["million", "mn"],
    &["billion", "bn"],
];

/// The unit of the number at `index` of a sentence: the word after it ("per cent" counts as "percent").
pub fn unit_after(sentence: &[Word], index: usize) -> Option<u8> {
    let next = sentence.get(index + 1)?;
    let lower = if next.lower == "per" && sentence.get(index + 2).is_some_and(|w| w.lower == "cent") {
        "percent"
    } else {
        next.lower.as_str()
    };
    let singular = lower.strip_suffix('s').filter(|s| s.len() > 1).unwrap_or(lower);
    UNITS
        .iter()
        .position(|spellings| spellings.contains(&lower) || spellings.contains(&singular))
        .map(|p| p as u8)
}

/// Two numbers of one value agree unless both have units and the units differ.
pub fn units_agree(lhs: Option<u8>, rhs: Option<u8>) -> bool {
    match (lhs, rhs) {
        (Some(l), Some(r)) => l == r,
        _ => true,
    }
}

/// The words of a sentence. A capitalised first word counts as a name only when it is not a grammar word and
/// appears capitalised again later or is an acronym; elsewhere capitals mark names.
pub fn words(sentence: &str) -> Vec<Word> {
    words_in(sentence, language::profile(None))
}

/// [`words`] in a given language: its words (segmented for Chinese, Japanese and Thai), its grammar words and
/// its stems. English (and unknown text) keeps the English number words and NLTK's list without newsroom
/// filler, as before languages were told apart.
pub fn words_in(sentence: &str, profile: &Profile) -> Vec<Word> {
    let english = profile.id == 0;
    let raw: Vec<&str> = if profile.segmented {
        language::segmented_words(sentence)
    } else {
        sentence
            .unicode_words()
            .map(|w| {
                if english {
                    w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w)
                } else {
                    w
                }
            })
            .collect()
    };
    raw.iter()
        .enumerate()
        .map(|(index, &surface)| {
            let lower = surface.to_lowercase();
            let value = if english { number_value(&lower) } else { digits_value(&lower) };
            if let Some(value) = value {
                return Word { surface: surface.to_string(), key: value, lower, kind: WordKind::Number };
            }
            let function =
                if english { is_function_word(&lower) } else { profile.stop_words.contains(lower.as_str()) };
            if function {
                return Word {
                    surface: surface.to_string(),
                    key: lower.clone(),
                    lower,
                    kind: WordKind::Function,
                };
            }
            let capitalised = surface.chars().next().is_some_and(char::is_uppercase);
            let acronym = surface.chars().count() > 1 && surface.chars().all(|c| c.is_uppercase());
            let name = acronym || (capitalised && (index > 0 || raw[1..].contains(&surface)));
            let key = if english { stem(&lower) } else { profile.stem(&lower).into_owned() };
            Word {
                surface: surface.to_string(),
                key,
                lower,
                kind: if name { WordKind::Name } else { WordKind::Content },
            }
        })
        .collect()
}

/// A number written in digits, as [`number_value`] reads it; number words are read in English only.
fn digits_value(lower: &str) -> Option<String> {
    if lower.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        number_value(lower)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_values_names_and_content_told_apart() {
        let w = words("Nine people were killed in Paris on Tuesday, 1,200 fled and NATO said 2.50 more");
        let kinds: Vec<(&str, WordKind)> = w.iter().map(|w| (w.key.as_str(), w.kind)).collect();
        assert_eq!(kinds[0], ("9", WordKind::Number));
        assert_eq!(kinds[1], ("peopl", WordKind::Content));
        assert_eq!(kinds[2], ("were", WordKind::Function));
        assert!(kinds.contains(&("pari", WordKind::Name)));
        assert!(kinds.contains(&("tuesday", WordKind::Name)));
        assert!(kinds.contains(&("1200", WordKind::Number)));
        assert!(kinds.contains(&("nato", WordKind::Name)));
        assert!(kinds.contains(&("2.5", WordKind::Number)));
        let german =
            words_in("Neun Menschen wurden am Dienstag in Paris getötet", language::profile(Some("de")));
        let kinds: Vec<(&str, WordKind)> = german.iter().map(|w| (w.key.as_str(), w.kind)).collect();
        assert!(kinds.contains(&("am", WordKind::Function)), "{kinds:?}");
        assert!(kinds.contains(&("getotet", WordKind::Content)), "German stem: {kinds:?}");
        assert!(kinds.contains(&("paris", WordKind::Name)), "{kinds:?}");
        let chinese = words_in("普京取消了对巴黎的访问", language::profile(Some("zh")));
        assert!(chinese.iter().any(|w| w.surface == "巴黎"), "segmented, not one character a word");
    }

    #[test]
    fn sentence_initial_capital_is_not_a_name_unless_repeated() {
        let w = words("Officials said the visit was off");
        assert_eq!(w[0].kind, WordKind::Content);
        let w = words("Putin will not go, Putin's spokesman said");
        assert_eq!(w[0].kind, WordKind::Name);
        assert_eq!(w[4].surface, "Putin");
    }

    #[test]
    fn a_number_carries_the_unit_written_after_it() {
        let unit_of = |sentence: &str, value: &str| {
            let w = words(sentence);
            let index = w.iter().position(|w| w.key == value).expect("the number is read");
            unit_after(&w, index)
        };
        let hours = unit_of("lifeboats brought all passengers ashore within three hours", "3");
        let percent = unit_of("the company's shares fell 3 percent in Stockholm", "3");
        let per_cent = unit_of("shares fell 3 per cent on Friday", "3");
        assert!(hours.is_some() && percent.is_some());
        assert!(!units_agree(hours, percent), "three hours and 3 percent are different facts");
        assert!(units_agree(percent, per_cent), "per cent is percent");
        assert_eq!(unit_of("the climb took 2 Hours", "2"), hours, "capitals and plurals do not matter");
        let bare = unit_of("nine killed in the blast", "9");
        assert_eq!(bare, None, "a number followed by an event word has no unit");
        assert!(
            units_agree(bare, hours) && units_agree(percent, bare),
            "a number without a unit agrees with any"
        );
    }
}
