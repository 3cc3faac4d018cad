//! `storydiff calibrate` (hidden): fit the same-fact model on labelled pairs and cross-validate it.

use crate::diff::calibrate::{cross_validate, features_of, fit, model_source, prepare, read_pairs};
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Labelled pairs (MSRP layout: label first, the two sentences last).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Folds for cross-validation.
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
    /// Write the model fitted on all pairs as Rust source here (src/diff/model.rs).
    #[arg(long, value_name = "FILE")]
    pub write_model: Option<PathBuf>,
}

pub fn run(args: &CalibrateArgs, out: &mut dyn Write) -> Result<u8> {
    let text = super::read_text_lossy(&args.file)?;
    let (pairs, errors) = read_pairs(&text);
    let pairs: Vec<_> = pairs.into_iter().filter(|p| p.label.is_some()).collect();
    if pairs.is_empty() || args.folds < 2 {
        bail!("{}: no labelled pairs (or fewer than 2 folds)", args.file.display());
    }
    let labels: Vec<bool> = pairs.iter().map(|p| p.label == Some(true)).collect();
    let (tokenised, idf) = prepare(&pairs);
    let features = features_of(&tokenised, &idf);
    let cv = cross_validate(&features, &labels, args.folds);
    let positives = labels.iter().filter(|l| **l).count() as f64 / labels.len() as f64;
    writeln!(
        out,
        "pairs {} (skipped lines {}), same-fact share {positives:.3}\n{}-fold CV: accuracy {:.4} precision {:.4} recall {:.4} F1 {:.4}",
        cv.pairs,
        errors.len(),
        args.folds,
        cv.accuracy,
        cv.precision,
        cv.recall,
        cv.f1
    )?;
    if let Some(path) = &args.write_model {
        let model = fit(&features, &labels);
        let provenance = format!(
            "Fitted by `storydiff calibrate --write-model src/diff/model.rs {}` on {} pairs; {}-fold CV accuracy {:.4}, F1 {:.4}.",
            args.file.display(),
            cv.pairs,
            args.folds,
            cv.accuracy,
            cv.f1
        );
        super::write_file(path, |w| w.write_all(model_source(&model, &provenance).as_bytes()))?;
    }
    Ok(crate::exit::OK)
}
