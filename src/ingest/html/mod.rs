//! Saved HTML pages: the main text (trafilatura, readability as its fallback) and the page's own metadata.

use super::fields::{outlet_from_url, parse_date};
use super::split_paragraphs;
use crate::article::{Article, SourceLocation, Warning};
use dom_smoothie::{Config, Readability, TextMode};
use explain::Trace;
use flat::{element_depth, flat_page, open_tag_depth, MAX_OPEN_TAGS, MAX_PAGE_DEPTH};
use furniture::strip_page_furniture;
use regex::Regex;
use std::sync::LazyLock;

mod explain;
mod flat;
mod furniture;
mod lines;
mod main_text;

pub use explain::{explain_html, Block, Explanation, Verdict};
pub use main_text::Extractor;

/// True when a text opens like an HTML document (after a BOM, blank space and comments), whatever its name.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(512).collect::<String>().to_ascii_lowercase();
    let head = head.trim_start_matches("<?xml").trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with("<!--") && head.contains("<html"))
        || head.starts_with("<head")
}

/// How many leading bytes are searched for a `<meta charset>` declaration: four times the HTML standard's
/// 1,024-byte prescan, since saved pages often put long comments or scripts before it.
const CHARSET_PRESCAN_BYTES: usize = 4096;

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#).unwrap());

/// The encoding a page declares in `<meta charset>` or an `http-equiv` content type.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(CHARSET_PRESCAN_BYTES)]);
    let label = META_CHARSET.captures(&head)?.get(1)?.as_str().to_string();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Decodes a page's bytes as a browser would: with the charset its HTTP response named; else as UTF-8 when
/// they are; else with the legacy encoding the page declares; else as UTF-8 with invalid bytes replaced (and a
/// warning).
pub fn decode_page(
    bytes: &[u8],
    http_charset: Option<&str>,
    display: &str,
    warnings: &mut Vec<Warning>,
) -> String {
    let legacy =
        |encoding: &'static encoding_rs::Encoding| Some(encoding).filter(|e| *e != encoding_rs::UTF_8);
    if let Some(encoding) = http_charset.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
    {
        if let Some(encoding) = legacy(encoding) {
            return encoding.decode(bytes).0.into_owned();
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    match declared_encoding(bytes).and_then(legacy) {
        Some(encoding) => encoding.decode(bytes).0.into_owned(),
        None => super::whole::decode_utf8(bytes, display, warnings),
    }
}

/// `<meta>` names and properties that carry a publication date, in the order they are trusted: OpenGraph's
/// `article:` namespace, then the names CMSs and Dublin Core use.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
];

/// The publication date from `<meta>` (see [`DATE_META`]), an `itemprop=datePublished`, or the first
/// `<time datetime>`.
fn meta_date(doc: &dom_query::Document) -> Option<chrono::NaiveDate> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for node in doc.select("meta[content]").nodes() {
        let key = ["property", "name", "itemprop"]
            .iter()
            .find_map(|a| node.attr(a))
            .map(|k| k.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if let Some(rank) = DATE_META.iter().position(|name| *name == key) {
            found.push((rank, node.attr("content").unwrap_or_default().to_string()));
        }
    }
    found.sort_by_key(|(rank, _)| *rank);
    let from_time = doc
        .select("[itemprop=datePublished][datetime], time[datetime]")
        .nodes()
        .iter()
        .filter_map(|node| node.attr("datetime").map(|d| d.to_string()))
        .collect::<Vec<_>>();
    found.into_iter().map(|(_, value)| value).chain(from_time).find_map(|value| parse_date(&value))
}

/// The page's canonical URL (`<link rel=canonical>`, else `og:url`), when it is an absolute http(s) URL.
fn canonical_url(doc: &dom_query::Document) -> Option<String> {
    let attr = |selector: &str, name: &str| {
        doc.select(selector)
            .nodes()
            .iter()
            .find_map(|node| node.attr(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
    };
    attr("link[rel=canonical]", "href")
        .or_else(|| attr("meta[property=\"og:url\"]", "content"))
        .filter(|url| outlet_from_url(url).is_some())
}

/// Parses one saved page into an article: its main text as paragraphs, the title, publication date, outlet and
/// canonical URL from JSON-LD, OpenGraph and `<meta>`. `url_hint` (a WARC record's target URI) is used when the
/// page names no canonical URL of its own. The main text is chosen by [`main_text::choose`]; short lines of
/// page furniture are then dropped ([`lines`]).
pub fn parse_html(
    html: &str,
    source: SourceLocation,
    url_hint: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Result<Article, String> {
    read_page(html, source, url_hint, warnings, None)
}

/// [`parse_html`], noting in `trace` what each step removed and chose.
fn read_page(
    html: &str,
    source: SourceLocation,
    url_hint: Option<&str>,
    warnings: &mut Vec<Warning>,
    mut trace: Option<&mut Trace>,
) -> Result<Article, String> {
    // The tag count first: html5ever checks its stack of open elements at each tag, so building the tree of a
    // page nested 100,000 deep takes minutes.
    let too_deep = |depth: usize, warnings: &mut Vec<Warning>| {
        warnings.push(Warning {
            location: source.to_string(),
            message: format!(
                "page nested {depth} elements deep (more than {MAX_PAGE_DEPTH}); its text is read without main-text \
                 extraction"
            ),
        });
    };
    let tags = open_tag_depth(html);
    if tags > MAX_OPEN_TAGS {
        too_deep(tags, warnings);
        return flat_page(html, source, url_hint);
    }
    let config = Config { text_mode: TextMode::Formatted, ..Config::default() };
    let mut readability = Readability::new(html, url_hint, Some(config))
        .map_err(|err| format!("not a readable HTML page: {err}"))?;
    let depth = element_depth(&readability.doc);
    if depth > MAX_PAGE_DEPTH {
        too_deep(depth, warnings);
        return flat_page(html, source, url_hint);
    }
    let canonical_url = canonical_url(&readability.doc);
    let metadata = readability.get_article_metadata(readability.parse_json_ld());
    let page_date = meta_date(&readability.doc);
    strip_page_furniture(&readability.doc, trace.as_deref_mut().map(|t| &mut t.removed));
    let (text, extractor) = main_text::choose(&mut readability, html, &source, warnings);
    let mut article = Article::new(source.path.clone(), source);
    let url = canonical_url.or_else(|| metadata.url.clone().filter(|u| outlet_from_url(u).is_some()));
    article.url = url.or_else(|| url_hint.map(str::to_string));
    article.outlet = article.url.as_deref().and_then(outlet_from_url);
    let title = metadata.title.trim();
    article.title = (!title.is_empty()).then(|| title.to_string());
    article.date = metadata
        .published_time
        .as_deref()
        .and_then(parse_date)
        .or(page_date)
        .or_else(|| article.url.as_deref().and_then(super::date_from_url));
    if let Some(site) = metadata.site_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        article.extra.insert("site_name".into(), site.into());
    }
    if let Some(lang) = metadata.lang.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        article.extra.insert("html_lang".into(), lang.into());
    }
    article.extra.insert("main_text".into(), extractor.name().into());
    article.paragraphs = split_paragraphs(&text);
    drop_repeated_paragraphs(&mut article.paragraphs);
    drop_repeated_title(&mut article);
    article.paragraphs.retain(|paragraph| match lines::furniture_line_kind(paragraph) {
        Some(kind) => {
            if let Some(trace) = trace.as_deref_mut() {
                trace.dropped_lines.push((paragraph.clone(), kind));
            }
            false
        }
        None => true,
    });
    if let Some(trace) = trace {
        trace.extractor = Some(extractor);
    }
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no text in the page".into());
    }
    Ok(article)
}

/// Paragraphs at least this long are kept once only. The trafilatura crate (0.3) returns the paragraphs of a
/// short article (under its 250-character minimum) twice, once from its own selectors and once from its
/// recovery pass, with the headline between them (seen on the team's test pages of `tests/formats.rs`). A long
/// paragraph repeated word for word within one article is that, or a pull quote, never news. Short lines may
/// repeat in real text (a recipe's "1 EL Zucker" in two lists), so they are left alone.
const MIN_REPEATED_PARAGRAPH_CHARS: usize = 80;

fn drop_repeated_paragraphs(paragraphs: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    paragraphs.retain(|p| p.chars().count() < MIN_REPEATED_PARAGRAPH_CHARS || seen.insert(p.clone()));
}

/// How many leading paragraphs are compared with the title: the headline stands above the article text, after
/// at most a kicker and a dateline.
const TITLE_REPEAT_WINDOW: usize = 3;

/// Drops the headline where the main text repeats it near the top (trafilatura keeps the article's `<h1>`), as
/// readability does: the title is its own field, and counted twice it would weigh double in clustering. Case and
/// spacing do not count; a page title with the site's name after the headline ("Headline | Site") matches too.
fn drop_repeated_title(article: &mut Article) {
    let Some(title) = article.title.as_deref() else { return };
    let key = |text: &str| collapse_whitespace(text).to_lowercase();
    let title = key(title);
    let window = article.paragraphs.len().min(TITLE_REPEAT_WINDOW);
    let repeat = article.paragraphs[..window].iter().position(|paragraph| {
        let paragraph = key(paragraph);
        paragraph == title || (paragraph.chars().count() >= 20 && title.starts_with(&paragraph))
    });
    if let Some(index) = repeat {
        article.paragraphs.remove(index);
    }
}

/// A text with every run of whitespace made one space and none at the ends.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
