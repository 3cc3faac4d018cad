//! The clustering as one JSON document: settings, summary, stories with members and edges, rejections.

use crate::article::{Rejected, Warning};
use crate::cluster::EdgeKind;
use crate::pipeline::{Clustering, Summary};
use serde::Serialize;
use std::io::{self, Write};

/// The settings a run used, recorded so a JSON file says how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct JsonSettings {
    pub threshold: f32,
    pub window_days: Option<u32>,
    /// Similarities of pairs where either article is a headline alone are multiplied by this before the
    /// threshold applies.
    pub headline_scale: f32,
    pub salient_terms: usize,
    pub sketch_terms: usize,
    pub storyline_threshold: f32,
    pub storyline_window_days: Option<u32>,
}

#[derive(Serialize)]
struct Document<'a> {
    storydiff_version: &'static str,
    settings: &'a JsonSettings,
    summary: &'a Summary,
    stories: Vec<JsonStory<'a>>,
    /// Storylines of two or more stories (every other story is a storyline of its own, named in its `storyline`).
    storylines: Vec<JsonStoryline<'a>>,
    rejected: &'a [Rejected],
    /// WARC records that hold no article, with the reason (not HTML, status not 200, revisit).
    #[serde(skip_serializing_if = "<[Rejected]>::is_empty")]
    skipped_records: &'a [Rejected],
    /// Files met in the folders read whose name is of no article format (`.pdf`, `.png`, a `gold.tsv`).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    files_skipped: &'a [String],
    warnings: &'a [Warning],
}

#[derive(Serialize)]
struct JsonStory<'a> {
    id: &'a str,
    storyline: &'a str,
    size: usize,
    outlets: Vec<String>,
    languages: Vec<String>,
    dates: String,
    headline: String,
    members: Vec<JsonMember<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonStoryline<'a> {
    id: &'a str,
    /// Story ids, by first day.
    stories: Vec<&'a str>,
    size: usize,
    dates: String,
    /// The scored story pairs within the storyline.
    links: Vec<JsonLink<'a>>,
}

#[derive(Serialize)]
struct JsonLink<'a> {
    lhs: &'a str,
    rhs: &'a str,
    score: f32,
    /// Cosine of the two stories' names, and of all their salient terms: the score is their geometric mean.
    names: f32,
    terms: f32,
    /// Days from the end of the earlier story to the start of the later (0 when they overlap).
    gap_days: Option<i64>,
    /// The names both stories hold, as the first story writes them.
    shared_names: Vec<String>,
}

#[derive(Serialize)]
struct JsonMember<'a> {
    doc_id: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    duplicate_ids: &'a [String],
    outlet: &'a str,
    title: Option<&'a str>,
    date: Option<String>,
    url: Option<&'a str>,
    source: String,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    lhs: &'a str,
    rhs: &'a str,
    score: f32,
    cosine: f32,
    containment: f32,
    kind: EdgeKind,
}

fn round(value: f32) -> f32 {
    (value * 10_000.0).round() / 10_000.0
}

pub fn write_json(clustering: &Clustering, settings: &JsonSettings, out: &mut dyn Write) -> io::Result<()> {
    let articles = clustering.articles();
    let mut edges_by_story: Vec<Vec<JsonEdge>> = (0..clustering.stories.len()).map(|_| Vec::new()).collect();
    let mut all_edges: Vec<_> = clustering.graph.edges().collect();
    all_edges.sort_by_key(|e| (e.lhs, e.rhs));
    for edge in all_edges {
        let story = clustering.story_of[edge.lhs as usize];
        if story == clustering.story_of[edge.rhs as usize] {
            edges_by_story[story].push(JsonEdge {
                lhs: &articles[edge.lhs as usize].doc_id,
                rhs: &articles[edge.rhs as usize].doc_id,
                score: round(edge.score),
                cosine: round(edge.cosine),
                containment: round(edge.containment),
                kind: edge.kind,
            });
        }
    }
    let stories = clustering
        .stories
        .iter()
        .zip(edges_by_story)
        .enumerate()
        .map(|(index, (story, edges))| JsonStory {
            id: &story.id,
            storyline: &clustering.storyline_of(index).id,
            size: story.members.iter().map(|&m| 1 + articles[m as usize].duplicate_ids.len()).sum(),
            outlets: clustering.outlets_of(story),
            languages: clustering.languages_of(story),
            dates: clustering.date_span(story),
            headline: crate::diff::sentences::display_headline(&articles[story.representative as usize]),
            members: story
                .members
                .iter()
                .map(|&m| {
                    let a = &articles[m as usize];
                    JsonMember {
                        doc_id: &a.doc_id,
                        duplicate_ids: &a.duplicate_ids,
                        outlet: a.outlet_or_unknown(),
                        title: a.title.as_deref(),
                        date: a.date.map(|d| d.to_string()),
                        url: a.url.as_deref(),
                        source: a.source.to_string(),
                    }
                })
                .collect(),
            edges,
        })
        .collect();
    let links = clustering.storylines.links_by_storyline();
    let storylines = clustering
        .storylines
        .storylines
        .iter()
        .zip(&links)
        .filter(|(line, _)| line.stories.len() > 1)
        .map(|(line, links)| JsonStoryline {
            id: &line.id,
            stories: line.stories.iter().map(|&s| clustering.stories[s].id.as_str()).collect(),
            size: line.stories.iter().map(|&s| clustering.size_of(&clustering.stories[s])).sum(),
            dates: clustering.storyline_span(line),
            links: links
                .iter()
                .map(|l| JsonLink {
                    lhs: &clustering.stories[l.lhs].id,
                    rhs: &clustering.stories[l.rhs].id,
                    score: round(l.score),
                    names: round(l.names),
                    terms: round(l.terms),
                    gap_days: l.gap_days,
                    shared_names: clustering.name_surfaces(&clustering.stories[l.lhs], &l.shared_names),
                })
                .collect(),
        })
        .collect();
    let document = Document {
        storylines,
        storydiff_version: env!("CARGO_PKG_VERSION"),
        settings,
        summary: &clustering.summary,
        stories,
        rejected: &clustering.ingested.rejected,
        skipped_records: &clustering.ingested.skipped_records,
        files_skipped: &clustering.ingested.files_skipped,
        warnings: &clustering.ingested.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
