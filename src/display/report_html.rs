//! The index page of `storydiff report`: every story with a link to its page, and an outlet x story coverage
//! matrix.

use super::diff_html::STYLE;
use crate::diff::{RowClass, StoryDiff};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Outlets shown as matrix columns, most frequent first; the rest are counted in one "other" column.
const MATRIX_OUTLETS: usize = 40;

/// One story as listed on the index.
pub struct IndexEntry<'a> {
    /// The story's id as the user knows it (S3, or a label from `--stories`).
    pub id: &'a str,
    /// The page's file name, relative to the index.
    pub page: &'a str,
    pub diff: &'a StoryDiff,
}

/// A story's headline: the reference article's title (derived from its lead when it has none), else its first
/// sentence.
pub fn story_headline(diff: &StoryDiff) -> String {
    let article = diff.articles.get(diff.reference);
    if let Some(title) = article.and_then(|a| a.title.clone()) {
        return title;
    }
    let first = article.and_then(|a| a.sentences.first()).map(|s| s.text.clone()).unwrap_or_default();
    if first.chars().count() > 110 {
        format!("{}...", first.chars().take(107).collect::<String>())
    } else if first.is_empty() {
        "Untitled story".to_string()
    } else {
        first
    }
}

pub fn write_index_html(
    entries: &[IndexEntry],
    timelines: &[super::Timeline],
    singletons: usize,
    rejected: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")?;
    writeln!(out, "<title>Stories - storydiff</title>\n<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(out, "<h1>storydiff report</h1>")?;
    let articles: usize = entries.iter().map(|e| e.diff.articles.len()).sum();
    writeln!(
        out,
        "<p class=\"muted\">{} stories with {articles} articles &middot; {singletons} articles in no story \
         &middot; {rejected} rejected</p>",
        entries.len()
    )?;

    let mut outlet_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in entries {
        for article in &entry.diff.articles {
            *outlet_counts.entry(article.outlet.as_str()).or_insert(0) += 1;
        }
    }
    let mut outlets: Vec<(&str, usize)> = outlet_counts.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<&str> = outlets.iter().take(MATRIX_OUTLETS).map(|(o, _)| *o).collect();
    let other = outlets.len() > shown.len();

    super::write_timelines(timelines, out)?;
    writeln!(out, "<h2>Stories</h2>\n<table>\n<tr><th>Story</th><th>Headline</th><th>Articles</th><th>Facts (shared)</th><th>Quotes</th><th>Outlets</th></tr>")?;
    for entry in entries {
        let diff = entry.diff;
        let shared =
            diff.summary.rows - diff.summary.rows_by_class.get(&RowClass::Single).copied().unwrap_or(0);
        let mut story_outlets: Vec<&str> = diff.articles.iter().map(|a| a.outlet.as_str()).collect();
        story_outlets.dedup();
        writeln!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td style=\"min-width:22rem\">{}</td><td>{}</td><td>{} ({shared})</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            attr(entry.page),
            text(entry.id),
            text(&story_headline(diff)),
            diff.articles.len(),
            diff.summary.rows,
            diff.summary.quotes,
            text(&story_outlets.join(", "))
        )?;
    }
    writeln!(out, "</table>")?;

    writeln!(out, "<h2>Coverage</h2>\n<p class=\"muted\">Which outlet covers which story (a green square: one article; \
        a number: several).</p>\n<div class=\"wrap\"><table class=\"strip\">")?;
    const VERTICAL: &str = "writing-mode:vertical-rl;transform:rotate(180deg);font-size:.8rem";
    write!(out, "<tr><th></th>")?;
    for outlet in &shown {
        write!(out, "<th style=\"{VERTICAL}\">{}</th>", text(outlet))?;
    }
    if other {
        write!(out, "<th style=\"{VERTICAL}\">other outlets</th>")?;
    }
    writeln!(out, "</tr>")?;
    let cell = |n: usize| -> String {
        match n {
            0 => "<td class=\"missing\"></td>".to_string(),
            1 => "<td class=\"paraphrase\"></td>".to_string(),
            n => format!(
                "<td class=\"paraphrase\" style=\"color:#fff;font-size:.7rem;text-align:center\">{n}</td>"
            ),
        }
    };
    for entry in entries {
        let diff = entry.diff;
        write!(out, "<tr><th><a href=\"{}\">{}</a></th>", attr(entry.page), text(entry.id))?;
        for outlet in &shown {
            write!(out, "{}", cell(diff.articles.iter().filter(|a| a.outlet == *outlet).count()))?;
        }
        if other {
            write!(
                out,
                "{}",
                cell(diff.articles.iter().filter(|a| !shown.contains(&a.outlet.as_str())).count())
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")?;
    writeln!(out, "<p class=\"muted\">Made by storydiff {}.</p>\n</body>\n</html>", env!("CARGO_PKG_VERSION"))
}
