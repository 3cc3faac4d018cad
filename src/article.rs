//! The article record that flows through the pipeline, and where each one came from.

use chrono::NaiveDate;
use serde::Serialize;

/// Where an input record came from: a file, and a line or record number inside it when the file holds many.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SourceLocation {
    pub path: String,
    /// 1-based line (JSONL) or record (JSON array) number; `None` for one-article files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            Some(record) => write!(f, "{}:{}", self.path, record),
            None => write!(f, "{}", self.path),
        }
    }
}

/// One news article as read from the input, before and after normalisation.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// The input's id field, else the file path as given (with `:line` for multi-record files).
    pub doc_id: String,
    /// Ids of exact duplicates merged into this article (the article's own id not included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicate_ids: Vec<String>,
    #[serde(skip)]
    pub source: SourceLocation,
    /// Where the record starts in its file, for records read from JSON Lines files: the body is read again
    /// from there when it is needed after clustering dropped it.
    #[serde(skip)]
    pub byte_offset: Option<u64>,
    /// True once the body has been dropped to save memory (`paragraphs` is then empty); see
    /// [`crate::pipeline::load_bodies`].
    #[serde(skip)]
    pub body_dropped: bool,
    /// Set when the body is dropped: whether there was none (a headline-only record).
    #[serde(skip)]
    pub had_no_body: bool,
    /// The opening of the body, kept for [`Article::headline`] when the body is dropped and there is no title.
    #[serde(skip)]
    pub excerpt: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    /// The language the text is written in (ISO 639-1 where there is one): as the input named it, then as
    /// detected when the article is normalised (see `features::language::detect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Paragraphs, in order. Normalisation rewrites them in place.
    pub paragraphs: Vec<String>,
    /// Integer lines of the seed layout, kept in order; their meaning is not documented upstream.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numeric_metadata: Vec<i64>,
    /// Input fields storydiff does not interpret, passed through untouched (never used as features).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Article {
    pub fn new(doc_id: String, source: SourceLocation) -> Self {
        Article {
            doc_id,
            duplicate_ids: Vec::new(),
            source,
            byte_offset: None,
            body_dropped: false,
            had_no_body: false,
            excerpt: None,
            url: None,
            outlet: None,
            title: None,
            date: None,
            language: None,
            paragraphs: Vec::new(),
            numeric_metadata: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    /// The body as one string, paragraphs separated by a blank line.
    pub fn body(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// Drops the body to save memory, keeping what [`Article::headline`] needs. Articles read from stdin keep
    /// theirs: they cannot be read again.
    pub fn drop_body(&mut self) {
        if self.source.path == "-" || self.body_dropped {
            return;
        }
        if self.title.is_none() {
            self.excerpt = self.paragraphs.first().map(|p| p.chars().take(EXCERPT_CHARS).collect());
        }
        self.had_no_body = self.paragraphs.is_empty();
        self.paragraphs = Vec::new();
        self.body_dropped = true;
    }

    /// A title with no body, as in headline exports (UCI News Aggregator, RSS titles).
    pub fn is_headline_only(&self) -> bool {
        if self.body_dropped {
            self.had_no_body
        } else {
            self.paragraphs.is_empty()
        }
    }

    /// Every input id this article stands for: its own, then the merged duplicates.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.doc_id.as_str()).chain(self.duplicate_ids.iter().map(String::as_str))
    }

    /// The outlet to show: the known one, else `unknown`.
    pub fn outlet_or_unknown(&self) -> &str {
        self.outlet.as_deref().unwrap_or("unknown")
    }
}

/// Characters of the body kept for a headline when the body is dropped (see
/// `diff::sentences::display_headline`): a dateline and a lead sentence's first 90.
const EXCERPT_CHARS: usize = 200;

/// An input record that could not become an article, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rejected {
    pub location: String,
    pub reason: String,
}

/// A problem worth telling the user that did not cost an article.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub location: String,
    pub message: String,
}
