//! After a batch's search: the stories around what it touched linked again, reconciled with the stories they
//! were, and the batch's account and log written.

use super::add::{AddAccount, Retired};
use super::reconcile::{reconcile, StoryEvent};
use super::store;
use super::storylines::StorylineEvent;
use super::workspace::Workspace;
use crate::cluster::{average_linkage, ClusterConfig};
use crate::features::FeatureConfig;
use rayon::prelude::*;
use rusqlite::{params, Transaction};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What linking the stories again left: the events, every story of the articles it looked at with its
/// members, and the stories it left without an article (merged into another, or emptied).
pub(super) struct Relinked {
    pub events: Vec<StoryEvent>,
    pub stories: BTreeMap<i64, BTreeSet<i64>>,
    pub gone: BTreeSet<i64>,
}

/// Re-links the stories around `seeds`: every edge among them weighed again with today's frequencies, average
/// linkage over them, and the result reconciled with the stories they had.
pub(super) fn relink(
    tx: &Transaction,
    workspace: &mut Workspace,
    seeds: &[i64],
    cluster: &ClusterConfig,
    config: &FeatureConfig,
    batch: i64,
) -> store::Sql<Relinked> {
    let mut seeds: Vec<i64> = seeds.to_vec();
    seeds.sort_unstable();
    seeds.dedup();
    // Only current articles: a retired version's neighbours were seeded, not the version.
    let current: Vec<i64> = tx
        .prepare_cached(
            "SELECT a.seq FROM rarray(?1) AS k CROSS JOIN articles AS a ON a.seq = k.value WHERE a.current = 1",
        )?
        .query_map([super::beside::as_array(seeds)], |row| row.get(0))?
        .collect::<store::Sql<_>>()?;
    let members = store::around(tx, &current, f64::from(cluster.threshold))?;
    workspace.ensure(tx, &members, config)?;
    let inside: FxHashSet<i64> = members.iter().copied().collect();
    let mut edges: Vec<(i64, i64, f64)> =
        store::edges_from(tx, &members)?.into_iter().filter(|(_, rhs, _)| inside.contains(rhs)).collect();
    edges.sort_unstable_by_key(|e| (e.0, e.1));
    let rescored: Vec<(i64, i64, f64, Option<f32>)> = edges
        .par_iter()
        .map(|&(lhs, rhs, stored)| (lhs, rhs, stored, workspace.verify(lhs, rhs, cluster)))
        .collect();
    let mut scores: FxHashMap<(i64, i64), f32> = FxHashMap::default();
    for (lhs, rhs, stored, score) in rescored {
        match score {
            Some(score) => {
                // An edge of two articles whose weights did not move scores the same again (at 1M, 32,354
                // of 165,448 in one add; docs/PERFORMANCE.md): writing it would only dirty a page.
                if f64::from(score) != stored {
                    store::rescore_edge(tx, lhs, rhs, score)?;
                }
                scores.insert((lhs, rhs), score);
            }
            None => store::delete_edge(tx, lhs, rhs)?,
        }
    }
    // Local positions in canonical (doc id) order, so linkage's tie-breaks follow the one-machine run's.
    let mut order = members.clone();
    order.sort_by(|lhs, rhs| (&workspace.stored[lhs].doc_id, lhs).cmp(&(&workspace.stored[rhs].doc_id, rhs)));
    let position: FxHashMap<i64, u32> = order.iter().enumerate().map(|(i, &s)| (s, i as u32)).collect();
    let local: Vec<(u32, u32, f32)> =
        scores.iter().map(|(&(lhs, rhs), &score)| (position[&lhs], position[&rhs], score)).collect();
    let labels = average_linkage(order.len(), &local, cluster.threshold);
    let mut groups: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for (i, &label) in labels.iter().enumerate() {
        groups.entry(label).or_default().push(order[i]);
    }
    let clusters: Vec<Vec<i64>> = groups.into_values().collect();
    let previous: HashMap<i64, i64> =
        members.iter().filter_map(|&s| workspace.stored[&s].story.map(|story| (s, story))).collect();
    let mut old_sizes: HashMap<i64, usize> = HashMap::new();
    let mut old_members: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for (&seq, &story) in &previous {
        *old_sizes.entry(story).or_default() += 1;
        old_members.entry(story).or_default().insert(seq);
    }
    let mut next_story: i64 = store::meta(tx, "next_story")?.and_then(|v| v.parse().ok()).unwrap_or(1);
    let first_fresh = next_story;
    let mut outcome = reconcile(&clusters, &previous, &old_sizes, &mut next_story);
    store::set_meta(tx, "next_story", &next_story.to_string())?;
    let average = |lhs: &[i64], rhs: &[i64]| -> Option<f32> {
        if lhs.is_empty() || rhs.is_empty() {
            return None;
        }
        let mut sum = 0.0f64;
        for &a in lhs {
            for &b in rhs {
                sum += f64::from(scores.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0));
            }
        }
        Some((sum / (lhs.len() * rhs.len()) as f64) as f32)
    };
    let mut new_members: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (&seq, &story) in &outcome.story_of {
        new_members.entry(story).or_default().insert(seq);
    }
    for event in &mut outcome.events {
        match event {
            StoryEvent::Merge { kept, gone, score, .. } => {
                let (lhs, rhs): (Vec<i64>, Vec<i64>) = (
                    old_members[kept].iter().copied().collect(),
                    old_members[gone].iter().copied().collect(),
                );
                *score = average(&lhs, &rhs);
            }
            StoryEvent::Split { from, articles, score, .. } => {
                let kept: Vec<i64> =
                    new_members.get(from).map(|m| m.iter().copied().collect()).unwrap_or_default();
                *score = average(articles, &kept);
            }
            _ => {}
        }
    }
    let mut set_story = tx.prepare_cached("UPDATE articles SET story = ?2 WHERE seq = ?1")?;
    for (&seq, &story) in &outcome.story_of {
        if workspace.stored[&seq].story != Some(story) {
            set_story.execute(params![seq, story])?;
        }
    }
    for story in first_fresh..next_story {
        tx.prepare_cached(
            "INSERT INTO stories (id, created_batch, changed_batch, size) VALUES (?1, ?2, ?2, 0)",
        )?
        .execute(params![story, batch])?;
    }
    for event in &outcome.events {
        if let StoryEvent::Merge { kept, gone, .. } = event {
            tx.prepare_cached("UPDATE stories SET merged_into = ?2 WHERE id = ?1")?
                .execute(params![gone, kept])?;
        }
    }
    // Every story whose membership changed: its size and the batch that changed it.
    let mut involved: BTreeSet<i64> = old_members.keys().copied().collect();
    involved.extend(new_members.keys().copied());
    for story in involved {
        if old_members.get(&story) != new_members.get(&story) {
            tx.prepare_cached(
                "UPDATE stories SET size = (SELECT count(*) FROM articles WHERE story = ?1 AND current = 1), \
                 changed_batch = ?2 WHERE id = ?1",
            )?
            .execute(params![story, batch])?;
        }
    }
    let gone: BTreeSet<i64> = old_members.keys().filter(|s| !new_members.contains_key(s)).copied().collect();
    Ok(Relinked { events: outcome.events, stories: new_members, gone })
}

pub(super) fn log_retired(tx: &Transaction, batch: i64, retired: &[Retired]) -> store::Sql<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO log (batch, kind, story, other, articles, score) VALUES (?1, ?2, ?3, NULL, ?4, NULL)",
    )?;
    for r in retired {
        if let Some(story) = r.story {
            insert.execute(params![batch, r.kind, story, serde_json::json!([r.doc_id]).to_string()])?;
            tx.prepare_cached(
                "UPDATE stories SET size = (SELECT count(*) FROM articles WHERE story = ?1 AND current = 1), \
                 changed_batch = ?2 WHERE id = ?1",
            )?
            .execute(params![story, batch])?;
        }
    }
    Ok(())
}

/// Logs the batch's story events, counts them, totals the index and records the account.
pub(super) fn finish(
    tx: &Transaction,
    batch: i64,
    mut account: AddAccount,
    events: &[StoryEvent],
    storyline_events: &[StorylineEvent],
) -> store::Sql<AddAccount> {
    let ids = |seqs: &[i64]| -> store::Sql<String> {
        let mut select = tx.prepare_cached("SELECT doc_id FROM articles WHERE seq = ?1")?;
        let mut names = Vec::with_capacity(seqs.len());
        for &seq in seqs {
            names.push(select.query_row([seq], |row| row.get::<_, String>(0))?);
        }
        names.sort();
        Ok(serde_json::to_string(&names).expect("ids serialise"))
    };
    let mut insert = tx.prepare_cached(
        "INSERT INTO log (batch, kind, story, other, articles, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for event in events {
        let (kind, story, other, articles, score) = match event {
            StoryEvent::New { story, articles } => {
                account.new_stories += 1;
                ("new", *story, None, articles, None)
            }
            StoryEvent::Grew { story, articles } => {
                account.grown_stories += 1;
                ("grew", *story, None, articles, None)
            }
            StoryEvent::Merge { kept, gone, articles, score } => {
                account.merges += 1;
                ("merge", *kept, Some(*gone), articles, *score)
            }
            StoryEvent::Split { from, new, articles, score } => {
                account.splits += 1;
                ("split", *from, Some(*new), articles, *score)
            }
        };
        insert.execute(params![batch, kind, story, other, ids(articles)?, score.map(f64::from)])?;
    }
    for event in storyline_events {
        let (kind, line, other, stories, score) = match event {
            StorylineEvent::Merge { kept, gone, stories, score } => {
                account.storyline_merges += 1;
                ("storyline merge", *kept, *gone, stories, *score)
            }
            StorylineEvent::Split { from, new, stories, score } => {
                account.storyline_splits += 1;
                ("storyline split", *from, *new, stories, *score)
            }
        };
        let names: Vec<String> = stories.iter().map(|&s| super::story_name(s)).collect();
        let names = serde_json::to_string(&names).expect("ids serialise");
        insert.execute(params![batch, kind, line, other, names, score.map(f64::from)])?;
    }
    account.records = account.added
        + account.unchanged
        + account.corrections
        + account.duplicates
        + account.rejected
        + account.skipped_records
        + account.removed
        + account.not_found;
    let (articles, stories, singletons): (i64, i64, i64) = tx.query_row(
        "SELECT (SELECT count(*) FROM articles WHERE current = 1), \
                (SELECT count(*) FROM stories WHERE size > 1 AND merged_into IS NULL), \
                (SELECT count(*) FROM stories WHERE size = 1 AND merged_into IS NULL)",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    account.articles_in_index = articles as usize;
    account.stories_in_index = stories as usize;
    account.singletons_in_index = singletons as usize;
    tx.execute(
        "UPDATE batches SET account = ?2 WHERE id = ?1",
        params![batch, serde_json::to_string(&account).expect("account serialises")],
    )?;
    Ok(account)
}
