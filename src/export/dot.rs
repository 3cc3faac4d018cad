//! The story graph as Graphviz DOT: one subgraph per story inside a box per storyline, nodes coloured by outlet,
//! edges labelled by score.

use crate::diff::sentences::display_headline;
use crate::pipeline::Clustering;
use std::io::{self, Write};
use xxhash_rust::xxh3::xxh3_64;

/// Pastel fills that stay readable under black text; an outlet's colour is picked by a hash of its name, so it
/// is the same in every graph.
const PALETTE: &[&str] = &[
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9",
    "#bc80bd", "#ccebc5", "#ffed6f",
];

/// Escapes text for a double-quoted DOT string: backslashes, quotes, and line breaks (as DOT's `\n`).
pub fn escape_dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn colour(outlet: &str) -> &'static str {
    PALETTE[(xxh3_64(outlet.as_bytes()) % PALETTE.len() as u64) as usize]
}

fn short(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 3).collect::<String>() + "..."
    }
}

/// Writes every story with two or more articles as a cluster subgraph, and a dashed box around the stories of
/// each storyline of two or more stories (its single-article stories drawn too), with a dashed edge between the
/// representatives of each scored story pair in it; other singletons are left out of the picture.
pub fn write_dot(clustering: &Clustering, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "graph storydiff {{")?;
    // Stories share no edge, so dot lays them out side by side: the bundled corpus drew 7,219 pt wide and 582 pt
    // high (issue 16). Packing components into rows (`pack=true, packmode="array_u3"`) fitted it, but Graphviz
    // 2.43 crashes now and then on packed graphs with clusters nested in clusters, as storyline boxes are (3 of
    // 100 runs of `dot -Tsvg` on the bundled corpus: "free(): invalid pointer", segmentation faults; none in 60
    // without packing). Left to right, components stack downwards instead: 2,978 x 4,472 pt, no crash in 40 runs.
    writeln!(out, "  graph [fontname=\"Helvetica\", fontsize=11, compound=true, rankdir=LR];")?;
    writeln!(out, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=9];")?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#666666\"];")?;
    let mut edges: Vec<_> = clustering.graph.edges().collect();
    edges.sort_by_key(|e| (e.lhs, e.rhs));
    let storylines = &clustering.storylines;
    let links = storylines.links_by_storyline();
    for (line, links) in storylines.storylines.iter().zip(&links).filter(|(l, _)| l.stories.len() > 1) {
        writeln!(out, "  subgraph \"cluster_{}\" {{", escape_dot(&line.id))?;
        writeln!(
            out,
            "    label=\"storyline {}: {} stories, {}\"; style=dashed; color=\"#3366aa\"; fontcolor=\"#3366aa\";",
            escape_dot(&line.id),
            line.stories.len(),
            escape_dot(&clustering.storyline_span(line))
        )?;
        for &story in &line.stories {
            write_story(clustering, story, &edges, "    ", out)?;
        }
        writeln!(out, "  }}")?;
        for link in links {
            let (lhs, rhs) = (&clustering.stories[link.lhs], &clustering.stories[link.rhs]);
            writeln!(
                out,
                "  n{} -- n{} [style=dashed, color=\"#3366aa\", fontcolor=\"#3366aa\", label=\"{:.2}\", \
                 ltail=\"cluster_{}\", lhead=\"cluster_{}\"];",
                lhs.representative,
                rhs.representative,
                link.score,
                escape_dot(&lhs.id),
                escape_dot(&rhs.id)
            )?;
        }
    }
    for (index, story) in clustering.stories.iter().enumerate() {
        if story.members.len() >= 2 && clustering.storyline_of(index).stories.len() < 2 {
            write_story(clustering, index, &edges, "  ", out)?;
        }
    }
    writeln!(out, "}}")
}

/// One story as a cluster subgraph: its articles, coloured by outlet, and its edges labelled by score.
fn write_story(
    clustering: &Clustering,
    index: usize,
    edges: &[&crate::cluster::Edge],
    indent: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let articles = clustering.articles();
    let story = &clustering.stories[index];
    let headline = display_headline(&articles[story.representative as usize]);
    writeln!(out, "{indent}subgraph \"cluster_{}\" {{", escape_dot(&story.id))?;
    writeln!(
        out,
        "{indent}  label=\"{}: {} ({} articles)\"; style=solid; color=black; fontcolor=black;",
        escape_dot(&story.id),
        escape_dot(&short(&headline, 60)),
        story.members.len()
    )?;
    for &m in &story.members {
        let a = &articles[m as usize];
        let label = format!("{}\n{}", a.outlet_or_unknown(), short(&display_headline(a), 40));
        writeln!(
            out,
            "{indent}  n{} [label=\"{}\", fillcolor=\"{}\", tooltip=\"{}\"];",
            m,
            escape_dot(&label),
            colour(a.outlet_or_unknown()),
            escape_dot(&a.doc_id)
        )?;
    }
    for edge in edges.iter().filter(|e| {
        clustering.story_of[e.lhs as usize] == index && clustering.story_of[e.rhs as usize] == index
    }) {
        let style = match edge.kind {
            crate::cluster::EdgeKind::Copy => ", style=bold",
            crate::cluster::EdgeKind::SameEvent => "",
        };
        writeln!(out, "{indent}  n{} -- n{} [label=\"{:.2}\"{}];", edge.lhs, edge.rhs, edge.score, style)?;
    }
    writeln!(out, "{indent}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_and_newlines_escaped() {
        assert_eq!(escape_dot("a \"b\" \\ c\nd"), "a \\\"b\\\" \\\\ c\\nd");
    }
}
