//! `doc_id<TAB>story_id` for every input article, the format the reference scorer reads.

use crate::pipeline::Clustering;
use std::io::{self, Write};

/// One line per input id, merged duplicates included, in article order.
pub fn write_assignments(clustering: &Clustering, out: &mut dyn Write) -> io::Result<()> {
    for (index, article) in clustering.articles().iter().enumerate() {
        let story = &clustering.stories[clustering.story_of[index]];
        for id in article.all_ids() {
            writeln!(out, "{}\t{}", id.replace(['\t', '\n', '\r'], " "), story.id)?;
        }
    }
    Ok(())
}
