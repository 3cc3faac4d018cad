//! `storydiff diff`: how each outlet told one story, fact by fact.

use super::{write_file, ClusterOptions};
use crate::diff::fact_model::FactModel;
use crate::diff::{diff_story_with, StoryDiff};
use crate::display::{write_diff_html, write_diff_text, TextSettings};
use crate::export::write_diff_json;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        }
    }
}

/// The terminal's width, or `--width`, or 100 when output is not a terminal.
pub fn output_width(requested: Option<usize>) -> usize {
    requested.or_else(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize)).unwrap_or(100).max(40)
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required_unless_present = "db", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Read the story from this story index (`storydiff index add`) instead of input files; needs `--story`.
    #[arg(long, value_name = "FILE", requires = "story")]
    pub db: Option<PathBuf>,
    /// Cluster the inputs and diff this story (an id from `storydiff cluster`, like S3). Without it, all the given
    /// articles are diffed as one story.
    #[arg(long, value_name = "ID")]
    pub story: Option<String>,
    /// Also write the diff as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the diff as a self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Columns to lay the terminal output out in (default: the terminal's width).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,
    /// Colour the terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Line up facts with this fact model (JSON from `storydiff fit-facts`) instead of the shipped one; for
    /// measuring a model on topics it was not fitted on.
    #[arg(long, value_name = "FILE", hide = true)]
    pub fact_model: Option<PathBuf>,
    #[command(flatten)]
    pub options: ClusterOptions,
}

pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<u8> {
    let model = match &args.fact_model {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            FactModel::from_json(&text).with_context(|| format!("{}", path.display()))?
        }
        None => FactModel::shipped().clone(),
    };
    let rejected;
    let diff = match &args.story {
        Some(id) => {
            let (clustering, _) = args.options.cluster_or_open(&args.paths, args.db.as_deref())?;
            let Some(story) = clustering.stories.iter().find(|s| &s.id == id) else {
                bail!("no story {id:?} among the {} stories of the inputs", clustering.stories.len());
            };
            rejected = clustering.ingested.rejected.len();
            let members = story
                .members
                .iter()
                .map(|&m| clustering.with_body(m))
                .collect::<Result<Vec<_>, String>>()
                .map_err(|message| anyhow::anyhow!("cannot read the article again: {message}"))?;
            diff_story_with(&members.iter().collect::<Vec<_>>(), &model)
        }
        None => {
            args.options.refuse_clustering_flags(
                "without --story: the given articles are diffed as one story, unclustered",
            )?;
            let (ingested, _, _) =
                args.options.input.prepare(&args.paths, crate::normalize::Typography::Fold)?;
            rejected = ingested.rejected.len();
            if ingested.articles.is_empty() {
                bail!("no readable articles in the inputs");
            }
            let members: Vec<&crate::article::Article> = ingested.articles.iter().collect();
            diff_story_with(&members, &model)
        }
    };
    write_outputs(&diff, args, out)?;
    Ok(if args.options.strict && rejected > 0 { crate::exit::REJECTED_STRICT } else { crate::exit::OK })
}

fn write_outputs(diff: &StoryDiff, args: &DiffArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(path) = &args.json {
        write_file(path, |w| write_diff_json(diff, w))?;
    }
    if let Some(path) = &args.html {
        write_file(path, |w| write_diff_html(diff, None, w))?;
    }
    let settings = TextSettings { width: output_width(args.width), color: args.color.enabled() };
    write_diff_text(diff, settings, out)?;
    Ok(())
}
