//! `ingest --explain-extraction`: for each block of a page's text, which rule kept it or dropped it.

use super::collapse_whitespace as collapse;
use super::furniture::Removed;
use super::main_text::Extractor;
use crate::article::{SourceLocation, Warning};

/// What the steps of reading one page did, noted as they ran.
#[derive(Debug, Default)]
pub(super) struct Trace {
    pub removed: Vec<Removed>,
    pub dropped_lines: Vec<(String, &'static str)>,
    pub extractor: Option<Extractor>,
}

/// What happened to one block of the page's visible text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// In the article's main text.
    Kept,
    /// Inside an element the furniture pass removed before extraction.
    Furniture { element: String, rule: String },
    /// Extracted, then dropped as a furniture line of this kind ("related content", "comments", ...).
    FurnitureLine(&'static str),
    /// Left out by the extractor that chose the main text.
    LeftOut,
}

/// One block (a paragraph of the page's visible text, whitespace collapsed) and its verdict.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    pub verdict: Verdict,
}

/// How a page's main text was chosen: by which extractor (`None` when the page was too deep and read flat),
/// what it holds, and each block of the page's visible text with its verdict, in page order.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub extractor: Option<Extractor>,
    pub paragraphs: usize,
    pub chars: usize,
    pub blocks: Vec<Block>,
    pub warnings: Vec<Warning>,
}

/// A block shorter than this counts as kept only where a paragraph of the main text is exactly that block:
/// "Share" or "Kontakt" found inside a sentence of the article was not kept as a block.
const MIN_CONTAINED_BLOCK_CHARS: usize = 30;

/// A text with no whitespace at all, for containment: an element's text runs its list items together
/// ("ausStadtrat") where the page's visible text breaks them.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Reads one page as `ingest` does and says, block by block, what was kept and by which rule the rest was
/// dropped.
pub fn explain_html(html: &str, source: SourceLocation) -> Result<Explanation, String> {
    let mut trace = Trace::default();
    let mut warnings = Vec::new();
    let article = super::read_page(html, source, None, &mut warnings, Some(&mut trace))?;
    let kept: Vec<String> = article.paragraphs.iter().map(|p| collapse(p)).collect();
    let kept_text = squeeze(&kept.join(""));
    let removed: Vec<String> = trace.removed.iter().map(|r| squeeze(&r.text)).collect();
    let blocks = visible_blocks(html)
        .into_iter()
        .map(|text| {
            let verdict = if kept.contains(&text)
                || (text.chars().count() >= MIN_CONTAINED_BLOCK_CHARS && kept_text.contains(&squeeze(&text)))
            {
                Verdict::Kept
            } else if let Some((_, kind)) =
                trace.dropped_lines.iter().find(|(line, _)| collapse(line) == text)
            {
                Verdict::FurnitureLine(kind)
            } else if let Some(index) = removed.iter().position(|r| r.contains(&squeeze(&text))) {
                let removed = &trace.removed[index];
                Verdict::Furniture { element: removed.element.clone(), rule: removed.rule.clone() }
            } else {
                Verdict::LeftOut
            };
            Block { text, verdict }
        })
        .collect();
    Ok(Explanation {
        extractor: trace.extractor,
        paragraphs: article.paragraphs.len(),
        chars: article.paragraphs.iter().map(|p| p.chars().count()).sum(),
        blocks,
        warnings,
    })
}

/// The paragraphs of the page's visible text (scripts, styles and the head left out), whitespace collapsed.
fn visible_blocks(html: &str) -> Vec<String> {
    let doc = dom_query::Document::from(html);
    doc.select("head, script, style, noscript, template").remove();
    let text =
        doc.select("body").nodes().first().map(|body| body.formatted_text().to_string()).unwrap_or_default();
    text.split("\n\n").map(collapse).filter(|block| !block.is_empty()).collect()
}
