//! Which words name someone or something (people, places, bodies), for storylines: rare words written with a
//! capital.

use super::language::Profile;
use super::tokenize::{Term, TermKind};
use std::sync::LazyLock;

/// A word the general frequency table does not list (Zipf below 4.5, fewer than one in 30,000 words of text
/// in its language): written with a capital, it is a name ("Whitfield", "Millbrook", "NTSB") rather than a
/// capitalised common word ("Police", "Monday", "Court", all listed). Languages without a table count every
/// capitalised word as one. Nor is a word whose stem a listed word shares ("Greens" and "green", "Additionally" and "additional"): the
/// term is the stem, and the common word writes it in lower case.
pub fn is_rare_word(profile: &Profile, lowercase: &str) -> bool {
    crate::text::lexicon::frequency::zipf(profile.code, lowercase).is_none()
        && !common_stems(profile).contains(profile.stem(lowercase).as_ref())
}

/// The stems of the words a language's frequency list holds, computed once per language.
fn common_stems(profile: &Profile) -> &'static std::collections::HashSet<String> {
    type Stems = std::collections::HashMap<u8, &'static std::collections::HashSet<String>>;
    static STEMS: LazyLock<std::sync::Mutex<Stems>> = LazyLock::new(Default::default);
    let mut stems = STEMS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    stems.entry(profile.id).or_insert_with(|| {
        let set = crate::text::lexicon::frequency::common_words(profile.code)
            .map(|word| profile.stem(word).into_owned())
            .collect();
        Box::leak(Box::new(set))
    })
}

/// What a term says about names, for storylines (which link stories through the names they share, never
/// through topic words): a single word rarer than the general frequency table lists ([`is_rare_word`]) is a
/// name when written with a capital ("Whitfield", "Millbrook", "NTSB"), and a common noun when the corpus also
/// writes it in lower case ("Prosecutors" opening a sentence, "prosecutors" elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// A rare word written with a capital.
    Capitalised,
    /// A rare word written in lower case.
    LowerCase,
    /// Anything else: common words, numbers, name pairs (whose words are judged one by one).
    Other,
}

/// The [`Naming`] of a term as [`crate::text::tokenize::terms`] reports it. A capital opening a sentence says
/// nothing ("Neighbours said...", "Detective Quayle asked..."); one after a short abbreviation's full stop does
/// ("Lt. Renata Coyle").
pub fn naming(term: &Term, profile: &Profile) -> Naming {
    if term.kind != TermKind::Word || !is_rare_word(profile, &lowercase(&term.surface)) {
        return Naming::Other;
    }
    if term.opens_sentence {
        return Naming::Other;
    }
    if term.surface.chars().next().is_some_and(char::is_uppercase) {
        Naming::Capitalised
    } else {
        Naming::LowerCase
    }
}

fn lowercase(word: &str) -> String {
    let mut out = String::new();
    super::tokenize::lowercase_into(word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::terms;

    #[test]
    fn issue_15_rare_words_are_names_when_capitalised() {
        let profile = crate::text::language::profile(None);
        let mut seen = Vec::new();
        let text =
            "Prosecutors said Marcus Whitfield was shot in Dayton on Monday. Neighbours praised Lt. Coyle. \
                    The Police Department and the NTSB met; prosecutors praised Whitfield and the court.";
        let _ = terms(text, profile, |t, _, _| match naming(&t, profile) {
            Naming::Other => {}
            n => seen.push((t.text, n)),
        });
        use Naming::*;
        // "Prosecutors" and "Neighbours" open sentences; "Police", "Monday", "Department" and "court" are listed
        // words; "praised" is rare but lower case; "Coyle" follows an abbreviation's full stop, not a sentence's.
        let expected = [
            ("marcus", Capitalised),
            ("whitfield", Capitalised),
            ("dayton", Capitalised),
            ("prais", LowerCase),
            ("lt", Capitalised),
            ("coyl", Capitalised),
            ("ntsb", Capitalised),
            ("prosecutor", LowerCase),
            ("prais", LowerCase),
            ("whitfield", Capitalised),
        ];
        assert_eq!(seen, expected.map(|(t, n)| (t.to_string(), n)));
    }
}
