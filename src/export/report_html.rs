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

/// A story's headline: the reference article's title, else its first sentence.
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
    singletons: usize,
    rejected: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")?;
    writeln!(out, "<title>Stories - storydiff</title>\n<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(out, "<h1>Stories</h1>")?;
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

    writeln!(
        out,
        "<h2>Coverage</h2>\n<p class=\"muted\">Articles per outlet and story; click a story to see how \
        each outlet told it.</p>\n<div class=\"wrap\"><table>"
    )?;
    write!(out, "<tr><th>Story</th><th>Headline</th><th>Facts (shared)</th>")?;
    for outlet in &shown {
        write!(out, "<th>{}</th>", text(outlet))?;
    }
    if other {
        write!(out, "<th>other outlets</th>")?;
    }
    writeln!(out, "</tr>")?;
    for entry in entries {
        let diff = entry.diff;
        let shared =
            diff.summary.rows - diff.summary.rows_by_class.get(&RowClass::Single).copied().unwrap_or(0);
        write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{} ({shared})</td>",
            attr(entry.page),
            text(entry.id),
            text(&story_headline(diff)),
            diff.summary.rows
        )?;
        for outlet in &shown {
            let n = diff.articles.iter().filter(|a| a.outlet == *outlet).count();
            if n == 0 {
                write!(out, "<td class=\"gap\"></td>")?;
            } else {
                write!(out, "<td class=\"paraphrase\" style=\"color:#fff;text-align:center\">{n}</td>")?;
            }
        }
        if other {
            let n = diff.articles.iter().filter(|a| !shown.contains(&a.outlet.as_str())).count();
            write!(out, "<td>{}</td>", if n > 0 { n.to_string() } else { String::new() })?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")?;
    writeln!(out, "<p class=\"muted\">Made by storydiff {}.</p>\n</body>\n</html>", env!("CARGO_PKG_VERSION"))
}
