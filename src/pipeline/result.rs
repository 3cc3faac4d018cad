//! What a clustering run hands its caller: the articles, features, graph and stories, and the run's accounting.

use crate::article::Article;
use crate::cluster::{Story, StoryGraph, Storyline, Storylines};
use crate::features::{ArticleFeatures, DocumentFrequencies, FeatureConfig, NameTerms, TermKey};
use crate::ingest::{self, Ingested};
use crate::normalize::{self, LearnedBoilerplate};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// How every input record was accounted for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Input records seen: the sum of the counts below, from articles in stories to skipped records.
    pub records: usize,
    /// Stories of two or more distinct articles.
    pub stories: usize,
    /// Storylines of two or more stories.
    pub storylines: usize,
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

/// Which grouping a command writes or scores: stories (one event and its days of coverage) or storylines
/// (the stories that follow one event over weeks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    Story,
    Storyline,
}

/// A date range as `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`; `-` for none.
fn span_text(range: Option<(chrono::NaiveDate, chrono::NaiveDate)>) -> String {
    match range {
        Some((first, last)) if first == last => first.to_string(),
        Some((first, last)) => format!("{first}..{last}"),
        None => "-".to_string(),
    }
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
    /// Every term written as a name somewhere, found in two or more articles: what storylines link through.
    pub names: NameTerms,
    /// The stories that follow one event over weeks, and the scored story pairs they were built from.
    pub storylines: Storylines,
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

    /// Input records in a story: its articles and their merged duplicates.
    pub fn size_of(&self, story: &Story) -> usize {
        story.members.iter().map(|&m| 1 + self.articles()[m as usize].duplicate_ids.len()).sum()
    }

    /// The storyline a story (by index) belongs to.
    pub fn storyline_of(&self, story: usize) -> &Storyline {
        &self.storylines.storylines[self.storylines.storyline_of[story]]
    }

    /// The id of an article's story or storyline.
    pub fn label(&self, article: usize, level: Level) -> &str {
        let story = self.story_of[article];
        match level {
            Level::Story => &self.stories[story].id,
            Level::Storyline => &self.storyline_of(story).id,
        }
    }

    /// First and last known date of a storyline's articles, as [`Clustering::date_span`] gives them.
    pub fn storyline_span(&self, line: &Storyline) -> String {
        span_text(
            line.stories
                .iter()
                .filter_map(|&s| self.date_range(&self.stories[s]))
                .reduce(|lhs, rhs| (lhs.0.min(rhs.0), lhs.1.max(rhs.1))),
        )
    }

    /// How the names of `keys` are written in a story's articles ("Marcus Whitfield" for the key of `marcus
    /// whitfield`), in the order of `keys`; a key no member shows (an article that cannot be read again) keeps
    /// its place as `?`. Reads the members again, one by one, until every key is found.
    pub fn name_surfaces(&self, story: &Story, keys: &[TermKey]) -> Vec<String> {
        let mut found: HashMap<TermKey, String> = HashMap::new();
        for &m in &story.members {
            if found.len() == keys.len() {
                break;
            }
            let Ok(article) = self.with_body(m) else { continue };
            for term in crate::features::weighted_terms(&article) {
                let key = crate::features::term_key(crate::text::hash::term_hash(&term.text));
                if keys.contains(&key) {
                    found.entry(key).or_insert(term.surface);
                }
            }
        }
        keys.iter().map(|k| found.get(k).cloned().unwrap_or_else(|| "?".to_string())).collect()
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
        span_text(self.date_range(story))
    }

    /// First and last known date of a story's members.
    pub fn date_range(&self, story: &Story) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        crate::cluster::date_range(story.members.iter().filter_map(|&m| self.articles()[m as usize].date))
    }

    /// The article index of an input id (its own or a merged duplicate's).
    pub fn find_article(&self, id: &str) -> Option<u32> {
        self.articles().iter().position(|a| a.all_ids().any(|x| x == id)).map(|i| i as u32)
    }
}
