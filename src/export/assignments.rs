//! `doc_id<TAB>story_id` (or storyline id) for every input article, the format the reference scorer reads.

use crate::pipeline::{Clustering, Level};
use std::io::{self, Write};

/// One line per input id, merged duplicates included, in article order, with its story's or storyline's id.
pub fn write_assignments(clustering: &Clustering, level: Level, out: &mut dyn Write) -> io::Result<()> {
    for (index, article) in clustering.articles().iter().enumerate() {
        let label = clustering.label(index, level);
        for id in article.all_ids() {
            writeln!(out, "{}\t{}", id.replace(['\t', '\n', '\r'], " "), label)?;
        }
    }
    Ok(())
}
