//! `storydiff ingest`: the normalised articles as JSON Lines, to see what the tool saw.
//!
//! The text keeps the outlet's typography (curly quotes, dashes, soft hyphens; after NFKC and with spaces
//! collapsed) so that a quote can be found as it was printed; clustering folds it when it reads the articles.

use super::write_file;
use crate::article::Article;
use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Where to write the articles, one JSON object per line.
    #[arg(short, long, value_name = "FILE.jsonl")]
    pub output: PathBuf,
    /// Exit with code 1 when any input record was rejected.
    #[arg(long)]
    pub strict: bool,
    /// For each HTML file, print which extractor chose the main text and, block by block, what was kept and
    /// which rule dropped the rest (furniture element or class word, furniture line, left out by the
    /// extractor). Pages inside WARC archives are not explained.
    #[arg(long)]
    pub explain_extraction: bool,
    #[command(flatten)]
    pub input: super::InputOptions,
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    article: &'a Article,
    body: String,
    source: String,
}

pub fn run(args: &IngestArgs, out: &mut dyn Write) -> Result<u8> {
    if args.explain_extraction {
        for page in crate::ingest::explain_pages(&args.paths, &args.input.field_map()?) {
            write_explanation(&page, out)?;
        }
    }
    let (ingested, duplicates, boilerplate) =
        args.input.prepare(&args.paths, crate::normalize::Typography::Keep)?;
    write_file(&args.output, |w| {
        for article in &ingested.articles {
            let line = Line { article, body: article.body(), source: article.source.to_string() };
            serde_json::to_writer(&mut *w, &line)?;
            writeln!(w)?;
        }
        Ok(())
    })?;
    let skipped = match ingested.skipped_records.len() {
        0 => String::new(),
        n => format!(", {n} WARC records without an article"),
    };
    writeln!(
        out,
        "{} articles written to {} ({} duplicates merged, {} rejected{skipped}, {} boilerplate paragraphs dropped)",
        ingested.articles.len(),
        args.output.display(),
        duplicates,
        ingested.rejected.len(),
        boilerplate
    )?;
    Ok(if args.strict && !ingested.rejected.is_empty() {
        crate::exit::REJECTED_STRICT
    } else {
        crate::exit::OK
    })
}

/// One page's extraction, block by block: `kept`, `furniture` (with the element and rule), `line` (with the kind
/// of furniture line) or `left out`.
fn write_explanation(page: &crate::ingest::PageExplanation, out: &mut dyn Write) -> Result<()> {
    use crate::ingest::Verdict;
    let explanation = match &page.explanation {
        Ok(explanation) => explanation,
        Err(message) => {
            writeln!(out, "{}: {message}", page.location)?;
            return Ok(());
        }
    };
    let extractor = explanation.extractor.map_or("none (the page was read flat)", |e| e.name());
    writeln!(
        out,
        "{}: main text by {extractor}: {} paragraphs, {} characters",
        page.location, explanation.paragraphs, explanation.chars
    )?;
    for warning in &explanation.warnings {
        writeln!(out, "  warning: {}", warning.message)?;
    }
    let mut counts = [0usize; 4];
    for block in &explanation.blocks {
        let preview: String = block.text.chars().take(100).collect();
        let ellipsis = if block.text.chars().count() > 100 { "..." } else { "" };
        let (slot, label) = match &block.verdict {
            Verdict::Kept => (0, "kept".to_string()),
            Verdict::Furniture { element, rule } => (1, format!("furniture: {rule} ({element})")),
            Verdict::FurnitureLine(kind) => (2, format!("furniture line: {kind}")),
            Verdict::LeftOut => (3, format!("left out by {extractor}")),
        };
        counts[slot] += 1;
        writeln!(out, "  {label}: {preview}{ellipsis}")?;
    }
    let [kept, furniture, lines, left_out] = counts;
    writeln!(
        out,
        "  {kept} blocks kept, {furniture} in removed furniture, {lines} furniture lines, {left_out} left out"
    )?;
    Ok(())
}
