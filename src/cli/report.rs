//! `storydiff report`: cluster the inputs (or take given stories) and write an HTML page per story plus an index.

use super::{write_file, ClusterOptions};
use crate::article::Article;
use crate::diff::{diff_story, DiffSummary, RowClass, StoryDiff};
use crate::display::{write_diff_html, write_index_html, IndexEntry, Timeline, TimelineStory};
use crate::pipeline::Clustering;
use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required_unless_present = "db", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Report the stories of this story index (`storydiff index add`) instead of clustering input files.
    #[arg(long, value_name = "FILE", conflicts_with = "stories")]
    pub db: Option<PathBuf>,
    /// Folder to write `index.html` and one page per story into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Take the stories from a `doc_id<TAB>story` file instead of clustering.
    #[arg(long, value_name = "FILE")]
    pub stories: Option<PathBuf>,
    /// Print the diff statistics as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub options: ClusterOptions,
}

/// Stories as (id, member indexes into `articles`), with ≥ 2 members, plus the count of articles in none.
type Stories = (Vec<(String, Vec<usize>)>, usize);

fn stories_from_file(path: &std::path::Path, articles: &[Article]) -> Result<Stories> {
    let text = super::read_text_lossy(path)?;
    let assignments = crate::eval::read_assignments(&path.display().to_string(), &text)?;
    let label_of: std::collections::HashMap<&str, &str> =
        assignments.iter().map(|(d, s)| (d.as_str(), s.as_str())).collect();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut unassigned = 0;
    for (index, article) in articles.iter().enumerate() {
        match article.all_ids().find_map(|id| label_of.get(id)) {
            Some(label) => groups.entry(label.to_string()).or_default().push(index),
            None => unassigned += 1,
        }
    }
    let mut stories: Vec<(String, Vec<usize>)> = Vec::new();
    for (label, members) in groups {
        if members.len() > 1 {
            stories.push((label, members));
        } else {
            unassigned += members.len();
        }
    }
    Ok((stories, unassigned))
}

/// Totals over all diffed stories, for the run summary and docs/EVALUATION.md.
#[derive(Debug, serde::Serialize)]
pub struct ReportStats {
    pub stories: usize,
    pub articles: usize,
    pub sentences: usize,
    pub aligned_sentences: usize,
    pub aligned_share: f64,
    pub rows: usize,
    pub rows_by_class: BTreeMap<RowClass, usize>,
    pub quotes: usize,
    pub disagreements: usize,
    pub mean_ms_per_story: f64,
    pub median_ms_per_story: f64,
    pub max_ms_per_story: f64,
    /// Articles whose text could not be read again (a file moved or changed during the run): each is named on
    /// stderr and left out of its story's page, and the rest of the report is written.
    #[serde(skip_serializing_if = "crate::diff::is_zero")]
    pub unreadable_articles: usize,
}

/// Diffs every story, timing each; an article that cannot be read again is left out of its story and named
/// in the messages returned, never the end of the run.
fn diff_stories(
    source: &Articles,
    stories: &[(String, Vec<usize>)],
) -> (Vec<(StoryDiff, Duration)>, Vec<String>) {
    let done: Vec<((StoryDiff, Duration), Vec<String>)> = stories
        .par_iter()
        .map(|(id, members)| {
            let started = Instant::now();
            let mut unreadable = Vec::new();
            let articles: Vec<_> = members
                .iter()
                .filter_map(|&m| match source.article(m) {
                    Ok(article) => Some(article),
                    Err(err) => {
                        unreadable.push(format!("story {id}: {err:#}"));
                        None
                    }
                })
                .collect();
            let articles: Vec<&Article> = articles.iter().map(|a| a.as_ref()).collect();
            let diff = diff_story(&articles);
            ((diff, started.elapsed()), unreadable)
        })
        .collect();
    let mut diffs = Vec::with_capacity(done.len());
    let mut unreadable = Vec::new();
    for (diff, messages) in done {
        diffs.push(diff);
        unreadable.extend(messages);
    }
    (diffs, unreadable)
}

fn stats(diffs: &[(StoryDiff, Duration)]) -> ReportStats {
    let mut total = DiffSummary::default();
    for (diff, _) in diffs {
        let s = &diff.summary;
        total.articles += s.articles;
        total.sentences += s.sentences;
        total.aligned_sentences += s.aligned_sentences;
        total.rows += s.rows;
        total.quotes += s.quotes;
        total.disagreements += s.disagreements;
        for (class, n) in &s.rows_by_class {
            *total.rows_by_class.entry(*class).or_insert(0) += n;
        }
    }
    let mut ms: Vec<f64> = diffs.iter().map(|(_, t)| t.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    ReportStats {
        stories: diffs.len(),
        articles: total.articles,
        sentences: total.sentences,
        aligned_sentences: total.aligned_sentences,
        aligned_share: total.aligned_sentences as f64 / total.sentences.max(1) as f64,
        rows: total.rows,
        rows_by_class: total.rows_by_class,
        quotes: total.quotes,
        disagreements: total.disagreements,
        mean_ms_per_story: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        median_ms_per_story: ms.get(ms.len() / 2).copied().unwrap_or(0.0),
        max_ms_per_story: ms.last().copied().unwrap_or(0.0),
        unreadable_articles: 0,
    }
}

pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<u8> {
    let (source, stories, singletons, code, mut timelines) = match &args.stories {
        Some(path) => {
            args.options
                .refuse_clustering_flags("with --stories: the stories come from the file, unclustered")?;
            let (ingested, _, _) =
                args.options.input.prepare(&args.paths, crate::normalize::Typography::Fold)?;
            let (stories, singletons) = stories_from_file(path, &ingested.articles)?;
            let code = if args.options.strict && !ingested.rejected.is_empty() {
                crate::exit::REJECTED_STRICT
            } else {
                crate::exit::OK
            };
            (Articles::InMemory(ingested), stories, singletons, code, Vec::new())
        }
        None => {
            let (clustering, _) = args.options.cluster_or_open(&args.paths, args.db.as_deref())?;
            let code = super::strict_code(&args.options, &clustering);
            let stories: Vec<(String, Vec<usize>)> = clustering
                .stories
                .iter()
                .filter(|s| s.members.len() > 1)
                .map(|s| (s.id.clone(), s.members.iter().map(|&m| m as usize).collect()))
                .collect();
            let singletons = clustering.summary.singletons;
            let timelines = timelines(&clustering);
            (Articles::Clustered(Box::new(clustering)), stories, singletons, code, timelines)
        }
    };
    if stories.is_empty() {
        bail!("no story with two or more articles in the inputs; nothing to report");
    }
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let (diffs, unreadable) = diff_stories(&source, &stories);
    for message in &unreadable {
        eprintln!("storydiff: warning: {message}; left out of its story's page");
    }
    let code =
        if args.options.strict && !unreadable.is_empty() { crate::exit::REJECTED_STRICT } else { code };
    // Page names come from the position, never from titles or ids, so no input can name a path.
    let pages: Vec<String> = (1..=stories.len()).map(|n| format!("story-{n}.html")).collect();
    for story in timelines.iter_mut().flat_map(|t| &mut t.stories) {
        story.page = stories.iter().position(|(id, _)| *id == story.id).map(|n| pages[n].clone());
    }
    for ((diff, _), page) in diffs.iter().zip(&pages) {
        write_file(&args.output.join(page), |w| write_diff_html(diff, Some("index.html"), w))?;
    }
    let entries: Vec<IndexEntry> = stories
        .iter()
        .zip(&diffs)
        .zip(&pages)
        .map(|(((id, _), (diff, _)), page)| IndexEntry { id, page, diff })
        .collect();
    let index = args.output.join("index.html");
    write_file(&index, |w| write_index_html(&entries, &timelines, singletons, source.rejected(), w))?;

    let mut stats = stats(&diffs);
    stats.unreadable_articles = unreadable.len();
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &stats)?;
        writeln!(out)?;
    } else {
        let class = |c| stats.rows_by_class.get(&c).copied().unwrap_or(0) as f64 / stats.rows.max(1) as f64;
        writeln!(out, "wrote {} story pages and {}", stats.stories, index.display())?;
        writeln!(
            out,
            "sentences {} in {} articles; aligned to another outlet {:.1}%",
            stats.sentences,
            stats.articles,
            100.0 * stats.aligned_share
        )?;
        writeln!(
            out,
            "fact rows {}: verbatim {:.1}%, paraphrase {:.1}%, retold {:.1}%, single {:.1}%; quotes {}; \
             disagreements {}",
            stats.rows,
            100.0 * class(RowClass::Verbatim),
            100.0 * class(RowClass::Paraphrase),
            100.0 * class(RowClass::Retold),
            100.0 * class(RowClass::Single),
            stats.quotes,
            stats.disagreements
        )?;
        writeln!(
            out,
            "diff time per story: mean {:.1} ms, median {:.1} ms, max {:.1} ms",
            stats.mean_ms_per_story, stats.median_ms_per_story, stats.max_ms_per_story
        )?;
        if stats.unreadable_articles > 0 {
            writeln!(
                out,
                "{} article(s) could not be read again and were left out of their stories' pages (listed on stderr)",
                stats.unreadable_articles
            )?;
        }
    }
    Ok(code)
}

/// Where a story's articles come from: read into memory for `--stories`, or a clustering that dropped the
/// bodies and reads each story's again while its diff is made.
enum Articles {
    InMemory(crate::ingest::Ingested),
    Clustered(Box<crate::pipeline::Clustering>),
}

impl Articles {
    fn article(&self, index: usize) -> Result<std::borrow::Cow<'_, Article>> {
        match self {
            Articles::InMemory(ingested) => Ok(std::borrow::Cow::Borrowed(&ingested.articles[index])),
            Articles::Clustered(clustering) => {
                clustering.with_body(index as u32).map(std::borrow::Cow::Owned).map_err(|message| {
                    let id = &clustering.articles()[index].doc_id;
                    anyhow::anyhow!("cannot read article {id:?} again: {message}")
                })
            }
        }
    }

    fn rejected(&self) -> usize {
        match self {
            Articles::InMemory(ingested) => ingested.rejected.len(),
            Articles::Clustered(clustering) => clustering.ingested.rejected.len(),
        }
    }
}

/// Every storyline of two or more stories as a timeline (pages are filled in once they are named).
fn timelines(clustering: &Clustering) -> Vec<Timeline> {
    clustering
        .storylines
        .storylines
        .iter()
        .filter(|line| line.stories.len() > 1)
        .map(|line| {
            let spans: Vec<_> =
                line.stories.iter().map(|&s| clustering.date_range(&clustering.stories[s])).collect();
            let start = spans.iter().flatten().map(|(first, _)| *first).min();
            let end = spans.iter().flatten().map(|(_, last)| *last).max();
            let stories = line
                .stories
                .iter()
                .zip(&spans)
                .map(|(&s, span)| {
                    let story = &clustering.stories[s];
                    TimelineStory {
                        id: story.id.clone(),
                        headline: crate::diff::sentences::display_headline(
                            &clustering.articles()[story.representative as usize],
                        ),
                        page: None,
                        days: span.zip(start).map(|((first, last), start)| {
                            ((first - start).num_days(), (last - start).num_days())
                        }),
                        first_date: span.map(|(first, _)| first.to_string()),
                        outlets: clustering.outlets_of(story),
                    }
                })
                .collect();
            Timeline {
                id: line.id.clone(),
                dates: clustering.storyline_span(line),
                start,
                span_days: start.zip(end).map_or(0, |(start, end)| (end - start).num_days()),
                stories,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16 item 10: one article that cannot be read again is listed and skipped, not the end of the report.
    #[test]
    fn issue_16_an_article_that_cannot_be_read_again_is_left_out_of_its_story_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl");
        let record = |id: &str, outlet: &str| {
            let body = format!(
                "The harbour authority of Port Ellery closed the northern quay on Tuesday after a cargo ship ran \
                 aground in fog, and the coastguard said all fourteen crew members were safe. {outlet} reported \
                 that salvage tugs from Brennick would try to refloat the Marisol at high tide."
            );
            serde_json::json!({"id": id, "title": "Cargo ship runs aground at Port Ellery", "text": body,
                               "url": format!("https://{outlet}/news/{id}")})
            .to_string()
        };
        let lines = [record("aa", "one.example"), record("bb", "two.example"), record("cc", "three.example")];
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let clustering = crate::pipeline::cluster_paths(
            &[path.display().to_string()],
            &crate::pipeline::Config::default(),
        )
        .unwrap();
        let story = clustering
            .stories
            .iter()
            .find(|s| s.members.len() == 3)
            .expect("the three reports are one story");
        let stories = vec![(story.id.clone(), story.members.iter().map(|&m| m as usize).collect())];
        // The file changes during the run: the second record now has another id, the same length.
        let changed =
            [record("aa", "one.example"), record("zz", "two.example"), record("cc", "three.example")];
        std::fs::write(&path, changed.join("\n") + "\n").unwrap();
        let source = Articles::Clustered(Box::new(clustering));
        let (diffs, unreadable) = diff_stories(&source, &stories);
        assert_eq!(unreadable.len(), 1, "{unreadable:?}");
        assert!(
            unreadable[0].contains("\"bb\"") && unreadable[0].contains("changed during the run"),
            "{unreadable:?}"
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].0.summary.articles, 2, "the two readable reports are still diffed");
    }
}
