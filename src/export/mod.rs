//! Writing clusterings out: a terminal table, JSON, Graphviz DOT, and doc-to-story assignments.

mod assignments;
mod diff_html;
mod diff_json;
mod diff_text;
mod dot;
mod json;
mod report_html;
mod table;

pub use assignments::write_assignments;
pub use diff_html::write_diff_html;
pub use diff_json::write_diff_json;
pub use diff_text::{article_labels, write_diff_text, TextSettings};
pub use dot::{escape_dot, write_dot};
pub use json::{write_json, JsonSettings};
pub use report_html::{story_headline, write_index_html, IndexEntry};
pub use table::{date_span, languages_of, outlets_of, write_summary, write_table};
