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

const DAY_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tomorrow",
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
        let found = other
            .iter()
            .any(|o| same_word(word, o) || (kind == DisagreementKind::Name && is_part_of(word, o)));
        if !found && !out.contains(&word.surface) {
            out.push(word.surface.clone());
        }
    }
    out
}

/// A name counts as present when the other side has a word that starts with it or that it starts with
/// ("Hollande"/"Hollande's", "Kremlin"/"Kremlin-backed").
fn is_part_of(word: &Word, other: &Word) -> bool {
    other.kind != WordKind::Function
        && word.lower.len() >= 4
        && other.lower.len() >= 4
        && (other.lower.starts_with(&word.lower) || word.lower.starts_with(&other.lower))
}

/// The disagreements between two phrasings of one fact. A kind is reported only when both sides have a word of
/// that kind the other lacks: one outlet giving a name the other leaves out is an omission, not a disagreement.
pub fn disagreements(lhs: &[Word], rhs: &[Word]) -> Vec<Disagreement> {
    [DisagreementKind::Number, DisagreementKind::Day, DisagreementKind::Name]
        .into_iter()
        .filter_map(|kind| {
            let lhs_only = unmatched(lhs, rhs, kind);
            let rhs_only = unmatched(rhs, lhs, kind);
            (!lhs_only.is_empty() && !rhs_only.is_empty()).then_some(Disagreement {
                kind,
                lhs: lhs_only,
                rhs: rhs_only,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::words;
    use super::*;

    #[test]
    fn numbers_and_days_that_differ_are_flagged() {
        let found = disagreements(
            &words("Nine people were killed in the attack on Tuesday, police said."),
            &words("Police said 12 people were killed in the attack on Wednesday."),
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
        assert!(disagreements(&words("Nine people were killed."), &words("9 people were killed on Monday."))
            .is_empty());
        assert!(disagreements(
            &words("French President Francois Hollande said he was ready."),
            &words("Hollande said he was ready.")
        )
        .is_empty());
    }

    #[test]
    fn different_names_for_one_role_are_flagged() {
        let found = disagreements(
            &words("Kremlin spokesman Dmitry Peskov said the visit was off."),
            &words("Kremlin aide Yuri Ushakov said the visit was off."),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, DisagreementKind::Name);
        assert_eq!(found[0].lhs, vec!["Dmitry".to_string(), "Peskov".to_string()]);
    }
}
