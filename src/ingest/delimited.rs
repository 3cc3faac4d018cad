//! CSV and TSV files with a header row: each row an article, columns mapped like JSON Lines fields.

use super::columns::{Field, FieldMap};
use super::jsonl::article_from_record;
use super::stream::{hand_over, open_input, ParsedRecord, Sink, STREAM_BATCH};
use super::Ingested;
use crate::article::{Article, Rejected, SourceLocation};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::path::Path;

fn reader(file: std::fs::File, delimiter: u8) -> csv::Reader<std::fs::File> {
    // Flexible: a row with a missing or extra cell is read as far as it goes rather than lost.
    csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(file)
}

/// A row as a JSON object of header -> cell (empty cells left out), so it maps like a JSON Lines record.
fn record_object(headers: &csv::StringRecord, row: &csv::StringRecord) -> Value {
    let mut object = Map::new();
    for (header, cell) in headers.iter().zip(row.iter()) {
        if !cell.trim().is_empty() && !header.trim().is_empty() {
            object.insert(header.trim().to_string(), Value::String(cell.to_string()));
        }
    }
    Value::Object(object)
}

/// Whether a table's header names a title or body column. Met while walking a folder, a CSV or TSV file
/// without one (a gold-label file such as `doc_id<TAB>story`, say) is not articles and is skipped, as other
/// non-article files are; named on the command line, a file is read whatever its header.
pub fn has_article_columns(path: &Path, fields: &FieldMap) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return true };
    let Ok(headers) = reader(file, super::format::delimiter(path)).headers().cloned() else { return true };
    let wanted: Vec<&str> = fields.names(Field::Title).into_iter().chain(fields.names(Field::Body)).collect();
    headers.iter().any(|header| wanted.iter().any(|name| header.trim().eq_ignore_ascii_case(name)))
}

/// Reads a CSV or TSV file a batch of rows at a time, handing the articles to `sink`.
pub fn stream(path: &Path, fields: &FieldMap, out: &mut Ingested, sink: &mut Sink) {
    let display = path.display().to_string();
    let Some(file) = open_input(path, out) else { return };
    // In a file with CRLF line ends the csv crate reports each row as starting at the `\n` that ends the line
    // before it: one line and one byte early. Measured on a CRLF copy of the UCI fixture.
    let crlf = u64::from(first_line_ends_in_crlf(path));
    let mut rows = reader(file, super::format::delimiter(path));
    let headers = match rows.headers() {
        Ok(headers) if headers.iter().any(|h| !h.trim().is_empty()) => headers.clone(),
        Ok(_) => {
            out.rejected.push(Rejected { location: display, reason: "empty file (no header row)".into() });
            return;
        }
        Err(err) => {
            out.rejected
                .push(Rejected { location: display, reason: format!("unreadable header row: {err}") });
            return;
        }
    };
    let mut records = rows.records();
    let mut done = false;
    let mut seen = 0usize;
    while !done {
        let mut block: Vec<(u64, u64, csv::StringRecord)> = Vec::new();
        while block.len() < STREAM_BATCH {
            match records.next() {
                None => {
                    done = true;
                    break;
                }
                Some(Ok(row)) => {
                    let position = row.position().cloned().unwrap_or_else(csv::Position::new);
                    block.push((position.line() + crlf, position.byte() + crlf, row));
                }
                Some(Err(err)) => {
                    seen += 1;
                    let line = err.position().map_or(0, |p| p.line());
                    out.rejected.push(Rejected {
                        location: format!("{display}:{line}"),
                        reason: format!("unreadable row: {err}"),
                    });
                    if !matches!(err.kind(), csv::ErrorKind::Utf8 { .. }) {
                        done = true;
                        break;
                    }
                }
            }
        }
        seen += block.len();
        let parsed: Vec<ParsedRecord> = block
            .into_par_iter()
            .map(|(line, byte, row)| {
                let mut warnings = Vec::new();
                let location = SourceLocation { path: display.clone(), record: Some(line as usize) };
                let result = article_from_record(
                    record_object(&headers, &row),
                    location.clone(),
                    fields,
                    &mut warnings,
                )
                .map(|mut article| {
                    article.byte_offset = Some(byte);
                    article
                })
                .map_err(|reason| Rejected { location: location.to_string(), reason });
                (result, warnings)
            })
            .collect();
        hand_over(parsed, out, sink);
    }
    if seen == 0 {
        out.rejected.push(Rejected { location: display, reason: "no rows after the header".into() });
    }
}

fn first_line_ends_in_crlf(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut line = Vec::new();
    let _ = std::io::BufReader::new(file).read_until(b'\n', &mut line);
    line.ends_with(b"\r\n")
}

/// Reads one row again from its byte offset, for its body.
pub fn reread(article: &Article, fields: &FieldMap) -> Result<Article, String> {
    let path = Path::new(&article.source.path);
    let offset = article.byte_offset.ok_or_else(|| format!("{}: no position recorded", article.source))?;
    let open = || std::fs::File::open(path).map_err(|err| format!("{}: cannot read: {err}", path.display()));
    let mut rows = reader(open()?, super::format::delimiter(path));
    let headers = rows.headers().map_err(|err| format!("{}: {err}", path.display()))?.clone();
    let mut position = csv::Position::new();
    position.set_byte(offset);
    rows.seek(position).map_err(|err| format!("{}: {err}", path.display()))?;
    let row = rows
        .records()
        .next()
        .ok_or_else(|| format!("{}: the row is no longer in the file", article.source))?
        .map_err(|err| format!("{}: {err}", article.source))?;
    article_from_record(record_object(&headers, &row), article.source.clone(), fields, &mut Vec::new())
        .map_err(|reason| format!("{}: {reason}", article.source))
}
