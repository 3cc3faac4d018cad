//! MinHash signatures of the two views and their LSH band hashes: the only place minhash-rs types appear.

use minhash_rs::prelude::*;

/// Permutations of the event-view signature: 256, so that 128 LSH bands of 2 rows find pairs whose small
/// salient-term sets overlap only a little (see [`super::EventLsh`]). 1 KiB per article.
pub const EVENT_PERMUTATIONS: usize = 256;
/// Permutations of the copy-view signature: 128 keeps the Jaccard estimate's standard error near 0.04 at
/// 512 bytes per article.
pub const COPY_PERMUTATIONS: usize = 128;

/// Bands of the event view.
pub const EVENT_BANDS: usize = 128;
/// Bands of the copy view (see [`super::CopyLsh`]).
pub const COPY_BANDS: usize = 32;

/// The event view's LSH band hashes, kept only until the candidate search is done: 512 bytes an article instead
/// of the 1 KiB signature.
pub type EventBands = [u32; EVENT_BANDS];
/// The copy view's LSH band hashes.
pub type CopyBands = [u32; COPY_BANDS];

/// MinHash of an article's most prominent event-view terms.
#[derive(Debug, Clone)]
pub struct EventSignature(MinHash<u32, EVENT_PERMUTATIONS>);

/// MinHash of an article's word shingles (the copy view). It hashes its values with FNV and runs a 32-bit hash
/// stream: its values are already xxh3 shingle hashes, and with 32-bit lanes the per-permutation minimum runs
/// twice as wide. On 30k synthetic articles the default SipHash and 64-bit stream made this signature 14% of
/// the run's time (docs/PERFORMANCE.md).
#[derive(Debug, Clone, Copy)]
pub struct CopySignature(MinHash<u32, COPY_PERMUTATIONS, Fnv, u32>);

impl FromIterator<u64> for EventSignature {
    fn from_iter<I: IntoIterator<Item = u64>>(keys: I) -> Self {
        EventSignature(keys.into_iter().collect())
    }
}

impl FromIterator<u64> for CopySignature {
    fn from_iter<I: IntoIterator<Item = u64>>(shingles: I) -> Self {
        CopySignature(shingles.into_iter().collect())
    }
}

impl EventSignature {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The estimated Jaccard index of the two term sets.
    pub fn estimate_jaccard(&self, other: &Self) -> f64 {
        self.0.estimate_jaccard_index(&other.0)
    }

    pub fn bands(&self) -> EventBands {
        band_hashes(&self.0)
    }
}

impl CopySignature {
    /// The estimated Jaccard index of the two shingle sets.
    pub fn estimate_jaccard(&self, other: &Self) -> f64 {
        self.0.estimate_jaccard_index(&other.0)
    }

    pub fn bands(&self) -> CopyBands {
        band_hashes(&self.0)
    }

    /// The signature's registers, for storing it (the story index keeps it to verify pairs later).
    pub fn to_words(&self) -> [u32; COPY_PERMUTATIONS] {
        *self.0.as_words()
    }

    /// A signature stored with [`CopySignature::to_words`].
    pub fn from_words(words: [u32; COPY_PERMUTATIONS]) -> Self {
        CopySignature(MinHash::from_words(words))
    }
}

/// Band hashes of one signature, cut to their low 32 bits: two unrelated articles share one by chance with
/// probability 2^-32 per band, a few thousand extra candidates at a million articles, all of them verified. All
/// zero for an empty signature, which pairs with nothing.
fn band_hashes<const P: usize, const BANDS: usize, H: Hasher, Hash>(
    signature: &MinHash<u32, P, H, Hash>,
) -> [u32; BANDS]
where
    Hash: HashType + Primitive<u32>,
    u32: Primitive<Hash>,
{
    if signature.is_empty() {
        return [0; BANDS];
    }
    signature.band_hashes::<BANDS>().map(|hash| hash as u32)
}
