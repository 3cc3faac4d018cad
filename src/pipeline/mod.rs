//! The pipeline end to end: the streaming passes (read, normalise, settle, features), candidate search,
//! verification, linkage and stories, one implementation of each stage for every command.

mod observer;
mod passes;
mod result;
mod spill;
pub(crate) mod timer;

pub use observer::Observer;
pub use result::{Clustering, Level, Summary};
pub use spill::SpillError;

use crate::cluster::{link_storylines, order_stories, ClusterConfig, Story, StoryGraph, StorylineConfig};
use crate::features::{ArticleFeatures, DocumentFrequencies, FeatureConfig, NameTerms};
use crate::ingest::{self, Ingested};
use crate::normalize::{self, LearnedBoilerplate};
use crate::sketch::{self, CandidateSearch, CopyBands, EventBands, ExhaustiveSearch, LshSearch, SearchInput};
use chrono::Datelike;
use passes::{first_pass, second_pass, settle, Keep};
use rayon::prelude::*;
use timer::StageTimer;

/// Every setting of a clustering run, validated once by the CLI.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub features: FeatureConfig,
    pub cluster: ClusterConfig,
    pub storyline: StorylineConfig,
    /// Compare every pair instead of searching candidates: quadratic, for measuring what LSH misses.
    pub exhaustive: bool,
    /// Which input fields hold each part of an article.
    pub fields: ingest::FieldMap,
    /// Folder for the temporary file of term counts; the system's temporary folder when `None`.
    pub spill_dir: Option<std::path::PathBuf>,
    /// Told how the run goes while it goes.
    pub observer: Option<std::sync::Arc<dyn Observer>>,
}

/// The articles as the commands that show text see them: read, normalised, in canonical order, duplicates
/// merged, learned boilerplate dropped, bodies kept. Returns them with the duplicates merged and the
/// boilerplate paragraphs dropped. The same passes as [`cluster_paths`], keeping bodies instead of features.
pub fn prepare(paths: &[String], fields: &ingest::FieldMap) -> (Ingested, usize, usize) {
    prepare_with(paths, fields, normalize::Typography::Fold, None)
}

/// [`prepare`], folding the typography or keeping it as published (for `storydiff ingest`), with an observer.
pub fn prepare_with(
    paths: &[String],
    fields: &ingest::FieldMap,
    typography: normalize::Typography,
    observer: Option<&dyn Observer>,
) -> (Ingested, usize, usize) {
    let mut first = first_pass(paths, fields, typography, Keep::Bodies, None, observer)
        .expect("bodies kept in memory use no spill file");
    let settled = settle(&mut first, fields);
    let (duplicates, dropped) = (settled.duplicates, settled.boilerplate_dropped);
    (first.into_ingested(settled.articles), duplicates, dropped)
}

/// Clusters the articles under `paths`, streaming: each article's body is read, turned into term counts and a
/// copy signature, and dropped, so memory holds features, not text. The counts wait in a temporary file until
/// the document frequencies are known (in memory when it cannot be written; an error only when what was
/// written cannot be read back). Candidates come from LSH, or every pair with `config.exhaustive`.
pub fn cluster_paths(paths: &[String], config: &Config) -> Result<Clustering, SpillError> {
    let search: &dyn CandidateSearch =
        if config.exhaustive { &ExhaustiveSearch } else { &LshSearch::default() };
    cluster_paths_with(paths, config, search)
}

/// [`cluster_paths`] with the candidate search given.
pub fn cluster_paths_with(
    paths: &[String],
    config: &Config,
    search: &dyn CandidateSearch,
) -> Result<Clustering, SpillError> {
    let observer = config.observer.as_deref();
    let mut timer = StageTimer::start(observer);
    timer.begin("reading");
    let spill_dir = config.spill_dir.as_deref();
    let typography = normalize::Typography::Fold;
    let mut first = first_pass(paths, &config.fields, typography, Keep::Features, spill_dir, observer)?;
    timer.stage("read + normalise + terms (first pass)");
    timer.begin("merging duplicates");
    let settled = settle(&mut first, &config.fields);
    timer.stage("canonical order + duplicates + learned boilerplate");
    timer.begin("features");
    let (features, bands, document_frequencies) = second_pass(&mut first, &settled, &config.features)?;
    timer.stage("document frequencies + features");
    let names = std::mem::take(&mut first.names);
    let prepared = Prepared {
        names,
        ingested: first.into_ingested(settled.articles),
        features,
        bands,
        document_frequencies,
        learned_boilerplate: settled.learned,
        duplicates: settled.duplicates,
        boilerplate_dropped: settled.boilerplate_dropped,
    };
    Ok(link(prepared, search, config, timer))
}

/// What the passes hand the linking stage.
struct Prepared {
    ingested: Ingested,
    features: Vec<ArticleFeatures>,
    /// The event view's band hashes, dropped once candidates are found.
    bands: Vec<EventBands>,
    document_frequencies: DocumentFrequencies,
    names: NameTerms,
    learned_boilerplate: LearnedBoilerplate,
    duplicates: usize,
    boilerplate_dropped: usize,
}

/// Candidates, verification with two-hop expansion, the story graph, linkage and the stories in order.
fn link(
    prepared: Prepared,
    search: &dyn CandidateSearch,
    config: &Config,
    mut timer: StageTimer,
) -> Clustering {
    let Prepared {
        ingested,
        features,
        bands,
        document_frequencies,
        names,
        learned_boilerplate,
        duplicates,
        boilerplate_dropped,
    } = prepared;
    timer.begin("searching candidates");
    let candidates = {
        let copy: Vec<CopyBands> = features.par_iter().map(|f| f.copy_signature.bands()).collect();
        let filter = sketch::PairFilter {
            days: features.iter().map(|f| f.date.map(|d| d.num_days_from_ce())).collect(),
            max_apart: config.cluster.window_days,
            languages: features.iter().map(|f| f.language).collect(),
        };
        search.candidates(&SearchInput { event: &bands, copy: &copy, filter: &filter })
    };
    drop(bands);
    timer.stage(&format!("candidate search: {} pairs", candidates.len()));
    timer.begin("verifying pairs");
    let (pairs, edges) = crate::cluster::expand_and_verify(&candidates, &features, &config.cluster);
    drop(candidates);
    timer.stage(&format!("verify + two-hop expansion: {} pairs, {} edges", pairs.len(), edges.len()));
    let graph = StoryGraph::from_edges(ingested.articles.len(), edges);
    timer.stage("graph");
    timer.begin("building stories");
    let labels = graph.stories(config.cluster.threshold);
    timer.stage("average linkage");
    let stories = order_stories(&ingested.articles, &labels, &graph);
    let mut story_of = vec![0usize; ingested.articles.len()];
    for (index, story) in stories.iter().enumerate() {
        for &m in &story.members {
            story_of[m as usize] = index;
        }
    }
    timer.begin("linking storylines");
    let storylines = link_storylines(&stories, &features, &names, &config.storyline);
    timer.stage(&format!("storylines: {} story pairs share names", storylines.links.len()));
    let multi: Vec<&Story> = stories.iter().filter(|s| s.members.len() > 1).collect();
    let summary = Summary {
        records: ingested.articles.len()
            + duplicates
            + ingested.rejected.len()
            + ingested.skipped_records.len(),
        stories: multi.len(),
        storylines: storylines.storylines.iter().filter(|l| l.stories.len() > 1).count(),
        articles_in_stories: multi.iter().map(|s| s.members.len()).sum(),
        singletons: stories.len() - multi.len(),
        duplicates_merged: duplicates,
        rejected: ingested.rejected.len(),
        skipped_records: ingested.skipped_records.len(),
        headline_only: ingested.articles.iter().filter(|a| a.is_headline_only()).count(),
        warnings: ingested.warnings.len(),
        candidate_pairs: pairs.len(),
        edges: graph.graph.edge_count(),
        boilerplate_paragraphs_dropped: boilerplate_dropped,
    };
    Clustering {
        ingested,
        features,
        document_frequencies,
        feature_config: config.features.clone(),
        fields: config.fields.clone(),
        learned_boilerplate,
        graph,
        candidate_pairs: pairs,
        stories,
        story_of,
        names,
        storylines,
        summary,
    }
}
