//! Reading articles from files, folders and stdin in the layouts people have.

mod columns;
mod delimited;
mod fields;
mod format;
mod html;
mod jsonl;
mod order;
mod pages;
mod reread;
mod seed;
mod stream;
mod text;
mod walk;
mod warc;
mod whole;

pub use columns::{Field, FieldMap};
pub use fields::{date_from_url, outlet_from_url, parse_date};
pub use format::is_table_name;
pub use html::{Block, Explanation, Extractor, Verdict};
pub use order::{canonical_order, sort_account};
pub use pages::{explain_pages, PageExplanation};
pub use reread::reread;
pub use stream::{stream_inputs, Sink, STREAM_BATCH};
pub use whole::{decode_utf8, read_bytes};

use crate::article::{Article, Rejected, Warning};

/// Everything reading the inputs produced: the articles, in canonical order, and an account of the rest.
#[derive(Debug, Default)]
pub struct Ingested {
    pub articles: Vec<Article>,
    pub rejected: Vec<Rejected>,
    pub warnings: Vec<Warning>,
    pub files_read: usize,
    /// Files met while walking a folder that are not in an article format.
    pub files_skipped: Vec<String>,
    /// WARC response and resource records that hold no article (not HTML, status not 200, revisits), each
    /// with its reason.
    pub skipped_records: Vec<Rejected>,
    /// WARC records that never hold a page (requests, metadata, warcinfo), counted only.
    pub other_records: usize,
}

/// Reads every path (files, folders recursively in sorted order, `-` for stdin) into articles.
///
/// Unreadable or malformed inputs never stop the run: each becomes a rejection or a warning naming the file
/// and line. The result is sorted by doc id, so it does not depend on the order the paths were given in.
pub fn read_inputs(paths: &[String], fields: &FieldMap) -> Ingested {
    let mut articles = Vec::new();
    let mut out = stream_inputs(paths, fields, |batch, _| articles.extend(batch));
    out.articles = articles;
    order::canonicalise(&mut out);
    out
}

/// Splits a body into paragraphs: on blank lines when it has them, else on every line break.
pub(crate) fn split_paragraphs(body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let has_blank_lines = body.contains("\n\n") || body.lines().any(|l| l.trim().is_empty() && !l.is_empty());
    let pieces: Vec<&str> =
        if has_blank_lines { body.split("\n\n").collect() } else { body.split('\n').collect() };
    pieces.into_iter().map(single_spaced).filter(|p| !p.is_empty()).collect()
}

/// A paragraph's words joined by single spaces, in one allocation.
fn single_spaced(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len());
    for word in paragraph.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
