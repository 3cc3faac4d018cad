//! Candidate search behind one trait: which pairs of articles verification compares.

use super::lsh::{BandedLsh, PairFilter};
use super::signature::{
    CopyBands, EventBands, COPY_BANDS, COPY_PERMUTATIONS, EVENT_BANDS, EVENT_PERMUTATIONS,
};

/// The event view's LSH: 128 bands of 2 rows.
pub type EventLsh = BandedLsh<EVENT_PERMUTATIONS, EVENT_BANDS>;

/// The copy view: 32 bands of 4 rows, detection 0.23 at J = 0.3, 0.87 at J = 0.5, 0.9998 at J = 0.7: copies
/// and lightly edited copies, which share most of their 5-word shingles, while independent reports (J < 0.05)
/// almost never collide.
pub type CopyLsh = BandedLsh<COPY_PERMUTATIONS, COPY_BANDS>;

/// Candidate cap per article. 100 is far above the largest story in the labelled corpora (3-5 reports) and the
/// bundled one, and bounds the work per article on a month of crawl where one topic has thousands of reports.
pub const MAX_CANDIDATES_PER_ARTICLE: usize = 100;

/// What a candidate search sees of the articles: both views' band hashes, and which pairs may meet at all.
pub struct SearchInput<'a> {
    pub event: &'a [EventBands],
    pub copy: &'a [CopyBands],
    pub filter: &'a PairFilter,
}

impl SearchInput<'_> {
    pub fn len(&self) -> usize {
        self.event.len()
    }

    pub fn is_empty(&self) -> bool {
        self.event.is_empty()
    }
}

/// A way to find the pairs of articles worth verifying. The one-machine run uses [`LshSearch`]; measuring what
/// it misses uses [`ExhaustiveSearch`]; an incremental index or a distributed engine supplies its own.
pub trait CandidateSearch: Sync {
    /// Unordered pairs `(lhs, rhs)` with `lhs < rhs`, sorted, without repeats.
    fn candidates(&self, input: &SearchInput) -> Vec<(u32, u32)>;
}

/// Banded LSH over both views, merged, within the filter.
#[derive(Debug, Clone)]
pub struct LshSearch {
    pub max_candidates_per_article: usize,
}

impl Default for LshSearch {
    fn default() -> Self {
        LshSearch { max_candidates_per_article: MAX_CANDIDATES_PER_ARTICLE }
    }
}

impl CandidateSearch for LshSearch {
    fn candidates(&self, input: &SearchInput) -> Vec<(u32, u32)> {
        let cap = self.max_candidates_per_article;
        let mut pairs =
            EventLsh { max_candidates_per_article: cap }.candidate_pairs(input.event, Some(input.filter));
        pairs.extend(
            CopyLsh { max_candidates_per_article: cap }.candidate_pairs(input.copy, Some(input.filter)),
        );
        rayon::slice::ParallelSliceMut::par_sort_unstable(pairs.as_mut_slice());
        pairs.dedup();
        pairs
    }
}

/// Every pair, filter or not: quadratic, for measuring what LSH misses (`--exhaustive`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExhaustiveSearch;

impl CandidateSearch for ExhaustiveSearch {
    fn candidates(&self, input: &SearchInput) -> Vec<(u32, u32)> {
        let n = input.len() as u32;
        (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::EventSignature;

    fn bands(range: std::ops::Range<u64>) -> EventBands {
        range.collect::<EventSignature>().bands()
    }

    #[test]
    fn overlapping_sets_are_candidates_and_disjoint_ones_are_not() {
        let event = [bands(0..24), bands(6..30), bands(1000..1024)];
        let pairs = EventLsh { max_candidates_per_article: 10 }.candidate_pairs(&event, None);
        assert_eq!(pairs, vec![(0, 1)]);
    }

    #[test]
    fn detection_curve_matches_the_documented_points() {
        assert!((EventLsh::detection_probability(0.15) - 0.95).abs() < 0.01);
        assert!((CopyLsh::detection_probability(0.5) - 0.87).abs() < 0.01);
        assert!(CopyLsh::detection_probability(0.05) < 0.001);
    }

    #[test]
    fn both_searches_keep_to_the_contract_and_exhaustive_finds_what_lsh_finds() {
        let event = [bands(0..24), bands(6..30), bands(1000..1024), bands(2..26)];
        let copy = [[0; COPY_BANDS]; 4];
        let filter = PairFilter { days: vec![None; 4], max_apart: None, languages: vec![0; 4] };
        let input = SearchInput { event: &event, copy: &copy, filter: &filter };
        let searches: [&dyn CandidateSearch; 2] = [&LshSearch::default(), &ExhaustiveSearch];
        let found: Vec<Vec<(u32, u32)>> = searches.iter().map(|s| s.candidates(&input)).collect();
        for pairs in &found {
            assert!(pairs.windows(2).all(|w| w[0] < w[1]) && pairs.iter().all(|&(l, r)| l < r));
        }
        assert_eq!(found[0], vec![(0, 1), (0, 3), (1, 3)]);
        assert_eq!(found[1].len(), 6);
        assert!(found[0].iter().all(|p| found[1].contains(p)));
    }
}
