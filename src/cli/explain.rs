//! `storydiff explain`: the evidence for or against two articles sharing a story.

use super::ClusterOptions;
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Input paths, then the two article ids (as in `--assignments`: the id field, else the file path).
    #[arg(required = true, num_args = 2.., value_name = "PATH... ID_A ID_B")]
    pub args: Vec<String>,
    /// Read the articles from this story index (`storydiff index add`) instead of input paths: then give only
    /// the two ids.
    #[arg(long, value_name = "FILE")]
    pub db: Option<std::path::PathBuf>,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub options: ClusterOptions,
}

pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> Result<u8> {
    let (paths, ids) = args.args.split_at(args.args.len() - 2);
    if paths.is_empty() && args.db.is_none() {
        bail!("give the input paths before the two ids, or --db FILE");
    }
    let (clustering, config) = args.options.cluster_or_open(paths, args.db.as_deref())?;
    let find = |id: &str| {
        clustering.find_article(id).ok_or_else(|| anyhow::anyhow!("no article with id {id:?} in the inputs"))
    };
    let (lhs, rhs) = (find(&ids[0])?, find(&ids[1])?);
    if lhs == rhs {
        bail!("{:?} and {:?} are the same article (exact duplicates are merged)", ids[0], ids[1]);
    }
    let explanation = crate::explain::explain(&clustering, lhs, rhs, &config.cluster, &config.storyline);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &explanation)?;
        writeln!(out)?;
    } else {
        crate::explain::write_explanation(&clustering, &explanation, out)?;
    }
    Ok(crate::exit::OK)
}
