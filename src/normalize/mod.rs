//! Text normalisation, page-boilerplate removal and exact-duplicate merging.

mod boilerplate;
mod dedup;

pub use boilerplate::{
    is_boilerplate_paragraph, paragraph_hashes, remove_learned_boilerplate, strip_credits,
    LearnedBoilerplate, LEARNED_BOILERPLATE_MIN_ARTICLES,
};
pub use dedup::{apply_merges, duplicate_targets, merge_exact_duplicates, text_key};

use crate::article::Article;
use unicode_normalization::UnicodeNormalization;

/// What normalisation does with an outlet's typography: curly and angle quotes, dashes, soft hyphens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typography {
    /// One form for quotes, apostrophes, dashes and ellipses, no zero-width characters or soft hyphens: what
    /// clustering and diffing compare, so that `„Ja“` and `"Ja"` are the same words.
    Fold,
    /// The characters as published (after NFKC): what `storydiff ingest` writes, so that a quote can be
    /// searched for as the outlet printed it.
    Keep,
}

/// Normalises one piece of text: NFKC, one form for quotes, apostrophes, dashes and ellipses, no control or
/// zero-width characters, single spaces. Idempotent: normalising twice changes nothing more.
pub fn normalize_text(text: &str) -> String {
    normalize_text_with(text, Typography::Fold)
}

/// [`normalize_text`], folding the typography or keeping it. Both are idempotent.
pub fn normalize_text_with(text: &str, typography: Typography) -> String {
    // ASCII is its own NFKC; most news text is, and NFKC costs a tenth of the clustering time (perf, 10k
    // synthetic articles), so skip it there.
    if text.is_ascii() || nfkc_stable(text, typography) {
        return map_characters(text.chars(), typography);
    }
    normalize_through_nfkc(text, typography)
}

/// Whether every character of a text is one NFKC leaves alone and cannot compose with its neighbours, or one
/// whose NFKC form the mapping below gives anyway: ASCII, Latin-1 letters, curly quotes and dashes, and the
/// no-break space (NFKC makes it a space, the mapping a space too). Then NFKC is skipped. In `gen_scale.py`'s
/// news text, 99% of the paragraphs that are not ASCII hold only these (curly quotes mostly), and NFKC's
/// decomposition and recomposition were 7% of the first pass (perf, 5,000 articles).
fn nfkc_stable(text: &str, typography: Typography) -> bool {
    text.chars().all(|c| {
        c.is_ascii()
            || matches!(c, '\u{A0}' | '\u{C0}'..='\u{FF}' | '\u{2013}'..='\u{2015}' | '\u{2018}'..='\u{201F}')
            // NFKC writes an ellipsis as three full stops, as folding does.
            || (c == '\u{2026}' && typography == Typography::Fold)
    })
}

fn normalize_through_nfkc(text: &str, typography: Typography) -> String {
    let mut out = map_characters(text.nfkc(), typography);
    // Dropping a character can bring a base letter and a combining mark together ("g", zero-width space, acute),
    // which NFKC would then compose; and NFKC can produce spaces ("¨" is a space and a diaeresis). Normalise
    // until nothing changes, so that normalising twice gives the same text (found by proptest).
    for _ in 0..4 {
        if out.is_ascii() || unicode_normalization::is_nfkc(&out) {
            break;
        }
        out = map_characters(out.nfkc(), typography);
    }
    out
}

fn map_characters(chars: impl Iterator<Item = char>, typography: Typography) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    let fold = typography == Typography::Fold;
    for c in chars {
        let mapped: &str = match c {
            c if c.is_whitespace() => {
                pending_space = !out.is_empty();
                continue;
            }
            c if c.is_control() => continue,
            _ if !fold => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
                continue;
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => "'",
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => "\"",
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => "-",
            '\u{2026}' => "...",
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => "",
            _ => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
                continue;
            }
        };
        if mapped.is_empty() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push_str(mapped);
    }
    out
}

/// Normalises an article's title and paragraphs and drops the page boilerplate found in them.
pub fn normalize_article(article: &mut Article) {
    normalize_article_with(article, Typography::Fold);
}

/// [`normalize_article`], folding the typography or keeping it.
pub fn normalize_article_with(article: &mut Article, typography: Typography) {
    let normalize = |text: &str| normalize_text_with(text, typography);
    article.title = article.title.as_deref().map(normalize).filter(|t| !t.is_empty());
    let paragraphs = std::mem::take(&mut article.paragraphs);
    article.paragraphs = paragraphs
        .iter()
        .map(|p| strip_credits(&normalize(p)))
        .filter(|p| !p.is_empty() && !is_boilerplate_paragraph(&folded_for_boilerplate(p, typography)))
        .collect();
    article.outlet = article.outlet.as_deref().map(normalize).filter(|o| !o.is_empty());
    article.language = language_of(article);
}

/// A normalised paragraph as the boilerplate patterns read it: folded. Folding a text that is already folded
/// changes nothing (normalisation is idempotent), unless [`strip_credits`] cut a credit out of it and so brought
/// together characters folding would join (a letter and a combining mark); it cuts only at a bracket, so only
/// paragraphs with one are folded again: folding every paragraph twice was a fifth of the normalising time
/// (perf, 5,000 `gen_scale.py` articles).
fn folded_for_boilerplate(paragraph: &str, typography: Typography) -> std::borrow::Cow<'_, str> {
    if typography == Typography::Fold && !paragraph.contains('(') {
        std::borrow::Cow::Borrowed(paragraph)
    } else {
        std::borrow::Cow::Owned(normalize_text(paragraph))
    }
}

/// The article's language: the one its input named (as a known code when storydiff has a profile for it), else
/// the one detected from its title and opening, with the page's `lang` attribute as a hint.
fn language_of(article: &Article) -> Option<String> {
    use crate::text::language;
    if let Some(given) = article.language.as_deref() {
        return Some(match language::pairing_id(Some(given)) {
            u8::MAX => given.trim().to_string(),
            _ => language::profile(Some(given)).code.to_string(),
        });
    }
    let mut sample = article.title.clone().unwrap_or_default();
    for paragraph in &article.paragraphs {
        if sample.len() >= 2000 {
            break;
        }
        sample.push('\n');
        sample.push_str(paragraph);
    }
    let hint = article.extra.get("html_lang").and_then(|v| v.as_str());
    language::detect(&sample, hint).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_6_proptest_case_a_dropped_character_between_letter_and_accent_normalises_in_one_pass() {
        for text in ["g\u{200b}\u{301}", "e\u{7}\u{301}", "a \u{a8}b", "x\u{ad}\u{308}\u{200d}"] {
            for typography in [Typography::Fold, Typography::Keep] {
                let once = normalize_text_with(text, typography);
                assert_eq!(normalize_text_with(&once, typography), once, "{text:?} {typography:?}");
            }
        }
        assert_eq!(normalize_text("g\u{200b}\u{301}"), "\u{1f5}");
    }

    #[test]
    fn issue_17_furniture_is_dropped_whether_or_not_a_credit_was_cut_from_it() {
        for typography in [Typography::Fold, Typography::Keep] {
            let mut article =
                Article::new("a1".into(), crate::article::SourceLocation { path: "t".into(), record: None });
            article.paragraphs = vec![
                "Kremlin spokesman Dmitry Peskov said the visit was off.".into(),
                "Read\u{00A0}more: Putin\u{2019}s trip (Reporting by Anna Lee)".into(),
                // Kept typography keeps the zero-width space; only the folded text reads as furniture.
                "Advertisement\u{200B}".into(),
                "Hollande said he was ready to meet Putin (Editing by Tom Hart) \u{2014} but only on Syria."
                    .into(),
            ];
            normalize_article_with(&mut article, typography);
            assert_eq!(article.paragraphs.len(), 2, "{typography:?}: {:?}", article.paragraphs);
            assert!(article.paragraphs[1].starts_with("Hollande said"), "{:?}", article.paragraphs);
        }
    }

    #[test]
    fn issue_17_text_nfkc_leaves_alone_skips_it_with_the_same_result() {
        let alphabet: Vec<char> = "aZ 9.'\"-\u{A0}\u{C0}\u{C9}\u{DF}\u{E9}\u{F1}\u{FF}\u{D7}\u{2013}\u{2014}\u{2015}\u{2018}\u{2019}\u{201C}\u{201D}\u{201E}\u{201F}\u{2026}"
            .chars()
            .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            let text: String = (0..12)
                .map(|_| {
                    state =
                        state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            for typography in [Typography::Fold, Typography::Keep] {
                assert_eq!(
                    normalize_text_with(&text, typography),
                    normalize_through_nfkc(&text, typography),
                    "{text:?} {typography:?}"
                );
            }
        }
        assert!(!nfkc_stable("\u{2026}", Typography::Keep));
        assert!(!nfkc_stable("e\u{301}", Typography::Fold));
    }

    #[test]
    fn quotes_dashes_ellipses_spaces_unified() {
        let text = "\u{201C}We\u{2019}re ready\u{2026}\u{201D} \u{2014} Hollande\u{00A0}said\u{200B}  now";
        assert_eq!(normalize_text(text), "\"We're ready...\" - Hollande said now");
    }

    #[test]
    fn kept_typography_only_collapses_spaces_and_drops_controls() {
        let text = "\u{201E}Ja\u{201C} \u{2014} Kern\u{00AD}werk\u{0007}\u{00A0} now";
        assert_eq!(
            normalize_text_with(text, Typography::Keep),
            "\u{201E}Ja\u{201C} \u{2014} Kern\u{00AD}werk now"
        );
        let once = normalize_text_with(text, Typography::Keep);
        assert_eq!(normalize_text_with(&once, Typography::Keep), once);
    }

    #[test]
    fn fullwidth_and_ligatures_fold_under_nfkc() {
        assert_eq!(normalize_text("\u{FF21}\u{FF22} \u{FB01}nal"), "AB final");
    }

    #[test]
    fn normalisation_is_idempotent_on_a_messy_sample() {
        let text = " \u{2018}a\u{2019}\t\u{2013}b\u{0007}\u{2026} c ";
        let once = normalize_text(text);
        assert_eq!(normalize_text(&once), once);
    }
}
