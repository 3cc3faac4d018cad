//! Per-article features: the event view (salient TF-IDF terms) and the copy view (word shingles), with
//! MinHash signatures of both.

mod terms;
mod vector;

pub use terms::{
    article_terms, feature_paragraphs, weighted_terms, ArticleTerms, WeightedTerm, FEATURE_BODY_LIMIT,
    LEAD_WEIGHT, LEAD_WORDS, SHINGLE_WORDS, TITLE_WEIGHT,
};
pub use vector::{cosine, overlap, prefetch_lines, shared_terms, TermVector};

use crate::text::hash::HashKeyHasher;
use crate::text::language;

use crate::article::Article;
use crate::sketch::{CopySignature, EventBands, EventSignature};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;

/// Tunable sizes of the event view.
#[derive(Debug, Clone)]
pub struct FeatureConfig {
    /// Terms kept in each article's TF-IDF vector (the highest weighted).
    pub salient_terms: usize,
    /// Terms put into the event-view MinHash (the highest weighted of the salient terms).
    pub sketch_terms: usize,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        // Measured on the three labelled corpora (docs/EVALUATION.md): cutting full-length reports to 48 or 128
        // terms loses most of their shared vocabulary (newswcl50 B-cubed F1 0.83 / 0.88 against 0.98 at 256 and
        // at no cut); 256 holds nearly every term of a 900-word article that occurs in another one. Sketches of
        // 16 terms gave higher LSH recall than 24 or 40 on all three corpora.
        FeatureConfig { salient_terms: 256, sketch_terms: 16 }
    }
}

/// A term as the clustering path stores it: the low 32 bits of its xxh3 hash. At 1M articles and some 10M
/// distinct terms a few thousand rare terms share a key, which moves no similarity measurably; the full
/// 64-bit hashes would double the largest part of memory (docs/PERFORMANCE.md).
pub type TermKey = u32;

pub fn term_key(hash: u64) -> TermKey {
    hash as u32
}

/// The features of one article, all that clustering needs of it once its text is gone.
#[derive(Debug, Clone)]
pub struct ArticleFeatures {
    /// Salient terms, sorted by key, L2-normalised.
    pub vector: TermVector,
    pub copy_signature: CopySignature,
    /// Distinct shingles in the copy view; 0 when the body is shorter than one shingle.
    pub shingle_count: u32,
    pub date: Option<NaiveDate>,
    /// The script of the article's language as [`language::pairing_id`] (0: unknown): articles in two
    /// different scripts can share no word, and are never paired.
    pub language: u8,
    /// The article has a title and no body: all it can share with another is a handful of title words.
    pub headline_only: bool,
}

impl ArticleFeatures {
    /// An article's features from its event vector and copy view: the one place they are put together.
    pub fn of(
        article: &Article,
        vector: TermVector,
        copy_signature: CopySignature,
        shingle_count: u32,
    ) -> Self {
        ArticleFeatures {
            vector,
            copy_signature,
            shingle_count,
            date: article.date,
            language: language::pairing_id(article.language.as_deref()),
            headline_only: article.is_headline_only(),
        }
    }
}

/// Inverse document frequency: `ln((N + 1) / df)`. Without the usual `+1` offset, so terms found in most
/// articles weigh next to nothing, and still positive for a corpus of two.
/// The document count IDF is taken relative to: the document frequency of the corpus's most widespread term,
/// not the number of articles. Articles that share no term with the rest (junk, gibberish, text in another
/// script) then leave every weight, and so every story, exactly as it was; with the article count, each such
/// article raised every IDF by `ln((N + 2) / (N + 1))`, and in the 81-article bundled corpus nine of them
/// pushed two pairs of related stories (average similarity 0.218) over the 0.22 threshold.
/// Measured (`storydiff eval`, B-cubed F1, article count -> this reference): AllSides 0.845 -> 0.835, BASIL
/// 0.977 -> 0.977, NewsWCL50 0.984 -> 0.984, bundled corpus 0.978 -> 0.981; those two pairs now average 0.159
/// and 0.129 (docs/EVALUATION.md, "IDF reference").
pub fn idf_reference(df: &DocumentFrequencies) -> usize {
    df.values().copied().max().unwrap_or(1) as usize
}

/// Inverse document frequency: `ln((R + 1) / df)`, with `R` the [`idf_reference`]. Without the usual `+1`
/// offset, so the most widespread terms weigh next to nothing, and still positive for them.
pub fn idf(reference: usize, document_frequency: u32) -> f32 {
    ((reference as f32 + 1.0) / document_frequency.max(1) as f32).ln()
}

/// Document frequencies of every term over the corpus, keyed by term key.
pub type DocumentFrequencies = HashMap<TermKey, u32, std::hash::BuildHasherDefault<HashKeyHasher>>;

/// An article's event-view counts by term key: (key, zone-weighted frequency), sorted by key.
pub type TermCounts = Vec<(TermKey, f32)>;

/// The keys of the words that name someone or something: rare words the corpus writes with a capital and never
/// in lower case ([`crate::text::tokenize::Naming`]), for storylines.
pub type NameTerms = std::collections::HashSet<TermKey, std::hash::BuildHasherDefault<HashKeyHasher>>;

/// What clustering keeps of an article's text before the document frequencies are known.
pub struct ReadArticle {
    pub counts: TermCounts,
    pub copy_signature: CopySignature,
    pub shingle_count: u32,
    /// Keys of the rare words written with a capital, sorted.
    pub names: Vec<TermKey>,
    /// Keys of the rare words written in lower case, sorted.
    pub lowercase: Vec<TermKey>,
}

impl ReadArticle {
    /// Reads an article's words once for both views.
    pub fn read(article: &Article) -> Self {
        let terms = article_terms(article);
        let (copy_signature, shingle_count) = copy_view(&terms.shingles);
        let keys = |hashes: &[u64]| {
            let mut keys: Vec<TermKey> = hashes.iter().map(|&hash| term_key(hash)).collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        ReadArticle {
            counts: keyed_counts(&terms.counts),
            copy_signature,
            shingle_count,
            names: keys(&terms.names),
            lowercase: keys(&terms.lowercase),
        }
    }
}

/// Term counts keyed by [`TermKey`], merged where two hashes share a key.
pub fn keyed_counts(counts: &[(u64, f32)]) -> TermCounts {
    sum_by_key(counts.iter().map(|&(hash, tf)| (term_key(hash), tf)).collect())
}

/// Sorts (key, frequency) pairs by key and adds up the frequencies of equal keys. Frequencies are sums of 1,
/// 1.5 and 2, exact in f32, so the order of the additions cannot change them.
pub(super) fn sum_by_key<K: Ord + Copy>(mut counts: Vec<(K, f32)>) -> Vec<(K, f32)> {
    counts.sort_unstable_by_key(|&(key, _)| key);
    let mut merged: Vec<(K, f32)> = Vec::with_capacity(counts.len());
    for (key, frequency) in counts {
        match merged.last_mut() {
            Some(last) if last.0 == key => last.1 += frequency,
            _ => merged.push((key, frequency)),
        }
    }
    merged
}

/// Counts in how many articles each term occurs, in parallel (a single counting loop was the feature stage's
/// serial part).
pub fn document_frequencies<'a>(
    docs: impl rayon::iter::ParallelIterator<Item = &'a [(TermKey, f32)]>,
) -> DocumentFrequencies {
    docs.fold(DocumentFrequencies::default, |mut df, doc| {
        for (key, _) in doc {
            *df.entry(*key).or_insert(0) += 1;
        }
        df
    })
    .reduce(DocumentFrequencies::default, merge_frequencies)
}

/// Adds the smaller table into the larger.
pub fn merge_frequencies(mut lhs: DocumentFrequencies, mut rhs: DocumentFrequencies) -> DocumentFrequencies {
    if lhs.len() < rhs.len() {
        std::mem::swap(&mut lhs, &mut rhs);
    }
    for (key, count) in rhs {
        *lhs.entry(key).or_insert(0) += count;
    }
    lhs
}

/// The copy view of an article: its MinHash signature and shingle count.
pub fn copy_view(shingles: &[u64]) -> (CopySignature, u32) {
    (shingles.iter().copied().collect(), shingles.len() as u32)
}

/// The event view of one article from its counts and the corpus document frequencies: the salient-term vector
/// and the LSH band hashes. Each term's document frequency is looked up once for both.
pub fn event_view(
    counts: &[(TermKey, f32)],
    df: &DocumentFrequencies,
    reference: usize,
    config: &FeatureConfig,
) -> (TermVector, EventBands) {
    let (known, unique_mass) = known_terms(counts, df, reference);
    let vector = vector_of(&known, config.salient_terms, unique_mass);
    let signature = signature_of(&known, config.sketch_terms);
    (vector, signature.bands())
}

/// The event view's vector alone, without its bands: what verification needs of an article whose band keys are
/// not written (the index's stored neighbours). The bands' signature was about 4% of an add's samples at 1M.
pub fn event_vector(
    counts: &[(TermKey, f32)],
    df: &DocumentFrequencies,
    reference: usize,
    config: &FeatureConfig,
) -> TermVector {
    let (known, unique_mass) = known_terms(counts, df, reference);
    vector_of(&known, config.salient_terms, unique_mass)
}

/// The share of their weight with which terms found in only one article count in its vector's norm. They can
/// link the article to nothing, but they say how much of it the others do not share: without them, where a
/// language or a topic has a handful of articles, two articles sharing two everyday words and nothing else
/// score as near-copies (issue 14: Polish reports on flat prices and on reading joined at cosine 0.986 through
/// "coraz" and "mniej"; 0.189 at 0.1, 0.136 at 0.15, 0.106 at 0.2). At full weight they cost the labelled
/// corpora (B-cubed F1 at each corpus's best threshold: newswcl50 0.984 -> 0.972, ecbplus_dev 0.902 -> 0.887).
/// Tried 0, 0.1, 0.15, 0.2, 0.25, 0.5 and 1 on allsides_neus, basil, newswcl50 and ecbplus_dev with their
/// titles-only variants (`scripts/heldout.py`): from 0.1 to 0.25 the mean F1 over the seven at the best common
/// threshold is within 0.002 (0.15 highest, 0.881); 0.15 keeps the fixture's unrelated pair well below the
/// threshold where 0.1 leaves it at 0.189 against 0.19. In-sample for all four corpora.
pub const UNIQUE_TERM_NORM_SHARE: f32 = 0.15;

/// The terms of an article found in at least one other article: (key, frequency, IDF), and the squared weight of
/// the others times [`UNIQUE_TERM_NORM_SHARE`]. Terms found in only this article are left out of the vector: they
/// cannot link it to anything and would crowd out the terms that can. They count in its norm, a little.
fn known_terms(
    counts: &[(TermKey, f32)],
    df: &DocumentFrequencies,
    reference: usize,
) -> (Vec<(TermKey, f32, f32)>, f32) {
    let unique_idf = idf(reference, 1);
    let mut unique_mass = 0.0;
    let mut known = Vec::with_capacity(counts.len());
    for &(key, tf) in counts {
        match df.get(&key) {
            Some(&d) if d >= 2 => known.push((key, tf, idf(reference, d))),
            _ => {
                let weight = (1.0 + tf.ln()) * unique_idf;
                unique_mass += weight * weight;
            }
        }
    }
    (known, UNIQUE_TERM_NORM_SHARE * unique_mass)
}

fn vector_of(known: &[(TermKey, f32, f32)], keep: usize, unique_mass: f32) -> TermVector {
    let mut weighted: Vec<(TermKey, f32)> =
        known.iter().map(|&(key, tf, idf)| (key, (1.0 + tf.ln()) * idf)).filter(|(_, w)| *w > 0.0).collect();
    weighted.sort_by(|lhs, rhs| rhs.1.total_cmp(&lhs.1).then(lhs.0.cmp(&rhs.0)));
    weighted.truncate(keep);
    let norm = (weighted.iter().map(|(_, w)| w * w).sum::<f32>() + unique_mass).sqrt();
    if norm > 0.0 {
        weighted.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    weighted.sort_by_key(|(key, _)| *key);
    TermVector::new(&weighted)
}

fn signature_of(known: &[(TermKey, f32, f32)], keep: usize) -> EventSignature {
    let mut ranked: Vec<(TermKey, f32)> = known.iter().map(|&(key, tf, idf)| (key, tf * idf)).collect();
    // The `keep` most prominent terms, ties by key: a total order over distinct keys, so the set is the same
    // however it is found, and a MinHash does not depend on the order of its input. Selecting them, rather
    // than sorting all of an article's terms, was half of this function on 2,000 synthetic articles (callgrind).
    if ranked.len() > keep && keep > 0 {
        ranked.select_nth_unstable_by(keep - 1, |lhs, rhs| rhs.1.total_cmp(&lhs.1).then(lhs.0.cmp(&rhs.0)));
    }
    ranked.into_iter().take(keep).map(|(key, _)| u64::from(key)).collect()
}

/// Computes the features of articles held in memory (in parallel; the result is in article order), with the
/// event band hashes and the document frequencies: the streaming passes of `pipeline::cluster_paths` in one go,
/// through the same functions ([`ReadArticle::read`], [`document_frequencies`], [`settle_frequencies`],
/// [`event_view`], [`ArticleFeatures::of`]), for tests and benches of this stage alone.
pub fn extract(
    articles: &[Article],
    config: &FeatureConfig,
) -> (Vec<ArticleFeatures>, Vec<EventBands>, DocumentFrequencies) {
    let read: Vec<ReadArticle> = articles.par_iter().map(ReadArticle::read).collect();
    let mut df = document_frequencies(read.par_iter().map(|r| r.counts.as_slice()));
    settle_frequencies(&mut df);
    let reference = idf_reference(&df);
    let (features, bands) = articles
        .par_iter()
        .zip(read.into_par_iter())
        .map(|(article, read)| {
            let (vector, bands) = event_view(&read.counts, &df, reference, config);
            (ArticleFeatures::of(article, vector, read.copy_signature, read.shingle_count), bands)
        })
        .unzip();
    (features, bands, df)
}

/// Drops the terms found in one article from the counted frequencies: every use of a term needs two articles,
/// and a smaller table is looked up faster.
pub fn settle_frequencies(df: &mut DocumentFrequencies) {
    df.retain(|_, count| *count >= 2);
    df.shrink_to_fit();
}

/// The top `keep` TF-IDF terms of one article, L2-normalised and sorted by key.
pub fn salient_vector(
    doc: &[(TermKey, f32)],
    df: &DocumentFrequencies,
    reference: usize,
    keep: usize,
) -> TermVector {
    let (known, unique_mass) = known_terms(doc, df, reference);
    vector_of(&known, keep, unique_mass)
}

/// MinHash of the article's `keep` most prominent terms, ranked by raw frequency times IDF. Raw rather than
/// dampened frequency here: the names a report repeats (the people, places and bodies of the event) are the ones
/// other reports of it share, and the measured LSH recall is higher with them (docs/EVALUATION.md).
pub fn event_signature(
    doc: &[(TermKey, f32)],
    df: &DocumentFrequencies,
    reference: usize,
    keep: usize,
) -> EventSignature {
    signature_of(&known_terms(doc, df, reference).0, keep)
}

/// Estimated share of the smaller article's shingles found in the other, from the signatures' Jaccard estimate
/// and the exact shingle counts: `|A ∩ B| = J (|A| + |B|) / (1 + J)`.
pub fn estimated_containment(lhs: &ArticleFeatures, rhs: &ArticleFeatures) -> f32 {
    let smaller = lhs.shingle_count.min(rhs.shingle_count);
    if smaller == 0 {
        return 0.0;
    }
    let jaccard = lhs.copy_signature.estimate_jaccard(&rhs.copy_signature) as f32;
    let intersection = jaccard * (lhs.shingle_count + rhs.shingle_count) as f32 / (1.0 + jaccard);
    (intersection / smaller as f32).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::SourceLocation;
    use crate::text::hash::term_hash;

    fn article(title: &str, body: &str) -> Article {
        let mut a = Article::new(title.into(), SourceLocation { path: "t".into(), record: None });
        a.title = Some(title.into());
        a.paragraphs = vec![body.into()];
        a
    }

    #[test]
    fn title_terms_weigh_more_than_body_terms() {
        let terms = weighted_terms(&article("Putin cancels Paris trip", "Putin will not travel."));
        let putin = terms.iter().find(|t| t.text == "putin").unwrap();
        assert_eq!(putin.frequency, TITLE_WEIGHT + LEAD_WEIGHT);
    }

    #[test]
    fn article_terms_match_weighted_terms() {
        let mut a = article("Putin cancels Paris trip", "Putin will not travel to Paris, the Kremlin said.");
        a.paragraphs.push("Vladimir Putin's visit was due on 19 October; François Hollande said so.".into());
        let mut expected: Vec<(u64, f32)> =
            weighted_terms(&a).iter().map(|t| (term_hash(&t.text), t.frequency)).collect();
        expected.sort_by_key(|&(hash, _)| hash);
        let read = article_terms(&a);
        assert_eq!(read.counts, expected);
        // 9 + 12 body words, shingles running across the paragraph break.
        assert_eq!(read.shingles.len(), 9 + 12 - SHINGLE_WORDS + 1);
    }

    #[test]
    fn related_articles_score_higher_than_unrelated() {
        let articles = vec![
            article("Putin cancels Paris visit", "Russian President Vladimir Putin called off his trip to Paris after the French side cut the programme."),
            article("Kremlin: Putin postpones France trip", "Vladimir Putin postponed a visit to Paris, the Kremlin said, after France cut the programme."),
            article("Hurricane Matthew hits Haiti", "Hurricane Matthew made landfall in Haiti, killing hundreds of people and flattening homes."),
            article("Haiti death toll rises after hurricane", "The hurricane killed hundreds in Haiti, officials said, as aid groups reached flattened towns."),
        ];
        let (features, _, _) = extract(&articles, &FeatureConfig::default());
        let same = cosine(&features[0].vector, &features[1].vector);
        let other = cosine(&features[0].vector, &features[2].vector);
        assert!(same > 0.3 && other < 0.05, "same {same}, other {other}");
        // Terms found in one article count in its norm but are not stored, so an article's own cosine is the share
        // of its weight that other articles could match: below 1 here, where most words appear once.
        let own = cosine(&features[2].vector, &features[2].vector);
        assert!(own > 0.0 && own < 1.0, "own {own}");
    }

    #[test]
    fn copy_containment_of_a_truncated_copy_is_high() {
        let text = "the quick brown fox jumps over the lazy dog while the farmer sleeps under a tree near the old barn by the river bank in the warm afternoon sun of late summer";
        let lhs = article("a", text);
        let rhs = article("b", &text[..text.len() / 2 + 20]);
        let (features, _, _) = extract(&[lhs, rhs], &FeatureConfig::default());
        assert!(estimated_containment(&features[0], &features[1]) > 0.7);
    }
}
