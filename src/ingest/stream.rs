//! Streaming the inputs: files in batches, JSON Lines, tables and web archives record by record, each article
//! accounted for as it is handed over.

use super::format::{self, Reading, BINARY_SNIFF_BYTES};
use super::walk::{collect_inputs, Input};
use super::whole::{decode_utf8, read_one_input};
use super::{delimited, jsonl, warc, FieldMap, Ingested};
use crate::article::{Article, Rejected, SourceLocation, Warning};
use rayon::prelude::*;
use std::path::Path;

/// Articles handed over per batch by [`stream_inputs`]: enough to keep both cores busy, few enough that a
/// batch's bodies are a small share of memory (8,192 articles of 3-6 KB is 25-50 MB).
pub const STREAM_BATCH: usize = 8192;

/// Where streamed articles go: each batch (possibly empty), with the account of the inputs so far, whose lists
/// of rejections and warnings only grow while reading, so a caller can report them as they come.
pub type Sink<'a> = dyn FnMut(Vec<Article>, &Ingested) + 'a;

/// Reads every path like [`super::read_inputs`], handing the articles to `sink` in batches of at most
/// [`STREAM_BATCH`] as they are read (in input order, not canonical order), so that a caller can take what it
/// needs of each body and drop it. JSON Lines files are read line by line, never whole. The returned account
/// has no articles.
pub fn stream_inputs(
    paths: &[String],
    fields: &FieldMap,
    mut sink: impl FnMut(Vec<Article>, &Ingested),
) -> Ingested {
    let mut out = Ingested::default();
    let mut inputs = Vec::new();
    for given in paths {
        collect_inputs(given, fields, &mut inputs, &mut out);
    }
    let mut pending: Vec<&Input> = Vec::new();
    let flush = |pending: &mut Vec<&Input>, out: &mut Ingested, sink: &mut Sink| {
        let parts: Vec<Ingested> = pending.par_iter().map(|input| read_one_input(input, fields)).collect();
        pending.clear();
        let mut batch = Vec::new();
        for part in parts {
            batch.extend(part.articles);
            out.rejected.extend(part.rejected);
            out.warnings.extend(part.warnings);
            out.files_read += part.files_read;
        }
        sink(batch, out);
    };
    for input in &inputs {
        let reading = match input {
            Input::File(path) => format::reading(path),
            Input::Stdin => Reading::Whole,
        };
        if reading != Reading::Whole {
            flush(&mut pending, &mut out, &mut sink);
        }
        match (input, reading) {
            (Input::File(path), Reading::JsonLines) => stream_json_lines(path, fields, &mut out, &mut sink),
            (Input::File(path), Reading::Delimited) => delimited::stream(path, fields, &mut out, &mut sink),
            (Input::File(path), Reading::Warc) => warc::stream(path, &mut out, &mut sink),
            _ => {
                pending.push(input);
                if pending.len() >= STREAM_BATCH {
                    flush(&mut pending, &mut out, &mut sink);
                }
            }
        }
    }
    flush(&mut pending, &mut out, &mut sink);
    out
}

/// Opens a file to stream, counting it as read; a file that cannot be opened is rejected with the reason.
pub(super) fn open_input(path: &Path, out: &mut Ingested) -> Option<std::fs::File> {
    match std::fs::File::open(path) {
        Ok(file) => {
            out.files_read += 1;
            Some(file)
        }
        Err(err) => {
            out.rejected.push(Rejected {
                location: path.display().to_string(),
                reason: format!("cannot read: {err}"),
            });
            None
        }
    }
}

/// Reads a JSON Lines file a block of lines at a time, parsing each block in parallel.
fn stream_json_lines(path: &Path, fields: &FieldMap, out: &mut Ingested, sink: &mut Sink) {
    use std::io::BufRead;
    let display = path.display().to_string();
    let Some(file) = open_input(path, out) else { return };
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    match reader.fill_buf() {
        Ok(head) if head[..head.len().min(BINARY_SNIFF_BYTES)].contains(&0) => {
            out.rejected
                .push(Rejected { location: display, reason: "binary file (contains NUL bytes)".into() });
            return;
        }
        Ok(_) => {}
        Err(err) => {
            out.rejected.push(Rejected { location: display, reason: format!("cannot read: {err}") });
            return;
        }
    }
    let (mut line_number, mut offset, mut records) = (0usize, 0u64, 0usize);
    let mut at_end = false;
    while !at_end {
        let mut block: Vec<(usize, u64, Vec<u8>)> = Vec::new();
        while block.len() < STREAM_BATCH {
            let mut line = Vec::new();
            let read = match reader.read_until(b'\n', &mut line) {
                Ok(read) => read,
                Err(err) => {
                    out.rejected.push(Rejected {
                        location: format!("{display}:{}", line_number + 1),
                        reason: format!("cannot read: {err}"),
                    });
                    at_end = true;
                    break;
                }
            };
            if read == 0 {
                at_end = true;
                break;
            }
            line_number += 1;
            let mut start = offset;
            offset += read as u64;
            if line_number == 1 && line.starts_with(b"\xEF\xBB\xBF") {
                line.drain(..3);
                start += 3;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            block.push((line_number, start, line));
        }
        records += block.len();
        let parsed: Vec<ParsedRecord> = block
            .into_par_iter()
            .map(|(number, start, bytes)| {
                let mut warnings = Vec::new();
                let location = SourceLocation { path: display.clone(), record: Some(number) };
                let text = decode_utf8(&bytes, &location.to_string(), &mut warnings);
                let line = text.trim_end_matches(['\n', '\r']);
                let result = jsonl::parse_line(line, location, fields, &mut warnings).map(|mut article| {
                    article.byte_offset = Some(start);
                    article
                });
                (result, warnings)
            })
            .collect();
        hand_over(parsed, out, sink);
    }
    if records == 0 {
        out.rejected.push(Rejected { location: display, reason: "empty file".into() });
    }
}

/// One parsed record of a streamed file, with the warnings its parsing gave.
pub(super) type ParsedRecord = (Result<Article, Rejected>, Vec<Warning>);

/// Accounts for a block of parsed records, in order, and hands its articles to `sink`.
pub(super) fn hand_over(parsed: Vec<ParsedRecord>, out: &mut Ingested, sink: &mut Sink) {
    let mut batch = Vec::with_capacity(parsed.len());
    for (result, warnings) in parsed {
        out.warnings.extend(warnings);
        match result {
            Ok(article) => {
                check_body_size(&article, &mut out.warnings);
                batch.push(article)
            }
            Err(rejected) => out.rejected.push(rejected),
        }
    }
    sink(batch, out);
}

/// Warns about a body longer than [`crate::features::FEATURE_BODY_LIMIT`]: it is kept whole, but its features
/// are read from its opening only.
pub(super) fn check_body_size(article: &Article, warnings: &mut Vec<Warning>) {
    let bytes: usize = article.paragraphs.iter().map(String::len).sum();
    if bytes > crate::features::FEATURE_BODY_LIMIT {
        warnings.push(Warning {
            location: article.source.to_string(),
            message: format!(
                "body of {:.1} MB; its features are read from the first {} MB only",
                bytes as f64 / 1e6,
                crate::features::FEATURE_BODY_LIMIT >> 20
            ),
        });
    }
}
