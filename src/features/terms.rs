//! Reading an article's words for both views: zone-weighted event terms and the copy view's shingles.

use super::sum_by_key;
use crate::article::Article;
use crate::text::language;
use crate::text::names::Naming;
use crate::text::tokenize::{term_hashes, terms, Term, TermKind};
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Title words count this many times: a headline names the event in the fewest words.
/// Chosen a priori (headline terms worth two body mentions, lead terms one and a half); see docs/EVALUATION.md
/// for the measured effect of switching the zone weights off.
pub const TITLE_WEIGHT: f32 = 2.0;
/// Weight of the first [`LEAD_WORDS`] body words, where news writing puts who, what, where and when.
pub const LEAD_WEIGHT: f32 = 1.5;
/// Length of the lead in words: about the first two paragraphs of a wire story (40-60 words in the corpora).
pub const LEAD_WORDS: usize = 60;
/// Word n-gram length of the copy view. Five words is the usual choice for near-duplicate detection: long enough
/// that independent reports share almost none (measured: see the 5-shingle baselines), short enough to
/// survive light editing.
pub const SHINGLE_WORDS: usize = 5;

/// A term read from one article, with its zone-weighted frequency.
#[derive(Debug, Clone)]
pub struct WeightedTerm {
    pub text: String,
    /// The first form the term was written in.
    pub surface: String,
    pub kind: TermKind,
    pub frequency: f32,
}

/// The event-view terms of an article with zone-weighted frequencies, in first-seen order.
pub fn weighted_terms(article: &Article) -> Vec<WeightedTerm> {
    let mut order: Vec<WeightedTerm> = Vec::new();
    let mut index: HashMap<String, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder> = HashMap::default();
    let mut add = |term: Term, weight: f32| match index.get(&term.text) {
        Some(&i) => order[i].frequency += weight,
        None => {
            index.insert(term.text.clone(), order.len());
            order.push(WeightedTerm {
                text: term.text,
                kind: term.kind,
                surface: term.surface,
                frequency: weight,
            });
        }
    };
    let profile = language::profile(article.language.as_deref());
    if let Some(title) = &article.title {
        let _ = terms(title, profile, |term, _, everyday| add(term, TITLE_WEIGHT * everyday));
    }
    let mut offset = 0;
    for paragraph in feature_paragraphs(&article.paragraphs) {
        let start = offset;
        offset += terms(paragraph, profile, |term, i, everyday| {
            add(term, everyday * if start + i < LEAD_WORDS { LEAD_WEIGHT } else { 1.0 })
        });
    }
    order
}

/// What one pass over an article's words gives the clustering path.
pub struct ArticleTerms {
    /// Event-view terms as (term hash, zone-weighted frequency), sorted by hash, one entry per term.
    pub counts: Vec<(u64, f32)>,
    /// Hashes of the body's word shingles (lowercased words, stop words included: copies keep them), sorted
    /// and distinct.
    pub shingles: Vec<u64>,
    /// Hashes of the rare words written with a capital ([`Naming::Capitalised`]), sorted and distinct: the
    /// names storylines link through, unless the corpus also writes them in lower case.
    pub names: Vec<u64>,
    /// Hashes of the rare words written in lower case, sorted and distinct.
    pub lowercase: Vec<u64>,
}

/// Bytes of an article's body that features are read from. A report runs 3-30 KB; past this, a "body" is a
/// dump (a whole page of comments, a log), and reading all of it would cost time and memory for nothing. The
/// article is kept whole for diffs and exports, and ingest warns (`ingest::check_body_size`).
pub const FEATURE_BODY_LIMIT: usize = 1 << 20;

/// The paragraphs features are read from: all of them up to [`FEATURE_BODY_LIMIT`] bytes, the last one cut at
/// a character boundary.
pub fn feature_paragraphs(paragraphs: &[String]) -> impl Iterator<Item = &str> {
    let mut left = FEATURE_BODY_LIMIT;
    paragraphs.iter().map_while(move |paragraph| {
        if left == 0 {
            return None;
        }
        let mut end = paragraph.len().min(left);
        while !paragraph.is_char_boundary(end) {
            end -= 1;
        }
        left -= end;
        Some(&paragraph[..end])
    })
}

/// Reads an article's words once for both views: the same terms and weights as [`weighted_terms`], by hash.
pub fn article_terms(article: &Article) -> ArticleTerms {
    let mut counts: Vec<(u64, f32)> = Vec::new();
    let profile = language::profile(article.language.as_deref());
    let (mut names, mut lowercase) = (Vec::new(), Vec::new());
    let headline_only = article.is_headline_only();
    if let Some(title) = &article.title {
        term_hashes(
            title,
            profile,
            |hash, _, everyday, naming| {
                counts.push((hash, TITLE_WEIGHT * everyday));
                // Headlines are often in title case ("Police Arrest Suspect"), so their capitals are read as names
                // only where there is no body to find the names in.
                match naming {
                    Naming::Capitalised if headline_only => names.push(hash),
                    Naming::LowerCase => lowercase.push(hash),
                    _ => {}
                }
            },
            |_| {},
        );
    }
    let mut window = [0u64; SHINGLE_WORDS];
    let mut words_seen = 0usize;
    let mut shingles = Vec::new();
    let mut offset = 0;
    for paragraph in feature_paragraphs(&article.paragraphs) {
        let start = offset;
        offset += term_hashes(
            paragraph,
            profile,
            |hash, i, everyday, naming| {
                counts.push((hash, everyday * if start + i < LEAD_WORDS { LEAD_WEIGHT } else { 1.0 }));
                match naming {
                    Naming::Capitalised => names.push(hash),
                    Naming::LowerCase => lowercase.push(hash),
                    Naming::Other => {}
                }
            },
            |word| {
                window[words_seen % SHINGLE_WORDS] = word;
                words_seen += 1;
                if words_seen >= SHINGLE_WORDS {
                    let mut bytes = [0u8; 8 * SHINGLE_WORDS];
                    for k in 0..SHINGLE_WORDS {
                        let hash = window[(words_seen + k) % SHINGLE_WORDS];
                        bytes[8 * k..8 * k + 8].copy_from_slice(&hash.to_le_bytes());
                    }
                    shingles.push(xxh3_64(&bytes));
                }
            },
        );
    }
    shingles.sort_unstable();
    shingles.dedup();
    for list in [&mut names, &mut lowercase] {
        list.sort_unstable();
        list.dedup();
    }
    ArticleTerms { counts: sum_by_key(counts), shingles, names, lowercase }
}
