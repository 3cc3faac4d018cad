//! The second look at a sentence pair: how the story's other articles support it.

use super::facts::Unit;
use std::collections::HashMap;

/// Context features, in the order the context model's weights use.
pub const CONTEXT_FEATURE_NAMES: [&str; 4] = ["pair_logit", "support_mean", "support_max", "support_share"];

/// Pair probabilities below this are not kept as neighbours: they add nothing to a sentence's support.
const NEIGHBOUR_FLOOR: f64 = 0.05;

/// The pair model's probabilities over a whole story, for the second look: two sentences tell one fact more
/// surely when the story's other articles each have a sentence that both match (an event every outlet reports),
/// and less surely when none has.
pub struct ContextTable {
    /// Per sentence: its neighbours and their probabilities, sorted by neighbour.
    neighbours: HashMap<Unit, Vec<(Unit, f64)>>,
    articles: usize,
}

impl ContextTable {
    pub fn new(pairs: &[(Unit, Unit, f64)], articles: usize) -> Self {
        let mut neighbours: HashMap<Unit, Vec<(Unit, f64)>> = HashMap::new();
        for &(lhs, rhs, p) in pairs.iter().filter(|pair| pair.2 >= NEIGHBOUR_FLOOR) {
            neighbours.entry(lhs).or_default().push((rhs, p));
            neighbours.entry(rhs).or_default().push((lhs, p));
        }
        for list in neighbours.values_mut() {
            list.sort_unstable_by_key(|n| n.0);
        }
        ContextTable { neighbours, articles }
    }

    fn list(&self, unit: Unit) -> &[(Unit, f64)] {
        self.neighbours.get(&unit).map_or(&[][..], Vec::as_slice)
    }

    /// Context features of a pair whose own probability is `p`; `None` when the story has no third article.
    pub fn features(&self, lhs: Unit, rhs: Unit, p: f64) -> Option<[f64; CONTEXT_FEATURE_NAMES.len()]> {
        let others = self.articles.saturating_sub(2);
        if others == 0 {
            return None;
        }
        let rhs_list = self.list(rhs);
        // Neighbours come sorted by unit, so by article: the best per article is a run's maximum, and the sums
        // below are added in one order.
        let mut best: Vec<(usize, f64)> = Vec::new();
        for &(x, p_lhs) in self.list(lhs) {
            if x.article == lhs.article || x.article == rhs.article {
                continue;
            }
            let p_rhs = rhs_list.binary_search_by(|probe| probe.0.cmp(&x)).map_or(0.0, |i| rhs_list[i].1);
            let both = p_lhs.min(p_rhs);
            match best.last_mut() {
                Some((article, value)) if *article == x.article => *value = value.max(both),
                _ => best.push((x.article, both)),
            }
        }
        let sum: f64 = best.iter().map(|b| b.1).sum();
        let max = best.iter().map(|b| b.1).fold(0.0, f64::max);
        let strong = best.iter().filter(|b| b.1 >= 0.5).count();
        let clipped = p.clamp(1e-4, 1.0 - 1e-4);
        Some([(clipped / (1.0 - clipped)).ln(), sum / others as f64, max, strong as f64 / others as f64])
    }
}
