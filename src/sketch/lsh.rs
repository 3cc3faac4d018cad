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
    ///
    /// The pairs are gathered band by band ([`collisions`]) and counted once each; a corpus whose buckets would
    /// make that list too long (thousands of reports of one story within the window) is searched article by
    /// article instead, which needs less memory for the same result.
    pub fn candidate_pairs(&self, bands: &[[u32; BANDS]], window: Option<&PairFilter>) -> Vec<(u32, u32)> {
        let live: Vec<u32> = (0..bands.len() as u32).filter(|&i| bands[i as usize] != [0; BANDS]).collect();
        match collisions(bands, &live, window, COLLISION_BUDGET_PER_ARTICLE * live.len().max(1)) {
            Some(collisions) => self.capped(collisions, bands.len()),
            None => self.candidate_pairs_by_article(bands, &live, window),
        }
    }

    /// The pairs each article keeps from the collisions, counted: an article keeps at most
    /// `max_candidates_per_article` partners, those colliding in the most bands (ties by position, as
    /// minhash-rs orders them), and a pair is a candidate when either side keeps it.
    fn capped(&self, mut collisions: Vec<u64>, articles: usize) -> Vec<(u32, u32)> {
        collisions.par_sort_unstable();
        // Each pair once, in place, with the number of bands it collides in.
        let mut counts: Vec<u32> = Vec::new();
        let mut distinct = 0;
        for k in 0..collisions.len() {
            if k > 0 && collisions[k] == collisions[distinct - 1] {
                counts[distinct - 1] += 1;
            } else {
                collisions[distinct] = collisions[k];
                counts.push(1);
                distinct += 1;
            }
        }
        collisions.truncate(distinct);
        let unpack = |pair: u64| ((pair >> 32) as u32, pair as u32);
        let cap = self.max_candidates_per_article;
        let mut degree = vec![0u32; articles];
        for &pair in &collisions {
            let (lhs, rhs) = unpack(pair);
            degree[lhs as usize] += 1;
            degree[rhs as usize] += 1;
        }
        let over = |i: u32| degree[i as usize] as usize > cap;
        // The partners kept by articles with more than the cap, sorted for lookup.
        let mut kept: std::collections::HashMap<u32, Vec<(u32, u32)>> = std::collections::HashMap::new();
        for (&pair, &count) in collisions.iter().zip(&counts) {
            let (lhs, rhs) = unpack(pair);
            for (side, other) in [(lhs, rhs), (rhs, lhs)] {
                if over(side) {
                    kept.entry(side).or_default().push((count, other));
                }
            }
        }
        let kept: std::collections::HashMap<u32, Vec<u32>> = kept
            .into_par_iter()
            .map(|(article, mut partners)| {
                partners.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let mut top: Vec<u32> = partners.into_iter().take(cap).map(|(_, other)| other).collect();
                top.sort_unstable();
                (article, top)
            })
            .collect();
        let keeps = |side: u32, other: u32| !over(side) || kept[&side].binary_search(&other).is_ok();
        collisions.into_iter().map(unpack).filter(|&(lhs, rhs)| keeps(lhs, rhs) || keeps(rhs, lhs)).collect()
    }

    /// The same search article by article: each looks its band hashes up in the buckets and counts what it
    /// meets. Memory stays at the buckets however large they are.
    fn candidate_pairs_by_article(
        &self,
        bands: &[[u32; BANDS]],
        live: &[u32],
        window: Option<&PairFilter>,
    ) -> Vec<(u32, u32)> {
        let buckets = Buckets::build(bands, live, window);
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

/// Collisions the band-by-band search may list, per article, before it gives way to the search article by
/// article: 8 bytes each, so 64 an article is at most 512 MB at a million articles, about what the buckets of
/// the search by article take there. Set, not tuned: the event view of `gen_scale.py`'s million articles (three
/// years of dates, about five reports an event) lists 25.8 an article (counted by a throwaway print), the
/// labelled corpora fewer; a week holding thousands of reports of one story is what should exceed it.
const COLLISION_BUDGET_PER_ARTICLE: usize = 64;

/// Every collision of two live articles in one band, within the filter, once per band they share, as
/// `lhs << 32 | rhs` with `lhs < rhs`, in no particular order; `None` when there are more than `budget`.
fn collisions<const BANDS: usize>(
    bands: &[[u32; BANDS]],
    live: &[u32],
    window: Option<&PairFilter>,
    budget: usize,
) -> Option<Vec<u64>> {
    let all = std::sync::Mutex::new(Vec::new());
    let over_budget = std::sync::atomic::AtomicBool::new(false);
    (0..BANDS).into_par_iter().for_each_init(Vec::new, |column: &mut Vec<(u32, u32)>, band| {
        if over_budget.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        column.clear();
        column.extend(live.iter().map(|&i| (bands[i as usize][band], i)));
        column.sort_unstable();
        let mut found = Vec::new();
        for run in column.chunk_by_mut(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            bucket_pairs(run, window, &mut found);
            if found.len() > budget {
                over_budget.store(true, std::sync::atomic::Ordering::Relaxed);
                return;
            }
        }
        let mut all = all.lock().expect("no band search panics while holding the list");
        if all.len() + found.len() > budget {
            over_budget.store(true, std::sync::atomic::Ordering::Relaxed);
        } else {
            all.extend_from_slice(&found);
        }
    });
    if over_budget.into_inner() {
        return None;
    }
    Some(all.into_inner().expect("no band search panicked"))
}

/// The pairs of one bucket (`(band hash, article)` entries) that the filter allows. With a date window the
/// bucket is put in [`PairFilter::day_order`], so each dated member's partners end at the first one beyond
/// the window.
fn bucket_pairs(bucket: &mut [(u32, u32)], window: Option<&PairFilter>, out: &mut Vec<u64>) {
    let pack = |a: u32, b: u32| (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
    let Some(window) = window else {
        for (k, &(_, a)) in bucket.iter().enumerate() {
            out.extend(bucket[k + 1..].iter().map(|&(_, b)| pack(a, b)));
        }
        return;
    };
    bucket.sort_unstable_by_key(|&(_, i)| (window.day_order(i), i));
    for (k, &(_, a)) in bucket.iter().enumerate() {
        let reach = window.max_apart.zip(window.days[a as usize]).map(|(w, d)| i64::from(d) + i64::from(w));
        for &(_, b) in &bucket[k + 1..] {
            if reach.is_some_and(|reach| window.day_order(b) > reach) {
                break;
            }
            if window.allows(a, b) {
                out.push(pack(a, b));
            }
        }
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
        // Undated members sort first and below any window, so `from` and `to` are never inside them.
        [&bucket[..undated], &bucket[from..to]]
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Issue 17: the search band by band gives the pairs of the search article by article, under the cap, the
    /// date window (undated articles included) and the script rule.
    #[test]
    fn issue_17_band_by_band_search_finds_the_pairs_of_the_search_by_article() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        for round in 0..200 {
            let n = rng.random_range(2..80usize);
            // Few distinct band values, so buckets are large and articles exceed the cap.
            let values = rng.random_range(1..6u32);
            let bands: Vec<[u32; 8]> = (0..n)
                .map(|_| {
                    if rng.random_bool(0.05) {
                        [0; 8]
                    } else {
                        std::array::from_fn(|_| rng.random_range(1..=values))
                    }
                })
                .collect();
            let filter = PairFilter {
                days: (0..n).map(|_| rng.random_bool(0.8).then(|| rng.random_range(0..30))).collect(),
                max_apart: [None, Some(0), Some(3)][round % 3],
                languages: (0..n).map(|_| rng.random_range(0..3u8)).collect(),
            };
            let lsh = BandedLsh::<16, 8> { max_candidates_per_article: rng.random_range(1..12) };
            let live: Vec<u32> = (0..n as u32).filter(|&i| bands[i as usize] != [0; 8]).collect();
            for window in [None, Some(&filter)] {
                let by_article = lsh.candidate_pairs_by_article(&bands, &live, window);
                assert_eq!(lsh.candidate_pairs(&bands, window), by_article, "round {round}");
                let found = collisions(&bands, &live, window, usize::MAX).unwrap();
                assert_eq!(lsh.capped(found, n), by_article, "round {round}");
            }
        }
    }
}
