//! The event view's sparse vectors: salient terms with 16-bit weights, their cosine and shared terms.

use super::TermKey;

/// Weights are stored in 16-bit fixed point: an L2-normalised weight is in [0, 1], and a step of 1/65535
/// changes a cosine by less than 0.001.
const WEIGHT_SCALE: f32 = 65535.0;

/// An article's salient terms with L2-normalised weights, sorted by key: 6 bytes a term.
#[derive(Debug, Clone, Default)]
pub struct TermVector {
    pub keys: Box<[TermKey]>,
    weights: Box<[u16]>,
}

impl TermVector {
    /// From (key, weight) pairs sorted by key, weights L2-normalised.
    pub fn new(terms: &[(TermKey, f32)]) -> Self {
        TermVector {
            keys: terms.iter().map(|&(key, _)| key).collect(),
            weights: terms.iter().map(|&(_, w)| (w.clamp(0.0, 1.0) * WEIGHT_SCALE).round() as u16).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn weight(&self, index: usize) -> f32 {
        f32::from(self.weights[index]) / WEIGHT_SCALE
    }

    /// (key, weight) pairs, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (TermKey, f32)> + '_ {
        (0..self.len()).map(|i| (self.keys[i], self.weight(i)))
    }
}

/// Cosine similarity of two L2-normalised sparse vectors.
pub fn cosine(lhs: &TermVector, rhs: &TermVector) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0u64);
    // Branch-free steps: which side advances is unpredictable, and the mispredicted branches of a plain merge
    // made verification the slowest stage on 300k synthetic articles (docs/PERFORMANCE.md).
    while i < lhs.len() && j < rhs.len() {
        let (a, b) = (lhs.keys[i], rhs.keys[j]);
        let product = u64::from(lhs.weights[i]) * u64::from(rhs.weights[j]);
        sum += if a == b { product } else { 0 };
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    (sum as f32 / (WEIGHT_SCALE * WEIGHT_SCALE)).min(1.0)
}

/// Number of terms two vectors share.
pub fn shared_terms(lhs: &TermVector, rhs: &TermVector) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < lhs.len() && j < rhs.len() {
        let (a, b) = (lhs.keys[i], rhs.keys[j]);
        shared += usize::from(a == b);
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    shared
}
