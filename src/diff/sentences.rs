//! News text to sentences: datelines split off, then sentencex's English rules (abbreviations, initials,
//! decimals, quotes), with a repair for quotes that span a boundary.

use regex::Regex;
use std::sync::LazyLock;

/// One sentence of an article body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sentence {
    /// Position among the article's sentences, from 0.
    pub index: usize,
    /// Paragraph it came from, from 0 (the headline is in paragraph 0 too).
    pub paragraph: usize,
    pub text: String,
    /// The article's headline, which takes part in the diff like a sentence of its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub headline: bool,
}

/// An article body as sentences, with the dateline ("MOSCOW, Oct 11 (Reuters) -") kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitBody {
    pub dateline: Option<String>,
    pub sentences: Vec<Sentence>,
}

/// A dateline opens the first paragraph: a place in capitals, optionally a date and an agency, then a dash.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<dateline>[A-Z][A-Z./'\- ]{1,40}(?:, [A-Z][A-Za-z.]{1,10}\.?(?: [A-Z][a-z]{2,8}\.?)? \d{1,2}(?:, \d{4})?)?(?: \([A-Za-z][A-Za-z ./&-]{0,30}\))?\s*(?:-{1,2}|—|–|:))\s+",
    )
    .expect("dateline pattern")
});

/// Splits off a leading dateline, if the paragraph starts with one.
pub fn split_dateline(paragraph: &str) -> (Option<&str>, &str) {
    match DATELINE.captures(paragraph) {
        Some(captures) => {
            let whole = captures.get(0).map_or(0, |m| m.end());
            let dateline = captures.name("dateline").map(|m| m.as_str().trim());
            (dateline, &paragraph[whole..])
        }
        None => (None, paragraph),
    }
}

fn count_quotes(text: &str) -> usize {
    text.chars().filter(|c| matches!(c, '"' | '“' | '”')).count()
}

/// A piece that starts in lowercase continues the sentence before it: the split was at an abbreviation the
/// segmenter does not know ("8 pct. on Tuesday"). Names like "eBay" or "iPhone" (a capital second letter) do
/// start sentences.
fn continues_sentence(piece: &str) -> bool {
    let mut chars = piece.chars();
    chars.next().is_some_and(char::is_lowercase) && !chars.next().is_some_and(char::is_uppercase)
}

/// Sentences of one paragraph. A sentence with an odd number of quote marks is joined to the next one until the
/// quote closes, so a quoted statement of two sentences stays one unit of attribution.
pub fn paragraph_sentences(paragraph: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for piece in sentencex::segment("en", paragraph) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        if open || (continues_sentence(piece) && !out.is_empty()) {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(piece);
            }
        } else {
            out.push(piece.to_string());
        }
        if count_quotes(piece) % 2 == 1 {
            open = !open;
        }
    }
    out
}

/// Longest sentence the diff compares, in words; longer ones are cut into pieces of this size. Comparing two
/// sentences costs the product of their lengths, and text without sentence punctuation (a scrape that lost it,
/// a stray quote mark joining a paragraph) made one 30,000-word "sentence": two such articles took 77 s to diff.
/// Measured with our splitter: the longest sentence is 140 words in BASIL (99.9th percentile 88), 94 in
/// NewsWCL50, 76 in AllSides, so no real sentence there is cut.
pub const MAX_SENTENCE_WORDS: usize = 150;

/// The sentence itself, or its consecutive pieces of at most [`MAX_SENTENCE_WORDS`] words.
fn bounded(sentence: String) -> Vec<String> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= MAX_SENTENCE_WORDS {
        return vec![sentence];
    }
    words.chunks(MAX_SENTENCE_WORDS).map(|piece| piece.join(" ")).collect()
}

/// A one-line label for an article: its title, else one derived from its body ([`derived_headline`]). Shown
/// only: a derived headline is never a clustering feature. It lives here, beside the dateline pattern, so that
/// `article` does not depend on `diff`.
pub fn display_headline(article: &crate::article::Article) -> String {
    if let Some(title) = article.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return title.to_string();
    }
    let first = match &article.excerpt {
        Some(excerpt) => excerpt.as_str(),
        None => article.paragraphs.first().map(String::as_str).unwrap_or(""),
    };
    derived_headline(first)
}

/// A derived headline is cut at a word boundary before this many characters ("..." marks the cut); the titles of
/// the bundled corpus run 40-90.
pub const DERIVED_HEADLINE_CHARS: usize = 90;

/// A display headline for an article that has none (seed layout, plain text): its lead sentence without the
/// dateline ("MOSCOW/PARIS, Oct 11 (Reuters) -"), cut at a word boundary. Issue 16: the Putin story's diff said
/// "(no headline)" seven times, and its DOT label was Reuters' dateline.
pub fn derived_headline(first_paragraph: &str) -> String {
    let (_, lead) = split_dateline(first_paragraph.trim());
    let sentence_end = lead
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && lead[i + c.len_utf8()..].starts_with(' '))
        .map_or(lead.len(), |(i, c)| i + c.len_utf8());
    let sentence = lead[..sentence_end].trim();
    if sentence.chars().count() <= DERIVED_HEADLINE_CHARS {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(DERIVED_HEADLINE_CHARS).collect();
    let at_word =
        cut.rfind(' ').filter(|&i| i > DERIVED_HEADLINE_CHARS / 2).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}...", at_word.trim_end_matches([',', ';', ':']))
}

/// Splits an article's paragraphs into sentences. The dateline is looked for in the first paragraph only.
pub fn split_body(paragraphs: &[String]) -> SplitBody {
    let mut body = SplitBody::default();
    for (paragraph_index, paragraph) in paragraphs.iter().enumerate() {
        let text = if paragraph_index == 0 {
            let (dateline, rest) = split_dateline(paragraph);
            body.dateline = dateline.map(str::to_string);
            rest
        } else {
            paragraph.as_str()
        };
        for sentence in paragraph_sentences(text).into_iter().flat_map(bounded) {
            body.sentences.push(Sentence {
                index: body.sentences.len(),
                paragraph: paragraph_index,
                text: sentence,
                headline: false,
            });
        }
    }
    body
}

/// An article as the diff reads it: its headline (unless it only repeats the first sentence) as sentence 0,
/// then the body's sentences.
pub fn split_article(title: Option<&str>, paragraphs: &[String]) -> SplitBody {
    let mut body = split_body(paragraphs);
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let squeeze = |text: &str| -> String { text.chars().filter(|c| c.is_alphanumeric()).collect::<String>() };
    let Some(title) = title else { return body };
    if body
        .sentences
        .first()
        .is_some_and(|first| squeeze(&first.text).to_lowercase() == squeeze(title).to_lowercase())
    {
        return body;
    }
    for sentence in &mut body.sentences {
        sentence.index += 1;
    }
    body.sentences.insert(0, Sentence { index: 0, paragraph: 0, text: title.to_string(), headline: true });
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        paragraph_sentences(text)
    }

    #[test]
    fn issue_6_text_without_sentence_ends_is_cut_into_bounded_pieces() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let body = split_body(&[words.join(" ")]);
        let pieces: Vec<usize> = body.sentences.iter().map(|s| s.text.split_whitespace().count()).collect();
        assert_eq!(pieces, [150, 150, 100]);
        assert_eq!(body.sentences[1].text.split_whitespace().next(), Some("w150"), "in order, nothing lost");
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_end_sentences() {
        assert_eq!(
            split(
                "Mr. Peskov met U.S. officials on Oct. 11 at the No. 2 building. Gen. J. R. Smith said growth was \
                 2.5 percent. Markets fell."
            ),
            vec![
                "Mr. Peskov met U.S. officials on Oct. 11 at the No. 2 building.",
                "Gen. J. R. Smith said growth was 2.5 percent.",
                "Markets fell."
            ]
        );
    }

    #[test]
    fn a_quote_of_two_sentences_stays_with_its_attribution() {
        assert_eq!(
            split(
                "\"The visit is off. We will find another date,\" Peskov said. Hollande was not available for comment."
            ),
            vec![
                "\"The visit is off. We will find another date,\" Peskov said.",
                "Hollande was not available for comment."
            ]
        );
    }

    #[test]
    fn datelines_are_split_off() {
        for (paragraph, dateline) in [
            ("MOSCOW, Oct 11 (Reuters) - Russian President Vladimir Putin", "MOSCOW, Oct 11 (Reuters) -"),
            ("WASHINGTON — The Senate voted", "WASHINGTON —"),
            ("MOSCOW/PARIS, Oct 11 (Reuters) - Russian", "MOSCOW/PARIS, Oct 11 (Reuters) -"),
            ("PARIS (AP) -- France said", "PARIS (AP) --"),
            ("NEW YORK, Oct. 12, 2016 (AFP) - Shares", "NEW YORK, Oct. 12, 2016 (AFP) -"),
        ] {
            let (found, rest) = split_dateline(paragraph);
            assert_eq!(found, Some(dateline), "{paragraph}");
            assert!(rest.chars().next().is_some_and(char::is_uppercase), "{rest}");
        }
        assert_eq!(split_dateline("Russia's President said - briefly - no").0, None);
        assert_eq!(split_dateline("A visit - postponed").0, None);
    }

    #[test]
    fn body_sentences_are_numbered_across_paragraphs() {
        let body = split_body(&["MOSCOW (Reuters) - One. Two.".to_string(), "Three.".to_string()]);
        assert_eq!(body.dateline.as_deref(), Some("MOSCOW (Reuters) -"));
        let texts: Vec<(usize, usize, &str)> =
            body.sentences.iter().map(|s| (s.index, s.paragraph, s.text.as_str())).collect();
        assert_eq!(texts, vec![(0, 0, "One."), (1, 0, "Two."), (2, 1, "Three.")]);
    }
}
