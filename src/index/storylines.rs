//! Storylines in the index: every live story's name profile kept, stories linked through the names they share,
//! and storyline ids carried from batch to batch by the rules stories follow.

use super::beside::as_array;
use super::codec;
use super::reconcile::{reconcile, StoryEvent};
use super::relink::Relinked;
use super::store::{self, Sql};
use super::workspace::Workspace;
use crate::cluster::{
    average_linkage, profile_of, score_pair, NameProfile, StorylineConfig, MAX_STORIES_PER_NAME,
    MIN_SHARED_NAMES,
};
use crate::features::{ArticleFeatures, FeatureConfig, NameTerms, ReadArticle, TermKey};
use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What happened to storylines in one batch (story ids in the lists).
#[derive(Debug, Clone, PartialEq)]
pub enum StorylineEvent {
    /// `gone` is now part of `kept`; `stories` are the stories of the merged storyline that changed.
    Merge { kept: i64, gone: i64, stories: Vec<i64>, score: Option<f32> },
    /// `stories` of `from` now form the storyline `new`.
    Split { from: i64, new: i64, stories: Vec<i64>, score: Option<f32> },
}

/// Links the storylines around the stories a batch linked again (`relinked`: the live ones with their
/// members, all loaded in `workspace`, and those it left without an article). Their profiles are computed
/// again, their scored pairs found through shared names, and average linkage runs over the stories connected to
/// them; the storylines found are reconciled with the storylines they were. Storyline settings are the
/// defaults (`StorylineConfig::default`). An index migrated from schema 1 links every story once, here.
pub(super) fn relink_storylines(
    tx: &Transaction,
    workspace: &mut Workspace,
    relinked: &Relinked,
    features: &FeatureConfig,
    batch: i64,
) -> Sql<Vec<StorylineEvent>> {
    let config = StorylineConfig::default();
    if store::meta(tx, "storylines_due")?.as_deref() == Some("1") {
        let every = catch_up(tx, workspace, features)?;
        store::set_meta(tx, "storylines_due", "0")?;
        return link(tx, workspace, &every, &relinked.gone, &config, batch);
    }
    link(tx, workspace, &relinked.stories, &relinked.gone, &config, batch)
}

/// For an index migrated from schema 1: the name counts of every current article, and every live story with
/// its members (loaded in `workspace`).
fn catch_up(
    tx: &Transaction,
    workspace: &mut Workspace,
    features: &FeatureConfig,
) -> Sql<BTreeMap<i64, BTreeSet<i64>>> {
    let rows: Vec<(i64, i64)> = tx
        .prepare("SELECT seq, story FROM articles WHERE current = 1 AND story IS NOT NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Sql<_>>()?;
    tx.execute("DELETE FROM name_terms", [])?;
    for chunk in rows.chunks(10_000) {
        let articles: Vec<crate::article::Article> =
            chunk.iter().map(|&(seq, _)| store::stored_article(tx, seq)).collect::<Sql<_>>()?;
        let read: Vec<ReadArticle> = articles.par_iter().map(ReadArticle::read).collect();
        store::count_names(tx, read.iter(), 1)?;
    }
    let seqs: Vec<i64> = rows.iter().map(|&(seq, _)| seq).collect();
    workspace.ensure(tx, &seqs, features)?;
    let mut stories: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (seq, story) in rows {
        stories.entry(story).or_default().insert(seq);
    }
    Ok(stories)
}

fn link(
    tx: &Transaction,
    workspace: &Workspace,
    stories: &BTreeMap<i64, BTreeSet<i64>>,
    gone: &BTreeSet<i64>,
    config: &StorylineConfig,
    batch: i64,
) -> Sql<Vec<StorylineEvent>> {
    let names = name_terms(tx, workspace, stories)?;
    let profiles: BTreeMap<i64, NameProfile> = stories
        .par_iter()
        .map(|(&story, members)| {
            let features: Vec<&ArticleFeatures> =
                members.iter().map(|&seq| workspace.features(seq)).collect();
            (story, profile_of(&features, &names))
        })
        .collect();
    // Storylines before this batch, of the stories it changed and of those it emptied.
    let mut previous_line: HashMap<i64, i64> = HashMap::new();
    // The names each story had: only the names a story gains or loses are written (most keep theirs as their
    // weights drift, and rewriting every name of 8,600 stories was 1.3 s of an add to the 1M index).
    let mut previous_names: HashMap<i64, BTreeSet<TermKey>> = HashMap::new();
    {
        let mut select =
            tx.prepare_cached("SELECT storyline, profile FROM story_profiles WHERE story = ?1")?;
        for &story in stories.keys().chain(gone) {
            let row: Option<(i64, Vec<u8>)> =
                select.query_row([story], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
            if let Some((line, profile)) = row {
                previous_line.insert(story, line);
                let names = codec::decode_profile(&profile).map(|p| p.names).unwrap_or_default();
                previous_names.insert(story, names.into_iter().map(|(name, _)| name).collect());
            }
        }
        let mut drop_name = tx.prepare_cached("DELETE FROM story_names WHERE name = ?1 AND story = ?2")?;
        for (&story, names) in &previous_names {
            let kept = profiles.get(&story).map(|p| p.names.iter().map(|&(name, _)| name).collect());
            for name in names.difference(&kept.unwrap_or_default()) {
                drop_name.execute(params![i64::from(*name), story])?;
            }
        }
        for &story in gone {
            tx.prepare_cached("DELETE FROM story_profiles WHERE story = ?1")?.execute([story])?;
            drop_links(tx, story)?;
        }
    }
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO story_profiles (story, storyline, profile) VALUES (?1, 0, ?2) \
             ON CONFLICT(story) DO UPDATE SET profile = ?2",
        )?;
        let mut add_name = tx.prepare_cached("INSERT INTO story_names (name, story) VALUES (?1, ?2)")?;
        for (&story, profile) in &profiles {
            upsert.execute(params![story, codec::encode_profile(profile)])?;
            let had = previous_names.get(&story);
            for &(name, _) in &profile.names {
                if !had.is_some_and(|names| names.contains(&name)) {
                    add_name.execute(params![i64::from(name), story])?;
                }
            }
            drop_links(tx, story)?;
        }
    }
    link_pairs(tx, &profiles, config)?;
    // Every story whose storyline may change: those the batch touched, the other stories of their storylines
    // (and of the emptied stories' storylines), and what links them, until closed.
    let mut seeds: BTreeSet<i64> = stories.keys().copied().collect();
    let touched_lines: BTreeSet<i64> = previous_line.values().copied().collect();
    for &line in &touched_lines {
        seeds.extend(stories_of_line(tx, line)?);
    }
    let closure = closure(tx, seeds, f64::from(config.threshold))?;
    let order: Vec<i64> = closure.iter().copied().collect();
    let position: HashMap<i64, u32> = order.iter().enumerate().map(|(i, &s)| (s, i as u32)).collect();
    let mut scores: HashMap<(i64, i64), f32> = HashMap::new();
    for &story in &order {
        for (other, score) in links_of(tx, story, f64::MIN)? {
            if story < other && position.contains_key(&other) {
                scores.insert((story, other), score as f32);
            }
        }
    }
    let edges: Vec<(u32, u32, f32)> =
        scores.iter().map(|(&(lhs, rhs), &score)| (position[&lhs], position[&rhs], score)).collect();
    let labels = average_linkage(order.len(), &edges, config.threshold);
    let mut groups: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for (i, &label) in labels.iter().enumerate() {
        groups.entry(label).or_default().push(order[i]);
    }
    let clusters: Vec<Vec<i64>> = groups.into_values().collect();
    let mut previous: HashMap<i64, i64> = HashMap::new();
    for &story in &order {
        let line = match previous_line.get(&story) {
            Some(&line) => Some(line),
            None => storyline_of(tx, story)?,
        };
        // A story new to the index has a profile row of storyline 0 by now: it had none.
        if let Some(line) = line.filter(|&l| l > 0) {
            previous.insert(story, line);
        }
    }
    let mut old_sizes: HashMap<i64, usize> = HashMap::new();
    let mut old_members: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for (&story, &line) in &previous {
        *old_sizes.entry(line).or_default() += 1;
        old_members.entry(line).or_default().insert(story);
    }
    let mut next: i64 = store::meta(tx, "next_storyline")?.and_then(|v| v.parse().ok()).unwrap_or(1);
    let first_fresh = next;
    let outcome = reconcile(&clusters, &previous, &old_sizes, &mut next);
    store::set_meta(tx, "next_storyline", &next.to_string())?;
    for line in first_fresh..next {
        tx.prepare_cached(
            "INSERT INTO storylines (id, created_batch, changed_batch, size) VALUES (?1, ?2, ?2, 0)",
        )?
        .execute(params![line, batch])?;
    }
    let mut set_line = tx.prepare_cached("UPDATE story_profiles SET storyline = ?2 WHERE story = ?1")?;
    let mut new_members: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (&story, &line) in &outcome.story_of {
        // Written only where it changed: rewriting an unchanged row still rewrites its index entry.
        if previous.get(&story) != Some(&line) {
            set_line.execute(params![story, line])?;
        }
        new_members.entry(line).or_default().insert(story);
    }
    let average = |lhs: &BTreeSet<i64>, rhs: &BTreeSet<i64>| -> Option<f32> {
        if lhs.is_empty() || rhs.is_empty() {
            return None;
        }
        let sum: f64 = lhs
            .iter()
            .flat_map(|&a| rhs.iter().map(move |&b| (a.min(b), a.max(b))))
            .map(|pair| f64::from(scores.get(&pair).copied().unwrap_or(0.0)))
            .sum();
        Some((sum / (lhs.len() * rhs.len()) as f64) as f32)
    };
    let mut events = Vec::new();
    for event in outcome.events {
        match event {
            StoryEvent::Merge { kept, gone, articles, .. } => {
                let score = average(&old_members[&kept], &old_members[&gone]);
                tx.prepare_cached("UPDATE storylines SET merged_into = ?2 WHERE id = ?1")?
                    .execute(params![gone, kept])?;
                events.push(StorylineEvent::Merge { kept, gone, stories: articles, score });
            }
            StoryEvent::Split { from, new, articles, .. } => {
                let part: BTreeSet<i64> = articles.iter().copied().collect();
                let score = average(&part, new_members.get(&from).unwrap_or(&BTreeSet::new()));
                events.push(StorylineEvent::Split { from, new, stories: articles, score });
            }
            StoryEvent::New { .. } | StoryEvent::Grew { .. } => {}
        }
    }
    // A storyline whose every story went into a story of another storyline merged into that one.
    for (story, line) in gone.iter().filter_map(|&s| Some((s, *previous_line.get(&s)?))) {
        if new_members.contains_key(&line) || stories_of_line(tx, line)?.next().is_some() {
            continue;
        }
        let into = store::resolve_story(tx, story)?.and_then(|kept| outcome.story_of.get(&kept).copied());
        if let Some(kept) = into.filter(|&k| k != line) {
            let already =
                events.iter().any(|e| matches!(e, StorylineEvent::Merge { gone, .. } if *gone == line));
            if !already {
                tx.prepare_cached("UPDATE storylines SET merged_into = ?2 WHERE id = ?1")?
                    .execute(params![line, kept])?;
                events.push(StorylineEvent::Merge { kept, gone: line, stories: vec![story], score: None });
            }
        }
    }
    let mut involved: BTreeSet<i64> = old_members.keys().copied().collect();
    involved.extend(new_members.keys().copied());
    involved.extend(previous_line.values().copied());
    for line in involved {
        if old_members.get(&line) != new_members.get(&line) {
            tx.prepare_cached(
                "UPDATE storylines SET size = (SELECT count(*) FROM story_profiles WHERE storyline = ?1), \
                 changed_batch = ?2 WHERE id = ?1",
            )?
            .execute(params![line, batch])?;
        }
    }
    Ok(events)
}

/// Which terms of the stories' articles are names: written as a name and never in lower case.
fn name_terms(
    tx: &Transaction,
    workspace: &Workspace,
    stories: &BTreeMap<i64, BTreeSet<i64>>,
) -> Sql<NameTerms> {
    let mut terms: Vec<TermKey> = stories
        .values()
        .flatten()
        .flat_map(|&seq| workspace.features(seq).vector.iter().map(|(key, _)| key))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    // One statement over the terms in order, not one per term (at 1M, the terms of 41,000 articles).
    let mut select = tx.prepare_cached(
        "SELECT n.term, n.named, n.lowercase FROM rarray(?1) AS k CROSS JOIN name_terms AS n ON n.term = k.value",
    )?;
    let mut names = NameTerms::default();
    let rows = select.query_map([as_array(terms.into_iter().map(i64::from))], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
    })?;
    for row in rows {
        let (term, named, lowercase) = row?;
        if named > 0 && lowercase == 0 {
            names.insert(term as TermKey);
        }
    }
    Ok(names)
}

/// Scores and stores every pair of a changed story with a story it shares [`MIN_SHARED_NAMES`] names with
/// (names of more than [`MAX_STORIES_PER_NAME`] stories propose none), as `link_storylines` on one machine.
fn link_pairs(tx: &Transaction, profiles: &BTreeMap<i64, NameProfile>, config: &StorylineConfig) -> Sql<()> {
    // One more than the most a name may have: a name of more stories proposes none, whatever their number (a
    // common name of the 1M index had thousands, all read for nothing).
    let mut holders = tx.prepare_cached("SELECT story FROM story_names WHERE name = ?1 LIMIT ?2")?;
    let mut stored = tx.prepare_cached("SELECT profile FROM story_profiles WHERE story = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO storyline_links (lhs, rhs, score, names, terms, shared, gap) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut postings: HashMap<TermKey, Vec<i64>> = HashMap::new();
    for (&story, profile) in profiles {
        let mut shared: BTreeMap<i64, usize> = BTreeMap::new();
        for &(name, _) in &profile.names {
            let list = match postings.entry(name) {
                std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let limit = MAX_STORIES_PER_NAME as i64 + 1;
                    slot.insert(
                        holders.query_map([i64::from(name), limit], |row| row.get(0))?.collect::<Sql<_>>()?,
                    )
                }
            };
            if list.len() > 1 && list.len() <= MAX_STORIES_PER_NAME {
                for &other in list.iter().filter(|&&o| o != story) {
                    *shared.entry(other).or_default() += 1;
                }
            }
        }
        for (other, count) in shared {
            // A pair of two changed stories is scored once, from its smaller id.
            if count < MIN_SHARED_NAMES || (profiles.contains_key(&other) && other < story) {
                continue;
            }
            let loaded;
            let other_profile = match profiles.get(&other) {
                Some(p) => p,
                None => {
                    let bytes: Vec<u8> = stored.query_row([other], |row| row.get(0))?;
                    loaded = codec::decode_profile(&bytes).unwrap_or_default();
                    &loaded
                }
            };
            if let Some(found) = score_pair(profile, other_profile, config) {
                insert.execute(params![
                    story.min(other),
                    story.max(other),
                    f64::from(found.score),
                    f64::from(found.names),
                    f64::from(found.terms),
                    codec::encode_terms(&found.shared),
                    found.gap,
                ])?;
            }
        }
    }
    Ok(())
}

fn drop_links(tx: &Transaction, story: i64) -> Sql<()> {
    tx.prepare_cached("DELETE FROM storyline_links WHERE lhs = ?1")?.execute([story])?;
    tx.prepare_cached("DELETE FROM storyline_links WHERE rhs = ?1")?.execute([story])?;
    Ok(())
}

/// Scored pairs of a story with at least `at_least`: (other story, score).
fn links_of(tx: &Transaction, story: i64, at_least: f64) -> Sql<Vec<(i64, f64)>> {
    store::scored_pairs_of(tx, "storyline_links", story, at_least)
}

fn storyline_of(tx: &Transaction, story: i64) -> Sql<Option<i64>> {
    tx.prepare_cached("SELECT storyline FROM story_profiles WHERE story = ?1")?
        .query_row([story], |row| row.get(0))
        .optional()
}

fn stories_of_line(tx: &Transaction, line: i64) -> Sql<std::vec::IntoIter<i64>> {
    let mut select = tx.prepare_cached("SELECT story FROM story_profiles WHERE storyline = ?1")?;
    let rows: Vec<i64> = select.query_map([line], |row| row.get(0))?.collect::<Sql<_>>()?;
    Ok(rows.into_iter())
}

/// The stories connected to `seeds` through links at or above `threshold`, and every story of their
/// storylines, until closed: the only stories whose storyline can change.
fn closure(tx: &Transaction, seeds: BTreeSet<i64>, threshold: f64) -> Sql<BTreeSet<i64>> {
    let mut seen = seeds.clone();
    let mut lines_seen: BTreeSet<i64> = BTreeSet::new();
    let mut frontier: Vec<i64> = seeds.into_iter().collect();
    while let Some(story) = frontier.pop() {
        let mut next: Vec<i64> =
            links_of(tx, story, threshold)?.into_iter().map(|(other, _)| other).collect();
        if let Some(line) = storyline_of(tx, story)?.filter(|&l| l > 0) {
            if lines_seen.insert(line) {
                next.extend(stories_of_line(tx, line)?);
            }
        }
        for other in next {
            if seen.insert(other) {
                frontier.push(other);
            }
        }
    }
    Ok(seen)
}
