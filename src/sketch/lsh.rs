//! Banded LSH: buckets of band hashes, and the pairs of articles that collide in them.

use crate::text::hash::HashKeyHasher;
use rayon::prelude::*;
use std::hash::BuildHasherDefault;

/// Banded LSH over MinHash signatures, with `BANDS` bands of `P / BANDS` rows. minhash-rs computes the
/// signatures and their band hashes ([`super::signature`]); the buckets are this module's own (see [`Buckets`]).
///
/// A pair with Jaccard `J` becomes a candidate with probability `1 - (1 - J^r)^b`.
#[derive(Debug, Clone)]
pub struct BandedLsh<const P: usize, const BANDS: usize> {
    /// Each article keeps at most this many candidates, the ones colliding in the most bands: one very common
    /// band value must not turn the search quadratic.
    pub max_candidates_per_article: usize,
}

impl<const P: usize, const BANDS: usize> BandedLsh<P, BANDS> {
    pub const ROWS: usize = P / BANDS;

    /// Probability that a pair with Jaccard similarity `jaccard` is found.
    pub fn detection_probability(jaccard: f64) -> f64 {
        1.0 - (1.0 - jaccard.powi(Self::ROWS as i32)).powi(BANDS as i32)
    }

    /// Candidate pairs among articles' band hashes (all zero for an empty signature, which pairs with nothing):
    /// unordered `(i, j)` with `i < j`, sorted, without repeats. Pairs the filter refuses (dated too far apart,
    /// in two scripts) are left out here: verification would reject them, and they must not take the places of
    /// in-window candidates under the per-article cap.
    pub fn candidate_pairs(&self, bands: &[[u32; BANDS]], window: Option<&PairFilter>) -> Vec<(u32, u32)> {
        let live: Vec<u32> = (0..bands.len() as u32).filter(|&i| bands[i as usize] != [0; BANDS]).collect();
        let buckets = Buckets::build(bands, &live, window);
        let mut pairs: Vec<(u32, u32)> = live
            .par_iter()
            .map_init(Vec::new, |scratch: &mut Vec<u32>, &i| {
                scratch.clear();
                for (band, &hash) in bands[i as usize].iter().enumerate() {
                    let bucket = buckets.get(band, hash);
                    match window {
                        Some(window) => {
                            for part in window.in_reach(i, bucket) {
                                scratch.extend(
                                    part.iter().filter(|&&other| other != i && window.allows(i, other)),
                                );
                            }
                        }
                        None => scratch.extend(bucket.iter().filter(|&&other| other != i)),
                    }
                }
                scratch.sort_unstable();
                // (collisions, article): most colliding bands first, ties by position, as minhash-rs orders them.
                let mut counted: Vec<(u32, u32)> = Vec::new();
                for run in scratch.chunk_by(|a, b| a == b) {
                    counted.push((run.len() as u32, run[0]));
                }
                counted.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                counted
                    .into_iter()
                    .take(self.max_candidates_per_article)
                    .map(|(_, j)| (i.min(j), i.max(j)))
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }
}

/// Article dates as day numbers, and how many days apart two articles may be to be candidates. Undated
/// articles pair with any date.
#[derive(Debug, Clone)]
pub struct PairFilter {
    /// Each article's day number, when dated.
    pub days: Vec<Option<i32>>,
    /// The date window in days, if any.
    pub max_apart: Option<u32>,
    /// Each article's script as [`crate::text::language::pairing_id`] (0: unknown, pairs with any).
    pub languages: Vec<u8>,
}

impl PairFilter {
    /// Where a bucket's members sit on the date line: undated first (they pair with any date), then by day.
    fn day_order(&self, article: u32) -> i64 {
        self.days[article as usize].map_or(i64::MIN, i64::from)
    }

    /// The parts of a bucket (its members in [`PairFilter::day_order`]) whose dates `article` may pair with: the
    /// undated members and those within the window of its day, found by binary search, so that a bucket spanning
    /// years costs a lookup, not a scan, per article. Every member the filter allows is in one of the two parts
    /// (undated articles, and a run without a window, get the whole bucket).
    fn in_reach<'b>(&self, article: u32, bucket: &'b [u32]) -> [&'b [u32]; 2] {
        let (Some(max_apart), Some(day)) = (self.max_apart, self.days[article as usize]) else {
            return [bucket, &[]];
        };
        let (day, max_apart) = (i64::from(day), i64::from(max_apart));
        let undated = bucket.partition_point(|&m| self.days[m as usize].is_none());
        let from = bucket.partition_point(|&m| self.day_order(m) < day - max_apart);
        let to = bucket.partition_point(|&m| self.day_order(m) <= day + max_apart);
        [&bucket[..undated], &bucket[from.max(undated)..to.max(undated)]]
    }

    fn allows(&self, lhs: u32, rhs: u32) -> bool {
        let (lhs, rhs) = (lhs as usize, rhs as usize);
        let dates_allow = match (self.max_apart, self.days[lhs], self.days[rhs]) {
            (Some(max_apart), Some(lhs), Some(rhs)) => lhs.abs_diff(rhs) <= max_apart,
            _ => true,
        };
        let (lhs_language, rhs_language) = (self.languages[lhs], self.languages[rhs]);
        dates_allow && (lhs_language == rhs_language || lhs_language == 0 || rhs_language == 0)
    }
}

/// Band buckets as one hash table keyed by (band, band hash): a query costs one table probe per band. minhash-rs's
/// `LshIndex` binary-searches a sorted run per band instead, about 14 to 20 cache misses per band at 10k to 1M
/// articles; measured on 10k synthetic articles, its queries took 1.8 s against 0.1 s here, for the same
/// candidates (docs/PERFORMANCE.md).
struct Buckets {
    /// Article indices, grouped by bucket; buckets of one are left out (they collide with nothing).
    members: Vec<u32>,
    /// (band, hash) key -> range in `members`.
    ranges: std::collections::HashMap<u64, (u32, u32), BuildHasherDefault<HashKeyHasher>>,
}

fn bucket_key(band: usize, hash: u32) -> u64 {
    // One-to-one (an odd multiplier), spreading the bits over the high end the table probes with.
    (u64::from(hash) | ((band as u64) << 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl Buckets {
    /// Built one band at a time, so the sort buffer is one band's entries (8 bytes an article), not all bands'.
    /// With a date window, each bucket's members are in [`PairFilter::day_order`] (ties by article), so a query
    /// reads only the part of the bucket within reach ([`PairFilter::in_reach`]).
    fn build<const BANDS: usize>(bands: &[[u32; BANDS]], live: &[u32], window: Option<&PairFilter>) -> Self {
        let mut members = Vec::new();
        let mut ranges = std::collections::HashMap::default();
        let mut entries: Vec<(u32, u32)> = Vec::with_capacity(live.len());
        // A column of the band table per step: the index is the band, not a position in one slice.
        #[allow(clippy::needless_range_loop)]
        for band in 0..BANDS {
            entries.clear();
            entries.extend(live.iter().map(|&i| (bands[i as usize][band], i)));
            entries.par_sort_unstable();
            for run in entries.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
                let start = members.len();
                ranges.insert(bucket_key(band, run[0].0), (start as u32, run.len() as u32));
                members.extend(run.iter().map(|&(_, i)| i));
                if let Some(window) = window.filter(|w| w.max_apart.is_some()) {
                    members[start..].sort_by_key(|&i| (window.day_order(i), i));
                }
            }
        }
        Buckets { members, ranges }
    }

    fn get(&self, band: usize, hash: u32) -> &[u32] {
        match self.ranges.get(&bucket_key(band, hash)) {
            Some(&(start, len)) => &self.members[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}
