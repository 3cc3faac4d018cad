//! Saved HTML pages: the main text (readability.js's algorithm, via dom_smoothie) and the page's own metadata.

use super::fields::{outlet_from_url, parse_date};
use super::split_paragraphs;
use crate::article::{Article, SourceLocation, Warning};
use dom_smoothie::{Config, Readability, TextMode};
use regex::Regex;
use std::sync::LazyLock;

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

/// Elements that are page furniture wherever they stand: navigation, asides, footers, captions, dialogs.
const FURNITURE_ELEMENTS: &str =
    "nav, aside, footer, figcaption, dialog, button, select, [role=navigation], \
     [role=complementary], [role=contentinfo], [role=dialog], [role=alertdialog], [aria-modal=true]";

/// Words in a `class` or `id` (split at `-` and `_`) that name page furniture rather than article text:
/// sharing and social widgets, comment sections, newsletter and cookie boxes, related-article lists, author
/// boxes, captions and credits, tag lists, breadcrumbs, pagination, ads. The list follows the boilerplate
/// classes trafilatura and readability.js discard; measured on html_dev (docs/EVALUATION.md, "HTML").
#[rustfmt::skip]
const FURNITURE_WORDS: &[&str] = &[
    "related", "share", "sharing", "shariff", "social", "socials", "comment", "comments", "respond",
    "newsletter", "subscribe", "subscription", "cookie", "cookies", "consent", "gdpr", "breadcrumb",
    "breadcrumbs", "pagination", "pager", "sidebar", "caption", "credit", "credits", "copyright", "byline",
    "author", "authors", "tags", "tagcloud", "promo", "advert", "advertisement", "ads", "sponsor", "sponsored",
    "toc", "popup", "modal", "overlay", "rating", "footer", "nav", "navbar", "navigation", "skip", "bio", "meta",
    "dateline", "masthead", "recommended", "recommendations", "more", "readmore", "outbrain", "taboola",
];

/// Words in a `class` or `id` that may mark the article's own container even beside a furniture word
/// (`main-content sidebar-right`, `content-sidebar-wrap`): readability.js's "maybe a candidate" list.
const CONTENT_WORDS: &[&str] =
    &["and", "article", "body", "column", "content", "main", "shadow", "post", "entry"];

/// An element named both ways (`article-meta`, `main-content sidebar-right`) is furniture only while it holds
/// at most this share of the page's text: a dateline or a post's meta line, not the layout column around the
/// article. Measured on html_dev (docs/EVALUATION.md, "HTML"): F1 0.907 at 0.05 and 0.1, 0.904 at 0.2.
const CONTENT_GUARD_SHARE: f64 = 0.1;

/// A furniture element holding more than this share of the page's text is kept: a page built inside one
/// `<div class="comments-and-content">` would otherwise lose its article. On html_dev, F1 0.907 with it and
/// 0.894 without (24 `with` snippets lost).
const FURNITURE_MAX_TEXT_SHARE: f64 = 0.5;

/// Removes navigation, asides, footers, captions, comment sections, cookie banners, related links and the
/// like before the main text is chosen, so they can neither be chosen nor left inside it.
fn strip_page_furniture(doc: &dom_query::Document) {
    doc.select(FURNITURE_ELEMENTS).remove();
    let page_text = doc.select("body").text().chars().filter(|c| !c.is_whitespace()).count().max(1);
    for node in doc.select("[class], [id]").nodes() {
        if node.has_name("body") || node.has_name("html") || node.has_name("main") || node.has_name("article")
        {
            continue;
        }
        let class = node.attr("class").unwrap_or_default();
        let id = node.attr("id").unwrap_or_default();
        let words = || {
            class.split_whitespace().chain(id.split_whitespace()).flat_map(|token| token.split(['-', '_']))
        };
        let furniture = words().any(|word| FURNITURE_WORDS.iter().any(|f| word.eq_ignore_ascii_case(f)));
        if !furniture {
            continue;
        }
        let text = node.text().chars().filter(|c| !c.is_whitespace()).count();
        let share = (text as f64) / (page_text as f64);
        let content_named = words().any(|word| CONTENT_WORDS.iter().any(|f| word.eq_ignore_ascii_case(f)));
        let limit = if content_named { CONTENT_GUARD_SHARE } else { FURNITURE_MAX_TEXT_SHARE };
        if share <= limit {
            node.remove_from_parent();
        }
    }
}

/// Parses one saved page into an article: its main text as paragraphs, the title, publication date, outlet and
/// canonical URL from JSON-LD, OpenGraph and `<meta>`. `url_hint` (a WARC record's target URI) is used when the
/// page names no canonical URL of its own. When readability finds no main text, the page's visible text
/// (furniture removed) is used, with a warning.
pub fn parse_html(
    html: &str,
    source: SourceLocation,
    url_hint: Option<&str>,
    warnings: &mut Vec<Warning>,
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
    strip_page_furniture(&readability.doc);
    let text = match readability.parse() {
        Ok(extracted) => extracted.text_content.to_string(),
        Err(err) => {
            warnings.push(Warning {
                location: source.to_string(),
                message: format!("no main text found ({err}); the page's visible text is used"),
            });
            visible_text(html)
        }
    };
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
    article.paragraphs = split_paragraphs(&text);
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no text in the page".into());
    }
    Ok(article)
}

/// Deepest element nesting read with main-text extraction. Readability and the furniture pass walk the tree
/// recursively, and the text share of each element costs its subtree: a page of 100,000 nested `<div>`s
/// overflowed a worker thread's stack and aborted the whole run. The deepest of html_dev's 359 real pages is 40
/// levels (median 17), so this is ten times that.
pub const MAX_PAGE_DEPTH: usize = 400;

/// Most tags open at once, counted over the page's text, from which the page is read flat without building its
/// tree. Unclosed tags (`<p>`, `<li>`, `<font>` in old pages) count as open here though a parser closes them, so
/// the bound is ten times [`MAX_PAGE_DEPTH`]; by this count html_dev's 359 pages reach at most 581 (median 18).
pub const MAX_OPEN_TAGS: usize = 10 * MAX_PAGE_DEPTH;

const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// The most tags open at once, scanning the text: opening tags (not void, not self-closed) add one, closing tags
/// take one away. An overestimate where tags are left unclosed; linear in the page's length.
fn open_tag_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut open, mut most) = (0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let start = at + offset + 1;
        let end = bytes[start..].iter().position(|&b| b == b'>').map_or(bytes.len(), |p| start + p);
        let tag = &bytes[start..end];
        at = (end + 1).min(bytes.len());
        match tag.first() {
            Some(b'/') => open = open.saturating_sub(1),
            Some(first) if first.is_ascii_alphabetic() => {
                let name_end = tag.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(tag.len());
                let name = &tag[..name_end];
                let void = VOID_ELEMENTS.iter().any(|v| v.as_bytes().eq_ignore_ascii_case(name));
                if !tag.ends_with(b"/") && !void {
                    open += 1;
                    most = most.max(open);
                }
            }
            _ => {}
        }
    }
    most
}

/// How deep the page's elements nest, counted without recursion.
fn element_depth(doc: &dom_query::Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        stack.extend(node.children().into_iter().filter(|c| c.is_element()).map(|c| (c, depth + 1)));
    }
    deepest
}

static TITLE_ELEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap());
static UNSEEN_ELEMENTS: [LazyLock<Regex>; 4] = [
    LazyLock::new(|| Regex::new(r"(?is)<script\b.*?(</script\s*>|\z)").unwrap()),
    LazyLock::new(|| Regex::new(r"(?is)<style\b.*?(</style\s*>|\z)").unwrap()),
    LazyLock::new(|| Regex::new(r"(?is)<noscript\b.*?(</noscript\s*>|\z)").unwrap()),
    LazyLock::new(|| Regex::new(r"(?is)<(head|template)\b.*?(</(head|template)\s*>|\z)").unwrap()),
];
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(p|div|br|li|h[1-6]|tr|article|section|blockquote)\b[^>]*>").unwrap()
});
static ANY_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());

/// A page read by pattern, without building or walking a tree: the `<title>`, and the text outside tags with
/// block elements as paragraph breaks. For pages too deep for main-text extraction (linear in the page's length).
fn flat_page(html: &str, source: SourceLocation, url_hint: Option<&str>) -> Result<Article, String> {
    let decode =
        |text: &str| html_escape::decode_html_entities(text).split_whitespace().collect::<Vec<_>>().join(" ");
    let title = TITLE_ELEMENT.captures(html).map(|c| decode(&c[1])).filter(|t| !t.is_empty());
    let mut text = html.to_string();
    for pattern in &UNSEEN_ELEMENTS {
        text = pattern.replace_all(&text, " ").into_owned();
    }
    let text = BLOCK_TAG.replace_all(&text, "\n\n");
    let text = ANY_TAG.replace_all(&text, " ");
    let paragraphs: Vec<String> = text.split("\n\n").map(decode).filter(|p| !p.is_empty()).collect();
    let mut article = Article::new(source.path.clone(), source);
    article.url = url_hint.map(str::to_string);
    article.outlet = article.url.as_deref().and_then(outlet_from_url);
    article.date = article.url.as_deref().and_then(super::date_from_url);
    article.title = title;
    article.paragraphs = split_paragraphs(&paragraphs.join("\n\n"));
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no text in the page".into());
    }
    Ok(article)
}

/// The text of the page's `<article>` (the longest), else `<main>`, else `<body>`, furniture removed.
fn visible_text(html: &str) -> String {
    let doc = dom_query::Document::from(html);
    doc.select("script, style, noscript, template").remove();
    strip_page_furniture(&doc);
    for selector in ["article", "main", "body"] {
        let longest =
            doc.select(selector).nodes().iter().map(|node| node.formatted_text()).max_by_key(|t| t.len());
        if let Some(text) = longest.filter(|t| !t.trim().is_empty()) {
            return text.to_string();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a page on a thread with the stack of a rayon worker (2 MiB), as the pipeline does.
    fn parse_on_worker_stack(html: String) -> (Result<Article, String>, Vec<Warning>) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let mut warnings = Vec::new();
                let source = SourceLocation { path: "deep.html".into(), record: None };
                (parse_html(&html, source, None, &mut warnings), warnings)
            })
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn issue_6_a_page_nested_100000_deep_is_read_flat_on_a_worker_sized_stack() {
        let html = format!(
            "<html><head><title>Deep &amp; dark</title><script>var x = '<p>no</p>';</script></head><body>{}<p>Dock \
             workers in Valparaiso went on strike.</p><p>Ships waited.</p>{}</body></html>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let (article, warnings) = parse_on_worker_stack(html);
        let article = article.unwrap();
        assert_eq!(article.title.as_deref(), Some("Deep & dark"));
        assert_eq!(article.paragraphs, ["Dock workers in Valparaiso went on strike.", "Ships waited."]);
        assert!(warnings[0].message.contains("elements deep (more than 400)"), "{warnings:?}");
    }

    #[test]
    fn a_page_just_under_the_tag_bound_is_parsed_then_read_flat_on_a_worker_sized_stack() {
        let divs = MAX_OPEN_TAGS - 10;
        let html = format!(
            "<html><head><title>Deep</title></head><body>{}<p>Dock workers went on strike.</p>{}</body></html>",
            "<div>".repeat(divs),
            "</div>".repeat(divs)
        );
        assert!(open_tag_depth(&html) <= MAX_OPEN_TAGS);
        let (article, warnings) = parse_on_worker_stack(html);
        assert_eq!(article.unwrap().paragraphs, ["Dock workers went on strike."]);
        assert!(warnings[0].message.contains(&format!("nested {} elements deep", divs + 3)), "{warnings:?}");
    }

    #[test]
    fn pages_at_the_depth_bound_still_get_main_text_extraction_on_a_worker_sized_stack() {
        // The document's elements: html, body, the divs, article, p.
        let depth = MAX_PAGE_DEPTH - 4;
        let html = format!(
            "<html><head><title>Deep</title></head><body>{}<article><p>Dock workers in Valparaiso went on strike \
             on Monday, halting the loading of 40 container ships.</p></article>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let (article, warnings) = parse_on_worker_stack(html);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(article.unwrap().paragraphs[0].starts_with("Dock workers in Valparaiso"));
    }
}
