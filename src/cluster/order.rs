//! Stories in listing order: groups of articles by linkage label, most articles first, each with the member
//! that names it.

use super::StoryGraph;
use crate::article::Article;
use chrono::NaiveDate;
use std::cmp::Ordering;
use std::collections::HashMap;

/// A story: the articles that report one event. Singletons are stories of one article.
#[derive(Debug, Clone)]
pub struct Story {
    /// `S1`, `S2`, ... in the order stories are listed: most articles first.
    pub id: String,
    /// Article indices, ascending.
    pub members: Vec<u32>,
    /// The member most similar to the rest; its headline names the story.
    pub representative: u32,
}

/// Groups articles by label and orders the groups: most articles first, then earliest date, then smallest id.
pub fn order_stories(articles: &[Article], labels: &[u32], graph: &StoryGraph) -> Vec<Story> {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, &label) in labels.iter().enumerate() {
        groups.entry(label).or_default().push(i as u32);
    }
    let mut groups: Vec<Vec<u32>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    let size = |g: &Vec<u32>| g.iter().map(|&i| 1 + articles[i as usize].duplicate_ids.len()).sum::<usize>();
    let earliest = |g: &Vec<u32>| g.iter().filter_map(|&i| articles[i as usize].date).min();
    groups.sort_by(|lhs, rhs| {
        size(rhs)
            .cmp(&size(lhs))
            .then_with(|| dated_first(earliest(lhs), earliest(rhs)))
            .then_with(|| articles[lhs[0] as usize].doc_id.cmp(&articles[rhs[0] as usize].doc_id))
    });
    groups
        .into_iter()
        .enumerate()
        .map(|(n, members)| {
            let representative = representative(&members, graph);
            Story { id: format!("S{}", n + 1), members, representative }
        })
        .collect()
}

/// Earlier dates first, undated last.
pub fn dated_first(lhs: Option<NaiveDate>, rhs: Option<NaiveDate>) -> Ordering {
    match (lhs, rhs) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The first and last of some dates; `None` when there are none.
pub fn date_range(dates: impl IntoIterator<Item = NaiveDate>) -> Option<(NaiveDate, NaiveDate)> {
    dates.into_iter().fold(None, |range, d| match range {
        None => Some((d, d)),
        Some((first, last)) => Some((first.min(d), last.max(d))),
    })
}

/// The member with the largest summed similarity to the other members; the first member on a tie.
fn representative(members: &[u32], graph: &StoryGraph) -> u32 {
    if members.len() <= 2 {
        return members[0];
    }
    let mut best = (members[0], -1.0f32);
    for &m in members {
        let total: f32 = members
            .iter()
            .filter(|&&o| o != m)
            .filter_map(|&o| graph.edge_between(m, o))
            .map(|e| e.score)
            .sum();
        if total > best.1 {
            best = (m, total);
        }
    }
    best.0
}
