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

    /// Asks the processor to bring the vector's first keys and weights into the cache: verification reads
    /// the vectors of articles met in no order, and a pair ahead can be fetched while one is merged.
    pub fn prefetch(&self) {
        prefetch_lines(self.keys.as_ptr().cast(), 4);
        prefetch_lines(self.weights.as_ptr().cast(), 2);
    }

    /// (key, weight) pairs, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (TermKey, f32)> + '_ {
        (0..self.len()).map(|i| (self.keys[i], self.weight(i)))
    }
}

/// Cosine similarity of two L2-normalised sparse vectors.
pub fn cosine(lhs: &TermVector, rhs: &TermVector) -> f32 {
    overlap(lhs, rhs).0
}

/// Number of terms two vectors share.
pub fn shared_terms(lhs: &TermVector, rhs: &TermVector) -> usize {
    overlap(lhs, rhs).1
}

/// The cosine of two L2-normalised sparse vectors and the number of terms they share, in one merge of their
/// keys: verification needs both for most pairs.
pub fn overlap(lhs: &TermVector, rhs: &TermVector) -> (f32, usize) {
    // Weights cut to the keys' lengths, so indexing them within the merge needs no bounds check of its own.
    let (lhs_keys, rhs_keys) = (&lhs.keys[..], &rhs.keys[..]);
    let (lhs_weights, rhs_weights) = (&lhs.weights[..lhs_keys.len()], &rhs.weights[..rhs_keys.len()]);
    let (mut i, mut j, mut sum, mut shared) = (0, 0, 0u64, 0);
    // Branch-free steps: which side advances is unpredictable, and the mispredicted branches of a plain merge
    // made verification the slowest stage on 300k synthetic articles (docs/PERFORMANCE.md).
    while i < lhs_keys.len() && j < rhs_keys.len() {
        let (a, b) = (lhs_keys[i], rhs_keys[j]);
        let product = u64::from(lhs_weights[i]) * u64::from(rhs_weights[j]);
        sum += if a == b { product } else { 0 };
        shared += usize::from(a == b);
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    ((sum as f32 / (WEIGHT_SCALE * WEIGHT_SCALE)).min(1.0), shared)
}

/// Prefetches `lines` cache lines from `start`. A hint only: nothing is read, so nothing faults.
pub fn prefetch_lines(start: *const u8, lines: usize) {
    #[cfg(target_arch = "x86_64")]
    for line in 0..lines {
        // SAFETY: a prefetch reads no memory and cannot fault, whatever the address; SSE, which provides it,
        // is part of every x86_64 processor.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                start.wrapping_add(64 * line).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, lines);
}
