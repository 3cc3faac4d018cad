//! `storydiff align-pairs`: the same-fact decision and score for each sentence pair of a file.

use crate::diff::calibrate::{prepare, read_pairs};
use crate::diff::same_fact::{pair_features, Model};
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AlignPairsArgs {
    /// Tab-separated pairs: the last two columns are the sentences; the first line is a header and skipped.
    /// Writes `1` (same fact) or `0`, a tab, and the score, one line per pair.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(args: &AlignPairsArgs, out: &mut dyn Write) -> Result<u8> {
    let text = super::read_text_lossy(&args.file)?;
    let (pairs, errors) = read_pairs(&text);
    for error in &errors {
        eprintln!("storydiff: skipped {}: {error}", args.file.display());
    }
    let (tokenised, idf) = prepare(&pairs);
    let model = Model::fitted();
    for (lhs, rhs) in &tokenised {
        let score = model.score(&pair_features(lhs, rhs, &idf));
        writeln!(out, "{}\t{score:.4}", u8::from(score >= model.threshold))
            .context("cannot write the scores")?;
    }
    Ok(crate::exit::OK)
}
