//! `storydiff cluster`: the stories as a table, and optionally as JSON, DOT and assignments.

use super::{strict_code, write_file, ClusterOptions};
use crate::display;
use crate::export::{self, JsonSettings};
use crate::pipeline::Level;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Write the stories with members, outlets, edges and scores as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the story graph as Graphviz DOT, one subgraph per story.
    #[arg(long, value_name = "FILE")]
    pub dot: Option<PathBuf>,
    /// Write `doc_id<TAB>story_id` for every input article (the storyline's id with `--level storyline`).
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
    /// The level `--assignments` writes: stories (one event and its days of coverage) or storylines (the
    /// stories that follow one event over weeks).
    #[arg(long, value_enum, default_value_t = Level::Story, requires = "assignments")]
    pub level: Level,
    /// List singletons in the table too.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub options: ClusterOptions,
}

pub fn run(args: &ClusterArgs, out: &mut dyn Write) -> Result<u8> {
    let (clustering, config) = args.options.cluster(&args.paths)?;
    if let Some(path) = &args.json {
        let settings = JsonSettings {
            threshold: config.cluster.threshold,
            window_days: config.cluster.window_days,
            headline_scale: config.cluster.headline_scale,
            salient_terms: config.features.salient_terms,
            sketch_terms: config.features.sketch_terms,
            storyline_threshold: config.storyline.threshold,
            storyline_window_days: config.storyline.window_days,
        };
        write_file(path, |w| export::write_json(&clustering, &settings, w))?;
    }
    if let Some(path) = &args.dot {
        write_file(path, |w| export::write_dot(&clustering, w))?;
    }
    if let Some(path) = &args.assignments {
        write_file(path, |w| export::write_assignments(&clustering, args.level, w))?;
    }
    display::write_table(&clustering, out, args.all)?;
    Ok(strict_code(&args.options, &clustering))
}
