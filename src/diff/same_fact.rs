//! The same-fact score: how likely two sentences from different outlets state the same fact.
//!
//! Lexical features (IDF-weighted word cover, n-gram overlap, order, numbers, names, negation) go through a
//! logistic model whose weights were fitted on the MSRP training pairs by `storydiff calibrate` (see
//! [`super::model`]).

use super::model;
use super::tokens::{Word, WordKind};
use std::collections::{HashMap, HashSet};

/// Two words that differ only in spelling or inflection ("Hollande"/"Holland", "cancelled"/"canceled") count as
/// the same word at this Jaro-Winkler similarity or above. 10-fold CV accuracy on MSRP train
/// (`storydiff calibrate`): 0.7819 at 0.85, 0.7841 at 0.9, 0.7799 at 0.95.
const SPELLING_VARIANT_SIMILARITY: f64 = 0.9;

/// Words shorter than this only match exactly: short words are too alike ("war"/"was").
const SPELLING_VARIANT_MIN_CHARS: usize = 4;

/// Inverse document frequencies over a set of sentences (each sentence one document).
#[derive(Debug, Clone, Default)]
pub struct Idf {
    sentences: f64,
    frequency: HashMap<String, u32>,
}

impl Idf {
    pub fn from_sentences<'a>(sentences: impl IntoIterator<Item = &'a [Word]>) -> Self {
        let mut idf = Idf::default();
        for words in sentences {
            idf.sentences += 1.0;
            let keys: HashSet<&str> = words.iter().map(|w| w.key.as_str()).collect();
            for key in keys {
                *idf.frequency.entry(key.to_string()).or_insert(0) += 1;
            }
        }
        idf
    }

    /// Smoothed IDF, at least 1 so a word seen everywhere still counts a little.
    pub fn weight(&self, key: &str) -> f64 {
        let df = self.frequency.get(key).copied().unwrap_or(0) as f64;
        1.0 + ((self.sentences + 1.0) / (df + 1.0)).ln()
    }
}

/// The features, in the order the model's weights use.
pub const FEATURE_NAMES: [&str; 31] = [
    "idf_cover_min",
    "idf_cover_max",
    "cover_min",
    "cover_max",
    "unmatched_idf_min",
    "unmatched_idf_max",
    "unmatched_min",
    "unmatched_max",
    "ngram1_f",
    "ngram2_f",
    "ngram3_f",
    "ngram4_f",
    "lcs_min",
    "lcs_max",
    "word_edit",
    "numbers_unmatched",
    "numbers_all_match",
    "names_unmatched_min",
    "names_unmatched_max",
    "length_diff",
    "length_ratio",
    "negation_mismatch",
    "char_trigram_jaccard",
    "function_jaccard",
    "key_bigram_f",
    "unmatched_content_min",
    "unmatched_content_max",
    "idf_cover_harmonic",
    "idf_cover_min_squared",
    "length_longer",
    "content_lcs",
];

pub type Features = [f64; FEATURE_NAMES.len()];

/// Whether two words are the same word for fact matching: same stem or value, or a spelling variant.
pub fn same_word(lhs: &Word, rhs: &Word) -> bool {
    if lhs.key == rhs.key {
        return true;
    }
    if lhs.kind == WordKind::Number || rhs.kind == WordKind::Number {
        return false;
    }
    lhs.lower.chars().count() >= SPELLING_VARIANT_MIN_CHARS
        && rhs.lower.chars().count() >= SPELLING_VARIANT_MIN_CHARS
        && strsim::jaro_winkler(&lhs.lower, &rhs.lower) >= SPELLING_VARIANT_SIMILARITY
}

/// Per side: which fact-bearing (non-function) words found a partner on the other side.
struct Cover {
    matched_idf: f64,
    total_idf: f64,
    matched: usize,
    total: usize,
    unmatched_names: usize,
    unmatched_numbers: usize,
    unmatched_content: usize,
    numbers: usize,
}

fn cover(side: &[Word], other: &[Word], idf: &Idf) -> Cover {
    let mut c = Cover {
        matched_idf: 0.0,
        total_idf: 0.0,
        matched: 0,
        total: 0,
        unmatched_names: 0,
        unmatched_numbers: 0,
        unmatched_content: 0,
        numbers: 0,
    };
    for word in side.iter().filter(|w| w.kind != WordKind::Function) {
        let weight = idf.weight(&word.key);
        c.total += 1;
        c.total_idf += weight;
        if word.kind == WordKind::Number {
            c.numbers += 1;
        }
        if other.iter().any(|o| o.kind != WordKind::Function && same_word(word, o)) {
            c.matched += 1;
            c.matched_idf += weight;
        } else {
            match word.kind {
                WordKind::Name => c.unmatched_names += 1,
                WordKind::Number => c.unmatched_numbers += 1,
                _ => c.unmatched_content += 1,
            }
        }
    }
    c
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        1.0
    }
}

/// F-measure of clipped n-gram overlap over all lowercase words.
fn ngram_f(lhs: &[&str], rhs: &[&str], n: usize) -> f64 {
    if lhs.len() < n || rhs.len() < n {
        return 0.0;
    }
    let mut counts: HashMap<&[&str], i32> = HashMap::new();
    for gram in lhs.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    let mut overlap = 0usize;
    for gram in rhs.windows(n) {
        if let Some(count) = counts.get_mut(gram) {
            if *count > 0 {
                *count -= 1;
                overlap += 1;
            }
        }
    }
    let precision = overlap as f64 / (lhs.len() - n + 1) as f64;
    let recall = overlap as f64 / (rhs.len() - n + 1) as f64;
    if overlap == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

fn longest_common_subsequence(lhs: &[&str], rhs: &[&str]) -> usize {
    let mut row = vec![0usize; rhs.len() + 1];
    for l in lhs {
        let mut diagonal = 0;
        for (j, r) in rhs.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if l == r { diagonal + 1 } else { above.max(row[j]) };
            diagonal = above;
        }
    }
    row[rhs.len()]
}

fn trigrams(text: &str) -> HashSet<[char; 3]> {
    let chars: Vec<char> = text.to_lowercase().chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

fn jaccard<T: Eq + std::hash::Hash>(lhs: &HashSet<T>, rhs: &HashSet<T>) -> f64 {
    let union = lhs.union(rhs).count();
    if union == 0 {
        return 1.0;
    }
    lhs.intersection(rhs).count() as f64 / union as f64
}

fn has_negation(words: &[Word]) -> bool {
    words.iter().any(|w| {
        matches!(w.lower.as_str(), "not" | "no" | "never" | "nor" | "without") || w.lower.ends_with("n't")
    })
}

/// The model's inputs for one pair of sentences. Symmetric: swapping the sides gives the same features.
pub fn pair_features(lhs: &[Word], rhs: &[Word], idf: &Idf) -> Features {
    let lhs_cover = cover(lhs, rhs, idf);
    let rhs_cover = cover(rhs, lhs, idf);
    let idf_covers = [
        ratio(lhs_cover.matched_idf, lhs_cover.total_idf),
        ratio(rhs_cover.matched_idf, rhs_cover.total_idf),
    ];
    let covers = [
        ratio(lhs_cover.matched as f64, lhs_cover.total as f64),
        ratio(rhs_cover.matched as f64, rhs_cover.total as f64),
    ];
    let unmatched_idf =
        [lhs_cover.total_idf - lhs_cover.matched_idf, rhs_cover.total_idf - rhs_cover.matched_idf];
    let unmatched =
        [(lhs_cover.total - lhs_cover.matched) as f64, (rhs_cover.total - rhs_cover.matched) as f64];
    let unmatched_names = [lhs_cover.unmatched_names as f64, rhs_cover.unmatched_names as f64];

    let lhs_lower: Vec<&str> = lhs.iter().map(|w| w.lower.as_str()).collect();
    let rhs_lower: Vec<&str> = rhs.iter().map(|w| w.lower.as_str()).collect();
    let lcs = longest_common_subsequence(&lhs_lower, &rhs_lower) as f64;
    let (shorter, longer) = (lhs.len().min(rhs.len()) as f64, lhs.len().max(rhs.len()) as f64);
    let edit = strsim::generic_levenshtein(&lhs_lower, &rhs_lower) as f64;

    let numbers_unmatched = (lhs_cover.unmatched_numbers + rhs_cover.unmatched_numbers) as f64;
    let numbers_all_match = f64::from(lhs_cover.numbers + rhs_cover.numbers > 0 && numbers_unmatched == 0.0);

    let lhs_text = lhs_lower.join(" ");
    let rhs_text = rhs_lower.join(" ");
    let function = |words: &[Word]| -> HashSet<String> {
        words.iter().filter(|w| w.kind == WordKind::Function).map(|w| w.lower.clone()).collect()
    };

    let lhs_keys: Vec<&str> =
        lhs.iter().filter(|w| w.kind != WordKind::Function).map(|w| w.key.as_str()).collect();
    let rhs_keys: Vec<&str> =
        rhs.iter().filter(|w| w.kind != WordKind::Function).map(|w| w.key.as_str()).collect();
    let content_lcs = longest_common_subsequence(&lhs_keys, &rhs_keys) as f64;
    let unmatched_content = [lhs_cover.unmatched_content as f64, rhs_cover.unmatched_content as f64];
    let harmonic = if idf_covers[0] + idf_covers[1] > 0.0 {
        2.0 * idf_covers[0] * idf_covers[1] / (idf_covers[0] + idf_covers[1])
    } else {
        0.0
    };

    let min = |pair: [f64; 2]| pair[0].min(pair[1]);
    let max = |pair: [f64; 2]| pair[0].max(pair[1]);
    [
        min(idf_covers),
        max(idf_covers),
        min(covers),
        max(covers),
        min(unmatched_idf).ln_1p(),
        max(unmatched_idf).ln_1p(),
        min(unmatched).ln_1p(),
        max(unmatched).ln_1p(),
        ngram_f(&lhs_lower, &rhs_lower, 1),
        ngram_f(&lhs_lower, &rhs_lower, 2),
        ngram_f(&lhs_lower, &rhs_lower, 3),
        ngram_f(&lhs_lower, &rhs_lower, 4),
        ratio(lcs, longer),
        ratio(lcs, shorter),
        ratio(edit, longer),
        numbers_unmatched.ln_1p(),
        numbers_all_match,
        min(unmatched_names),
        max(unmatched_names),
        (longer - shorter).ln_1p(),
        ratio(shorter, longer),
        f64::from(has_negation(lhs) != has_negation(rhs)),
        jaccard(&trigrams(&lhs_text), &trigrams(&rhs_text)),
        jaccard(&function(lhs), &function(rhs)),
        ngram_f(&lhs_keys, &rhs_keys, 2),
        min(unmatched_content).ln_1p(),
        max(unmatched_content).ln_1p(),
        harmonic,
        min(idf_covers).powi(2),
        longer.ln_1p(),
        ratio(content_lcs, lhs_keys.len().max(rhs_keys.len()) as f64),
    ]
}

/// A fitted logistic model over [`pair_features`].
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub means: Features,
    pub scales: Features,
    pub weights: Features,
    pub bias: f64,
    /// Scores at or above this mean "same fact".
    pub threshold: f64,
}

impl Model {
    /// The model fitted on MSRP and shipped with storydiff.
    pub fn fitted() -> Self {
        Model {
            means: model::MEANS,
            scales: model::SCALES,
            weights: model::WEIGHTS,
            bias: model::BIAS,
            threshold: model::THRESHOLD,
        }
    }

    /// Probability-like score in [0, 1].
    pub fn score(&self, features: &Features) -> f64 {
        let mut z = self.bias;
        for (i, value) in features.iter().enumerate() {
            z += self.weights[i] * (value - self.means[i]) / self.scales[i];
        }
        1.0 / (1.0 + (-z).exp())
    }
}

/// Same-fact score of two sentences' words, in [0, 1], with the shipped model.
pub fn same_fact_score(lhs: &[Word], rhs: &[Word], idf: &Idf) -> f64 {
    static MODEL: std::sync::LazyLock<Model> = std::sync::LazyLock::new(Model::fitted);
    MODEL.score(&pair_features(lhs, rhs, idf))
}

/// The shipped model's decision bound.
pub fn same_fact_threshold() -> f64 {
    model::THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::super::tokens::words;
    use super::*;

    fn features(lhs: &str, rhs: &str) -> Features {
        let (l, r) = (words(lhs), words(rhs));
        let idf = Idf::from_sentences([l.as_slice(), r.as_slice()]);
        pair_features(&l, &r, &idf)
    }

    #[test]
    fn features_are_symmetric_and_identity_is_full_cover() {
        let lhs = "Putin called off his visit to Paris, the Kremlin said on Tuesday.";
        let rhs = "The Kremlin said Vladimir Putin has postponed a trip to Paris.";
        assert_eq!(features(lhs, rhs), features(rhs, lhs));
        let same = features(lhs, lhs);
        assert_eq!(same[0], 1.0);
        assert_eq!(same[11], 1.0);
        assert_eq!(same[15], 0.0);
    }

    #[test]
    fn different_numbers_are_counted() {
        let f = features("Nine people were killed in the blast.", "12 people were killed in the blast.");
        assert!(f[15] > 0.0);
        assert_eq!(f[16], 0.0);
        let f = features("Nine people were killed in the blast.", "9 people died in the blast.");
        assert_eq!(f[15], 0.0);
        assert_eq!(f[16], 1.0);
    }

    #[test]
    fn spelling_variants_match() {
        let l = words("canceled");
        let r = words("cancelled");
        assert!(same_word(&l[0], &r[0]));
        let l = words("war");
        let r = words("was");
        assert!(!same_word(&l[0], &r[0]));
    }
}
