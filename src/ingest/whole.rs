//! Inputs read whole: stdin and files that are not streamed (a page, a text, a JSON array), decoded and parsed
//! by their format.

use super::format::{self, Format, BINARY_SNIFF_BYTES};
use super::stream::check_body_size;
use super::walk::Input;
use super::{html, jsonl, seed, text, FieldMap, Ingested};
use crate::article::{Rejected, SourceLocation, Warning};
use std::io::Read;

/// Reads one input whole: stdin, or a file not streamed.
pub(super) fn read_one_input(input: &Input, fields: &FieldMap) -> Ingested {
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
    let utf16 = format::is_utf16(bytes);
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
    } else if format::is_page(&display, bytes) {
        html::decode_page(bytes, None, &display, &mut out.warnings)
    } else {
        decode_utf8(bytes, &display, &mut out.warnings)
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        out.rejected.push(Rejected { location: display, reason: "empty file".into() });
        return out;
    }
    match format::whole_format(&display, text) {
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
pub fn decode_utf8(bytes: &[u8], display: &str, warnings: &mut Vec<Warning>) -> String {
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
