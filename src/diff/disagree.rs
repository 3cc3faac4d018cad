//! Disagreements inside one fact row: different numbers, different days or months, different names.

use super::same_fact::same_word;
use super::tokens::{Word, WordKind};

/// What two phrasings of one fact disagree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DisagreementKind {
    Number,
    Day,
    Name,
}

/// One disagreement between the reference phrasing (`lhs`) and another outlet's (`rhs`): the words only each
/// side has, of that kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disagreement {
    pub kind: DisagreementKind,
    pub lhs: Vec<String>,
    pub rhs: Vec<String>,
}

/// A disagreement is a substitution ("nine" -> "12 people"), not a rewritten clause: replaced stretches longer
/// than this on either side say different things rather than the same thing differently. On the bundled Putin
/// story, without the bound 6 name "disagreements" were flagged, all unrelated clauses (Aleppo vs Kremlin). With
/// all the rules of this module the Putin story has 2 (Moscow vs Russia, a real naming choice) and BASIL's 100
/// stories 5 (from 187 without them; docs/EVALUATION.md, "Diff").
const MAX_REPLACED_WORDS: usize = 5;

/// Names are compared only where the two phrasings are this sure to state the same fact, and only where a
/// replaced stretch holds nothing but names on both sides: elsewhere a different name is a different detail, not
/// another name for the same person. Of BASIL's 26 flags before these rules, 17 were names, and reading them all
/// by hand none was a real naming disagreement ("Twitter" vs "Mr. Trump", "U.S." vs "United States").
pub const NAME_COMPARISON_SCORE: f64 = 0.75;

/// Titles and party letters are not names of their own ("Mr." vs "Sen.", "Republican" vs "R").
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "gen",
    "prof",
    "sir",
    "lord",
    "r",
    "d",
    "i",
    "st",
    "republican",
    "democrat",
    "democratic",
];

/// Weekdays (the first seven, which `facts` reads too) and months. "Today" or "yesterday" are left out: they
/// cannot be compared with a weekday without the publication dates (BASIL's one day flag before this was "today"
/// vs "Tuesday" for the same day).
pub(crate) const DAY_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn kind_of(word: &Word) -> Option<DisagreementKind> {
    if DAY_WORDS.contains(&word.lower.as_str()) {
        return Some(DisagreementKind::Day);
    }
    if TITLES.contains(&word.lower.as_str()) {
        return None;
    }
    match word.kind {
        WordKind::Number => Some(DisagreementKind::Number),
        WordKind::Name => Some(DisagreementKind::Name),
        _ => None,
    }
}

/// Words of `kind` on `side` with no counterpart on `other` (any kind counts as a counterpart, so "Russian" and
/// "Russia" or "nine" and "9" agree).
fn unmatched(side: &[Word], other: &[Word], kind: DisagreementKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in side.iter().filter(|w| kind_of(w) == Some(kind)) {
        let found = other.iter().any(|o| {
            same_word(word, o)
                || (kind == DisagreementKind::Name && (is_part_of(word, o) || is_variant_of(word, o)))
        }) || (kind == DisagreementKind::Name && is_initials_of(word, other));
        if !found && !out.contains(&word.surface) {
            out.push(word.surface.clone());
        }
    }
    out
}

/// Spelling and short forms of one name ("Mike"/"Michael", "Gadhafi"/"Qaddafi") are the same name. 0.8 is below
/// strsim's usual same-word bound on purpose: names vary more than words (Jaro-Winkler of Mike/Michael is 0.82,
/// of Peskov/Ushakov 0.53).
fn is_variant_of(word: &Word, other: &Word) -> bool {
    other.kind == WordKind::Name && strsim::jaro_winkler(&word.lower, &other.lower) >= 0.8
}

/// Words of a changed stretch take the kind they have in the whole sentence: "Dmitry" opening the stretch is a
/// name there, though it would open a sentence of its own as an ordinary capitalised word.
fn in_context(mut changed: Vec<Word>, sentence: &[Word]) -> Vec<Word> {
    for word in &mut changed {
        if let Some(full) = sentence.iter().find(|w| w.surface == word.surface) {
            word.kind = full.kind;
        }
    }
    changed
}

/// A sentence is in title case ("Aide Resigns After Post Messaged Obama Daughters") when at least this share of
/// its content words, four or more, are capitalised; its capitals then mark no names. Ordinary news sentences,
/// even name-heavy ones, stay well below: the bundled Putin story's most name-heavy sentence has 0.5.
const TITLE_CASE_SHARE: f64 = 0.8;

fn title_case(words: &[Word]) -> bool {
    let content: Vec<&Word> =
        words.iter().filter(|w| w.kind != WordKind::Function && w.kind != WordKind::Number).collect();
    let capitalised =
        content.iter().filter(|w| w.surface.chars().next().is_some_and(char::is_uppercase)).count();
    content.len() >= 4 && capitalised as f64 >= TITLE_CASE_SHARE * content.len() as f64
}

/// Only names, titles and grammar words: a stretch that swaps one name for another and says nothing else.
fn only_names(words: &[Word]) -> bool {
    words.iter().all(|w| {
        w.kind == WordKind::Function || w.kind == WordKind::Name || TITLES.contains(&w.lower.as_str())
    })
}

/// An acronym matches the names it abbreviates ("U.S" and "United States", "UN" and "United Nations") and
/// itself written without dots ("I.R.S" and "IRS").
fn is_initials_of(word: &Word, other: &[Word]) -> bool {
    let letters: String = word.surface.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.chars().count() < 2 || !letters.chars().all(char::is_uppercase) {
        return false;
    }
    let same_letters =
        |w: &Word| w.surface.chars().filter(|c| c.is_alphabetic()).collect::<String>() == letters;
    if other.iter().any(same_letters) {
        return true;
    }
    let initials: String =
        other.iter().filter(|w| w.kind == WordKind::Name).filter_map(|w| w.surface.chars().next()).collect();
    initials.contains(&letters)
}

/// A name counts as present when the other side has a word that starts with it or that it starts with
/// ("Hollande"/"Hollande's", "Kremlin"/"Kremlin-backed").
fn is_part_of(word: &Word, other: &Word) -> bool {
    other.kind != WordKind::Function
        && word.lower.len() >= 4
        && other.lower.len() >= 4
        && (other.lower.starts_with(&word.lower) || word.lower.starts_with(&other.lower))
}

/// The disagreements between two phrasings of one fact, read from the word diff's replacements: a kind is
/// reported when a replaced stretch holds, on each side, a word of that kind missing from the whole other
/// sentence ("nine" replaced by "12"; "Peskov" by "Ushakov"). A name one outlet adds or leaves out is an omission,
/// not a disagreement, and a name that only moved within the sentence is no disagreement either.
pub fn disagreements(
    lhs: &[Word],
    rhs: &[Word],
    choices: &[(String, String)],
    score: f64,
) -> Vec<Disagreement> {
    let mut found: Vec<Disagreement> = Vec::new();
    for (lhs_phrase, rhs_phrase) in choices.iter().filter(|(l, r)| !l.is_empty() && !r.is_empty()) {
        let lhs_changed = in_context(super::tokens::words(lhs_phrase), lhs);
        let rhs_changed = in_context(super::tokens::words(rhs_phrase), rhs);
        if lhs_changed.len() > MAX_REPLACED_WORDS || rhs_changed.len() > MAX_REPLACED_WORDS {
            continue;
        }
        for kind in [DisagreementKind::Number, DisagreementKind::Day, DisagreementKind::Name] {
            if kind == DisagreementKind::Name
                && (score < NAME_COMPARISON_SCORE
                    || !only_names(&lhs_changed)
                    || !only_names(&rhs_changed)
                    || title_case(lhs)
                    || title_case(rhs))
            {
                continue;
            }
            let lhs_only = unmatched(&lhs_changed, rhs, kind);
            let rhs_only = unmatched(&rhs_changed, lhs, kind);
            if lhs_only.is_empty() || rhs_only.is_empty() {
                continue;
            }
            match found.iter_mut().find(|d| d.kind == kind) {
                Some(existing) => {
                    for word in lhs_only {
                        if !existing.lhs.contains(&word) {
                            existing.lhs.push(word);
                        }
                    }
                    for word in rhs_only {
                        if !existing.rhs.contains(&word) {
                            existing.rhs.push(word);
                        }
                    }
                }
                None => found.push(Disagreement { kind, lhs: lhs_only, rhs: rhs_only }),
            }
        }
    }
    found.sort_by_key(|d| d.kind as u8);
    found
}

#[cfg(test)]
mod tests {
    use super::super::tokens::words;
    use super::super::words::{word_choices, word_diff};
    use super::*;

    fn compare(lhs: &str, rhs: &str) -> Vec<Disagreement> {
        disagreements(&words(lhs), &words(rhs), &word_choices(&word_diff(lhs, rhs)), 1.0)
    }

    #[test]
    fn numbers_and_days_that_differ_are_flagged() {
        let found = compare(
            "Nine people were killed in the attack on Tuesday, police said.",
            "Police said 12 people were killed in the attack on Wednesday.",
        );
        assert_eq!(
            found,
            vec![
                Disagreement {
                    kind: DisagreementKind::Number,
                    lhs: vec!["Nine".into()],
                    rhs: vec!["12".into()]
                },
                Disagreement {
                    kind: DisagreementKind::Day,
                    lhs: vec!["Tuesday".into()],
                    rhs: vec!["Wednesday".into()]
                },
            ]
        );
    }

    #[test]
    fn same_values_and_omissions_are_not_disagreements() {
        assert!(compare("Nine people were killed.", "9 people were killed on Monday.").is_empty());
        assert!(compare(
            "French President Francois Hollande said he was ready.",
            "Hollande said he was ready."
        )
        .is_empty());
        assert!(compare("Putin cancelled a visit to Paris.", "In Paris, the visit by Putin was cancelled.")
            .is_empty());
        assert!(compare(
            "The U.S. bishops wrote to Mr. Kerry.",
            "The United States bishops wrote to Sen. Kerry."
        )
        .is_empty());
    }

    #[test]
    fn title_case_lines_and_dotted_acronyms_are_not_name_disagreements() {
        assert!(compare(
            "Aide Resigns After Post Messaged Obama Daughters",
            "Aide Resigns After Post Communicated Obama Daughters"
        )
        .is_empty());
        assert!(compare("The I.R.S. will accept the returns.", "The IRS will accept the returns.").is_empty());
    }

    #[test]
    fn different_names_for_one_role_are_flagged() {
        let found = compare(
            "Kremlin spokesman Dmitry Peskov said the visit was off.",
            "Kremlin spokesman Yuri Ushakov said the visit was off.",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, DisagreementKind::Name);
        assert_eq!(found[0].lhs, vec!["Dmitry".to_string(), "Peskov".to_string()]);
    }
}
