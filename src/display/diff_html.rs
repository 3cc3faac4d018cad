//! A diffed story as one self-contained HTML page: coverage strip, fact rows by outlet columns, word choices,
//! disagreements, quotes. Every piece of article text is escaped; links are kept only for http(s) URLs.

use super::diff_text::article_labels;
use crate::diff::words::SegmentTag;
use crate::diff::{RowClass, RowMember, StoryDiff};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::io::{self, Write};

/// Shared by the story pages and the index page of `storydiff report`.
pub const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.muted { color: #6b6b70; } a { color: #0b57d0; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: #f4f4f6; position: sticky; top: 0; }
.facts td { min-width: 15rem; max-width: 28rem; } .facts td.num { min-width: 0; white-space: nowrap; } .facts td.gap { background: #fafafa; color: #b0b0b5; text-align: center; }
.facts td.ref { background: #fbfbf2; }
ins { background: #d7f5dd; text-decoration: none; } del { background: #fde0e0; color: #8a1f1f; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .8rem; color: #fff; }
.verbatim { background: #6b5fbf; } .paraphrase { background: #2f8f5b; } .retold { background: #2b6cb0; } .single { background: #b7791f; } .missing { background: #e4e4e8; } .other { background: #fff; outline: 1px dashed #c8c8d0; }
.strip { border-collapse: separate; border-spacing: 2px; } .strip td { width: .9rem; height: .9rem; padding: 0; border: 0; }
.strip th { background: none; border: 0; font-weight: normal; white-space: nowrap; position: static; }
.strip a { display: block; width: 100%; height: 100%; }
.warn { color: #9a3412; font-weight: 600; }
.wrap { overflow-x: auto; }
"#;

/// A URL safe to put in `href`: http or https only, so `javascript:` and `data:` never become links.
pub fn safe_href(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| attr(parsed.as_str()).into_owned())
}

fn member_html(member: &RowMember) -> String {
    if member.segments.is_empty() {
        return text(&member.text).into_owned();
    }
    let mut out = String::new();
    let mut previous = SegmentTag::Equal;
    for segment in &member.segments {
        match segment.tag {
            SegmentTag::Equal => out.push_str(&text(&segment.text)),
            SegmentTag::Added => {
                // Dropped and inserted words side by side need a gap to read as two phrases.
                let gap = if previous == SegmentTag::Removed { " " } else { "" };
                out.push_str(&format!("{gap}<ins>{}</ins>", text(&segment.text)))
            }
            SegmentTag::Removed => out.push_str(&format!("<del>{}</del>", text(&segment.text))),
        }
        previous = segment.tag;
    }
    out
}

fn class_badge(class: RowClass) -> String {
    format!("<span class=\"badge {0}\">{0}</span>", class.label())
}

/// Writes the page for one story. `back` links to an index page (from `storydiff report`).
pub fn write_diff_html(diff: &StoryDiff, back: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let labels = article_labels(diff);
    let headline = super::story_headline(diff);
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")?;
    writeln!(out, "<title>{} - storydiff</title>\n<style>{STYLE}</style>\n</head>\n<body>", text(&headline))?;
    if let Some(back) = back {
        writeln!(out, "<p><a href=\"{}\">&larr; all stories</a></p>", attr(back))?;
    }
    writeln!(out, "<h1>{}</h1>", text(&headline))?;
    let s = &diff.summary;
    let count = |class| s.rows_by_class.get(&class).copied().unwrap_or(0);
    writeln!(
        out,
        "<p class=\"muted\">{} articles &middot; {} sentences &middot; {} facts: {} verbatim, {} paraphrase, {} retold, \
         {} single &middot; {} quotes</p>",
        s.articles,
        s.sentences,
        s.rows,
        count(RowClass::Verbatim),
        count(RowClass::Paraphrase),
        count(RowClass::Retold),
        count(RowClass::Single),
        s.quotes
    )?;
    if s.sentences_not_compared > 0 {
        writeln!(
            out,
            "<p>{} sentences past the first {} of an article were not compared.</p>",
            s.sentences_not_compared,
            crate::diff::MAX_DIFF_SENTENCES
        )?;
    }

    writeln!(out, "<h2>Articles</h2>\n<table>\n<tr><th>Outlet</th><th>Headline</th><th>Date</th><th>Sentences</th></tr>")?;
    for (index, article) in diff.articles.iter().enumerate() {
        let title = text(article.title.as_deref().unwrap_or("(no headline)")).into_owned();
        let title = if article.title_derived {
            format!("<span class=\"muted\" title=\"no headline given: the lead sentence\">{title}</span>")
        } else {
            title
        };
        let title = match article.url.as_deref().and_then(safe_href) {
            Some(href) => format!("<a href=\"{href}\" rel=\"noopener noreferrer\">{title}</a>"),
            None => title,
        };
        let marker = if index == diff.reference { " <span class=\"muted\">(reference)</span>" } else { "" };
        writeln!(
            out,
            "<tr><td>{}{marker}</td><td>{title}</td><td>{}</td><td>{}</td></tr>",
            text(&labels[index]),
            article.date.map(|d| d.to_string()).unwrap_or_default(),
            article.sentences.len()
        )?;
    }
    writeln!(out, "</table>")?;

    if let Some(split) = &diff.events {
        let names = |group: &[usize]| group.iter().map(|&a| text(&labels[a])).collect::<Vec<_>>().join(", ");
        writeln!(
            out,
            "<p><strong>Two events.</strong> These articles read as two events (similarity across {:.2} of within), \
             and their facts are lined up apart: {} | {}. A dashed square is a fact of the other event.</p>",
            split.ratio,
            names(&split.groups[0]),
            names(&split.groups[1])
        )?;
    }
    writeln!(out, "<h2>Coverage</h2>\n<p class=\"muted\">One square per fact, in reading order: \
        <span class=\"badge verbatim\">verbatim</span> <span class=\"badge paraphrase\">paraphrase</span> \
        <span class=\"badge retold\">retold</span> <span class=\"badge single\">single</span> <span class=\"badge missing\" style=\"color:#555\">not carried</span></p>")?;
    writeln!(out, "<div class=\"wrap\"><table class=\"strip\">")?;
    for (index, label) in labels.iter().enumerate() {
        write!(out, "<tr><th>{}</th>", text(label))?;
        for row in &diff.rows {
            let class = if row.member(index).is_some() {
                row.class.label()
            } else if row.missing.contains(&index) {
                "missing"
            } else {
                "other"
            };
            write!(
                out,
                "<td class=\"{class}\" title=\"fact {} ({class})\"><a href=\"#fact-{}\"></a></td>",
                row.id, row.id
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")?;

    writeln!(out, "<h2>Facts</h2>\n<p class=\"muted\">Each row is one fact; <ins>inserted</ins> and <del>dropped</del> words are against the \
        row's reference phrasing (shaded).</p>\n<div class=\"wrap\"><table class=\"facts\">")?;
    write!(out, "<tr><th>#</th>")?;
    for label in &labels {
        write!(out, "<th>{}</th>", text(label))?;
    }
    writeln!(out, "</tr>")?;
    for row in &diff.rows {
        write!(out, "<tr id=\"fact-{0}\"><td class=\"num\">{0}<br>{1}</td>", row.id, class_badge(row.class))?;
        for index in 0..diff.articles.len() {
            match row.member(index) {
                Some(member) => {
                    let class = if member.article == row.reference && row.members.len() > 1 {
                        " class=\"ref\""
                    } else {
                        ""
                    };
                    let headline = if diff.opens_with_headline(member) {
                        "<span class=\"muted\">headline:</span> "
                    } else {
                        ""
                    };
                    write!(out, "<td{class}>{headline}{}</td>", member_html(member))?;
                }
                None => write!(out, "<td class=\"gap\">&mdash;</td>")?,
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")?;

    write_choices_and_disagreements(diff, &labels, out)?;
    write_quotes(diff, &labels, out)?;
    writeln!(out, "<p class=\"muted\">Made by storydiff {}.</p>\n</body>\n</html>", env!("CARGO_PKG_VERSION"))
}

fn write_choices_and_disagreements(
    diff: &StoryDiff,
    labels: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "<h2>Word choices</h2>")?;
    let mut any = false;
    for row in &diff.rows {
        for member in row.members.iter().filter(|m| !m.choices.is_empty()) {
            if !any {
                writeln!(out, "<table>\n<tr><th>Fact</th><th>Reference</th><th>Outlet</th><th>Changes (reference &rarr; outlet)</th></tr>")?;
                any = true;
            }
            let changes: Vec<String> = member
                .choices
                .iter()
                .map(|(lhs, rhs)| format!("<del>{}</del> &rarr; <ins>{}</ins>", text(lhs), text(rhs)))
                .collect();
            writeln!(
                out,
                "<tr><td><a href=\"#fact-{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td></tr>",
                row.id,
                text(&labels[row.reference]),
                text(&labels[member.article]),
                changes.join("; ")
            )?;
        }
    }
    writeln!(out, "{}", if any { "</table>" } else { "<p class=\"muted\">None.</p>" })?;

    writeln!(out, "<h2>Disagreements</h2>")?;
    if diff.summary.disagreements == 0 {
        return writeln!(out, "<p class=\"muted\">No numbers, days or names differ within a fact.</p>");
    }
    writeln!(out, "<table>\n<tr><th>Fact</th><th>Kind</th><th>Reference says</th><th>Outlet says</th></tr>")?;
    for row in &diff.rows {
        for member in &row.members {
            for d in &member.disagreements {
                writeln!(
                    out,
                    "<tr><td><a href=\"#fact-{0}\">{0}</a></td><td class=\"warn\">{1:?}</td><td>{2}: {3}</td><td>{4}: {5}</td></tr>",
                    row.id,
                    d.kind,
                    text(&labels[row.reference]),
                    text(&d.lhs.join(", ")),
                    text(&labels[member.article]),
                    text(&d.rhs.join(", "))
                )?;
            }
        }
    }
    writeln!(out, "</table>")
}

fn write_quotes(diff: &StoryDiff, labels: &[String], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Quotes</h2>")?;
    if diff.quotes.is_empty() {
        return writeln!(out, "<p class=\"muted\">No direct quotes found.</p>");
    }
    writeln!(out, "<div class=\"wrap\"><table>\n<tr><th>#</th><th>Speaker</th>")?;
    for label in labels {
        write!(out, "<th>{}</th>", text(label))?;
    }
    writeln!(out, "</tr>")?;
    for (index, group) in diff.quotes.iter().enumerate() {
        let speaker = group
            .members
            .iter()
            .find_map(|m| m.quote.speaker_name.clone().or_else(|| m.quote.speaker.clone()))
            .unwrap_or_else(|| "unattributed".to_string());
        let conflict =
            if group.speaker_conflict { "<br><span class=\"warn\">different speakers</span>" } else { "" };
        write!(out, "<tr><td>Q{}</td><td>{}{conflict}</td>", index + 1, text(&speaker))?;
        for article in 0..diff.articles.len() {
            match group.members.iter().find(|m| m.quote.article == article) {
                Some(m) => {
                    let speaker = m
                        .quote
                        .speaker
                        .as_deref()
                        .map(|s| format!(" &mdash; {}", text(s)))
                        .unwrap_or_default();
                    write!(
                        out,
                        "<td><span class=\"muted\">{:?}</span><br>&ldquo;{}&rdquo;{speaker}</td>",
                        m.form,
                        text(&m.quote.text)
                    )?
                }
                None => {
                    write!(out, "<td class=\"gap\" style=\"color:#b0b0b5;text-align:center\">&mdash;</td>")?
                }
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></div>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_href("https://example.com/a?b=1&c=\"x\"").as_deref(),
            Some("https://example.com/a?b=1&amp;c=%22x%22")
        );
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,<script>alert(1)</script>"), None);
        assert_eq!(safe_href("not a url"), None);
    }
}
