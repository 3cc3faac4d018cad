//! Hashing for words and for keys that are already hashes: one term hash for every stage that keys by term.

use xxhash_rust::xxh3::xxh3_64;

/// The hash a term (a stem, or a name's folded form) is keyed by, in features, explain and the tokenizer alike.
pub fn term_hash(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

/// A hasher for keys that are already hashes (term keys, band hashes): it passes 64-bit ones through and
/// spreads 32-bit ones over the high bits the table probes with. The default SipHash of each key was a
/// visible share of the feature stage at 100k articles (docs/PERFORMANCE.md).
#[derive(Default)]
pub struct HashKeyHasher(u64);

impl std::hash::Hasher for HashKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    // A key of one value hashes to that value (spread, for 32-bit ones); a tuple key mixes its parts.
    fn write_u64(&mut self, value: u64) {
        self.0 = self.0.rotate_left(26) ^ value;
    }
    fn write_u32(&mut self, value: u32) {
        self.0 = self.0.rotate_left(26) ^ u64::from(value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}
