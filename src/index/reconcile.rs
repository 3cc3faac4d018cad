//! Story ids across batches: the stories linkage found now, matched with the stories they were.
//!
//! The rules: a story keeps its id as it grows; where one old story's articles now fall in several stories,
//! the part holding most of them keeps the id (a split; the other parts get new ids); where a new story holds
//! the id-keeping parts of several old stories, the largest old story keeps its id and the others resolve to
//! it (a merge). Ids are never reused.

use std::collections::{BTreeMap, HashMap};

/// What happened to a story in one batch. Article lists are seqs.
#[derive(Debug, Clone, PartialEq)]
pub enum StoryEvent {
    /// A story of articles the index did not hold.
    New { story: i64, articles: Vec<i64> },
    /// New articles joined a story.
    Grew { story: i64, articles: Vec<i64> },
    /// `gone` is now part of `kept`; `articles` are the batch's articles in the merged story (none when the
    /// merge came from weights that moved). `score` is the average similarity of the two old stories.
    Merge { kept: i64, gone: i64, articles: Vec<i64>, score: Option<f32> },
    /// `articles` of `from` now form the story `new`; `score` is their average similarity to the part that kept
    /// the id.
    Split { from: i64, new: i64, articles: Vec<i64>, score: Option<f32> },
}

/// The stories after a batch: every article's story, and what happened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub story_of: BTreeMap<i64, i64>,
    pub events: Vec<StoryEvent>,
}

/// Matches `clusters` (the stories linkage found over the articles a batch touched, each a list of seqs) with
/// the stories those articles had before (`previous`: seq -> story; new articles are absent), given how many
/// articles each old story had. Fresh ids come from `next_story`, in the order of the clusters' smallest seq.
pub fn reconcile(
    clusters: &[Vec<i64>],
    previous: &HashMap<i64, i64>,
    old_sizes: &HashMap<i64, usize>,
    next_story: &mut i64,
) -> Outcome {
    let mut clusters: Vec<Vec<i64>> = clusters
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.sort_unstable();
            c
        })
        .collect();
    clusters.sort_by_key(|c| c.first().copied());
    // Old story -> (cluster, members there), in cluster order.
    let mut parts: BTreeMap<i64, BTreeMap<usize, Vec<i64>>> = BTreeMap::new();
    for (c, members) in clusters.iter().enumerate() {
        for &seq in members {
            if let Some(&story) = previous.get(&seq) {
                parts.entry(story).or_default().entry(c).or_default().push(seq);
            }
        }
    }
    // The cluster where each old story's id goes: the one holding most of its articles, the first on a tie.
    let mut keepers: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for (&story, in_clusters) in &parts {
        let (&keeper, _) = in_clusters
            .iter()
            .max_by(|lhs, rhs| lhs.1.len().cmp(&rhs.1.len()).then(rhs.0.cmp(lhs.0)))
            .expect("a story with parts");
        keepers.entry(keeper).or_default().push(story);
    }
    let mut outcome = Outcome::default();
    let mut ids: Vec<i64> = Vec::with_capacity(clusters.len());
    for (c, members) in clusters.iter().enumerate() {
        let added: Vec<i64> = members.iter().copied().filter(|seq| !previous.contains_key(seq)).collect();
        let mut kept_here = keepers.remove(&c).unwrap_or_default();
        kept_here.sort_by(|lhs, rhs| {
            let size = |s: &i64| old_sizes.get(s).copied().unwrap_or(0);
            size(rhs).cmp(&size(lhs)).then(lhs.cmp(rhs))
        });
        let id = match kept_here.first() {
            Some(&kept) => {
                for &gone in &kept_here[1..] {
                    outcome.events.push(StoryEvent::Merge {
                        kept,
                        gone,
                        articles: added.clone(),
                        score: None,
                    });
                }
                kept
            }
            None => {
                let fresh = *next_story;
                *next_story += 1;
                if added.len() == members.len() {
                    outcome.events.push(StoryEvent::New { story: fresh, articles: added.clone() });
                }
                fresh
            }
        };
        if !added.is_empty() && added.len() < members.len() {
            outcome.events.push(StoryEvent::Grew { story: id, articles: added });
        }
        for &seq in members {
            outcome.story_of.insert(seq, id);
        }
        ids.push(id);
    }
    // Every part of an old story that did not keep its id left it: a split, into a new story or another one.
    for (&story, in_clusters) in &parts {
        for (&c, part) in in_clusters {
            if ids[c] != story && !keeps(&outcome, story, ids[c]) {
                outcome.events.push(StoryEvent::Split {
                    from: story,
                    new: ids[c],
                    articles: part.clone(),
                    score: None,
                });
            }
        }
    }
    outcome
}

/// Whether `story` went whole into `into` by a merge (then its articles moved by the merge, not a split).
fn keeps(outcome: &Outcome, story: i64, into: i64) -> bool {
    outcome
        .events
        .iter()
        .any(|e| matches!(e, StoryEvent::Merge { kept, gone, .. } if *kept == into && *gone == story))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(clusters: &[&[i64]], previous: &[(i64, i64)], next: i64) -> (Outcome, i64) {
        let previous: HashMap<i64, i64> = previous.iter().copied().collect();
        let mut sizes: HashMap<i64, usize> = HashMap::new();
        for story in previous.values() {
            *sizes.entry(*story).or_default() += 1;
        }
        let clusters: Vec<Vec<i64>> = clusters.iter().map(|c| c.to_vec()).collect();
        let mut next_story = next;
        let outcome = reconcile(&clusters, &previous, &sizes, &mut next_story);
        (outcome, next_story)
    }

    #[test]
    fn a_story_keeps_its_id_as_it_grows_and_new_articles_get_new_stories() {
        let (outcome, next) = run(&[&[1, 2, 5], &[6]], &[(1, 10), (2, 10)], 20);
        assert_eq!(outcome.story_of[&5], 10);
        assert_eq!(outcome.story_of[&6], 20);
        assert_eq!(next, 21);
        assert_eq!(
            outcome.events,
            vec![
                StoryEvent::Grew { story: 10, articles: vec![5] },
                StoryEvent::New { story: 20, articles: vec![6] },
            ]
        );
    }

    #[test]
    fn in_a_merge_the_larger_story_keeps_its_id() {
        let (outcome, next) = run(&[&[1, 2, 3, 4, 9]], &[(1, 7), (2, 7), (3, 4), (4, 7)], 30);
        assert!(outcome.story_of.values().all(|&s| s == 7));
        assert_eq!(next, 30, "no id given");
        assert_eq!(outcome.events[0], StoryEvent::Merge { kept: 7, gone: 4, articles: vec![9], score: None });
    }

    #[test]
    fn in_a_split_the_larger_part_keeps_the_id_and_the_other_part_gets_a_new_one() {
        let (outcome, _) = run(&[&[1, 2], &[3, 4, 5]], &[(1, 8), (2, 8), (3, 8), (4, 8), (5, 8)], 12);
        assert_eq!((outcome.story_of[&3], outcome.story_of[&1]), (8, 12));
        assert_eq!(
            outcome.events,
            vec![StoryEvent::Split { from: 8, new: 12, articles: vec![1, 2], score: None }]
        );
    }

    #[test]
    fn an_article_moving_to_another_story_is_logged_as_a_split_into_it() {
        let (outcome, next) = run(&[&[1, 2], &[3, 4, 5]], &[(1, 6), (2, 6), (3, 6), (4, 7), (5, 7)], 9);
        assert_eq!(next, 9);
        assert_eq!((outcome.story_of[&3], outcome.story_of[&1]), (7, 6));
        assert_eq!(
            outcome.events,
            vec![StoryEvent::Split { from: 6, new: 7, articles: vec![3], score: None }]
        );
    }

    #[test]
    fn ids_do_not_depend_on_the_order_clusters_come_in() {
        let lhs = run(&[&[1, 2], &[3], &[4, 5]], &[(1, 3), (3, 3)], 9);
        let rhs = run(&[&[5, 4], &[2, 1], &[3]], &[(3, 3), (1, 3)], 9);
        assert_eq!(lhs, rhs);
    }
}
