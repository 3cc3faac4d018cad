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
