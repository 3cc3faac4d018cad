//! Writing clusterings out: a terminal table, JSON, Graphviz DOT, and doc-to-story assignments.

mod assignments;
mod dot;
mod json;
mod table;

pub use assignments::write_assignments;
pub use dot::{escape_dot, write_dot};
pub use json::{write_json, JsonSettings};
pub use table::{date_span, outlets_of, write_summary, write_table};
