//! Page furniture (navigation, asides, comment sections, related links) removed before the main text is chosen.

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

/// An element the furniture pass removed, for `ingest --explain-extraction`.
#[derive(Debug, Clone)]
pub struct Removed {
    /// The element as a selector would name it: `div.related-posts#more`.
    pub element: String,
    /// Why it went: the element's kind, or the class/id word that names furniture.
    pub rule: String,
    /// Its text, whitespace collapsed.
    pub text: String,
}

/// `div.related-posts#more`, at most 80 characters.
fn describe(node: &dom_query::NodeRef) -> String {
    let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
    let classes: String =
        node.attr("class").unwrap_or_default().split_whitespace().map(|c| format!(".{c}")).collect();
    let id =
        node.attr("id").map(|id| format!("#{}", id.trim())).filter(|id| id.len() > 1).unwrap_or_default();
    format!("{name}{classes}{id}").chars().take(80).collect()
}

fn collapsed_text(node: &dom_query::NodeRef) -> String {
    super::collapse_whitespace(&node.text())
}

/// Removes navigation, asides, footers, captions, comment sections, cookie banners, related links and the
/// like before the main text is chosen, so they can neither be chosen nor left inside it. With `removed`, each
/// removed element is noted there with its rule.
pub(super) fn strip_page_furniture(doc: &dom_query::Document, mut removed: Option<&mut Vec<Removed>>) {
    let elements = doc.select(FURNITURE_ELEMENTS);
    if let Some(removed) = removed.as_deref_mut() {
        for node in elements.nodes() {
            let rule =
                format!("furniture element <{}>", describe(node).split(['.', '#']).next().unwrap_or(""));
            let rule = match node.attr("role").or_else(|| node.attr("aria-modal").map(|_| "dialog".into())) {
                Some(role) => format!("{rule} (role {role})"),
                None => rule,
            };
            removed.push(Removed { element: describe(node), rule, text: collapsed_text(node) });
        }
    }
    elements.remove();
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
        let Some(word) = words().find(|word| FURNITURE_WORDS.iter().any(|f| word.eq_ignore_ascii_case(f)))
        else {
            continue;
        };
        let text = node.text().chars().filter(|c| !c.is_whitespace()).count();
        let share = (text as f64) / (page_text as f64);
        let content_named = words().any(|word| CONTENT_WORDS.iter().any(|f| word.eq_ignore_ascii_case(f)));
        let limit = if content_named { CONTENT_GUARD_SHARE } else { FURNITURE_MAX_TEXT_SHARE };
        if share <= limit {
            if let Some(removed) = removed.as_deref_mut() {
                let rule = format!(
                    "class/id word \"{word}\"{}, {:.0}% of the page's text",
                    if content_named { " (named as content too)" } else { "" },
                    share * 100.0
                );
                removed.push(Removed { element: describe(node), rule, text: collapsed_text(node) });
            }
            node.remove_from_parent();
        }
    }
}
