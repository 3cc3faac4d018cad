//! `storydiff fit-facts` (hidden): fit the fact model on event-coreference gold, cross-validated by topic.

use crate::diff::fit::{cross_validate, examples, fit, fold_of, topic_of, Gold, RowThresholds};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct FitFactsArgs {
    /// Articles as JSON Lines with their gold story in `cluster_id` (ECB+ ids: the topic before the `_`).
    #[arg(value_name = "DOCS")]
    pub docs: PathBuf,
    /// The alignment gold folder: sentences.jsonl and pairs.tsv.
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,
    /// Topics are split into this many folds (topic t in fold t mod K).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Fit without the topics of this fold, so the model can be scored on them.
    #[arg(long, value_name = "FOLD")]
    pub holdout_fold: Option<usize>,
    /// The mean pair probability at which sentence groups merge into one fact row, stored in the model.
    #[arg(long, default_value_t = RowThresholds::default().link)]
    pub link_threshold: f64,
    /// The mean pair probability the later passes over whole rows ask for (a second sentence attached, rows of
    /// one fact merged, a sentence left alone joined), stored in the model.
    #[arg(long, default_value_t = RowThresholds::default().late)]
    pub late_link_threshold: f64,
    /// Write the fitted model here as JSON (`diff --fact-model` reads it; src/diff/fact_model.json ships).
    #[arg(long, value_name = "FILE")]
    pub write_model: Option<PathBuf>,
    /// Write every example as a TSV row for study outside storydiff: topic, label, features, then the context
    /// (stories first, then topics diffed whole), each sentence's doc id and number, and the two texts.
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
}

pub fn run(args: &FitFactsArgs, out: &mut dyn Write) -> Result<u8> {
    if args.folds < 2 || args.holdout_fold.is_some_and(|f| f >= args.folds) {
        bail!("--folds must be at least 2 and --holdout-fold below it");
    }
    let text = super::read_text_lossy(&args.docs)?;
    let mut story_of: HashMap<String, String> = HashMap::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", args.docs.display(), index + 1))?;
        if let (Some(id), Some(story)) = (record["doc_id"].as_str(), record["cluster_id"].as_str()) {
            story_of.insert(id.to_string(), story.to_string());
        }
    }
    let gold = Gold::read(&args.gold)?;
    let paths = [args.docs.display().to_string()];
    let (ingested, _, _) = crate::pipeline::prepare(&paths, &crate::ingest::FieldMap::default());
    let examples = examples(&ingested.articles, &story_of, &gold);
    if let Some(path) = &args.dump {
        super::write_file(path, |w| {
            writeln!(
                w,
                "topic\tlabel\t{}\tcontext\tlhs_doc\tlhs_sentence\trhs_doc\trhs_sentence\tlhs_text\trhs_text",
                crate::diff::facts::FACT_FEATURE_NAMES.join("\t")
            )?;
            for (i, ((f, l), t)) in
                examples.features.iter().zip(&examples.labels).zip(&examples.topics).enumerate()
            {
                let values: Vec<String> = f.iter().map(|v| format!("{v:.5}")).collect();
                let context = &examples.contexts[examples.context[i]];
                let (lhs, rhs) = examples.pairs[i];
                let text = |u: crate::diff::facts::Unit| {
                    context.split[u.article].sentences[u.sentence].text.replace(['\t', '\n'], " ")
                };
                writeln!(
                    w,
                    "{t}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    u8::from(*l),
                    values.join("\t"),
                    examples.context[i],
                    context.articles[lhs.article].doc_id,
                    lhs.sentence,
                    context.articles[rhs.article].doc_id,
                    rhs.sentence,
                    text(lhs),
                    text(rhs)
                )?;
            }
            Ok(())
        })?;
    }
    // A fit without one fold's topics is itself part of a cross-validation run (scripts/eval_diff_cv.sh).
    let cv = if args.holdout_fold.is_some() { None } else { Some(cross_validate(&examples, args.folds)) };
    if let Some(cv) = &cv {
        writeln!(
            out,
            "pairs {} (same event {}); {}-fold by topic: accuracy {:.4}, average precision {:.4} \
             (pair stage alone {:.4})",
            cv.pairs,
            cv.positives,
            args.folds,
            cv.accuracy,
            cv.average_precision,
            cv.pair_stage_average_precision
        )?;
        for (kind, scores) in ["single stories", "topics diffed whole"].iter().zip(&cv.by_context) {
            writeln!(
                out,
                "  pairs seen in {kind}: {}, average precision {:.4} (pair stage alone {:.4})",
                scores.pairs, scores.average_precision, scores.pair_stage_average_precision
            )?;
        }
    }
    if let Some(path) = &args.write_model {
        let folds = args.folds;
        let holdout = args.holdout_fold;
        let keep = |topic: &str| holdout.is_none_or(|f| fold_of(topic, folds) != f);
        let mut topics: Vec<&str> = story_of.values().map(|s| topic_of(s)).filter(|t| keep(t)).collect();
        topics.sort_by_key(|t| (t.parse::<usize>().unwrap_or(usize::MAX), t.to_string()));
        topics.dedup();
        let scores = cv.map_or(String::new(), |cv| {
            format!(
                "; pairs cross-validated by topic ({folds} folds): accuracy {:.4}, average precision {:.4}",
                cv.accuracy, cv.average_precision
            )
        });
        let provenance = format!(
            "storydiff fit-facts {} --gold {}{} --link-threshold {} --late-link-threshold {}: topics {}{scores}",
            args.docs.display(),
            args.gold.display(),
            holdout.map(|f| format!(" --folds {folds} --holdout-fold {f}")).unwrap_or_default(),
            args.link_threshold,
            args.late_link_threshold,
            topics.join(","),
        );
        let thresholds = RowThresholds { link: args.link_threshold, late: args.late_link_threshold };
        let model = fit(&examples, keep, thresholds, provenance);
        super::write_file(path, |w| {
            serde_json::to_writer_pretty(&mut *w, &model)?;
            writeln!(w)
        })?;
    }
    Ok(crate::exit::OK)
}
