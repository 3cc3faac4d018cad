//! WARC crawl archives (`.warc`, `.warc.gz`): each HTML page a crawler saved with status 200 becomes an article.

use super::stream::{hand_over, open_input, ParsedRecord, Sink};
use super::{html, Ingested};
use crate::article::{Article, Rejected, SourceLocation};
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use warc::{BufferedBody, Record, RecordType, WarcHeader, WarcReader};

/// Pages parsed in parallel per batch: HTML pages run to 100 KB and more, so fewer than JSON Lines records.
const PAGE_BATCH: usize = 512;

/// How many headers an HTTP response head may have; crawled responses rarely carry more than 40.
const MAX_HTTP_HEADERS: usize = 128;

/// An HTML page found in a record, before it is parsed.
struct Page {
    number: usize,
    target_uri: Option<String>,
    crawl_date: chrono::NaiveDate,
    charset: Option<String>,
    html: Vec<u8>,
}

/// What a record holds for storydiff.
enum Content {
    Page(Page),
    /// A response or resource that is not an article, with the reason.
    Skipped(String),
    /// Request, metadata, warcinfo and other records that never hold a page.
    NotAPage,
}

/// A reader over a WARC file, decompressing `.gz` (members concatenated, as crawlers write them). The file is
/// opened by the caller rather than with `WarcReader::from_path`, which creates a missing file instead of failing.
fn records(path: &Path, file: std::fs::File) -> Box<dyn BufRead + Send> {
    if super::format::is_gzipped(path) {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))))
    } else {
        Box::new(BufReader::new(file))
    }
}

/// Reads every record of a WARC file, handing over the articles in batches. Skipped records are counted in
/// `out.skipped_records` with their reason; a malformed record ends the file (WARC has no resync point) and is
/// rejected with its number.
pub fn stream(path: &Path, out: &mut Ingested, sink: &mut Sink) {
    let display = path.display().to_string();
    let Some(file) = open_input(path, out) else { return };
    let reader = records(path, file);
    let mut pending = Vec::new();
    let mut records_read = 0usize;
    for (index, record) in WarcReader::new(reader).iter_records().enumerate() {
        let number = index + 1;
        records_read = number;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                out.rejected.push(Rejected {
                    location: format!("{display}:{number}"),
                    reason: format!("malformed WARC record ({err}); the rest of the file cannot be read"),
                });
                break;
            }
        };
        match content(number, &record) {
            Content::Page(page) => pending.push(page),
            Content::Skipped(reason) => {
                out.skipped_records.push(Rejected { location: format!("{display}:{number}"), reason })
            }
            Content::NotAPage => out.other_records += 1,
        }
        if pending.len() >= PAGE_BATCH {
            hand_over(parse_pages(&display, std::mem::take(&mut pending)), out, sink);
        }
    }
    hand_over(parse_pages(&display, pending), out, sink);
    // The WARC reader finds no record in text that is not a WARC file, and says nothing: such a file would be
    // silently lost (found by the format property of tests/properties.rs).
    if records_read == 0 && !is_blank(path) {
        out.rejected.push(Rejected {
            location: display,
            reason: "not a WARC file: no record found (a WARC file starts with \"WARC/1.0\" or \"WARC/1.1\")"
                .to_string(),
        });
    }
}

/// Whether a file (decompressed, for `.gz`) holds nothing but white space, judged on its first 64 KiB.
fn is_blank(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let mut head = Vec::new();
    if records(path, file).take(64 << 10).read_to_end(&mut head).is_err() {
        return false;
    }
    head.iter().all(u8::is_ascii_whitespace)
}

/// Reads the article's record again, by its number in the file.
pub fn reread(article: &Article) -> Result<Article, String> {
    let path = Path::new(&article.source.path);
    let wanted = article.source.record.ok_or_else(|| format!("{}: no record number", article.source))?;
    let file = std::fs::File::open(path).map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
    let reader = records(path, file);
    let record = WarcReader::new(reader)
        .iter_records()
        .nth(wanted - 1)
        .ok_or_else(|| format!("{}: the record is no longer in the file", article.source))?
        .map_err(|err| format!("{}: malformed WARC record: {err}", article.source))?;
    match content(wanted, &record) {
        Content::Page(page) => parse_page(&article.source.path, page).0.map_err(|r| r.reason),
        _ => Err(format!("{}: the record no longer holds an HTML page", article.source)),
    }
}

fn parse_pages(display: &str, pages: Vec<Page>) -> Vec<ParsedRecord> {
    pages.into_par_iter().map(|page| parse_page(display, page)).collect()
}

fn parse_page(display: &str, page: Page) -> ParsedRecord {
    let source = SourceLocation { path: display.to_string(), record: Some(page.number) };
    let mut warnings = Vec::new();
    let text = html::decode_page(&page.html, page.charset.as_deref(), &source.to_string(), &mut warnings);
    let parsed = html::parse_html(&text, source.clone(), page.target_uri.as_deref(), &mut warnings);
    let result = match parsed {
        Ok(mut article) => {
            article.doc_id = source.to_string();
            if article.date.is_none() {
                article.date = Some(page.crawl_date);
            }
            article.extra.insert("crawl_date".into(), page.crawl_date.to_string().into());
            if let Some(uri) = page.target_uri {
                article.extra.insert("warc_target_uri".into(), uri.into());
            }
            Ok(article)
        }
        Err(reason) => Err(Rejected { location: source.to_string(), reason }),
    };
    (result, warnings)
}

/// Decides what a record holds: a response's HTTP envelope is opened (status, content type, chunked and
/// compressed bodies); a resource record is its own payload.
fn content(number: usize, record: &Record<BufferedBody>) -> Content {
    let target_uri = record.header(WarcHeader::TargetURI).map(|u| u.trim().to_string());
    let crawl_date = record.date().date_naive();
    match record.warc_type() {
        RecordType::Response => match open_http(record.body()) {
            Ok((html, charset)) => Content::Page(Page { number, target_uri, crawl_date, charset, html }),
            Err(reason) => Content::Skipped(reason),
        },
        RecordType::Resource => {
            let content_type =
                record.header(WarcHeader::ContentType).unwrap_or_default().to_ascii_lowercase();
            if !content_type.contains("html") {
                return Content::Skipped(format!("not HTML ({})", content_type.trim()));
            }
            let charset = charset_of(&content_type);
            Content::Page(Page { number, target_uri, crawl_date, charset, html: record.body().to_vec() })
        }
        RecordType::Revisit => Content::Skipped("revisit record (no page, only a reference to one)".into()),
        _ => Content::NotAPage,
    }
}

/// The HTML body of an HTTP response with status 200, and the charset its `Content-Type` names.
fn open_http(message: &[u8]) -> Result<(Vec<u8>, Option<String>), String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HTTP_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(message) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Err("truncated HTTP response head".into()),
        Err(err) => return Err(format!("unreadable HTTP response head: {err}")),
    };
    let status = response.code.unwrap_or(0);
    if status != 200 {
        return Err(format!("HTTP status {status}, not 200"));
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let content_type = header("content-type").unwrap_or_default();
    let mut body = message[head_len..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        body = dechunk(&body).ok_or("malformed chunked HTTP body")?;
    }
    match header("content-encoding").as_deref().map(str::trim) {
        None | Some("" | "identity") => {}
        Some("gzip" | "x-gzip") => body = inflate(flate2::read::MultiGzDecoder::new(&body[..]))?,
        Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]))?,
        Some(other) => return Err(format!("unsupported content encoding {other}")),
    }
    let is_html = if content_type.is_empty() {
        html::looks_like_html(&String::from_utf8_lossy(&body[..body.len().min(1024)]))
    } else {
        content_type.contains("html")
    };
    if !is_html {
        return Err(format!("not HTML ({})", content_type.trim()));
    }
    Ok((body, charset_of(&content_type)))
}

fn inflate(mut decoder: impl Read) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decoder.read_to_end(&mut out).map_err(|err| format!("compressed HTTP body cannot be read: {err}"))?;
    Ok(out)
}

/// Joins the chunks of a `Transfer-Encoding: chunked` body; `None` when the chunk sizes do not add up.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?.strip_prefix(b"\r\n").unwrap_or(&body[size..]);
    }
}

/// The `charset=` parameter of a content type.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|part| {
        let value = part.trim().strip_prefix("charset=")?;
        Some(value.trim_matches(['"', '\'', ' ']).to_string()).filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_envelope_opened_with_status_type_chunks_and_charset() {
        let message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<html\r\n2\r\n><\r\n0\r\n\r\n";
        let (body, charset) = open_http(message).unwrap();
        assert_eq!(body, b"<html><");
        assert_eq!(charset.as_deref(), Some("iso-8859-1"));
        let not_found = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html></html>";
        assert_eq!(open_http(not_found).unwrap_err(), "HTTP status 404, not 200");
        let image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert_eq!(open_http(image).unwrap_err(), "not HTML (image/png)");
    }
}
