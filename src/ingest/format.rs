//! Which format a file is read as: the one place that looks at file names and first lines to decide.

use std::path::Path;

/// How many leading bytes are checked for NUL when deciding a file is binary, as git and grep do.
pub(super) const BINARY_SNIFF_BYTES: usize = 8192;

/// Longest first line read to tell JSON Lines from a pretty-printed `.json` file.
const FIRST_LINE_LIMIT: u64 = 16 << 20;

/// What a file's name says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// `.jsonl`, `.ndjson`
    JsonLines,
    /// `.json`: JSON Lines or one JSON array (or object)
    Json,
    /// `.csv`, `.tsv`, `.tab`: a table with a header row
    Delimited,
    /// `.html`, `.htm`, `.xhtml`
    Html,
    /// `.txt`, `.text`
    Text,
    /// `.warc`, `.warc.gz`
    Warc,
    /// No ending at all
    None,
    /// Any other ending: not read when met in a folder (a gold.tsv is `Delimited`, but a README.md is this)
    Other,
}

/// The ending of a file name, read once.
pub(super) fn ending(name: &str) -> Ending {
    let name =
        Path::new(name).file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if name.ends_with(".warc") || name.ends_with(".warc.gz") {
        return Ending::Warc;
    }
    match Path::new(&name).extension().and_then(|e| e.to_str()) {
        None => Ending::None,
        Some("jsonl" | "ndjson") => Ending::JsonLines,
        Some("json") => Ending::Json,
        Some("csv" | "tsv" | "tab") => Ending::Delimited,
        Some("html" | "htm" | "xhtml") => Ending::Html,
        Some("txt" | "text") => Ending::Text,
        Some(_) => Ending::Other,
    }
}

/// The field delimiter of a table by its ending: tab for `.tsv` and `.tab`, comma otherwise.
pub(super) fn delimiter(path: &Path) -> u8 {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(extension.as_str(), "tsv" | "tab") {
        b'\t'
    } else {
        b','
    }
}

/// A web archive compressed with gzip (`.warc.gz`).
pub(super) fn is_gzipped(path: &Path) -> bool {
    path.to_string_lossy().to_ascii_lowercase().ends_with(".gz")
}

/// A file named like a table (`.csv`, `.tsv`, `.tab`): one met in a folder and skipped had no article
/// columns (a `gold.tsv` of labels), which the run summary need not name.
pub fn is_table_name(name: &str) -> bool {
    ending(name) == Ending::Delimited
}

/// Whether a file met while walking a folder is read: an article format by its ending (other files there, a
/// README or a gold.tsv, are not articles; a table needs article columns, see [`super::delimited`]). A file
/// named explicitly on the command line is read whatever its ending.
pub(super) fn is_article_file(path: &Path, fields: &super::FieldMap) -> bool {
    match ending(&path.to_string_lossy()) {
        Ending::Other | Ending::None => false,
        Ending::Delimited => super::delimited::has_article_columns(path, fields),
        _ => true,
    }
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// Line by line, each line a JSON record.
    JsonLines,
    /// Row by row, a table with a header.
    Delimited,
    /// Record by record, a web archive.
    Warc,
    /// Whole, then by [`Format`].
    Whole,
}

/// How a file is read: streamed as JSON Lines when named `.jsonl` or `.ndjson`, or `.json` (or no ending) whose
/// first line is a whole JSON object. Other files are read whole: a pretty-printed `.json` object spreads over
/// many lines, and a UTF-16 file (byte order mark first) must be decoded before it has lines at all.
pub(super) fn reading(path: &Path) -> Reading {
    match ending(&path.to_string_lossy()) {
        Ending::Delimited => Reading::Delimited,
        Ending::Warc => Reading::Warc,
        Ending::JsonLines if !starts_utf16(path) => Reading::JsonLines,
        Ending::Json | Ending::None if first_line_is_json_object(path) => Reading::JsonLines,
        _ => Reading::Whole,
    }
}

fn starts_utf16(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut reader = std::io::BufReader::new(file);
    reader.fill_buf().is_ok_and(is_utf16)
}

fn first_line_is_json_object(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut reader = std::io::BufReader::new(file);
    match reader.fill_buf() {
        Ok(head) if !is_utf16(head) => {}
        _ => return false,
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

/// Whether the bytes open with a UTF-16 byte order mark.
pub(super) fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Whether a whole input's bytes are decoded as a web page (by its name, or a first `<`).
pub(super) fn is_page(display: &str, bytes: &[u8]) -> bool {
    ending(display) == Ending::Html || bytes.starts_with(b"<")
}

/// The shape of a whole input, decided from its name and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    JsonLines,
    JsonArray,
    Html,
    Text,
}

/// The format of an input read whole, `display` being its name (`-` for stdin).
pub(super) fn whole_format(display: &str, text: &str) -> Format {
    let first = text.trim_start().chars().next();
    match (ending(display), first) {
        (Ending::JsonLines, _) => Format::JsonLines,
        (Ending::Json, Some('[')) => Format::JsonArray,
        (Ending::Json, _) => Format::JsonLines,
        (Ending::Html, _) => Format::Html,
        _ if super::html::looks_like_html(text) => Format::Html,
        (_, Some('[')) if display == "-" => Format::JsonArray,
        (_, Some('{')) if display == "-" || ending(display) == Ending::None => Format::JsonLines,
        _ => Format::Text,
    }
}
