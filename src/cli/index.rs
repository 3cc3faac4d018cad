//! `storydiff index`: a story index that grows batch by batch, with stable story ids.

use super::InputOptions;
use crate::index::{self, AddOptions, Index, IndexError, Settings};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Add articles to the index (creating it): each joins a story or starts one; story ids stay as they were.
    Add(AddArgs),
    /// Take articles out of the index by id (takedowns, corrections); their stories are linked again.
    Remove(RemoveArgs),
    /// List the stories new or changed since a time of adding, newest first.
    Stories(StoriesArgs),
    /// Print `doc_id<TAB>story_id` for every article of the index, as `cluster --assignments` writes it.
    Assignments(AssignmentsArgs),
    /// Print the index's log: stories started, grown, merged and split, and articles corrected or removed.
    Log(LogArgs),
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The index file (SQLite).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
}

#[derive(Debug, Args)]
pub struct AssignmentsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// What to print for each article: its story id, or its storyline id (`L12`).
    #[arg(long, value_enum, default_value_t = crate::pipeline::Level::Story)]
    pub level: crate::pipeline::Level,
}

/// How a command that changes the index records and waits.
#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Record the batch at this time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`), for loading past days in order;
    /// default: now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Seconds to wait for another process writing to the index before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Joining threshold, fixed when the index is created (see `storydiff cluster --help`); an add that gives
    /// another one is refused. [default: 0.19, or the index's]
    #[arg(long, value_name = "SIMILARITY")]
    pub threshold: Option<f32>,
    /// Date window in days, fixed when the index is created. [default: 7, or the index's]
    #[arg(long, value_name = "DAYS", conflicts_with = "no_window")]
    pub window_days: Option<u32>,
    /// Ignore dates (fixed when the index is created).
    #[arg(long)]
    pub no_window: bool,
    /// Scale of headline-only similarities (for measurement runs).
    #[arg(long, hide = true)]
    pub headline_scale: Option<f32>,
    #[command(flatten)]
    pub write: WriteArgs,
    /// Exit with code 1 when any input record was rejected.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub input: InputOptions,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Ids of the articles to take out.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct StoriesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only stories whose articles changed at or after this time of adding (`YYYY-MM-DD` or an RFC 3339 time).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// List singletons too.
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Show these stories only (ids such as S12; a merged-away id shows the story it resolves to).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only batches added at or after this time.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Print JSON Lines instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &IndexArgs, out: &mut dyn Write) -> Result<u8> {
    match &args.command {
        IndexCommand::Add(args) => add(args, out),
        IndexCommand::Remove(args) => remove(args, out),
        IndexCommand::Stories(args) => stories(args, out),
        IndexCommand::Assignments(args) => {
            let index = Index::open(&args.db.db)?;
            index.write_assignments(args.level == crate::pipeline::Level::Storyline, out)??;
            Ok(crate::exit::OK)
        }
        IndexCommand::Log(args) => log(args, out),
    }
}

fn time_or_now(at: Option<&str>) -> Result<String> {
    match at {
        Some(text) => index::parse_time(text).map_err(|message| anyhow::anyhow!("--at: {message}")),
        None => Ok(index::now()),
    }
}

/// The settings of this add: the index's own, or the defaults for a new index, with the flags given over them.
fn wanted_settings(args: &AddArgs, base: &Settings) -> Result<Settings> {
    let mut settings = base.clone();
    if let Some(threshold) = args.threshold {
        if !(threshold > 0.0 && threshold <= 1.0) {
            bail!("--threshold must be in (0, 1], got {threshold}");
        }
        settings.threshold = threshold;
    }
    if args.no_window {
        settings.window_days = None;
    } else if let Some(days) = args.window_days {
        settings.window_days = Some(days);
    }
    if let Some(scale) = args.headline_scale {
        if !(scale >= 1.0 && scale.is_finite()) {
            bail!("--headline-scale must be at least 1, got {scale}");
        }
        settings.headline_scale = scale;
    }
    Ok(settings)
}

fn open_for_add(args: &AddArgs) -> Result<Index> {
    let wait = Duration::from_secs(args.write.wait);
    let path: &Path = &args.db.db;
    let exists = std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
    if exists {
        let index = Index::open_existing_for_writing(path, wait)?;
        let wanted = wanted_settings(args, index.settings())?;
        let differences = index.settings().differences(&wanted);
        if !differences.is_empty() {
            return Err(IndexError::SettingsDiffer { path: path.display().to_string(), differences }.into());
        }
        Ok(index)
    } else {
        let defaults = Settings::of(&Default::default(), &Default::default());
        let wanted = wanted_settings(args, &defaults)?;
        Ok(Index::open_for_writing(path, &wanted, wait)?)
    }
}

fn add(args: &AddArgs, out: &mut dyn Write) -> Result<u8> {
    let at = time_or_now(args.write.at.as_deref())?;
    let mut index = open_for_add(args)?;
    let (ingested, _, _) = args.input.prepare(&args.paths, crate::normalize::Typography::Fold)?;
    let strict_failed = args.strict && !ingested.rejected.is_empty();
    let options = AddOptions { at, inputs: args.paths.clone() };
    let account = index.add(ingested, &options).with_context(|| "the batch was not added".to_string())?;
    writeln!(out, "{}", account.summary())?;
    Ok(if strict_failed { crate::exit::REJECTED_STRICT } else { crate::exit::OK })
}

fn remove(args: &RemoveArgs, out: &mut dyn Write) -> Result<u8> {
    let at = time_or_now(args.write.at.as_deref())?;
    let mut index = Index::open_existing_for_writing(&args.db.db, Duration::from_secs(args.write.wait))?;
    let options = AddOptions { at, inputs: Vec::new() };
    let account = index.remove(&args.ids, &options)?;
    writeln!(out, "{}", account.summary())?;
    Ok(crate::exit::OK)
}

fn parse_story_id(text: &str) -> Result<i64> {
    text.strip_prefix('S')
        .unwrap_or(text)
        .parse()
        .map_err(|_| anyhow::anyhow!("{text:?} is not a story id (like S12)"))
}

/// `--since` in the index's form of a time.
fn parse_since(text: Option<&str>) -> Result<Option<String>> {
    text.map(index::parse_time).transpose().map_err(|m| anyhow::anyhow!("--since: {m}"))
}

fn stories(args: &StoriesArgs, out: &mut dyn Write) -> Result<u8> {
    let index = Index::open(&args.db.db)?;
    let since = parse_since(args.since.as_deref())?;
    let listings = if args.ids.is_empty() {
        index.stories(since.as_deref(), if args.all { 1 } else { 2 })?
    } else {
        let mut found = Vec::new();
        for text in &args.ids {
            let asked = parse_story_id(text)?;
            let Some(id) = index.resolve(asked)? else {
                bail!("no story {text} in {}", args.db.db.display())
            };
            if id != asked {
                eprintln!(
                    "storydiff: {} was merged into {}",
                    index::story_name(asked),
                    index::story_name(id)
                );
            }
            found.extend(index.story(id)?);
        }
        found
    };
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &listings)?;
        writeln!(out)?;
        return Ok(crate::exit::OK);
    }
    for story in &listings {
        let dates = match (&story.first_date, &story.last_date) {
            (Some(first), Some(last)) if first == last => first.clone(),
            (Some(first), Some(last)) => format!("{first}..{last}"),
            _ => "-".into(),
        };
        writeln!(
            out,
            "{}\t{}\t{} articles\t{}\t{}\tchanged {}\t{}",
            story.id,
            story.storyline.as_deref().unwrap_or("-"),
            story.articles,
            dates,
            story.outlets.join(", "),
            story.changed,
            story.headline
        )?;
    }
    Ok(crate::exit::OK)
}

fn log(args: &LogArgs, out: &mut dyn Write) -> Result<u8> {
    let index = Index::open(&args.db.db)?;
    let since = parse_since(args.since.as_deref())?;
    for entry in index.log(since.as_deref())? {
        if args.json {
            serde_json::to_writer(&mut *out, &entry)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{entry}")?;
        }
    }
    Ok(crate::exit::OK)
}
