//! storydiff: group news articles from many outlets into stories and show how each outlet told them.
//!
//! The pipeline, one module per stage: [`ingest`] -> [`normalize`] -> [`features`] -> [`sketch`] ->
//! [`cluster`] -> [`export`]; [`pipeline`] runs them in order, [`cli`] is the command-line application.

pub mod article;
pub mod cli;
pub mod cluster;
pub mod diff;
pub mod display;
pub mod eval;
pub mod exit;
pub mod explain;
pub mod export;
pub mod features;
pub mod index;
pub mod ingest;
pub mod normalize;
pub mod pipeline;
pub mod sketch;
pub mod synth;
pub mod text;
