//! Fitting the fact model on ECB+ event-coreference gold: sentence pairs labelled by whether they mention one event.
//!
//! Every story (and every topic, its two similar events diffed as one) is prepared exactly as `storydiff diff`
//! prepares it; each of the diff's sentences is mapped onto the annotated gold sentences it covers, and each pair
//! of mapped sentences from two articles becomes an example: same fact when their gold sentences share an event
//! chain (`pairs.tsv`), otherwise not (the same story's other events, and the other story of the topic).

use super::calibrate::{fit_logistic, Logistic};
use super::context::{ContextTable, CONTEXT_FEATURE_NAMES};
use super::fact_model::{FactModel, Logit};
use super::facts::{FactFeatures, FactStory, Unit, FACT_FEATURE_NAMES};
use super::{prepare_story, PreparedStory};
use crate::article::Article;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Ridge penalty of the fit, on standardised features; the fit is insensitive to it between 0.1 and 10 (pair
/// accuracy within 0.002, cross-validated by topic on ecbplus_dev).
const L2_PENALTY: f64 = 1.0;

/// A diff sentence maps onto a gold sentence when this share of the shorter one's words is shared, the rule of
/// `shared/tools/align/score_align.py`.
const MAP_OVERLAP: f64 = 0.6;

/// A gold file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}: {reason}")]
    Line { path: String, line: usize, reason: String },
}

/// The alignment gold of a corpus (`ecbplus_dev/align/`).
#[derive(Debug, Default)]
pub struct Gold {
    /// Per document: its annotated sentences' numbers and words.
    annotated: HashMap<String, Vec<(usize, Vec<String>)>>,
    /// Same-event pairs, both orders: (doc, sentence, doc, sentence).
    pairs: HashSet<(String, usize, String, usize)>,
}

fn read(path: &Path) -> Result<String, GoldError> {
    std::fs::read_to_string(path)
        .map_err(|source| GoldError::Read { path: path.display().to_string(), source })
}

/// Words as the gold scorer compares them: lowercase letters and digits, clitics joined ("don't" -> "dont").
fn gold_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['\'', '’'], "");
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

impl Gold {
    pub fn read(dir: &Path) -> Result<Gold, GoldError> {
        let mut gold = Gold::default();
        let path = dir.join("sentences.jsonl");
        for (index, line) in read(&path)?.lines().enumerate() {
            #[derive(serde::Deserialize)]
            struct Annotated {
                doc_id: String,
                sent: usize,
                text: String,
            }
            let record: Annotated = serde_json::from_str(line).map_err(|e| GoldError::Line {
                path: path.display().to_string(),
                line: index + 1,
                reason: e.to_string(),
            })?;
            gold.annotated.entry(record.doc_id).or_default().push((record.sent, gold_words(&record.text)));
        }
        let path = dir.join("pairs.tsv");
        for (index, line) in read(&path)?.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            let parse = |i: usize| fields.get(i).and_then(|f| f.parse::<usize>().ok());
            let (Some(a), Some(sa), Some(b), Some(sb)) = (fields.first(), parse(1), fields.get(2), parse(3))
            else {
                return Err(GoldError::Line {
                    path: path.display().to_string(),
                    line: index + 1,
                    reason: "expected doc_a, sent_a, doc_b, sent_b".into(),
                });
            };
            gold.pairs.insert((a.to_string(), sa, b.to_string(), sb));
            gold.pairs.insert((b.to_string(), sb, a.to_string(), sa));
        }
        Ok(gold)
    }

    /// The annotated sentences of `doc` that a diff sentence covers.
    fn map(&self, doc: &str, text: &str) -> Vec<usize> {
        let words = gold_words(text);
        if words.len() < 3 {
            return Vec::new();
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for w in &words {
            *counts.entry(w).or_default() += 1;
        }
        let Some(sentences) = self.annotated.get(doc) else { return Vec::new() };
        sentences
            .iter()
            .filter(|(_, gold)| {
                let mut left = counts.clone();
                let shared = gold
                    .iter()
                    .filter(|w| match left.get_mut(w.as_str()) {
                        Some(n) if *n > 0 => {
                            *n -= 1;
                            true
                        }
                        _ => false,
                    })
                    .count();
                !gold.is_empty() && shared as f64 >= MAP_OVERLAP * words.len().min(gold.len()) as f64
            })
            .map(|(sent, _)| *sent)
            .collect()
    }

    fn same_event(&self, lhs: (&str, &[usize]), rhs: (&str, &[usize])) -> bool {
        lhs.1.iter().any(|&a| {
            rhs.1.iter().any(|&b| self.pairs.contains(&(lhs.0.to_string(), a, rhs.0.to_string(), b)))
        })
    }
}

/// Labelled sentence pairs with their features, and the topic and story context each came from.
pub struct Examples<'a> {
    /// Every story, then every topic, prepared as the diff prepares it.
    pub contexts: Vec<PreparedStory<'a>>,
    /// How many of the first contexts are single gold stories; the rest are topics, both stories diffed as one.
    pub single_stories: usize,
    pub context: Vec<usize>,
    pub pairs: Vec<(Unit, Unit)>,
    pub features: Vec<FactFeatures>,
    pub labels: Vec<bool>,
    pub topics: Vec<String>,
}

/// A sentence pair of a story, its features and whether it tells one event.
type LabelledPair = ((Unit, Unit), FactFeatures, bool);

/// The topic of an ECB+ story id ("12_ecbplus" -> "12").
pub fn topic_of(story: &str) -> &str {
    story.split('_').next().unwrap_or(story)
}

/// Examples from every story and every topic diffed whole, for the articles whose story is known.
pub fn examples<'a>(
    articles: &'a [Article],
    story_of: &HashMap<String, String>,
    gold: &Gold,
) -> Examples<'a> {
    let mut stories: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
    let mut topics: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
    for article in articles {
        if let Some(story) = story_of.get(&article.doc_id) {
            stories.entry(story.clone()).or_default().push(article);
            topics.entry(topic_of(story).to_string()).or_default().push(article);
        }
    }
    let groups: Vec<&Vec<&Article>> = stories.values().chain(topics.values()).collect();
    let per_group: Vec<(PreparedStory<'a>, Vec<LabelledPair>)> = groups
        .par_iter()
        .map(|group| {
            let prepared = prepare_story(group);
            let story = FactStory::new(&prepared.words, &prepared.headlines, &prepared.idf);
            let mapped: Vec<Vec<Vec<usize>>> = prepared
                .articles
                .iter()
                .zip(&prepared.split)
                .map(|(a, body)| body.sentences.iter().map(|s| gold.map(&a.doc_id, &s.text)).collect())
                .collect();
            let mut found = Vec::new();
            for (lhs_article, lhs_sentences) in mapped.iter().enumerate() {
                for (rhs_article, rhs_sentences) in mapped.iter().enumerate().skip(lhs_article + 1) {
                    let (lhs_doc, rhs_doc) =
                        (&prepared.articles[lhs_article].doc_id, &prepared.articles[rhs_article].doc_id);
                    for (l, lhs_gold) in lhs_sentences.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
                        for (r, rhs_gold) in rhs_sentences.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
                            let lhs = Unit { article: lhs_article, sentence: l };
                            let rhs = Unit { article: rhs_article, sentence: r };
                            let label = gold.same_event((lhs_doc, lhs_gold), (rhs_doc, rhs_gold));
                            found.push(((lhs, rhs), story.features(lhs, rhs), label));
                        }
                    }
                }
            }
            drop(story);
            (prepared, found)
        })
        .collect();
    let mut out = Examples {
        contexts: Vec::new(),
        single_stories: stories.len(),
        context: Vec::new(),
        pairs: Vec::new(),
        features: Vec::new(),
        labels: Vec::new(),
        topics: Vec::new(),
    };
    for (prepared, found) in per_group {
        let topic = topic_of(&story_of[&prepared.articles[0].doc_id]).to_string();
        for (pair, features, label) in found {
            out.context.push(out.contexts.len());
            out.pairs.push(pair);
            out.features.push(features);
            out.labels.push(label);
            out.topics.push(topic.clone());
        }
        out.contexts.push(prepared);
    }
    out
}

fn logit(rows: &[Vec<f64>], labels: &[bool], names: &[&str]) -> Logit {
    let Logistic { means, scales, weights, bias } = fit_logistic(rows, labels, L2_PENALTY);
    Logit { features: names.iter().map(|s| s.to_string()).collect(), means, scales, weights, bias }
}

/// The rows' thresholds a fitted model carries: [`FactModel::link_threshold`] and
/// [`FactModel::late_link_threshold`]. They do not change the fit, only how its probabilities make rows.
#[derive(Debug, Clone, Copy)]
pub struct RowThresholds {
    pub link: f64,
    pub late: f64,
}

impl Default for RowThresholds {
    /// The link threshold 0.5 was chosen on ecbplus_dev, cross-validated by topic, against 0.4, 0.45, 0.55 and
    /// 0.6 (docs/EVALUATION.md, "Fact alignment"; in-sample for that choice).
    fn default() -> Self {
        RowThresholds { link: 0.5, late: super::align::DEFAULT_LATE_LINK_THRESHOLD }
    }
}

/// Fits the fact model on the examples whose topic passes `keep`: the pair model first, then the context model
/// on the pair model's probabilities over each example's whole story.
pub fn fit(
    examples: &Examples,
    keep: impl Fn(&str) -> bool,
    thresholds: RowThresholds,
    provenance: String,
) -> FactModel {
    let kept: Vec<usize> = (0..examples.labels.len()).filter(|&i| keep(&examples.topics[i])).collect();
    let labels: Vec<bool> = kept.iter().map(|&i| examples.labels[i]).collect();
    let rows: Vec<Vec<f64>> = kept.iter().map(|&i| examples.features[i].to_vec()).collect();
    let pair = logit(&rows, &labels, &FACT_FEATURE_NAMES);
    let neutral = Logit {
        features: CONTEXT_FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        means: vec![0.0; CONTEXT_FEATURE_NAMES.len()],
        scales: vec![1.0; CONTEXT_FEATURE_NAMES.len()],
        weights: vec![0.0; CONTEXT_FEATURE_NAMES.len()],
        bias: 0.0,
    };
    let mut model = FactModel {
        provenance,
        pair,
        context: neutral,
        link_threshold: thresholds.link,
        event_split_ratio: super::events::DEFAULT_EVENT_SPLIT_RATIO,
        late_link_threshold: thresholds.late,
    };
    let context_rows = context_features(examples, &model, &kept);
    let (rows, labels): (Vec<Vec<f64>>, Vec<bool>) = context_rows
        .into_iter()
        .zip(&kept)
        .filter_map(|(row, &i)| row.map(|r| (r.to_vec(), examples.labels[i])))
        .unzip();
    model.context = logit(&rows, &labels, &CONTEXT_FEATURE_NAMES);
    model
}

/// The context features of the chosen examples under a model's pair stage.
fn context_features(
    examples: &Examples,
    model: &FactModel,
    chosen: &[usize],
) -> Vec<Option<[f64; CONTEXT_FEATURE_NAMES.len()]>> {
    let mut needed: Vec<usize> = chosen.iter().map(|&i| examples.context[i]).collect();
    needed.sort_unstable();
    needed.dedup();
    let tables: HashMap<usize, ContextTable> = needed
        .par_iter()
        .map(|&c| {
            let prepared = &examples.contexts[c];
            let story = FactStory::new(&prepared.words, &prepared.headlines, &prepared.idf);
            (c, ContextTable::new(&story.pair_probabilities(model), prepared.words.len()))
        })
        .collect();
    chosen
        .par_iter()
        .map(|&i| {
            let (lhs, rhs) = examples.pairs[i];
            let table = &tables[&examples.context[i]];
            table.features(lhs, rhs, model.pair_probability(&examples.features[i]))
        })
        .collect()
}

/// Pair accuracy and average precision of models fitted without each fold's topics, scored on those topics.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PairScores {
    pub pairs: usize,
    pub positives: usize,
    pub accuracy: f64,
    pub average_precision: f64,
    /// The same for the pair stage alone.
    pub pair_stage_average_precision: f64,
    /// Average precision over the pairs seen within their single gold story, then over the pairs seen in their
    /// topic diffed whole (both stories as one, with the pairs across them): after the context stage, then the pair
    /// stage alone. The two settings the diff is scored in can move apart when the context stage changes.
    pub by_context: [ContextScores; 2],
}

/// Average precision of one kind of context (see [`PairScores::by_context`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ContextScores {
    pub pairs: usize,
    pub average_precision: f64,
    pub pair_stage_average_precision: f64,
}

/// The fold of a topic: topics are numbered, and topic t goes to fold t mod `folds`.
pub fn fold_of(topic: &str, folds: usize) -> usize {
    topic.parse::<usize>().unwrap_or(topic.len()) % folds.max(1)
}

fn average_precision(scored: &mut [(f64, bool)]) -> f64 {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut hits, mut sum) = (0usize, 0.0);
    for (rank, (_, label)) in scored.iter().enumerate() {
        if *label {
            hits += 1;
            sum += hits as f64 / (rank + 1) as f64;
        }
    }
    sum / hits.max(1) as f64
}

pub fn cross_validate(examples: &Examples, folds: usize) -> PairScores {
    // Per held-out example: the final probability, the pair stage's, the label, and whether its context is a
    // single story.
    let mut held_out: Vec<(f64, f64, bool, bool)> = Vec::with_capacity(examples.labels.len());
    for fold in 0..folds {
        let model = fit(examples, |t| fold_of(t, folds) != fold, RowThresholds::default(), String::new());
        let held: Vec<usize> =
            (0..examples.labels.len()).filter(|&i| fold_of(&examples.topics[i], folds) == fold).collect();
        let context = context_features(examples, &model, &held);
        for (&i, context) in held.iter().zip(context) {
            let pair = model.pair_probability(&examples.features[i]);
            let single = examples.context[i] < examples.single_stories;
            held_out.push((model.context_probability(pair, context), pair, examples.labels[i], single));
        }
    }
    let scores_of = |keep: &dyn Fn(bool) -> bool| {
        let chosen = || held_out.iter().filter(|row| keep(row.3));
        let mut scored: Vec<(f64, bool)> = chosen().map(|row| (row.0, row.2)).collect();
        let mut pair_scored: Vec<(f64, bool)> = chosen().map(|row| (row.1, row.2)).collect();
        ContextScores {
            pairs: scored.len(),
            average_precision: average_precision(&mut scored),
            pair_stage_average_precision: average_precision(&mut pair_scored),
        }
    };
    let all = scores_of(&|_| true);
    let positives = held_out.iter().filter(|row| row.2).count();
    let correct = held_out.iter().filter(|row| (row.0 >= 0.5) == row.2).count();
    PairScores {
        pairs: all.pairs,
        positives,
        accuracy: correct as f64 / held_out.len().max(1) as f64,
        average_precision: all.average_precision,
        pair_stage_average_precision: all.pair_stage_average_precision,
        by_context: [scores_of(&|single| single), scores_of(&|single| !single)],
    }
}
