//! The page's main text: trafilatura's extraction, readability's when trafilatura finds none, else the visible text.

use super::furniture::strip_page_furniture;
use crate::article::{SourceLocation, Warning};
use dom_smoothie::Readability;

/// Which extraction gave an article its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extractor {
    /// trafilatura's rules (the trafilatura crate, with its own readability and jusText fallbacks), run on the
    /// page after the furniture pass.
    Trafilatura,
    /// readability.js's algorithm (dom_smoothie) after the furniture pass.
    Readability,
    /// The page's visible text, furniture removed: neither extraction found anything.
    VisibleText,
}

impl Extractor {
    pub fn name(self) -> &'static str {
        match self {
            Extractor::Trafilatura => "trafilatura",
            Extractor::Readability => "readability",
            Extractor::VisibleText => "visible text",
        }
    }
}

/// trafilatura's main text as paragraphs separated by blank lines. Its plain text runs paragraphs together, so
/// its HTML is read instead. `page` is the page after the furniture pass: on html_dev that pass lifts
/// trafilatura from F1 0.918 to 0.922 (docs/EVALUATION.md, "HTML").
fn trafilatura_text(page: &str) -> String {
    let options = trafilatura::Options::default().with_fallback(true);
    match trafilatura::extract(page, &options) {
        Ok(result) if !result.content_html.trim().is_empty() => {
            dom_query::Document::fragment(result.content_html.as_str()).formatted_text().to_string()
        }
        _ => String::new(),
    }
}

/// Whether a text holds anything but blank space.
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// The page's main text and where it came from: trafilatura's extraction of the page after the furniture pass;
/// where it finds nothing, readability's; where that finds nothing either, the page's visible text (with a warning).
pub(super) fn choose(
    readability: &mut Readability,
    html: &str,
    source: &SourceLocation,
    warnings: &mut Vec<Warning>,
) -> (String, Extractor) {
    let text = trafilatura_text(&readability.doc.html());
    if !is_blank(&text) {
        return (text, Extractor::Trafilatura);
    }
    let error = match readability.parse() {
        Ok(extracted) if !is_blank(&extracted.text_content) => {
            return (extracted.text_content.to_string(), Extractor::Readability)
        }
        Ok(_) => "it is empty".to_string(),
        Err(err) => err.to_string(),
    };
    warnings.push(Warning {
        location: source.to_string(),
        message: format!("no main text found ({error}); the page's visible text is used"),
    });
    (visible_text(html), Extractor::VisibleText)
}

/// The text of the page's `<article>` (the longest), else `<main>`, else `<body>`, furniture removed.
fn visible_text(html: &str) -> String {
    let doc = dom_query::Document::from(html);
    doc.select("script, style, noscript, template").remove();
    strip_page_furniture(&doc, None);
    for selector in ["article", "main", "body"] {
        let longest =
            doc.select(selector).nodes().iter().map(|node| node.formatted_text()).max_by_key(|t| t.len());
        if let Some(text) = longest.filter(|t| !t.trim().is_empty()) {
            return text.to_string();
        }
    }
    String::new()
}
