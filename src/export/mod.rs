//! Machine formats: clusterings as JSON, Graphviz DOT and doc-to-story assignments, story diffs as JSON.

mod assignments;
mod diff_json;
mod dot;
mod json;

pub use assignments::write_assignments;
pub use diff_json::write_diff_json;
pub use dot::{escape_dot, write_dot};
pub use json::{write_json, JsonSettings};
