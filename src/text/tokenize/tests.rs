//! Tests of the tokenizer: terms, their hashes, weights and stop words per language.

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
    use super::super::names::naming;
    let cases = [
        (
            None,
            "Vladimir Putin's trip: the KREMLIN said 1,200 Élysée guests met Angela Merkel, \
             François Hollande and the U.N. Security Council in Straße 7b; a I x",
        ),
        (Some("de"), "Wladimir Putin hat seinen Besuch in Paris abgesagt, teilte der Kreml am Dienstag mit."),
        (Some("zh"), "俄罗斯总统普京取消了原定下周对巴黎的访问。"),
        // Capital sigma at a word's end: `str::to_lowercase` gives final ς, the character-wise fold σ.
        (Some("el"), "Ο ΠΡΩΘΥΠΟΥΡΓΟΣ Κυριάκος Μητσοτάκης ΕΠΙΣΚΕΦΘΗΚΕ ΤΟΥΣ ΣΕΙΣΜΟΠΛΗΚΤΟΥΣ"),
        (None, "ΟΔΥΣΣΕΑΣ ΕΛΥΤΗΣ"),
    ];
    for (language, text) in cases {
        let profile = super::super::language::profile(language);
        let mut expected = Vec::new();
        let expected_words = terms(text, profile, |t, i, w| {
            let naming = naming(&t, profile);
            expected.push((crate::text::hash::term_hash(&t.text), i, w, naming))
        });
        let mut got = Vec::new();
        let mut word_hashes = 0;
        let got_words =
            term_hashes(text, profile, |h, i, w, name| got.push((h, i, w, name)), |_| word_hashes += 1);
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
        |h, _, w, _| hashed.push((h, w)),
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
    assert_eq!(collect_in("Путин отменил визит в Париж", Some("ru")), vec!["путин", "отмен", "виз", "париж"]);
    assert_eq!(collect_in("普京取消了对巴黎的访问", Some("zh")), vec!["取消", "巴黎", "访问"]);
}

#[test]
fn possessive_dropped() {
    assert_eq!(collect("Moscow's veto"), vec!["moscow", "veto"]);
}
