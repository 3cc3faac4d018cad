//! `storydiff generate` (hidden): a synthetic corpus for scale runs and benchmarks.

use crate::synth::{write_corpus, SynthConfig};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Articles to write.
    #[arg(long, default_value_t = 10_000)]
    pub articles: usize,
    /// Events they report (default: one per 8 articles).
    #[arg(long)]
    pub events: Option<usize>,
    /// Outlets reporting them.
    #[arg(long, default_value_t = 40)]
    pub outlets: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the JSON Lines corpus.
    #[arg(short, long, value_name = "FILE.jsonl")]
    pub output: PathBuf,
    /// Also write the gold stories, `doc_id<TAB>event`.
    #[arg(long, value_name = "FILE.tsv")]
    pub gold: Option<PathBuf>,
}

pub fn run(args: &GenerateArgs, out: &mut dyn Write) -> Result<u8> {
    if args.articles == 0 || args.outlets == 0 {
        bail!("--articles and --outlets must be at least 1");
    }
    let config = SynthConfig {
        articles: args.articles,
        events: args.events.unwrap_or((args.articles / 8).max(1)),
        outlets: args.outlets,
        seed: args.seed,
    };
    let mut corpus = super::create_output(&args.output)?;
    let mut gold = args.gold.as_deref().map(super::create_output).transpose()?;
    write_corpus(&config, &mut corpus, gold.as_mut().map(|g| g as &mut dyn Write))
        .and_then(|_| corpus.flush())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if let (Some(g), Some(path)) = (gold.as_mut(), &args.gold) {
        g.flush().with_context(|| format!("cannot write {}", path.display()))?;
    }
    writeln!(
        out,
        "wrote {} articles about {} events from {} outlets to {}",
        config.articles,
        config.events,
        config.outlets,
        args.output.display()
    )?;
    Ok(crate::exit::OK)
}
