//! Sentences of one story's articles grouped into facts: scored pairs, then average-linkage grouping that allows
//! reordering and one-to-many (an outlet splitting a fact over two adjacent sentences) but no chaining.

use super::same_fact::{same_fact_score, Idf};
use super::tokens::{Word, WordKind};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Two groups of sentences merge into one fact when the mean same-fact score over all their cross-outlet
/// sentence pairs reaches this. It is the MSRP-fitted decision bound scaled down: a fact row may hold an outlet
/// that adds a clause, which MSRP's annotators would call a different meaning. Measured on the 100 BASIL
/// stories (docs/EVALUATION.md, "Diff"): at 1.0x the bound, 0.8x, 0.6x.
pub const LINK_FACTOR: f64 = 0.8;

/// An outlet may split one fact over this many adjacent sentences.
pub const MAX_SENTENCES_PER_OUTLET: usize = 2;

/// A sentence of the story: which article, which sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    pub article: usize,
    pub sentence: usize,
}

/// A scored pair of sentences from different articles.
#[derive(Debug, Clone, Copy)]
struct Edge {
    lhs: Unit,
    rhs: Unit,
    score: f64,
}

/// Sentence pairs from different articles that share a fact-bearing word, scored. Pairs sharing none score 0.
fn scored_pairs(words: &[Vec<Vec<Word>>], idf: &Idf) -> Vec<Edge> {
    let mut postings: HashMap<&str, Vec<Unit>> = HashMap::new();
    for (article, sentences) in words.iter().enumerate() {
        for (sentence, sentence_words) in sentences.iter().enumerate() {
            let mut keys: Vec<&str> = sentence_words
                .iter()
                .filter(|w| w.kind != WordKind::Function)
                .map(|w| w.key.as_str())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                postings.entry(key).or_default().push(Unit { article, sentence });
            }
        }
    }
    let mut pairs: Vec<(Unit, Unit)> = postings
        .values()
        .flat_map(|units| {
            units.iter().enumerate().flat_map(move |(i, lhs)| {
                units[i + 1..]
                    .iter()
                    .filter(move |rhs| rhs.article != lhs.article)
                    .map(move |rhs| (*lhs, *rhs))
            })
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .par_iter()
        .map(|&(lhs, rhs)| Edge {
            lhs,
            rhs,
            score: same_fact_score(&words[lhs.article][lhs.sentence], &words[rhs.article][rhs.sentence], idf),
        })
        .collect()
}

/// Whether a group may hold these sentences: at most [`MAX_SENTENCES_PER_OUTLET`] per article, and an article's
/// sentences in a group are adjacent.
fn allowed(units: &[Unit]) -> bool {
    let mut by_article: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for unit in units {
        by_article.entry(unit.article).or_default().push(unit.sentence);
    }
    by_article.values_mut().all(|sentences| {
        sentences.sort_unstable();
        sentences.len() <= MAX_SENTENCES_PER_OUTLET && sentences.windows(2).all(|w| w[1] == w[0] + 1)
    })
}

/// Groups every sentence of the story into facts. Returns the groups (each sorted) and the pair scores used.
/// Deterministic: edges are taken by falling score, ties by position.
pub fn group(
    words: &[Vec<Vec<Word>>],
    idf: &Idf,
    link_threshold: f64,
) -> (Vec<Vec<Unit>>, HashMap<(Unit, Unit), f64>) {
    let mut edges = scored_pairs(words, idf);
    let scores: HashMap<(Unit, Unit), f64> = edges.iter().map(|e| ((e.lhs, e.rhs), e.score)).collect();
    let score_of = |a: Unit, b: Unit| -> f64 {
        let key = if a < b { (a, b) } else { (b, a) };
        scores.get(&key).copied().unwrap_or(0.0)
    };
    edges.retain(|e| e.score >= link_threshold);
    edges.sort_by(|a, b| b.score.total_cmp(&a.score).then((a.lhs, a.rhs).cmp(&(b.lhs, b.rhs))));

    let mut group_of: HashMap<Unit, usize> = HashMap::new();
    let mut groups: Vec<Vec<Unit>> = Vec::new();
    for (article, sentences) in words.iter().enumerate() {
        for sentence in 0..sentences.len() {
            let unit = Unit { article, sentence };
            group_of.insert(unit, groups.len());
            groups.push(vec![unit]);
        }
    }
    for edge in &edges {
        let (lhs_group, rhs_group) = (group_of[&edge.lhs], group_of[&edge.rhs]);
        if lhs_group == rhs_group {
            continue;
        }
        let merged: Vec<Unit> = groups[lhs_group].iter().chain(&groups[rhs_group]).copied().collect();
        if !allowed(&merged) {
            continue;
        }
        let mut total = 0.0;
        let mut count = 0usize;
        for &a in &groups[lhs_group] {
            for &b in groups[rhs_group].iter().filter(|b| b.article != a.article) {
                total += score_of(a, b);
                count += 1;
            }
        }
        if count == 0 || total / (count as f64) < link_threshold {
            continue;
        }
        let (keep, absorb) = (lhs_group.min(rhs_group), lhs_group.max(rhs_group));
        let moved = std::mem::take(&mut groups[absorb]);
        for unit in &moved {
            group_of.insert(*unit, keep);
        }
        groups[keep].extend(moved);
        groups[keep].sort_unstable();
    }
    groups.retain(|g| !g.is_empty());
    (groups, scores)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::words as sentence_words;
    use super::*;

    fn story(articles: &[&[&str]]) -> Vec<Vec<Vec<Word>>> {
        articles.iter().map(|sentences| sentences.iter().map(|s| sentence_words(s)).collect()).collect()
    }

    #[test]
    fn reordered_facts_align_and_unrelated_sentences_stay_apart() {
        let words = story(&[
            &[
                "Russian President Vladimir Putin has cancelled a visit to Paris planned for next week.",
                "Russia vetoed a French-drafted UN Security Council resolution on Aleppo on Saturday.",
                "The weather in Moscow was cold.",
            ],
            &[
                "On Saturday Russia vetoed a UN Security Council resolution drafted by France on Aleppo.",
                "Vladimir Putin has called off a visit to Paris planned for next week.",
                "Shares in Tokyo rose on Tuesday.",
            ],
        ]);
        let idf = Idf::from_sentences(words.iter().flatten().map(Vec::as_slice));
        let (groups, _) = group(&words, &idf, 0.5);
        let visit = Unit { article: 0, sentence: 0 };
        let veto = Unit { article: 0, sentence: 1 };
        let group_with = |u: Unit| groups.iter().find(|g| g.contains(&u)).unwrap().clone();
        assert_eq!(group_with(visit), vec![visit, Unit { article: 1, sentence: 1 }]);
        assert_eq!(group_with(veto), vec![veto, Unit { article: 1, sentence: 0 }]);
        assert_eq!(group_with(Unit { article: 0, sentence: 2 }).len(), 1);
        assert_eq!(groups.len(), 4);
    }

    #[test]
    fn groups_respect_the_per_outlet_limit_and_adjacency() {
        assert!(allowed(&[Unit { article: 0, sentence: 3 }, Unit { article: 0, sentence: 4 }]));
        assert!(!allowed(&[Unit { article: 0, sentence: 3 }, Unit { article: 0, sentence: 5 }]));
        assert!(!allowed(&[
            Unit { article: 0, sentence: 3 },
            Unit { article: 0, sentence: 4 },
            Unit { article: 0, sentence: 5 }
        ]));
    }
}
