//! What a clustering run hands its caller: the articles, features, graph and stories, and the run's accounting.

use crate::article::Article;
use crate::cluster::{Story, StoryGraph};
use crate::features::{ArticleFeatures, DocumentFrequencies, FeatureConfig};
use crate::ingest::{self, Ingested};
use crate::normalize::{self, LearnedBoilerplate};
use serde::Serialize;
use std::collections::BTreeSet;

/// How every input record was accounted for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Input records seen: the sum of the counts below, from articles in stories to skipped records.
    pub records: usize,
    /// Stories of two or more distinct articles.
    pub stories: usize,
    /// Input records in those stories (duplicates not counted here).
    pub articles_in_stories: usize,
    pub singletons: usize,
    pub duplicates_merged: usize,
    pub rejected: usize,
    /// Articles that are a title with no body (headline-only input): their stories rest on titles alone.
    #[serde(skip_serializing_if = "is_zero")]
    pub headline_only: usize,
    /// WARC records that hold no article: not HTML, status not 200, revisits (requests and metadata records
    /// are not counted: they never hold a page).
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_records: usize,
    pub warnings: usize,
    pub candidate_pairs: usize,
    pub edges: usize,
    pub boilerplate_paragraphs_dropped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of clustering: the articles, their features and graph, and the stories.
///
/// The articles' bodies are not kept (`Article::body_dropped`): [`Clustering::with_body`] reads one again.
pub struct Clustering {
    pub ingested: Ingested,
    pub features: Vec<ArticleFeatures>,
    pub document_frequencies: DocumentFrequencies,
    pub feature_config: FeatureConfig,
    /// The field names the inputs were read with, to read bodies again the same way.
    pub fields: ingest::FieldMap,
    /// The paragraphs dropped as an outlet's repeated boilerplate, applied again to bodies read again.
    pub learned_boilerplate: LearnedBoilerplate,
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

    /// An article with its body, read again from its file and normalised as clustering saw it.
    pub fn with_body(&self, index: u32) -> Result<Article, String> {
        let article = &self.articles()[index as usize];
        let mut copy = article.clone();
        if !article.body_dropped {
            return Ok(copy);
        }
        let mut read = ingest::reread(article, &self.fields)?;
        normalize::normalize_article(&mut read);
        read.outlet = article.outlet.clone();
        self.learned_boilerplate.strip(&mut read);
        copy.paragraphs = read.paragraphs;
        copy.body_dropped = false;
        copy.excerpt = None;
        Ok(copy)
    }

    /// Outlets of a story's members, sorted, each once.
    pub fn outlets_of(&self, story: &Story) -> Vec<String> {
        let set: BTreeSet<&str> =
            story.members.iter().map(|&m| self.articles()[m as usize].outlet_or_unknown()).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Languages of a story's members, sorted, each once; empty when none is known.
    pub fn languages_of(&self, story: &Story) -> Vec<String> {
        let set: BTreeSet<&str> =
            story.members.iter().filter_map(|&m| self.articles()[m as usize].language.as_deref()).collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// First and last known date of a story's members, as `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`; `-` if undated.
    pub fn date_span(&self, story: &Story) -> String {
        let dates: Vec<_> = story.members.iter().filter_map(|&m| self.articles()[m as usize].date).collect();
        match (dates.iter().min(), dates.iter().max()) {
            (Some(first), Some(last)) if first == last => first.to_string(),
            (Some(first), Some(last)) => format!("{first}..{last}"),
            _ => "-".to_string(),
        }
    }

    /// The article index of an input id (its own or a merged duplicate's).
    pub fn find_article(&self, id: &str) -> Option<u32> {
        self.articles().iter().position(|a| a.all_ids().any(|x| x == id)).map(|i| i as u32)
    }
}
