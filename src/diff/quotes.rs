//! Direct quotes and their speakers, compared across the outlets of one story.

use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;
use unicode_segmentation::UnicodeSegmentation;

/// Quotes shorter than this many words are scare quotes or terms ("firm and frank"), not statements.
const MIN_QUOTE_WORDS: usize = 4;

/// Two quotes are the same statement when this share of the shorter one's words is in the longer one. 0.6 joins
/// a quote with a shortened or lightly edited version of it; translations of one statement share fewer words
/// (about half, on the bundled Peskov quote), so they need the same speaker as well ([`SAME_SPEAKER_CONTAINMENT`]).
const CONTAINMENT: f64 = 0.6;
const SAME_SPEAKER_CONTAINMENT: f64 = 0.3;

/// A quote counts as the full statement when its words are at least this similar to the longest version
/// (the same bound as verbatim sentences, [`super::words::VERBATIM_RATIO`]).
const SAME_RATIO: f32 = super::words::VERBATIM_RATIO;

const SPEECH_VERBS: &str =
    "said|says|told|tells|added|adds|stated|declared|wrote|explained|insisted|warned|noted|\
                            stressed|asked|replied|announced|argued|claimed|confirmed";

static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]+)""#).expect("quote pattern"));

/// `"...," Kremlin spokesman Dmitry Peskov said` / `"...," he told journalists`
static SPEAKER_THEN_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*,?\s*(?P<s>[A-Za-z][\w.'-]*(?:\s+[\w.'-]+){{0,6}}?)\s+(?:{SPEECH_VERBS})\b"))
        .expect("speaker pattern")
});

/// `"...," said Dmitry Peskov, spokesman for the Kremlin`
static VERB_THEN_SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*,?\s*(?:{SPEECH_VERBS})\s+(?P<s>[^,.;:]{{1,60}})")).expect("speaker pattern")
});

/// `according to X` anywhere around the quote.
static ACCORDING_TO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"according to (?P<s>[^,.;:]{1,60})").expect("speaker pattern"));

/// `Hollande told lawmakers: "..."` / `Peskov said Mr Putin had decided "..."`
static SPEAKER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|[,;]\s+|\band\s+)(?P<s>[A-Z][\w.'-]*(?:\s+[\w.'-]+){{0,6}}?)\s+(?:{SPEECH_VERBS})\b[^\x22]{{0,80}}$"
    ))
    .expect("speaker pattern")
});

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we"];

/// One direct quote in an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quote {
    /// Index of the article in the story.
    pub article: usize,
    /// Index of the sentence in the article.
    pub sentence: usize,
    pub text: String,
    /// The speaker as the outlet names them ("Kremlin spokesman Dmitry Peskov", "he").
    pub speaker: Option<String>,
    /// The speaker's name for comparing (the last capitalised word: "Peskov"); pronouns take the previous quote's.
    pub speaker_name: Option<String>,
}

fn speaker_phrase(before: &str, after: &str) -> Option<String> {
    let found = SPEAKER_THEN_VERB
        .captures(after)
        .or_else(|| VERB_THEN_SPEAKER.captures(after))
        .or_else(|| ACCORDING_TO.captures(after))
        .or_else(|| SPEAKER_BEFORE.captures(before))
        .or_else(|| ACCORDING_TO.captures(before))?;
    let phrase = found.name("s")?.as_str().trim();
    let phrase = phrase.strip_prefix("and ").unwrap_or(phrase);
    (!phrase.is_empty()).then(|| phrase.to_string())
}

/// The name in a speaker phrase: its last word when that word is capitalised ("Kremlin spokesman Dmitry
/// Peskov" -> "Peskov"); a role alone ("the French president") has no name.
fn speaker_name(phrase: &str) -> Option<String> {
    let last = phrase.unicode_words().next_back()?;
    let last = last.strip_suffix("'s").unwrap_or(last);
    (last.chars().next().is_some_and(char::is_uppercase) && phrase.unicode_words().count() <= 5)
        .then(|| last.to_string())
}

/// Quotes of one article, given its sentences. Quotes spanning sentences were kept in one sentence by the splitter.
pub fn extract(article: usize, sentences: &[String]) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    let mut previous_name: Option<String> = None;
    for (index, sentence) in sentences.iter().enumerate() {
        for found in QUOTED.captures_iter(sentence) {
            let whole = found.get(0).expect("match");
            let text = found[1].trim().trim_end_matches(',').trim().to_string();
            if text.unicode_words().count() < MIN_QUOTE_WORDS {
                continue;
            }
            let before = &sentence[..whole.start()];
            let after = &sentence[whole.end()..];
            let speaker = speaker_phrase(before, after);
            let name = match &speaker {
                Some(phrase) if PRONOUNS.contains(&phrase.to_lowercase().as_str()) => previous_name.clone(),
                Some(phrase) => speaker_name(phrase),
                None => None,
            };
            if name.is_some() {
                previous_name.clone_from(&name);
            }
            quotes.push(Quote { article, sentence: index, text, speaker, speaker_name: name });
        }
    }
    quotes
}

fn lower_words(text: &str) -> Vec<String> {
    text.unicode_words().map(str::to_lowercase).collect()
}

/// Share of the shorter quote's words found in the longer (as a multiset).
fn containment(lhs: &[String], rhs: &[String]) -> f64 {
    let (shorter, longer) = if lhs.len() <= rhs.len() { (lhs, rhs) } else { (rhs, lhs) };
    if shorter.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for word in longer {
        *counts.entry(word).or_insert(0) += 1;
    }
    let mut shared = 0;
    for word in shorter {
        if let Some(count) = counts.get_mut(word.as_str()).filter(|c| **c > 0) {
            *count -= 1;
            shared += 1;
        }
    }
    shared as f64 / shorter.len() as f64
}

fn same_speaker(lhs: &Quote, rhs: &Quote) -> bool {
    match (&lhs.speaker_name, &rhs.speaker_name) {
        (Some(l), Some(r)) => strsim::jaro_winkler(&l.to_lowercase(), &r.to_lowercase()) >= 0.9,
        _ => false,
    }
}

/// How one outlet carries a quote, against the longest version in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteForm {
    /// The same words as the longest version.
    Full,
    /// Fewer words, all from the longest version.
    Shortened,
    /// Different words for the same statement (an edit or another translation).
    Reworded,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuoteMember {
    pub quote: Quote,
    pub form: QuoteForm,
}

/// One statement as the story's outlets quote it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QuoteGroup {
    /// One member per article that carries the quote, in article order.
    pub members: Vec<QuoteMember>,
    /// Articles of the story that do not carry it.
    pub missing_from: Vec<usize>,
    /// The same words are attributed to different named speakers.
    pub speaker_conflict: bool,
}

impl QuoteGroup {
    pub fn carried_by_one(&self) -> bool {
        self.members.len() == 1
    }
}

/// Groups the quotes of all a story's articles into statements. Deterministic: longest quotes first, ties by
/// position.
pub fn compare(quotes: &[Quote], articles: usize) -> Vec<QuoteGroup> {
    let words: Vec<Vec<String>> = quotes.iter().map(|q| lower_words(&q.text)).collect();
    let mut order: Vec<usize> = (0..quotes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(words[i].len()), quotes[i].article, quotes[i].sentence, i));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let joins = groups.iter_mut().find(|group| {
            group.iter().all(|&j| quotes[j].article != quotes[i].article)
                && group.iter().any(|&j| {
                    let c = containment(&words[i], &words[j]);
                    c >= CONTAINMENT
                        || (c >= SAME_SPEAKER_CONTAINMENT && same_speaker(&quotes[i], &quotes[j]))
                })
        });
        match joins {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    let mut out: Vec<QuoteGroup> = groups
        .into_iter()
        .map(|group| {
            let longest = group[0];
            let mut members: Vec<QuoteMember> = group
                .iter()
                .map(|&i| {
                    let form = if super::words::verbatim_ratio(&quotes[i].text, &quotes[longest].text)
                        >= SAME_RATIO
                    {
                        QuoteForm::Full
                    } else if containment(&words[i], &words[longest]) >= 0.9 {
                        QuoteForm::Shortened
                    } else {
                        QuoteForm::Reworded
                    };
                    QuoteMember { quote: quotes[i].clone(), form }
                })
                .collect();
            members.sort_by_key(|m| (m.quote.article, m.quote.sentence));
            let names: Vec<String> = members
                .iter()
                .filter_map(|m| m.quote.speaker_name.as_ref().map(|n| n.to_lowercase()))
                .collect();
            let speaker_conflict =
                names.iter().any(|a| names.iter().any(|b| strsim::jaro_winkler(a, b) < 0.9));
            let missing_from =
                (0..articles).filter(|a| !members.iter().any(|m| m.quote.article == *a)).collect();
            QuoteGroup { members, missing_from, speaker_conflict }
        })
        .collect();
    out.sort_by_key(|g| (g.members[0].quote.article, g.members[0].quote.sentence));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn speakers_in_the_usual_news_patterns() {
        let cases = [
            (
                "\"The visit is off for now,\" Kremlin spokesman Dmitry Peskov said.",
                "Kremlin spokesman Dmitry Peskov",
                Some("Peskov"),
            ),
            (
                "\"The visit is off for now,\" said Dmitry Peskov, spokesman for the Kremlin.",
                "Dmitry Peskov",
                Some("Peskov"),
            ),
            (
                "Hollande told lawmakers in Strasbourg: \"I am ready to meet him.\"",
                "Hollande",
                Some("Hollande"),
            ),
            (
                "Peskov said Mr Putin had decided \"to cancel his visit for now\" after the row.",
                "Peskov",
                Some("Peskov"),
            ),
            ("\"We are ready to talk,\" Lavrov told RT.", "Lavrov", Some("Lavrov")),
            (
                "The visit was \"off for the time being\", according to a Kremlin source.",
                "a Kremlin source",
                None,
            ),
            ("\"I am ready to meet him,\" the French president said.", "the French president", None),
        ];
        for (sentence, speaker, name) in cases {
            let quotes = extract(0, &sentences(&[sentence]));
            assert_eq!(quotes.len(), 1, "{sentence}");
            assert_eq!(quotes[0].speaker.as_deref(), Some(speaker), "{sentence}");
            assert_eq!(quotes[0].speaker_name.as_deref(), name, "{sentence}");
        }
    }

    #[test]
    fn pronoun_takes_the_previous_speaker_and_scare_quotes_are_skipped() {
        let quotes = extract(
            0,
            &sentences(&[
                "\"The visit is off,\" Peskov said.",
                "Talks must be \"firm and frank\".",
                "\"That question should be put to the French side,\" he said.",
            ]),
        );
        assert_eq!(quotes.len(), 2);
        assert_eq!(quotes[1].speaker_name.as_deref(), Some("Peskov"));
    }

    #[test]
    fn full_shortened_reworded_and_single_quotes() {
        let full = "The president has therefore decided to call off the visit for now";
        let quotes = vec![
            Quote {
                article: 0,
                sentence: 2,
                text: full.into(),
                speaker: None,
                speaker_name: Some("Peskov".into()),
            },
            Quote {
                article: 1,
                sentence: 1,
                text: full.into(),
                speaker: None,
                speaker_name: Some("Peskov".into()),
            },
            Quote {
                article: 2,
                sentence: 4,
                text: "to call off the visit for now".into(),
                speaker: None,
                speaker_name: None,
            },
            Quote {
                article: 3,
                sentence: 0,
                text: "so the president decided to cancel his trip for now".into(),
                speaker: None,
                speaker_name: Some("Peskov".into()),
            },
            Quote {
                article: 0,
                sentence: 5,
                text: "I am ready to meet President Putin".into(),
                speaker: None,
                speaker_name: Some("Hollande".into()),
            },
        ];
        let groups = compare(&quotes, 5);
        assert_eq!(groups.len(), 2);
        let forms: Vec<QuoteForm> = groups[0].members.iter().map(|m| m.form).collect();
        assert_eq!(forms, vec![QuoteForm::Full, QuoteForm::Full, QuoteForm::Shortened, QuoteForm::Reworded]);
        assert_eq!(groups[0].missing_from, vec![4]);
        assert!(!groups[0].speaker_conflict);
        assert!(groups[1].carried_by_one());
    }

    #[test]
    fn same_words_from_different_speakers_are_flagged() {
        let text = "We will not accept this resolution under any circumstances";
        let quotes = vec![
            Quote {
                article: 0,
                sentence: 0,
                text: text.into(),
                speaker: None,
                speaker_name: Some("Lavrov".into()),
            },
            Quote {
                article: 1,
                sentence: 0,
                text: text.into(),
                speaker: None,
                speaker_name: Some("Churkin".into()),
            },
        ];
        let groups = compare(&quotes, 2);
        assert_eq!(groups.len(), 1);
        assert!(groups[0].speaker_conflict);
    }
}
