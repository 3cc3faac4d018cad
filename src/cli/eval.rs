//! `storydiff eval`: cluster, then score against gold assignments as the reference scorer does.

use super::{strict_code, write_file, ClusterOptions};
use crate::eval::{read_assignments, score};
use crate::pipeline::Level;
use anyhow::{Context, Result};
use clap::Args;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold stories: `doc_id<TAB>story` per line.
    #[arg(long, value_name = "GOLD.tsv")]
    pub gold: PathBuf,
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Also write the predicted `doc_id<TAB>story_id` assignments (at the level scored).
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
    /// Score stories (one event and its days of coverage) or storylines (the stories that follow one event over
    /// weeks) against the gold file.
    #[arg(long, value_enum, default_value_t = Level::Story)]
    pub level: Level,
    /// Print the scores as one line of JSON, like the reference scorer.
    #[arg(long)]
    pub json: bool,
    /// Write every verified candidate edge with its features and gold label, as TSV (for fitting a same-story
    /// model; measurement runs only).
    #[arg(long, hide = true, value_name = "FILE")]
    pub dump_edges: Option<PathBuf>,
    #[command(flatten)]
    pub options: ClusterOptions,
}

pub fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<u8> {
    let gold_text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("cannot read {}", args.gold.display()))?;
    let gold = read_assignments(&args.gold.display().to_string(), &gold_text)?;
    let (clustering, _) = args.options.cluster(&args.paths)?;
    let mut predicted: HashMap<String, String> = HashMap::new();
    for (index, article) in clustering.articles().iter().enumerate() {
        let label = clustering.label(index, args.level);
        for id in article.all_ids() {
            predicted.insert(id.to_string(), label.to_string());
        }
    }
    if let Some(path) = &args.assignments {
        write_file(path, |w| crate::export::write_assignments(&clustering, args.level, w))?;
    }
    if let Some(path) = &args.dump_edges {
        write_file(path, |w| dump_edges(&clustering, &gold, w))?;
    }
    let (scores, extra) = score(&gold, &predicted);
    if extra > 0 {
        eprintln!("storydiff: warning: {extra} article(s) not in the gold file are ignored");
    }
    let missing = gold.iter().filter(|(d, _)| !predicted.contains_key(d)).count();
    if missing > 0 {
        eprintln!("storydiff: warning: {missing} gold document(s) not among the clustered articles count as singletons");
    }
    let (found, total) = candidate_recall(&clustering, &gold);
    if args.json {
        serde_json::to_writer(&mut *out, &scores)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "documents      {} (gold stories {}, predicted {})",
            scores.n_docs, scores.n_gold_clusters, scores.n_pred_clusters
        )?;
        writeln!(
            out,
            "B-cubed        P {:.4}  R {:.4}  F1 {:.4}",
            scores.bcubed_precision, scores.bcubed_recall, scores.bcubed_f1
        )?;
        writeln!(
            out,
            "pairwise       P {:.4}  R {:.4}  F1 {:.4}",
            scores.pairwise_precision, scores.pairwise_recall, scores.pairwise_f1
        )?;
        writeln!(out, "ARI            {:.4}", scores.ari)?;
        writeln!(out, "NMI            {:.4}", scores.nmi)?;
        if total > 0 {
            writeln!(
                out,
                "candidates     recall {:.4} ({found} of {total} same-story pairs compared; {} candidate pairs in all, from LSH and two-hop expansion)",
                found as f64 / total as f64,
                clustering.candidate_pairs.len()
            )?;
        }
    }
    Ok(strict_code(&args.options, &clustering))
}

/// How many pairs of articles the gold file puts in one story were proposed by the candidate search: the
/// ceiling on what verification and linkage can recover.
fn candidate_recall(clustering: &crate::pipeline::Clustering, gold: &[(String, String)]) -> (usize, usize) {
    let index: HashMap<&str, u32> = clustering
        .articles()
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.all_ids().map(move |id| (id, i as u32)))
        .collect();
    let mut by_story: HashMap<&str, Vec<u32>> = HashMap::new();
    for (doc, story) in gold {
        if let Some(&i) = index.get(doc.as_str()) {
            by_story.entry(story).or_default().push(i);
        }
    }
    let (mut found, mut total) = (0, 0);
    for members in by_story.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if a == b {
                    continue;
                }
                total += 1;
                if clustering.candidate_pairs.binary_search(&(a.min(b), a.max(b))).is_ok() {
                    found += 1;
                }
            }
        }
    }
    (found, total)
}

/// Every edge of the story graph whose two articles are both in the gold file: ids, whether gold puts them in
/// one story, and what verification measured of the pair.
fn dump_edges(
    clustering: &crate::pipeline::Clustering,
    gold: &[(String, String)],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let gold: HashMap<&str, &str> = gold.iter().map(|(d, s)| (d.as_str(), s.as_str())).collect();
    writeln!(
        w,
        "lhs\trhs\tsame_story\tscore\tcosine\tcontainment\tshared_terms\tlhs_terms\trhs_terms\tlhs_headline_only\trhs_headline_only\tdays_apart"
    )?;
    let articles = clustering.articles();
    for edge in clustering.graph.edges() {
        let (lhs, rhs) = (edge.lhs as usize, edge.rhs as usize);
        let (Some(lhs_story), Some(rhs_story)) =
            (gold.get(articles[lhs].doc_id.as_str()), gold.get(articles[rhs].doc_id.as_str()))
        else {
            continue;
        };
        let (a, b) = (&clustering.features[lhs], &clustering.features[rhs]);
        let days = match (a.date, b.date) {
            (Some(x), Some(y)) => (x - y).num_days().abs().to_string(),
            _ => String::new(),
        };
        writeln!(
            w,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            articles[lhs].doc_id,
            articles[rhs].doc_id,
            u8::from(lhs_story == rhs_story),
            edge.score,
            edge.cosine,
            edge.containment,
            edge.shared_terms,
            a.vector.len(),
            b.vector.len(),
            u8::from(a.headline_only),
            u8::from(b.headline_only),
            days
        )?;
    }
    Ok(())
}
