//! The same-fact model at the level of events: whether two sentences of two articles tell the same event, from
//! what happened (event words, through the lexicon's senses), who and what took part (names), numbers, where the
//! sentences stand in their articles, and how much the two articles share at all.
//!
//! The model is a logistic regression over [`FACT_FEATURE_NAMES`], fitted on ECB+ event-coreference gold by
//! `storydiff fit-facts` ([`super::fit`]); the shipped fit is `fact_model.json`. The paraphrase score fitted on
//! MSRP ([`super::same_fact`]) is one of its inputs, where that model speaks (see [`super::align::domain_score`]).

use super::align::domain_score;
use super::context::ContextTable;
use super::fact_model::FactModel;
use super::same_fact::{same_fact_threshold, Idf};
use super::tokens::{unit_after, units_agree, Word, WordKind};
use crate::text::lexicon;
use rayon::prelude::*;
use std::collections::HashMap;

/// The features, in the order the fact model's weights use.
pub const FACT_FEATURE_NAMES: [&str; 23] = [
    "paraphrase",
    "idf_cover_max",
    "shared_names",
    "name_cover_min",
    "names_absent_min",
    "names_absent_max",
    "shared_content",
    "lexicon_matches",
    "shared_event_words",
    "shared_numbers",
    "numbers_absent",
    "headline_one",
    "position_min",
    "position_max",
    "context_cover_min",
    "context_cover_max",
    "story_share_mean",
    "story_share_max",
    "length_min",
    "centrality_min",
    "day_conflict",
    "event_family_shared",
    "event_family_conflict",
];

pub type FactFeatures = [f64; FACT_FEATURE_NAMES.len()];

/// Where the paraphrase score stands among [`FACT_FEATURE_NAMES`].
const PARAPHRASE_FEATURE: usize = 0;

/// A fact-bearing word of a sentence, interned for the story.
#[derive(Debug, Clone)]
struct FactWord {
    key: u32,
    kind: WordKind,
    weight: f64,
    /// WordNet concepts of the word (and of the two-word verb it opens), sorted.
    concepts: Vec<u32>,
    verb: bool,
    /// For a number, the unit written after it ("three hours", "3 percent"; see [`unit_after`]).
    unit: Option<u8>,
}

#[derive(Debug, Clone)]
struct UnitInfo {
    words: Vec<FactWord>,
    headline: bool,
    /// Position among the article's body sentences (the headline counts as 0).
    body_index: usize,
    /// Weekdays and relative days named ("monday", "yesterday"), sorted.
    days: Vec<u32>,
    /// News event families its words belong to ("called off", "killed"), sorted.
    families: Vec<u32>,
}

/// Days a sentence can date its event by: the weekdays (the first seven of `disagree`'s day words) and these;
/// two sentences naming only different ones tell different events.
const WEEKDAYS: &[&str] = super::disagree::DAY_WORDS.split_at(7).0;
const RELATIVE_DAYS: [&str; 3] = ["yesterday", "today", "tonight"];

/// One story prepared for scoring sentence pairs: interned words, per-article vocabularies and weights.
pub struct FactStory<'a> {
    words: &'a [Vec<Vec<Word>>],
    idf: &'a Idf,
    units: Vec<Vec<UnitInfo>>,
    /// Per article: sorted unique keys of its fact words.
    article_keys: Vec<Vec<u32>>,
    /// Per key: the share of the story's articles that use it.
    key_share: Vec<f64>,
}

/// A sentence of the story: which article, which sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    pub article: usize,
    pub sentence: usize,
}

impl<'a> FactStory<'a> {
    /// `headlines[a]` says whether sentence 0 of article `a` is its headline.
    pub fn new(words: &'a [Vec<Vec<Word>>], headlines: &[bool], idf: &'a Idf) -> Self {
        let mut interned: HashMap<&str, u32> = HashMap::new();
        let mut units = Vec::with_capacity(words.len());
        for (article, sentences) in words.iter().enumerate() {
            let has_headline = headlines.get(article).copied().unwrap_or(false);
            let mut infos = Vec::with_capacity(sentences.len());
            for (index, sentence) in sentences.iter().enumerate() {
                let mut facts = Vec::new();
                for (i, word) in sentence.iter().enumerate() {
                    if word.kind == WordKind::Function {
                        continue;
                    }
                    let next = interned.len() as u32;
                    let key = *interned.entry(word.key.as_str()).or_insert(next);
                    let (mut concepts, mut verb) = (Vec::new(), false);
                    if word.kind == WordKind::Content {
                        if let Some(entry) = lexicon::entry(&word.key) {
                            concepts.extend_from_slice(&entry.concepts);
                            verb = entry.verb;
                        }
                        // "will not come", "won't attend": the negated verb, as the event families list it.
                        let negated = i.checked_sub(1).is_some_and(|p| {
                            matches!(sentence[p].lower.as_str(), "not" | "never" | "n't" | "t")
                                || sentence[p].lower.ends_with("n't")
                        });
                        if negated {
                            if let Some(entry) = lexicon::entry(&format!("not {}", word.key)) {
                                concepts.extend_from_slice(&entry.concepts);
                                verb = true;
                            }
                        }
                        if let Some(particle) = sentence.get(i + 1).filter(|w| w.kind == WordKind::Function) {
                            let phrase = format!("{} {}", word.key, particle.lower);
                            if let Some(entry) = lexicon::entry(&phrase) {
                                concepts.extend_from_slice(&entry.concepts);
                                verb |= entry.verb;
                            }
                        }
                        concepts.sort_unstable();
                        concepts.dedup();
                    }
                    facts.push(FactWord {
                        key,
                        kind: word.kind,
                        weight: idf.weight(&word.key),
                        concepts,
                        verb,
                        unit: if word.kind == WordKind::Number { unit_after(sentence, i) } else { None },
                    });
                }
                let headline = has_headline && index == 0;
                let body_index = if has_headline { index.saturating_sub(1) } else { index };
                let mut days: Vec<u32> = sentence
                    .iter()
                    .filter_map(|w| {
                        WEEKDAYS.iter().chain(&RELATIVE_DAYS).position(|d| *d == w.lower).map(|p| p as u32)
                    })
                    .collect();
                days.sort_unstable();
                days.dedup();
                let mut families: Vec<u32> = facts
                    .iter()
                    .flat_map(|w| w.concepts.iter().copied().filter(|&c| lexicon::is_event_family(c)))
                    .collect();
                families.sort_unstable();
                families.dedup();
                infos.push(UnitInfo { words: facts, headline, body_index, days, families });
            }
            units.push(infos);
        }
        let vocabulary = interned.len();
        let mut article_keys = Vec::with_capacity(units.len());
        let mut document_frequency = vec![0usize; vocabulary];
        for infos in &units {
            let mut keys: Vec<u32> = infos.iter().flat_map(|u| &u.words).map(|w| w.key).collect();
            keys.sort_unstable();
            keys.dedup();
            for &key in &keys {
                document_frequency[key as usize] += 1;
            }
            article_keys.push(keys);
        }
        let articles = units.len().max(1) as f64;
        let key_share: Vec<f64> = document_frequency.iter().map(|&df| df as f64 / articles).collect();
        FactStory { words, idf, units, article_keys, key_share }
    }

    /// The word weights the story was prepared with.
    pub fn idf(&self) -> &Idf {
        self.idf
    }

    /// Whether this sentence is its article's headline.
    pub fn is_headline(&self, unit: Unit) -> bool {
        self.units[unit.article].get(unit.sentence).is_some_and(|u| u.headline)
    }

    fn article_has(&self, article: usize, key: u32) -> bool {
        self.article_keys[article].binary_search(&key).is_ok()
    }

    /// The model's inputs for one pair of sentences of two different articles. Symmetric.
    pub fn features(&self, lhs: Unit, rhs: Unit) -> FactFeatures {
        let (lu, ru) = (&self.units[lhs.article][lhs.sentence], &self.units[rhs.article][rhs.sentence]);
        let paraphrase = self.paraphrase(lhs, rhs);
        let l = self.side(lu, ru, rhs.article);
        let r = self.side(ru, lu, lhs.article);
        let min = |a: f64, b: f64| a.min(b);
        let max = |a: f64, b: f64| a.max(b);
        let (shares_sum, shares_max, shares_n) = lu
            .words
            .iter()
            .filter(|w| ru.words.iter().any(|o| o.key == w.key))
            .map(|w| self.key_share[w.key as usize])
            .fold((0.0, 0.0f64, 0usize), |(s, m, n), share| (s + share, m.max(share), n + 1));
        let position = |u: &UnitInfo| if u.headline { 0.0 } else { (u.body_index as f64 + 1.0).ln() };
        [
            paraphrase,
            max(l.idf_cover, r.idf_cover),
            (l.names_matched.min(r.names_matched) as f64).ln_1p(),
            min(l.name_cover, r.name_cover),
            (l.names_absent.min(r.names_absent) as f64).ln_1p(),
            (l.names_absent.max(r.names_absent) as f64).ln_1p(),
            (l.content_matched.min(r.content_matched) as f64).ln_1p(),
            (l.lexicon_matched.max(r.lexicon_matched) as f64).ln_1p(),
            (l.event_matched.min(r.event_matched) as f64).ln_1p(),
            (l.numbers_matched.min(r.numbers_matched) as f64).ln_1p(),
            ((l.numbers_absent + r.numbers_absent) as f64).ln_1p(),
            f64::from(lu.headline != ru.headline),
            min(position(lu), position(ru)),
            max(position(lu), position(ru)),
            min(l.context_cover, r.context_cover),
            max(l.context_cover, r.context_cover),
            if shares_n > 0 { shares_sum / shares_n as f64 } else { 0.0 },
            shares_max,
            (lu.words.len().min(ru.words.len()) as f64).ln_1p(),
            min(self.centrality(lu), self.centrality(ru)),
            f64::from(
                !lu.days.is_empty() && !ru.days.is_empty() && !lu.days.iter().any(|d| ru.days.contains(d)),
            ),
            (lu.families.iter().filter(|f| ru.families.contains(f)).count() as f64).ln_1p(),
            f64::from(
                !lu.families.is_empty()
                    && !ru.families.is_empty()
                    && !lexicon::shares_concept(&lu.families, &ru.families),
            ),
        ]
    }

    /// How much a sentence is about what the whole story is about: the weighted share of the story's articles
    /// that use its words.
    fn centrality(&self, unit: &UnitInfo) -> f64 {
        let total: f64 = unit.words.iter().map(|w| w.weight).sum();
        if total == 0.0 {
            return 0.0;
        }
        unit.words.iter().map(|w| w.weight * self.key_share[w.key as usize]).sum::<f64>() / total
    }

    /// What one side's words find on the other side, and in the other side's whole article.
    fn side(&self, own: &UnitInfo, other: &UnitInfo, other_article: usize) -> Side {
        let mut side = Side::default();
        let (mut matched_idf, mut total_idf, mut context_idf) = (0.0, 0.0, 0.0);
        let (mut names, mut names_matched) = (0usize, 0usize);
        for word in &own.words {
            total_idf += word.weight;
            let exact = other.words.iter().any(|o| o.key == word.key && units_agree(word.unit, o.unit));
            let related = !exact
                && word.kind == WordKind::Content
                && other.words.iter().any(|o| {
                    o.kind == WordKind::Content && lexicon::shares_concept(&word.concepts, &o.concepts)
                });
            let in_article = self.article_has(other_article, word.key);
            if in_article {
                context_idf += word.weight;
            }
            if exact || related {
                matched_idf += word.weight;
            }
            match word.kind {
                WordKind::Name => {
                    names += 1;
                    names_matched += usize::from(exact);
                    side.names_absent += usize::from(!in_article);
                }
                WordKind::Number => {
                    side.numbers_matched += usize::from(exact);
                    side.numbers_absent += usize::from(!in_article);
                }
                _ => {
                    side.content_matched += usize::from(exact || related);
                    side.lexicon_matched += usize::from(related);
                    side.event_matched += usize::from((exact || related) && word.verb);
                }
            }
        }
        side.names_matched = names_matched;
        side.name_cover = if names > 0 { names_matched as f64 / names as f64 } else { 1.0 };
        side.idf_cover = if total_idf > 0.0 { matched_idf / total_idf } else { 0.0 };
        side.context_cover = if total_idf > 0.0 { context_idf / total_idf } else { 0.0 };
        side
    }

    /// Pairs of sentences of different articles that share a fact word or a news event family; other pairs score
    /// 0. (Pairs sharing only a WordNet sense are left out: on 20 full BASIL articles they were most of the
    /// pairs and the diff took 3 s.)
    pub fn candidate_pairs(&self) -> Vec<(Unit, Unit)> {
        // Posting keys: (0, key) for a content word, (1, key) for a name or number, (2, family) for a news event
        // family. A pair is a candidate when it shares a name, a number or a family, or two content words.
        let mut postings: HashMap<(u8, u32), Vec<Unit>> = HashMap::new();
        for (article, infos) in self.units.iter().enumerate() {
            for (sentence, info) in infos.iter().enumerate() {
                let unit = Unit { article, sentence };
                let mut keys: Vec<(u8, u32)> = info
                    .words
                    .iter()
                    .map(|w| (u8::from(matches!(w.kind, WordKind::Name | WordKind::Number)), w.key))
                    .chain(info.families.iter().map(|&f| (2, f)))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                for key in keys {
                    postings.entry(key).or_default().push(unit);
                }
            }
        }
        let mut shared: Vec<(Unit, Unit, bool)> = postings
            .iter()
            .flat_map(|(key, units)| {
                let strong = key.0 > 0;
                units.iter().enumerate().flat_map(move |(i, lhs)| {
                    units[i + 1..]
                        .iter()
                        .filter(move |rhs| rhs.article != lhs.article)
                        .map(move |rhs| (*lhs, *rhs, strong))
                })
            })
            .collect();
        shared.sort_unstable_by_key(|s| (s.0, s.1));
        shared
            .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
            .filter(|run| run.len() >= 2 || run.iter().any(|s| s.2))
            .map(|run| (run[0].0, run[0].1))
            .collect()
    }

    /// Every candidate pair with the pair model's probability alone.
    pub fn pair_probabilities(&self, model: &FactModel) -> Vec<(Unit, Unit, f64)> {
        self.pair_scores(model).into_iter().map(|(lhs, rhs, p, _)| (lhs, rhs, p)).collect()
    }

    /// Every candidate pair with the pair model's probability and the paraphrase score (its first feature, so it
    /// is computed once).
    fn pair_scores(&self, model: &FactModel) -> Vec<(Unit, Unit, f64, f64)> {
        self.candidate_pairs()
            .into_par_iter()
            .map(|(lhs, rhs)| {
                let features = self.features(lhs, rhs);
                (lhs, rhs, model.pair_probability(&features), features[PARAPHRASE_FEATURE])
            })
            .collect()
    }

    /// Every candidate pair with the model's probability that both tell one fact: the pair model's, weighed
    /// with what the story's other articles say of the two sentences (see [`ContextTable`]). Two sentences the
    /// paraphrase model judges to mean the same state one fact whatever the rest of the story says, so its score
    /// stands where it is higher and at its decision bound or above. ECB+, which the fact model is fitted on,
    /// has few such pairs, and without this rule two near-copies in a story of three articles scored 0.3. A story
    /// of two articles is aligned by the paraphrase model alone: the fact model, fitted on stories of 3 to 22
    /// articles, linked unrelated sentences there (Le Monde's and Reuters' reports, tests/snapshots.rs); every
    /// shared word is in every article of such a story, and there is no third article to ask.
    pub fn scored_pairs(&self, model: &FactModel) -> Vec<(Unit, Unit, f64)> {
        if self.units.len() < 3 {
            return self
                .candidate_pairs()
                .into_par_iter()
                .map(|(lhs, rhs)| (lhs, rhs, self.paraphrase(lhs, rhs)))
                .collect();
        }
        let scores = self.pair_scores(model);
        let pairs: Vec<(Unit, Unit, f64)> = scores.iter().map(|&(lhs, rhs, p, _)| (lhs, rhs, p)).collect();
        let table = ContextTable::new(&pairs, self.units.len());
        let bound = same_fact_threshold();
        scores
            .par_iter()
            .map(|&(lhs, rhs, p, paraphrase)| {
                let fact = model.context_probability(p, table.features(lhs, rhs, p));
                (lhs, rhs, if paraphrase >= bound { fact.max(paraphrase) } else { fact })
            })
            .collect()
    }

    /// The paraphrase model's score of a pair, where it speaks ([`domain_score`]).
    fn paraphrase(&self, lhs: Unit, rhs: Unit) -> f64 {
        domain_score(&self.words[lhs.article][lhs.sentence], &self.words[rhs.article][rhs.sentence], self.idf)
    }
}

#[derive(Debug, Default)]
struct Side {
    idf_cover: f64,
    names_matched: usize,
    name_cover: f64,
    names_absent: usize,
    content_matched: usize,
    lexicon_matched: usize,
    event_matched: usize,
    numbers_matched: usize,
    numbers_absent: usize,
    context_cover: f64,
}
