//! A diffed story for the terminal: a column per outlet when they fit, else the reference against each other.

use crate::diff::words::SegmentTag;
use crate::diff::{FactRow, RowClass, RowMember, StoryDiff};
use anstyle::{AnsiColor, Effects, Style};
use std::io::{self, Write};

/// The narrowest column worth reading; fewer outlets get side-by-side columns than this allows.
const MIN_COLUMN: usize = 28;
/// Between columns.
const GUTTER: &str = " │ ";

/// How to draw a diff.
#[derive(Debug, Clone, Copy)]
pub struct TextSettings {
    /// Terminal width in columns.
    pub width: usize,
    pub color: bool,
}

struct Palette {
    added: Style,
    removed: Style,
    header: Style,
    dim: Style,
    warn: Style,
}

impl Palette {
    fn new(color: bool) -> Self {
        if !color {
            let plain = Style::new();
            return Palette { added: plain, removed: plain, header: plain, dim: plain, warn: plain };
        }
        Palette {
            added: Style::new().fg_color(Some(AnsiColor::Green.into())).effects(Effects::BOLD),
            removed: Style::new().fg_color(Some(AnsiColor::Red.into())).effects(Effects::STRIKETHROUGH),
            header: Style::new().effects(Effects::BOLD),
            dim: Style::new().effects(Effects::DIMMED),
            warn: Style::new().fg_color(Some(AnsiColor::Yellow.into())).effects(Effects::BOLD),
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if style == Style::new() {
            text.to_string()
        } else {
            format!("{}{text}{}", style.render(), style.render_reset())
        }
    }
}

/// Short column labels: the outlet, with the doc id when one outlet has several articles in the story.
pub fn article_labels(diff: &StoryDiff) -> Vec<String> {
    diff.articles
        .iter()
        .map(|a| {
            let same_outlet = diff.articles.iter().filter(|b| b.outlet == a.outlet).count();
            if same_outlet > 1 {
                format!("{} ({})", a.outlet, a.doc_id)
            } else {
                a.outlet.clone()
            }
        })
        .collect()
}

/// A member's text with its changes against the row reference marked: colour on a terminal, `[-old-]{+new+}`
/// otherwise (wdiff's notation). With `show_removed` false, only the member's own words appear.
fn marked_text(member: &RowMember, palette: &Palette, color: bool, show_removed: bool) -> String {
    if member.segments.is_empty() {
        return member.text.clone();
    }
    let mut out = String::new();
    for segment in &member.segments {
        match segment.tag {
            SegmentTag::Equal => out.push_str(&segment.text),
            SegmentTag::Added if color => out.push_str(&palette.paint(palette.added, &segment.text)),
            SegmentTag::Added => out.push_str(&format!("{{+{}+}}", segment.text)),
            SegmentTag::Removed if !show_removed => {}
            SegmentTag::Removed if color => out.push_str(&palette.paint(palette.removed, &segment.text)),
            SegmentTag::Removed => out.push_str(&format!("[-{}-]", segment.text)),
        }
    }
    collapse_spaces(out.trim())
}

/// [`marked_text`], said to open with the article's headline when it does.
fn headline_marked(
    diff: &StoryDiff,
    member: &RowMember,
    palette: &Palette,
    color: bool,
    show_removed: bool,
) -> String {
    let text = marked_text(member, palette, color, show_removed);
    if diff.opens_with_headline(member) {
        format!("{} {text}", palette.paint(palette.dim, "headline:"))
    } else {
        text
    }
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

fn row_heading(row: &FactRow, total: usize, labels: &[String]) -> String {
    let mut heading = format!("#{} {}  {}/{} outlets", row.id, row.class.label(), row.members.len(), total);
    if !row.missing.is_empty() && row.class != RowClass::Single {
        let missing: Vec<&str> = row.missing.iter().map(|&a| labels[a].as_str()).collect();
        heading.push_str(&format!("; not in {}", missing.join(", ")));
    }
    if matches!(row.class, RowClass::Paraphrase | RowClass::Retold) {
        let copies: Vec<String> = row
            .members
            .iter()
            .filter(|m| m.verbatim_with.iter().any(|&o| o > m.article))
            .map(|m| {
                let with: Vec<&str> =
                    m.verbatim_with.iter().filter(|&&o| o > m.article).map(|&o| labels[o].as_str()).collect();
                format!("{} = {}", labels[m.article], with.join(" = "))
            })
            .collect();
        if !copies.is_empty() {
            heading.push_str(&format!("; verbatim: {}", copies.join(", ")));
        }
    }
    heading
}

fn pad(text: &str, width: usize) -> String {
    let shown = textwrap::core::display_width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

/// Writes the whole diff: header, headlines, fact rows, word choices, disagreements, quotes.
pub fn write_diff_text(diff: &StoryDiff, settings: TextSettings, out: &mut dyn Write) -> io::Result<()> {
    let palette = Palette::new(settings.color);
    let labels = article_labels(diff);
    let total = diff.articles.len();
    let s = &diff.summary;
    let classes = |class: RowClass| s.rows_by_class.get(&class).copied().unwrap_or(0);
    writeln!(
        out,
        "{}",
        palette.paint(
            palette.header,
            &format!(
                "{} articles, {} sentences, {} facts ({} verbatim, {} paraphrase, {} retold, {} single), {} quotes",
                s.articles,
                s.sentences,
                s.rows,
                classes(RowClass::Verbatim),
                classes(RowClass::Paraphrase),
                classes(RowClass::Retold),
                classes(RowClass::Single),
                s.quotes
            )
        )
    )?;
    if s.sentences_not_compared > 0 {
        let note = format!(
            "{} sentences past the first {} of an article were not compared",
            s.sentences_not_compared,
            crate::diff::MAX_DIFF_SENTENCES
        );
        writeln!(out, "{}", palette.paint(palette.warn, &note))?;
    }
    let label_width = labels.iter().map(|l| textwrap::core::display_width(l)).max().unwrap_or(0);
    for (index, article) in diff.articles.iter().enumerate() {
        let marker = if index == diff.reference { "*" } else { " " };
        let title = article.title.as_deref().unwrap_or("(no headline)");
        let title = if article.title_derived {
            palette.paint(palette.dim, &format!("[lead] {title}"))
        } else {
            title.into()
        };
        writeln!(out, "{marker}{} {title}", pad(&labels[index], label_width))?;
    }
    let legend = if diff.articles.iter().any(|a| a.title_derived) {
        "(* = reference outlet; [lead] = no headline given: the lead sentence, without its dateline)"
    } else {
        "(* = reference outlet)"
    };
    writeln!(out, "{}", palette.paint(palette.dim, legend))?;
    if let Some(split) = &diff.events {
        let names =
            |group: &[usize]| group.iter().map(|&a| labels[a].as_str()).collect::<Vec<_>>().join(", ");
        let note = format!(
            "these articles read as two events (similarity across {:.2} of within), lined up apart: [{}] and [{}]",
            split.ratio,
            names(&split.groups[0]),
            names(&split.groups[1])
        );
        writeln!(out, "{}", palette.paint(palette.warn, &note))?;
    }

    let columns = total.max(1);
    let side_by_side =
        total > 1 && settings.width >= columns * MIN_COLUMN + (columns - 1) * GUTTER.chars().count();
    writeln!(out)?;
    if side_by_side {
        write_columns(diff, &labels, settings, &palette, out)?;
    } else {
        write_against_reference(diff, &labels, settings, &palette, out)?;
    }
    write_choices(diff, &labels, &palette, out)?;
    write_disagreements(diff, &labels, &palette, out)?;
    write_quotes(diff, &labels, settings, &palette, out)
}

fn write_columns(
    diff: &StoryDiff,
    labels: &[String],
    settings: TextSettings,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let n = diff.articles.len();
    let gutter = GUTTER.chars().count();
    let column = (settings.width - (n - 1) * gutter) / n;
    let header: Vec<String> = labels.iter().map(|l| pad(&textwrap::wrap(l, column)[0], column)).collect();
    writeln!(out, "{}", palette.paint(palette.header, header.join(GUTTER).trim_end()))?;
    writeln!(out, "{}", "─".repeat(settings.width.min(n * column + (n - 1) * gutter)))?;
    for row in &diff.rows {
        writeln!(out, "{}", palette.paint(palette.dim, &row_heading(row, n, labels)))?;
        let cells: Vec<Vec<String>> = (0..n)
            .map(|a| match row.member(a) {
                Some(member) => {
                    textwrap::wrap(&headline_marked(diff, member, palette, settings.color, false), column)
                        .into_iter()
                        .map(|line| line.into_owned())
                        .collect()
                }
                None => vec![palette.paint(palette.dim, "—")],
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0);
        for line in 0..height {
            let parts: Vec<String> =
                cells.iter().map(|c| pad(c.get(line).map_or("", String::as_str), column)).collect();
            writeln!(out, "{}", parts.join(GUTTER).trim_end())?;
        }
    }
    Ok(())
}

fn write_against_reference(
    diff: &StoryDiff,
    labels: &[String],
    settings: TextSettings,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let label_width = labels.iter().map(|l| textwrap::core::display_width(l)).max().unwrap_or(0) + 2;
    let text_width = settings.width.saturating_sub(label_width + 2).max(20);
    for row in &diff.rows {
        writeln!(out, "{}", palette.paint(palette.dim, &row_heading(row, diff.articles.len(), labels)))?;
        for member in &row.members {
            let marker = if member.article == row.reference { "*" } else { " " };
            let text = headline_marked(diff, member, palette, settings.color, true);
            for (i, line) in textwrap::wrap(&text, text_width).iter().enumerate() {
                let label =
                    if i == 0 { format!("{marker}{}", labels[member.article]) } else { String::new() };
                writeln!(out, "  {}{line}", pad(&label, label_width))?;
            }
        }
    }
    Ok(())
}

fn write_choices(
    diff: &StoryDiff,
    labels: &[String],
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows: Vec<&FactRow> =
        diff.rows.iter().filter(|r| r.members.iter().any(|m| !m.choices.is_empty())).collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", palette.paint(palette.header, "Word choices (reference -> outlet)"))?;
    for row in rows {
        for member in row.members.iter().filter(|m| !m.choices.is_empty()) {
            let choices: Vec<String> = member
                .choices
                .iter()
                .map(|(lhs, rhs)| match (lhs.is_empty(), rhs.is_empty()) {
                    (true, _) => format!("+\"{rhs}\""),
                    (_, true) => format!("-\"{lhs}\""),
                    _ => format!("\"{lhs}\" -> \"{rhs}\""),
                })
                .collect();
            writeln!(
                out,
                "  #{:<3} {} vs {}: {}",
                row.id,
                labels[member.article],
                labels[row.reference],
                choices.join("; ")
            )?;
        }
    }
    Ok(())
}

fn write_disagreements(
    diff: &StoryDiff,
    labels: &[String],
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    if diff.summary.disagreements == 0 {
        return Ok(());
    }
    writeln!(out, "\n{}", palette.paint(palette.warn, "Disagreements"))?;
    for row in &diff.rows {
        for member in &row.members {
            for d in &member.disagreements {
                writeln!(
                    out,
                    "  #{:<3} {:?}: {} says {}, {} says {}",
                    row.id,
                    d.kind,
                    labels[row.reference],
                    d.lhs.join(", "),
                    labels[member.article],
                    d.rhs.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

fn write_quotes(
    diff: &StoryDiff,
    labels: &[String],
    settings: TextSettings,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    if diff.quotes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", palette.paint(palette.header, "Quotes"))?;
    let width = settings.width.saturating_sub(6).max(20);
    for (index, group) in diff.quotes.iter().enumerate() {
        let longest = group.members.iter().max_by_key(|m| m.quote.text.len()).expect("groups are not empty");
        let speaker = group
            .members
            .iter()
            .find_map(|m| m.quote.speaker_name.clone().or_else(|| m.quote.speaker.clone()))
            .unwrap_or_else(|| "unattributed".to_string());
        let first = format!("Q{} {speaker}: \"{}\"", index + 1, longest.quote.text);
        for (i, line) in textwrap::wrap(&first, width).iter().enumerate() {
            writeln!(out, "{}{line}", if i == 0 { "  " } else { "      " })?;
        }
        let mut forms: Vec<String> = group
            .members
            .iter()
            .map(|m| format!("{} {:?}", labels[m.quote.article], m.form).to_lowercase())
            .collect();
        if group.members.len() > 1 && !group.missing_from.is_empty() {
            let missing: Vec<&str> = group.missing_from.iter().map(|&a| labels[a].as_str()).collect();
            forms.push(format!("not in {}", missing.join(", ")));
        }
        if group.carried_by_one() {
            forms.push("only this outlet".to_string());
        }
        writeln!(out, "      {}", forms.join("; "))?;
        if group.speaker_conflict {
            let speakers: Vec<String> = group
                .members
                .iter()
                .map(|m| {
                    format!("{}: {}", labels[m.quote.article], m.quote.speaker_name.as_deref().unwrap_or("?"))
                })
                .collect();
            writeln!(
                out,
                "      {}",
                palette.paint(palette.warn, &format!("different speakers: {}", speakers.join(", ")))
            )?;
        }
    }
    Ok(())
}
