//! The clustering pipeline end to end: ingest, normalise, merge duplicates, features, candidates, graph, stories.

use crate::article::Article;
use crate::cluster::{ClusterConfig, StoryGraph};
use crate::features::{self, ArticleFeatures, FeatureConfig};
use crate::ingest::{self, Ingested};
use crate::normalize;
use crate::sketch;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Every setting of a clustering run, validated once by the CLI.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub features: FeatureConfig,
    pub cluster: ClusterConfig,
    /// Compare every pair instead of searching candidates: quadratic, for measuring what LSH misses.
    pub exhaustive: bool,
}

/// A story: the articles that report one event. Singletons are stories of one article.
#[derive(Debug, Clone)]
pub struct Story {
    /// `S1`, `S2`, ... in the order stories are listed: most articles first.
    pub id: String,
    /// Article indices, ascending.
    pub members: Vec<u32>,
    /// The member most similar to the rest; its headline names the story.
    pub representative: u32,
}

/// How every input record was accounted for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Input records seen: the sum of the four counts below.
    pub records: usize,
    /// Stories of two or more distinct articles.
    pub stories: usize,
    /// Input records in those stories (duplicates not counted here).
    pub articles_in_stories: usize,
    pub singletons: usize,
    pub duplicates_merged: usize,
    pub rejected: usize,
    pub warnings: usize,
    pub candidate_pairs: usize,
    pub edges: usize,
    pub boilerplate_paragraphs_dropped: usize,
}

/// The result of clustering: the articles, their features and graph, and the stories.
pub struct Clustering {
    pub ingested: Ingested,
    pub features: Vec<ArticleFeatures>,
    pub graph: StoryGraph,
    /// Pairs the LSH search proposed, sorted (`lhs < rhs`).
    pub candidate_pairs: Vec<(u32, u32)>,
    /// Stories in listing order, singletons included (after the multi-article stories).
    pub stories: Vec<Story>,
    /// Index into `stories` for every article.
    pub story_of: Vec<usize>,
    pub summary: Summary,
}

impl Clustering {
    pub fn articles(&self) -> &[Article] {
        &self.ingested.articles
    }

    /// The article index of an input id (its own or a merged duplicate's).
    pub fn find_article(&self, id: &str) -> Option<u32> {
        self.articles().iter().position(|a| a.all_ids().any(|x| x == id)).map(|i| i as u32)
    }
}

/// Reads, normalises and deduplicates the inputs: the articles as the rest of the pipeline sees them.
pub fn prepare(paths: &[String]) -> (Ingested, usize, usize) {
    let mut ingested = ingest::read_inputs(paths);
    ingested.articles.par_iter_mut().for_each(normalize::normalize_article);
    let (kept, emptied): (Vec<Article>, Vec<Article>) =
        ingested.articles.drain(..).partition(|a| !a.paragraphs.is_empty() || a.title.is_some());
    ingested.articles = kept;
    for article in emptied {
        ingested.rejected.push(crate::article::Rejected {
            location: article.source.to_string(),
            reason: "no text left after removing page boilerplate".into(),
        });
    }
    ingested.rejected.sort();
    let duplicates = normalize::merge_exact_duplicates(&mut ingested.articles);
    let boilerplate = normalize::remove_learned_boilerplate(&mut ingested.articles);
    (ingested, duplicates, boilerplate)
}

/// Clusters the articles under `paths`.
pub fn cluster_paths(paths: &[String], config: &Config) -> Clustering {
    let mut timer = StageTimer::start();
    let (ingested, duplicates, boilerplate) = prepare(paths);
    timer.stage("ingest + normalize + dedup");
    cluster_ingested(ingested, duplicates, boilerplate, config)
}

/// Wall time per pipeline stage on stderr when `STORYDIFF_TIMINGS` is set (for docs/PERFORMANCE.md).
struct StageTimer {
    enabled: bool,
    last: std::time::Instant,
}

impl StageTimer {
    fn start() -> Self {
        StageTimer {
            enabled: std::env::var_os("STORYDIFF_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    fn stage(&mut self, name: &str) {
        if self.enabled {
            eprintln!("storydiff: timing: {name}: {:.3} s", self.last.elapsed().as_secs_f64());
        }
        self.last = std::time::Instant::now();
    }
}

pub fn cluster_ingested(
    ingested: Ingested,
    duplicates: usize,
    boilerplate: usize,
    config: &Config,
) -> Clustering {
    let mut timer = StageTimer::start();
    let (features, _document_frequencies) = features::extract(&ingested.articles, &config.features);
    timer.stage("features + signatures");
    let event: Vec<_> = features.iter().map(|f| f.event_signature).collect();
    let copy: Vec<_> = features.iter().map(|f| f.copy_signature).collect();
    let pairs = if config.exhaustive {
        let n = event.len() as u32;
        (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect()
    } else {
        let lsh = sketch::candidate_pairs(&event, &copy);
        timer.stage("LSH candidate search");
        let expanded = crate::cluster::expand_candidates(&lsh, &features, &config.cluster);
        timer.stage("two-hop expansion");
        expanded
    };
    let graph = StoryGraph::build(ingested.articles.len(), &pairs, &features, &config.cluster);
    timer.stage("verify pairs + graph");
    let labels = graph.stories(config.cluster.threshold);
    timer.stage("average linkage");
    let stories = order_stories(&ingested.articles, &labels, &graph);
    let mut story_of = vec![0usize; ingested.articles.len()];
    for (index, story) in stories.iter().enumerate() {
        for &m in &story.members {
            story_of[m as usize] = index;
        }
    }
    let multi: Vec<&Story> = stories.iter().filter(|s| s.members.len() > 1).collect();
    let summary = Summary {
        records: ingested.articles.len() + duplicates + ingested.rejected.len(),
        stories: multi.len(),
        articles_in_stories: multi.iter().map(|s| s.members.len()).sum(),
        singletons: stories.len() - multi.len(),
        duplicates_merged: duplicates,
        rejected: ingested.rejected.len(),
        warnings: ingested.warnings.len(),
        candidate_pairs: pairs.len(),
        edges: graph.graph.edge_count(),
        boilerplate_paragraphs_dropped: boilerplate,
    };
    Clustering { ingested, features, graph, candidate_pairs: pairs, stories, story_of, summary }
}

/// Groups articles by label and orders the groups: most articles first, then earliest date, then smallest id.
fn order_stories(articles: &[Article], labels: &[u32], graph: &StoryGraph) -> Vec<Story> {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, &label) in labels.iter().enumerate() {
        groups.entry(label).or_default().push(i as u32);
    }
    let mut groups: Vec<Vec<u32>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    let size = |g: &Vec<u32>| g.iter().map(|&i| 1 + articles[i as usize].duplicate_ids.len()).sum::<usize>();
    let earliest = |g: &Vec<u32>| g.iter().filter_map(|&i| articles[i as usize].date).min();
    groups.sort_by(|lhs, rhs| {
        size(rhs)
            .cmp(&size(lhs))
            .then_with(|| match (earliest(lhs), earliest(rhs)) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| articles[lhs[0] as usize].doc_id.cmp(&articles[rhs[0] as usize].doc_id))
    });
    groups
        .into_iter()
        .enumerate()
        .map(|(n, members)| {
            let representative = representative(&members, graph);
            Story { id: format!("S{}", n + 1), members, representative }
        })
        .collect()
}

/// The member with the largest summed similarity to the other members; the first member on a tie.
fn representative(members: &[u32], graph: &StoryGraph) -> u32 {
    if members.len() <= 2 {
        return members[0];
    }
    let mut best = (members[0], -1.0f32);
    for &m in members {
        let total: f32 = members
            .iter()
            .filter(|&&o| o != m)
            .filter_map(|&o| graph.edge_between(m, o))
            .map(|e| e.score)
            .sum();
        if total > best.1 {
            best = (m, total);
        }
    }
    best.0
}
