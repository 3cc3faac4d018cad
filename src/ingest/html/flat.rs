//! Pages too deeply nested for main-text extraction, read flat by pattern in time linear in their length.

use super::super::fields::outlet_from_url;
use super::super::split_paragraphs;
use crate::article::{Article, SourceLocation};
use regex::Regex;
use std::sync::LazyLock;

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
pub(super) fn open_tag_depth(html: &str) -> usize {
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
pub(super) fn element_depth(doc: &dom_query::Document) -> usize {
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
pub(super) fn flat_page(
    html: &str,
    source: SourceLocation,
    url_hint: Option<&str>,
) -> Result<Article, String> {
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
    article.date = article.url.as_deref().and_then(super::super::date_from_url);
    article.title = title;
    article.paragraphs = split_paragraphs(&paragraphs.join("\n\n"));
    if article.paragraphs.is_empty() && article.title.is_none() {
        return Err("no text in the page".into());
    }
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, SourceLocation, Warning};
    use crate::ingest::html::parse_html;

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
