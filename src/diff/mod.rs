//! Diff: within one story, line up the sentences that state the same fact across outlets.

pub mod align;
pub mod calibrate;
mod model;
pub mod same_fact;
pub mod sentences;
pub mod tokens;
pub mod words;
