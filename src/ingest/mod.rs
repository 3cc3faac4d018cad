//! Reading articles from files, folders and stdin in the layouts people have.

mod columns;
mod delimited;
mod fields;
mod html;
mod jsonl;
mod seed;
mod text;
mod warc;

pub use columns::{Field, FieldMap};
pub use fields::{date_from_url, outlet_from_url, parse_date};

use crate::article::{Article, Rejected, SourceLocation, Warning};
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// File endings read when walking a folder; other files there (a gold.tsv, a README) are not articles.
/// A file named explicitly on the command line is read whatever its ending.
const ARTICLE_EXTENSIONS: &[&str] =
    &["txt", "text", "jsonl", "ndjson", "json", "csv", "tsv", "tab", "html", "htm", "xhtml"];

/// How many leading bytes are checked for NUL when deciding a file is binary, as git and grep do.
const BINARY_SNIFF_BYTES: usize = 8192;

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

/// The shape of one input, decided from its name and its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    JsonArray,
    Html,
    Text,
}

enum Input {
    Stdin,
    File(PathBuf),
}

/// Reads every path (files, folders recursively in sorted order, `-` for stdin) into articles.
///
/// Unreadable or malformed inputs never stop the run: each becomes a rejection or a warning naming the file
/// and line. The result is sorted by doc id, so it does not depend on the order the paths were given in.
pub fn read_inputs(paths: &[String], fields: &FieldMap) -> Ingested {
    let mut articles = Vec::new();
    let mut out = stream_inputs(paths, fields, |batch| articles.extend(batch));
    out.articles = articles;
    canonicalise(&mut out);
    out
}

/// Articles handed over per batch by [`stream_inputs`]: enough to keep both cores busy, few enough that a
/// batch's bodies are a small share of memory (8,192 articles of 3-6 KB is 25-50 MB).
pub const STREAM_BATCH: usize = 8192;

/// Reads every path like [`read_inputs`], handing the articles to `sink` in batches of at most
/// [`STREAM_BATCH`] as they are read (in input order, not canonical order), so that a caller can take what it
/// needs of each body and drop it. JSON Lines files are read line by line, never whole. The returned account
/// has no articles.
pub fn stream_inputs(paths: &[String], fields: &FieldMap, mut sink: impl FnMut(Vec<Article>)) -> Ingested {
    let mut out = Ingested::default();
    let mut inputs = Vec::new();
    for given in paths {
        collect_inputs(given, fields, &mut inputs, &mut out);
    }
    let mut pending: Vec<&Input> = Vec::new();
    let flush = |pending: &mut Vec<&Input>, out: &mut Ingested, sink: &mut dyn FnMut(Vec<Article>)| {
        let parts: Vec<Ingested> = pending.par_iter().map(|input| read_one_input(input, fields)).collect();
        pending.clear();
        let mut batch = Vec::new();
        for part in parts {
            batch.extend(part.articles);
            out.rejected.extend(part.rejected);
            out.warnings.extend(part.warnings);
            out.files_read += part.files_read;
        }
        if !batch.is_empty() {
            sink(batch);
        }
    };
    for input in &inputs {
        match input {
            Input::File(path) if is_json_lines_file(path) => {
                flush(&mut pending, &mut out, &mut sink);
                stream_json_lines(path, fields, &mut out, &mut sink);
            }
            Input::File(path) if is_delimited_file(path) => {
                flush(&mut pending, &mut out, &mut sink);
                delimited::stream(path, fields, &mut out, &mut sink);
            }
            Input::File(path) if warc::is_warc_name(path) => {
                flush(&mut pending, &mut out, &mut sink);
                warc::stream(path, &mut out, &mut sink);
            }
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

/// A file named like a saved web page.
fn is_html_name(display: &str) -> bool {
    let extension =
        Path::new(display).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(extension.as_str(), "html" | "htm" | "xhtml")
}

/// A CSV or TSV file with a header row, by its ending.
fn is_delimited_file(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(extension.as_str(), "csv" | "tsv" | "tab")
}

/// A file streamed as JSON Lines: named `.jsonl` or `.ndjson`, or `.json` (or no ending) whose first line is a
/// whole JSON object. Other files are read whole: a pretty-printed `.json` object spreads over many lines, and a
/// UTF-16 file (byte order mark first) must be decoded before it has lines at all.
fn is_json_lines_file(path: &Path) -> bool {
    use std::io::BufRead;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let named = matches!(extension.as_str(), "jsonl" | "ndjson");
    if !named && !matches!(extension.as_str(), "json" | "") {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else { return named };
    let mut reader = std::io::BufReader::new(file);
    let Ok(head) = reader.fill_buf() else { return named };
    if is_utf16(head) {
        return false;
    }
    if named {
        return true;
    }
    let mut first = Vec::new();
    loop {
        first.clear();
        // A first line longer than this is not read to decide; such a file is read whole.
        match std::io::Read::take(&mut reader, FIRST_LINE_LIMIT).read_until(b'\n', &mut first) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&first);
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        return line.starts_with('{') && serde_json::from_str::<serde_json::Value>(line).is_ok();
    }
}

/// Longest first line read to tell JSON Lines from a pretty-printed `.json` file.
const FIRST_LINE_LIMIT: u64 = 16 << 20;

/// Whether the bytes open with a UTF-16 byte order mark.
fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Opens a file to stream, counting it as read; a file that cannot be opened is rejected with the reason.
pub(crate) fn open_input(path: &Path, out: &mut Ingested) -> Option<std::fs::File> {
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
fn stream_json_lines(path: &Path, fields: &FieldMap, out: &mut Ingested, sink: &mut dyn FnMut(Vec<Article>)) {
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
pub(crate) type ParsedRecord = (Result<Article, Rejected>, Vec<Warning>);

/// Accounts for a block of parsed records, in order, and hands its articles to `sink`.
pub(crate) fn hand_over(parsed: Vec<ParsedRecord>, out: &mut Ingested, sink: &mut dyn FnMut(Vec<Article>)) {
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
    if !batch.is_empty() {
        sink(batch);
    }
}

/// Warns about a body longer than [`crate::features::FEATURE_BODY_LIMIT`]: it is kept whole, but its features
/// are read from its opening only.
fn check_body_size(article: &Article, warnings: &mut Vec<Warning>) {
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

/// Reads an article's record again from its file, for its body: the record at its byte offset for JSON Lines,
/// else the file (the record-th article of a JSON array). The article is as read, not normalised.
pub fn reread(article: &Article, fields: &FieldMap) -> Result<Article, String> {
    use std::io::{BufRead, Seek};
    let path = Path::new(&article.source.path);
    if is_delimited_file(path) {
        return delimited::reread(article, fields);
    }
    if warc::is_warc_name(path) {
        return warc::reread(article);
    }
    if let Some(offset) = article.byte_offset {
        let mut file =
            std::fs::File::open(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        let mut line = Vec::new();
        std::io::BufReader::new(file)
            .read_until(b'\n', &mut line)
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        let text = String::from_utf8_lossy(&line);
        return jsonl::parse_line(
            text.trim_end_matches(['\n', '\r']),
            article.source.clone(),
            fields,
            &mut Vec::new(),
        )
        .map_err(|rejected| format!("{}: {}", rejected.location, rejected.reason));
    }
    let part = read_one_input(&Input::File(path.to_path_buf()), fields);
    part.articles
        .into_iter()
        .find(|a| a.source == article.source)
        .ok_or_else(|| format!("{}: the article is no longer in the file", article.source))
}

fn collect_inputs(given: &str, fields: &FieldMap, inputs: &mut Vec<Input>, out: &mut Ingested) {
    if given == "-" {
        inputs.push(Input::Stdin);
        return;
    }
    let path = Path::new(given);
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => {
            out.rejected
                .push(Rejected { location: given.to_string(), reason: format!("cannot read: {err}") });
            return;
        }
    };
    if !metadata.is_dir() {
        inputs.push(Input::File(path.to_path_buf()));
        return;
    }
    let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            // A named pipe met in a folder would block the run until something writes to it, a socket or a
            // device cannot hold an article. (Named on the command line, a pipe is read: `<(zcat a.gz)`.)
            Ok(entry) if !entry.file_type().is_file() => {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    out.rejected.push(Rejected {
                        location: entry.path().display().to_string(),
                        reason: "not a regular file (a named pipe, socket or device); not read".into(),
                    });
                }
            }
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                let extension = entry.path().extension().and_then(|e| e.to_str()).unwrap_or("");
                if name.starts_with('.') {
                    continue;
                }
                let is_article_file = warc::is_warc_name(entry.path())
                    || ARTICLE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
                        && (!is_delimited_file(entry.path())
                            || delimited::has_article_columns(entry.path(), fields));
                if is_article_file {
                    inputs.push(Input::File(entry.into_path()));
                } else {
                    out.files_skipped.push(entry.path().display().to_string());
                }
            }
            Err(err) => {
                let location =
                    err.path().map(|p| p.display().to_string()).unwrap_or_else(|| given.to_string());
                let broken_link = err.path().is_some_and(|p| p.is_symlink() && !p.exists());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_string()
                } else if broken_link {
                    "broken symbolic link: its target does not exist".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                out.rejected.push(Rejected { location, reason });
            }
        }
    }
}

fn read_one_input(input: &Input, fields: &FieldMap) -> Ingested {
    let (display, bytes, parent) = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            if let Err(err) = std::io::stdin().lock().read_to_end(&mut bytes) {
                let mut out = Ingested::default();
                out.rejected
                    .push(Rejected { location: "-".into(), reason: format!("cannot read stdin: {err}") });
                return out;
            }
            ("-".to_string(), bytes, None)
        }
        Input::File(path) => match std::fs::read(path) {
            Ok(bytes) => {
                let parent =
                    path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
                (path.display().to_string(), bytes, parent)
            }
            Err(err) => {
                let mut out = Ingested::default();
                out.rejected.push(Rejected {
                    location: path.display().to_string(),
                    reason: format!("cannot read: {err}"),
                });
                return out;
            }
        },
    };
    read_bytes(&display, &bytes, parent.as_deref(), fields)
}

/// Reads one whole input already in memory: `display` names it in messages and its extension chooses the
/// format as for a file; `parent` is the name of its folder (a plain-text article's outlet hint). Every outcome
/// is in the result: articles, rejections with their reasons, warnings. Never panics, whatever the bytes.
pub fn read_bytes(display: &str, bytes: &[u8], parent: Option<&str>, fields: &FieldMap) -> Ingested {
    let mut out = Ingested { files_read: 1, ..Ingested::default() };
    let display = display.to_string();
    let utf16 = is_utf16(bytes);
    if !utf16 && bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        out.rejected.push(Rejected { location: display, reason: "binary file (contains NUL bytes)".into() });
        return out;
    }
    let text = if utf16 {
        // Windows tools save "Unicode" text as UTF-16 with a byte order mark.
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            out.warnings.push(Warning {
                location: display.clone(),
                message: "invalid UTF-16: unpaired surrogates replaced with U+FFFD".into(),
            });
        }
        text.into_owned()
    } else if is_html_name(&display) || bytes.starts_with(b"<") {
        html::decode_page(bytes, None, &display, &mut out.warnings)
    } else {
        decode_utf8(bytes, &display, &mut out.warnings)
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        out.rejected.push(Rejected { location: display, reason: "empty file".into() });
        return out;
    }
    match detect_format(&display, text) {
        Format::JsonLines => jsonl::read_json_lines(&display, text, fields, &mut out),
        Format::JsonArray => jsonl::read_json_array(&display, text, fields, &mut out),
        Format::Html => {
            let location = SourceLocation { path: display.clone(), record: None };
            match html::parse_html(text, location, None, &mut out.warnings) {
                Ok(article) => out.articles.push(article),
                Err(reason) => out.rejected.push(Rejected { location: display, reason }),
            }
        }
        Format::Text => {
            let location = SourceLocation { path: display.clone(), record: None };
            let parsed = if seed::looks_like_seed(text) {
                seed::parse_seed(text, location)
            } else {
                text::parse_plain_text(text, location, parent)
            };
            match parsed {
                Ok(article) => out.articles.push(article),
                Err(reason) => out.rejected.push(Rejected { location: display, reason }),
            }
        }
    }
    for article in &out.articles {
        check_body_size(article, &mut out.warnings);
    }
    out
}

/// Decodes UTF-8, replacing invalid bytes rather than refusing the file, and says how many were replaced.
pub(crate) fn decode_utf8(bytes: &[u8], display: &str, warnings: &mut Vec<Warning>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let replaced = text.matches('\u{fffd}').count() - count_literal_replacements(bytes);
            warnings.push(Warning {
                location: display.to_string(),
                message: format!("invalid UTF-8: {replaced} byte sequence(s) replaced with U+FFFD"),
            });
            text
        }
    }
}

/// U+FFFD characters already present in the input as valid UTF-8, so they are not counted as repairs.
fn count_literal_replacements(bytes: &[u8]) -> usize {
    bytes.windows(3).filter(|w| *w == [0xEF, 0xBF, 0xBD]).count()
}

fn detect_format(display: &str, text: &str) -> Format {
    let extension =
        Path::new(display).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let first = text.trim_start().chars().next();
    match (extension.as_str(), first) {
        ("jsonl" | "ndjson", _) => Format::JsonLines,
        ("json", Some('[')) => Format::JsonArray,
        ("json", _) => Format::JsonLines,
        _ if is_html_name(display) => Format::Html,
        _ if html::looks_like_html(text) => Format::Html,
        (_, Some('[')) if display == "-" => Format::JsonArray,
        (_, Some('{')) if display == "-" || extension.is_empty() => Format::JsonLines,
        _ => Format::Text,
    }
}

/// Sorts articles by id and makes ids unique, so everything downstream is independent of input order.
fn canonicalise(out: &mut Ingested) {
    let _ = canonical_order(out);
}

/// Sorts the articles by id, making ids unique, and the account's lists; returns the permutation applied:
/// entry `k` is the index, before sorting, of the article now at `k`.
pub fn canonical_order(out: &mut Ingested) -> Vec<usize> {
    let by_id = |articles: &[Article], lhs: &usize, rhs: &usize| {
        let (lhs, rhs) = (&articles[*lhs], &articles[*rhs]);
        (&lhs.doc_id, &lhs.source).cmp(&(&rhs.doc_id, &rhs.source))
    };
    let mut order: Vec<usize> = (0..out.articles.len()).collect();
    order.sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut taken: std::collections::HashSet<String> =
        out.articles.iter().map(|a| a.doc_id.clone()).collect();
    for &index in &order {
        let article = &mut out.articles[index];
        let count = seen.entry(article.doc_id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let mut n = *count;
            let mut fresh = format!("{}#{}", article.doc_id, n);
            while taken.contains(&fresh) {
                n += 1;
                fresh = format!("{}#{}", article.doc_id, n);
            }
            out.warnings.push(Warning {
                location: article.source.to_string(),
                message: format!("duplicate id {:?} renamed to {:?}", article.doc_id, fresh),
            });
            taken.insert(fresh.clone());
            article.doc_id = fresh;
        }
    }
    order.sort_by(|lhs, rhs| by_id(&out.articles, lhs, rhs));
    let mut slots: Vec<Option<Article>> = std::mem::take(&mut out.articles).into_iter().map(Some).collect();
    out.articles = order.iter().map(|&i| slots[i].take().expect("a permutation")).collect();
    out.rejected.sort();
    out.warnings.sort();
    out.files_skipped.sort();
    out.skipped_records.sort();
    order
}

/// Splits a body into paragraphs: on blank lines when it has them, else on every line break.
pub(crate) fn split_paragraphs(body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let has_blank_lines = body.contains("\n\n") || body.lines().any(|l| l.trim().is_empty() && !l.is_empty());
    let pieces: Vec<&str> =
        if has_blank_lines { body.split("\n\n").collect() } else { body.split('\n').collect() };
    pieces
        .into_iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}
