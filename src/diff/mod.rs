//! Diff: within one story, line up the sentences that state the same fact across outlets.

pub mod align;
pub mod calibrate;
pub mod disagree;
mod model;
pub mod quotes;
pub mod same_fact;
pub mod sentences;
pub mod tokens;
pub mod words;
