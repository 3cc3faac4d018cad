//! The readable story table printed by `storydiff cluster`.

use crate::pipeline::{Clustering, Summary};
use std::io::{self, Write};

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(3)).collect();
    cut.push_str("...");
    cut
}

/// Writes the stories of two or more articles, largest first, then the one-article stories of storylines, and
/// every other singleton when `all` is set.
pub fn write_table(clustering: &Clustering, out: &mut dyn Write, all: bool) -> io::Result<()> {
    writeln!(
        out,
        "{:<6} {:<5} {:>5}  {:<36} {:<5} {:<22} HEADLINE",
        "STORY", "LINE", "SIZE", "OUTLETS", "LANG", "DATES"
    )?;
    let mut hidden = 0;
    for (index, story) in clustering.stories.iter().enumerate() {
        // A one-article story is listed when it belongs to a storyline of several stories: the storyline table
        // below names it.
        if story.members.len() < 2 && !all && clustering.storyline_of(index).stories.len() < 2 {
            hidden += 1;
            continue;
        }
        let outlets = clustering.outlets_of(story);
        let outlet_text = if outlets.len() <= 3 {
            format!("{}: {}", outlets.len(), outlets.join(", "))
        } else {
            format!("{}: {}, +{}", outlets.len(), outlets[..2].join(", "), outlets.len() - 2)
        };
        let size = clustering.size_of(story);
        let line = clustering.storyline_of(index);
        let line_text = if line.stories.len() > 1 { line.id.as_str() } else { "-" };
        let headline =
            crate::diff::sentences::display_headline(&clustering.articles()[story.representative as usize]);
        let languages = clustering.languages_of(story);
        let language_text = if languages.is_empty() { "-".to_string() } else { languages.join(",") };
        writeln!(
            out,
            "{:<6} {:<5} {:>5}  {:<36} {:<5} {:<22} {}",
            story.id,
            line_text,
            size,
            truncate(&outlet_text, 36),
            truncate(&language_text, 5),
            clustering.date_span(story),
            truncate(&headline, 70)
        )?;
    }
    if hidden > 0 {
        writeln!(out, "... and {hidden} singleton(s), not listed (--all lists them)")?;
    }
    writeln!(out)?;
    write_storylines(clustering, out)?;
    write_summary(&clustering.summary, out)
}

/// The storylines of two or more stories, each with its stories in order of their first day.
fn write_storylines(clustering: &Clustering, out: &mut dyn Write) -> io::Result<()> {
    let lines: Vec<_> = clustering.storylines.storylines.iter().filter(|l| l.stories.len() > 1).collect();
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "{:<6} {:>7} {:>5}  {:<22} STORIES (by first day)", "LINE", "STORIES", "SIZE", "DATES")?;
    for line in lines {
        let size: usize = line.stories.iter().map(|&s| clustering.size_of(&clustering.stories[s])).sum();
        let ids: Vec<&str> = line.stories.iter().map(|&s| clustering.stories[s].id.as_str()).collect();
        writeln!(
            out,
            "{:<6} {:>7} {:>5}  {:<22} {}",
            line.id,
            line.stories.len(),
            size,
            clustering.storyline_span(line),
            truncate(&ids.join(" -> "), 70)
        )?;
    }
    writeln!(out)
}

/// The one-line account of every input record.
pub fn write_summary(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} records: {} articles in {} stories, {} singletons, {} duplicates merged, {} rejected",
        summary.records,
        summary.articles_in_stories,
        summary.stories,
        summary.singletons,
        summary.duplicates_merged,
        summary.rejected
    )?;
    if summary.storylines > 0 {
        writeln!(
            out,
            "{} storylines link stories that follow one event over weeks (--assignments FILE --level storyline)",
            summary.storylines
        )?;
    }
    if summary.headline_only > 0 {
        writeln!(
            out,
            "{} of the articles are headlines only (no body): their stories rest on titles alone",
            summary.headline_only
        )?;
    }
    if summary.skipped_records > 0 {
        writeln!(
            out,
            "{} WARC records held no article (not HTML, or status not 200; --json lists them)",
            summary.skipped_records
        )?;
    }
    Ok(())
}
