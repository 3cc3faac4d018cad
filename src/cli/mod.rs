//! The command-line application: flags parsed once into a validated config, one file per subcommand.

mod align_pairs;
mod calibrate;
mod cluster;
mod diff;
mod eval;
mod explain;
mod fit_facts;
mod generate;
mod index;
mod ingest;
mod progress;
mod report;

use crate::cluster::{
    ClusterConfig, StorylineConfig, DEFAULT_HEADLINE_SCALE, DEFAULT_STORYLINE_THRESHOLD,
    DEFAULT_STORYLINE_WINDOW_DAYS, DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS,
};
use crate::features::FeatureConfig;
use crate::pipeline::{Clustering, Config};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use progress::Progress;
use std::io::Write;

/// Group news articles from many outlets into stories, and see why.
#[derive(Debug, Parser)]
#[command(name = "storydiff", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads for every stage of the command; default: one per core. Results are the same for any
    /// number.
    #[arg(long, value_name = "N", global = true)]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Group articles into stories and print them as a table (and as JSON, DOT, assignments).
    Cluster(cluster::ClusterArgs),
    /// Write the articles as storydiff reads them, normalised, as JSON Lines.
    Ingest(ingest::IngestArgs),
    /// Explain why two articles are, or are not, in one story.
    Explain(explain::ExplainArgs),
    /// Cluster, then score the stories against a gold `doc_id<TAB>story` file.
    Eval(eval::EvalArgs),
    /// Line up how each outlet phrased the facts of one story: word choices, omissions, quotes.
    Diff(diff::DiffArgs),
    /// Cluster the inputs and write an HTML report: an index of all stories and one diff page per story.
    Report(report::ReportArgs),
    /// A story index that grows day by day: add articles, list what changed, keep story ids stable.
    Index(index::IndexArgs),
    /// Decide for each sentence pair of a file whether both state the same fact (`1` or `0`, tab, score).
    AlignPairs(align_pairs::AlignPairsArgs),
    /// Fit the same-fact model on labelled pairs and report cross-validated accuracy.
    #[command(hide = true)]
    Calibrate(calibrate::CalibrateArgs),
    /// Write a synthetic corpus for scale runs and benchmarks.
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
    /// Fit the fact model on event-coreference gold, cross-validated by topic.
    #[command(hide = true)]
    FitFacts(fit_facts::FitFactsArgs),
}

/// Clustering settings shared by every subcommand that clusters.
#[derive(Debug, Clone, Args)]
pub struct ClusterOptions {
    /// Average similarity (0-1] two groups of articles need to become one story. A pair where either article is
    /// a headline alone is first put on full articles' scale (its similarity times 2.2, at most 1), so one
    /// threshold serves headline feeds and full reports. [default: 0.19]
    // The default is written out (test `help_states_the_default_threshold_and_window` keeps it true) because the
    // flag is an Option: commands that cluster nothing refuse it when given (issue 16).
    #[arg(long, value_name = "SIMILARITY")]
    pub threshold: Option<f32>,
    /// Articles dated further apart than this many days never share a story. [default: 7]
    #[arg(long, value_name = "DAYS", conflicts_with = "no_window")]
    pub window_days: Option<u32>,
    /// Ignore dates: articles any time apart may share a story.
    #[arg(long)]
    pub no_window: bool,
    /// Average name similarity (0-1] two groups of stories need to become one storyline (stories that follow
    /// one event over weeks, linked through the names they share). [default: 0.2]
    #[arg(long, value_name = "SIMILARITY")]
    pub storyline_threshold: Option<f32>,
    /// Stories further apart than this many days (end of one to start of the next) never share a storyline.
    /// [default: 183]
    #[arg(long, value_name = "DAYS")]
    pub storyline_window_days: Option<u32>,
    /// Exit with code 1 when any input record was rejected.
    #[arg(long)]
    pub strict: bool,
    /// Terms kept per article vector (for measurement runs).
    #[arg(long, hide = true)]
    pub salient_terms: Option<usize>,
    /// Terms per event-view MinHash (for measurement runs).
    #[arg(long, hide = true)]
    pub sketch_terms: Option<usize>,
    /// Scale of headline-only similarities against full articles' (for measurement runs).
    #[arg(long, hide = true, default_value_t = DEFAULT_HEADLINE_SCALE)]
    pub headline_scale: f32,
    /// Compare all pairs instead of LSH candidates (quadratic; measures what LSH misses).
    #[arg(long, hide = true)]
    pub exhaustive: bool,
    /// Folder for the temporary file that holds term counts between the two passes over the input (about
    /// 2 KB an article); default: the system's temporary folder ($TMPDIR). Without room there the counts are
    /// kept in memory.
    #[arg(long, value_name = "DIR")]
    pub spill_dir: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub input: InputOptions,
}

/// How input records are read.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InputOptions {
    /// Read PART of each article from the JSON field or CSV/TSV column NAME, such as `--field body=Text`
    /// (repeatable; PART is id, title, body, url, outlet, date or language). Without it the usual names are tried.
    #[arg(long = "field", value_name = "PART=NAME")]
    pub fields: Vec<String>,
    /// Print no rejections, warnings or progress on stderr (they are still counted in the summary and listed
    /// in `--json`).
    #[arg(long)]
    pub quiet: bool,
}

impl InputOptions {
    /// The checked field map.
    pub fn field_map(&self) -> Result<crate::ingest::FieldMap> {
        crate::ingest::FieldMap::parse(&self.fields).map_err(|message| anyhow::anyhow!(message))
    }

    /// Reads the inputs whole (bodies kept), reporting problems as they come: what `diff`, `report --stories`
    /// and `ingest` show. Returns the articles, the duplicates merged and the boilerplate paragraphs dropped.
    pub fn prepare(
        &self,
        paths: &[String],
        typography: crate::normalize::Typography,
    ) -> Result<(crate::ingest::Ingested, usize, usize)> {
        let fields = self.field_map()?;
        check_paths(paths)?;
        let progress = Progress::new(self.quiet);
        let prepared = crate::pipeline::prepare_with(paths, &fields, typography, Some(&progress));
        progress.finish();
        if !self.quiet {
            report_skipped(&prepared.0);
        }
        Ok(prepared)
    }
}

impl ClusterOptions {
    /// Checks the flags and turns them into the pipeline's config.
    pub fn to_config(&self) -> Result<Config> {
        let threshold = self.threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(threshold > 0.0 && threshold <= 1.0) {
            bail!("--threshold must be in (0, 1], got {threshold}");
        }
        let storyline_threshold = self.storyline_threshold.unwrap_or(DEFAULT_STORYLINE_THRESHOLD);
        if !(storyline_threshold > 0.0 && storyline_threshold <= 1.0) {
            bail!("--storyline-threshold must be in (0, 1], got {storyline_threshold}");
        }
        if !(self.headline_scale >= 1.0 && self.headline_scale.is_finite()) {
            bail!("--headline-scale must be at least 1, got {}", self.headline_scale);
        }
        Ok(Config {
            features: FeatureConfig {
                salient_terms: self.salient_terms.unwrap_or(FeatureConfig::default().salient_terms),
                sketch_terms: self.sketch_terms.unwrap_or(FeatureConfig::default().sketch_terms),
            },
            cluster: ClusterConfig {
                threshold,
                window_days: (!self.no_window).then_some(self.window_days.unwrap_or(DEFAULT_WINDOW_DAYS)),
                headline_scale: self.headline_scale,
            },
            storyline: StorylineConfig {
                threshold: storyline_threshold,
                window_days: Some(self.storyline_window_days.unwrap_or(DEFAULT_STORYLINE_WINDOW_DAYS)),
            },
            exhaustive: self.exhaustive,
            fields: self.input.field_map()?,
            spill_dir: self.spill_dir.clone(),
            observer: None,
        })
    }

    /// The stories of `paths`, or of the story index `db` (its own settings, its story ids) when given.
    pub fn cluster_or_open(
        &self,
        paths: &[String],
        db: Option<&std::path::Path>,
    ) -> Result<(Clustering, Config)> {
        let Some(db) = db else { return self.cluster(paths) };
        if !paths.is_empty() {
            bail!("give input paths or --db, not both");
        }
        self.refuse_clustering_flags("with --db: the index's own settings apply")?;
        let index = crate::index::Index::open(db)?;
        let mut config = self.to_config()?;
        config.cluster = index.settings().cluster();
        config.features = index.settings().features();
        let clustering = index.clustering(&config.storyline)?;
        Ok((clustering, config))
    }

    /// Refuses the clustering flags in a command that clusters nothing (`why` says what it does instead), so a
    /// flag the user gave is never silently ignored.
    pub fn refuse_clustering_flags(&self, why: &str) -> Result<()> {
        let given = [
            ("--threshold", self.threshold.is_some()),
            ("--window-days", self.window_days.is_some()),
            ("--no-window", self.no_window),
            ("--storyline-threshold", self.storyline_threshold.is_some()),
            ("--storyline-window-days", self.storyline_window_days.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
            bail!("{flag} does not apply {why}");
        }
        Ok(())
    }

    /// Runs the clustering pipeline with these options on `paths`, reporting problems as they come and, on a
    /// terminal, progress.
    pub fn cluster(&self, paths: &[String]) -> Result<(Clustering, Config)> {
        let mut config = self.to_config()?;
        check_paths(paths)?;
        let progress = std::sync::Arc::new(Progress::new(self.input.quiet));
        config.observer = Some(progress.clone());
        let clustering = crate::pipeline::cluster_paths(paths, &config);
        progress.finish();
        config.observer = None;
        let clustering = clustering?;
        if !self.input.quiet {
            report_skipped(&clustering.ingested);
        }
        Ok((clustering, config))
    }
}

/// What reading passed over, summed up on stderr at the end of reading: WARC records that hold no article by
/// reason, and files of no article format met in folders. (Rejections and warnings were printed as they came.)
pub(crate) fn report_skipped(ingested: &crate::ingest::Ingested) {
    let mut stderr = std::io::stderr().lock();
    if !ingested.skipped_records.is_empty() {
        let mut reasons: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for skipped in &ingested.skipped_records {
            *reasons.entry(skipped.reason.as_str()).or_default() += 1;
        }
        let mut reasons: Vec<(&str, usize)> = reasons.into_iter().collect();
        reasons.sort_by(|lhs, rhs| rhs.1.cmp(&lhs.1).then(lhs.0.cmp(rhs.0)));
        let listed: Vec<String> = reasons.iter().take(5).map(|(reason, n)| format!("{n} {reason}")).collect();
        let more = if reasons.len() > 5 { ", ..." } else { "" };
        let _ = writeln!(
            stderr,
            "storydiff: skipped {} WARC record(s) holding no article: {}{more}",
            ingested.skipped_records.len(),
            listed.join(", ")
        );
    }
    // Tables without article columns (a `gold.tsv` of labels beside the articles) were looked into and judged
    // not to be articles; other skipped files (`.pdf`, `.gz`) are named, since they may hold what the user meant.
    let unread: Vec<&str> = ingested
        .files_skipped
        .iter()
        .map(String::as_str)
        .filter(|f| !crate::ingest::is_table_name(f))
        .collect();
    if !unread.is_empty() {
        let more = if unread.len() > 3 { ", ..." } else { "" };
        let _ = writeln!(
            stderr,
            "storydiff: skipped {} file(s) of no article format in the folders read: {}{more}",
            unread.len(),
            unread[..unread.len().min(3)].join(", ")
        );
    }
}

/// A path named on the command line that cannot be read is the user's error, not a bad record: stop with exit 2.
/// (Unreadable files met inside a folder are rejected records instead, and the run goes on.)
pub(crate) fn check_paths(paths: &[String]) -> Result<()> {
    for path in paths.iter().filter(|p| p.as_str() != "-") {
        std::fs::metadata(path).with_context(|| format!("cannot read {path}"))?;
    }
    Ok(())
}

/// Opens an output file for writing, naming it in the error.
pub(crate) fn create_output(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}

/// Writes one output file through `write`, naming the file in any error.
pub(crate) fn write_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = create_output(path)?;
    write(&mut out).and_then(|_| out.flush()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a whole text file, replacing invalid UTF-8 as ingest does (with a warning naming the file).
pub(crate) fn read_text_lossy(path: &std::path::Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut warnings = Vec::new();
    let text = crate::ingest::decode_utf8(&bytes, &path.display().to_string(), &mut warnings);
    for w in warnings {
        eprintln!("storydiff: warning: {}: {}", w.location, w.message);
    }
    Ok(text)
}

/// Runs the parsed command, writing its main output to `out`. Returns the exit code. With `--threads`, the
/// whole command runs in one pool of that many workers, built once.
pub fn run(cli: Cli, out: &mut (dyn Write + Send)) -> Result<u8> {
    match cli.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(|| run_command(cli.command, out)),
        None => run_command(cli.command, out),
    }
}

fn run_command(command: Command, out: &mut dyn Write) -> Result<u8> {
    match command {
        Command::Cluster(args) => cluster::run(&args, out),
        Command::Ingest(args) => ingest::run(&args, out),
        Command::Explain(args) => explain::run(&args, out),
        Command::Eval(args) => eval::run(&args, out),
        Command::Diff(args) => diff::run(&args, out),
        Command::Report(args) => report::run(&args, out),
        Command::Index(args) => index::run(&args, out),
        Command::AlignPairs(args) => align_pairs::run(&args, out),
        Command::Calibrate(args) => calibrate::run(&args, out),
        Command::Generate(args) => generate::run(&args, out),
        Command::FitFacts(args) => fit_facts::run(&args, out),
    }
}

/// The exit code for a finished clustering under `--strict`.
pub(crate) fn strict_code(options: &ClusterOptions, clustering: &Clustering) -> u8 {
    if options.strict && !clustering.ingested.rejected.is_empty() {
        crate::exit::REJECTED_STRICT
    } else {
        crate::exit::OK
    }
}
