//! Sentences of one story's articles grouped into facts: scored pairs, then average-linkage grouping that allows
//! reordering and one-to-many (an outlet splitting a fact over two adjacent sentences) but no chaining.

use super::same_fact::{same_fact_score, Idf};
use super::tokens::{Word, WordKind};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Two groups of sentences merge into one fact when the mean same-fact score over all their cross-outlet
/// sentence pairs reaches this multiple of the model's decision bound. Measured on BASIL's independently
/// written reports by judging random linked pairs by hand (docs/EVALUATION.md, "Diff"): pairs scoring 0.4-0.5
/// stated the same fact 42% of the time, 0.5-0.6 61%, 0.6-0.7 71%, 0.7-0.8 56%, 0.8 and above 100%; so links
/// start at the bound itself (0.5), where precision over all linked pairs is about 73% (65% from 0.4).
pub const LINK_FACTOR: f64 = 1.0;

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

/// The same-fact model speaks only for pairs like those it was fitted on: MSRP's pairs share at least three
/// content words (measured: 5 of its 4,076 pairs share two, none fewer). Pairs sharing fewer fact-bearing words
/// are not the same fact.
pub const MIN_SHARED_WORDS: usize = 3;

/// The same holds for length: in every MSRP pair the shorter sentence has at least 0.52 of the longer one's words
/// (1st percentile 0.63). Pairs further apart in length are outside what the model has seen; an outlet that
/// splits a fact over two sentences is handled by [`attach_continuations`] instead.
pub const MIN_LENGTH_RATIO: f64 = 0.5;

/// Sentence pairs from different articles for which the model speaks (the same test as [`in_domain`], read
/// from the postings instead of recounted per pair), scored. Other pairs score 0.
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
    // Each shared key lists the pair once, so a pair's count is its number of shared fact-bearing words.
    let mut shared: Vec<(Unit, Unit)> = postings
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
    shared.sort_unstable();
    let length = |u: Unit| words[u.article][u.sentence].len() as f64;
    let pairs: Vec<(Unit, Unit)> = shared
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= MIN_SHARED_WORDS)
        .map(|run| run[0])
        .filter(|&(lhs, rhs)| {
            let (l, r) = (length(lhs), length(rhs));
            l.min(r) >= MIN_LENGTH_RATIO * l.max(r)
        })
        .collect();
    pairs
        .par_iter()
        .map(|&(lhs, rhs)| Edge {
            lhs,
            rhs,
            score: same_fact_score(&words[lhs.article][lhs.sentence], &words[rhs.article][rhs.sentence], idf),
        })
        .collect()
}

/// Whether the same-fact model speaks for this pair at all (see [`MIN_SHARED_WORDS`], [`MIN_LENGTH_RATIO`]).
fn in_domain(lhs: &[Word], rhs: &[Word]) -> bool {
    let keys = |words: &[Word]| -> std::collections::HashSet<String> {
        words.iter().filter(|w| w.kind != WordKind::Function).map(|w| w.key.clone()).collect()
    };
    let (l, r) = (lhs.len() as f64, rhs.len() as f64);
    l.min(r) >= MIN_LENGTH_RATIO * l.max(r) && keys(lhs).intersection(&keys(rhs)).count() >= MIN_SHARED_WORDS
}

pub fn domain_score(lhs: &[Word], rhs: &[Word], idf: &Idf) -> f64 {
    if in_domain(lhs, rhs) {
        same_fact_score(lhs, rhs, idf)
    } else {
        0.0
    }
}

/// One-to-many: a sentence left on its own whose neighbour in the same article sits in a fact row joins that
/// row when the two sentences together state the row's fact better than the neighbour alone: the mean
/// same-fact score of the joined text against the row's other outlets' single sentences rises and reaches the
/// link threshold.
fn attach_continuations(groups: &mut [Vec<Unit>], words: &[Vec<Vec<Word>>], idf: &Idf, link_threshold: f64) {
    let mut alone: std::collections::HashSet<Unit> =
        groups.iter().filter(|g| g.len() == 1).map(|g| g[0]).collect();
    let text_of = |units: &[Unit]| -> Vec<Word> {
        units.iter().flat_map(|u| words[u.article][u.sentence].iter().cloned()).collect()
    };
    for index in 0..groups.len() {
        let group = groups[index].clone();
        let articles: std::collections::BTreeSet<usize> = group.iter().map(|u| u.article).collect();
        if articles.len() < 2 {
            continue;
        }
        for &article in &articles {
            let own: Vec<Unit> = group.iter().filter(|u| u.article == article).copied().collect();
            if own.len() != 1 {
                continue;
            }
            // A split is one outlet's two sentences against another's one: compare only with single sentences.
            let others: Vec<Vec<Word>> = articles
                .iter()
                .filter(|&&a| a != article)
                .map(|&a| group.iter().filter(|u| u.article == a).copied().collect::<Vec<_>>())
                .filter(|units| units.len() == 1)
                .map(|units| text_of(&units))
                .collect();
            if others.is_empty() {
                continue;
            }
            let mean = |lhs: &[Word]| -> f64 {
                others.iter().map(|o| domain_score(lhs, o, idf)).sum::<f64>() / others.len() as f64
            };
            let base = mean(&text_of(&own));
            let unit = own[0];
            let neighbours = [unit.sentence.checked_sub(1), Some(unit.sentence + 1)];
            let best = neighbours
                .into_iter()
                .flatten()
                .map(|sentence| Unit { article, sentence })
                .filter(|n| alone.contains(n))
                .map(|n| {
                    let mut joined = vec![unit, n];
                    joined.sort_unstable();
                    (mean(&text_of(&joined)), n)
                })
                .filter(|(score, _)| *score > base && *score >= link_threshold)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, neighbour)) = best {
                alone.remove(&neighbour);
                groups[index].push(neighbour);
                groups[index].sort_unstable();
                if let Some(single) = groups.iter_mut().find(|g| g.len() == 1 && g[0] == neighbour) {
                    single.clear();
                }
            }
        }
    }
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

/// Mean score of `unit` against the members of `group` from other articles.
fn mean_to(unit: Unit, group: &[Unit], score_of: &impl Fn(Unit, Unit) -> f64) -> f64 {
    let others: Vec<&Unit> = group.iter().filter(|u| u.article != unit.article).collect();
    if others.is_empty() {
        return 0.0;
    }
    others.iter().map(|&&u| score_of(unit, u)).sum::<f64>() / others.len() as f64
}

/// Each outlet contributes the sentence that best states a fact. When an edge offers a lone sentence to a group
/// that already holds another, non-adjacent sentence of the same article, the better of the two stays (by mean
/// score against the group's other outlets) and the other is left on its own for later edges.
fn swap_if_better(
    groups: &mut [Vec<Unit>],
    group_of: &mut HashMap<Unit, usize>,
    edge: &Edge,
    score_of: &impl Fn(Unit, Unit) -> f64,
    link_threshold: f64,
) {
    let (lhs_group, rhs_group) = (group_of[&edge.lhs], group_of[&edge.rhs]);
    let (group, candidate) = match (groups[lhs_group].len(), groups[rhs_group].len()) {
        (_, 1) => (lhs_group, edge.rhs),
        (1, _) => (rhs_group, edge.lhs),
        _ => return,
    };
    let same_article: Vec<Unit> =
        groups[group].iter().filter(|u| u.article == candidate.article).copied().collect();
    let [current] = same_article[..] else { return };
    let current_mean = mean_to(current, &groups[group], score_of);
    let candidate_mean = mean_to(candidate, &groups[group], score_of);
    if candidate_mean <= current_mean || candidate_mean < link_threshold {
        return;
    }
    let alone = group_of[&candidate];
    groups[group].retain(|u| *u != current);
    groups[group].push(candidate);
    groups[group].sort_unstable();
    groups[alone] = vec![current];
    group_of.insert(current, alone);
    group_of.insert(candidate, group);
}

/// Groups every sentence of the story into facts; each group is sorted.
/// Deterministic: edges are taken by falling score, ties by position.
pub fn group(words: &[Vec<Vec<Word>>], idf: &Idf, link_threshold: f64) -> Vec<Vec<Unit>> {
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
            swap_if_better(&mut groups, &mut group_of, edge, &score_of, link_threshold);
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
    attach_continuations(&mut groups, words, idf, link_threshold);
    groups.retain(|g| !g.is_empty());
    groups
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
        let groups = group(&words, &idf, 0.5);
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
