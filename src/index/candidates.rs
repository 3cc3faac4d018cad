//! A batch's candidate search over the stored buckets: band keys of new and re-weighed articles, collisions
//! counted per view under the date window and script rule, two-hop pairs, each pair verified once.

use super::beside::Readers;
use super::store::{self, PairingCache};
use super::workspace::Workspace;
use super::{buckets, codec};
use crate::cluster::{ClusterConfig, MAX_EXPANSION_NEIGHBOURS};
use crate::features::FeatureConfig;
use crate::pipeline::timer::StageTimer;
use crate::sketch::MAX_CANDIDATES_PER_ARTICLE;
use rayon::prelude::*;
use rusqlite::{params, Transaction};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// An article's band keys to search: event view, copy view.
type ViewKeys = (Vec<i64>, Vec<i64>);

/// What a batch's search found.
pub(super) struct Searched {
    pub reweighed: usize,
    /// Pairs compared.
    pub compared: usize,
    /// Edges found.
    pub edges: usize,
    /// Articles whose stories must be linked again: the new, the re-weighed whose event-view keys moved, and both
    /// ends of every new edge.
    pub touched: Vec<i64>,
}

/// Writes the band keys of the batch's `added` articles (and of re-weighed ones), finds and verifies their
/// candidates and two-hop pairs, and stores the edges.
// The batch's transaction, its state and its settings: grouping them would only move the list.
#[allow(clippy::too_many_arguments)]
pub(super) fn refresh_and_search(
    tx: &Transaction,
    workspace: &mut Workspace,
    added: &[i64],
    total: i64,
    cluster: &ClusterConfig,
    config: &FeatureConfig,
    beside: bool,
    timer: &mut StageTimer,
) -> store::Sql<Searched> {
    let stale: BTreeMap<i64, Vec<i64>> =
        take_stale(tx, total, REWEIGH_BUDGET.max(added.len()))?.into_iter().collect();
    let refreshed: Vec<i64> = added.iter().chain(stale.keys()).copied().collect();
    let event_bands = workspace.ensure_with_bands(tx, &refreshed, config)?;
    timer.stage("index add: features and band keys");
    // Band keys of the new articles, and of re-weighed ones whose event-view keys moved, then the candidate
    // search over the stored buckets (the batch included). A re-weighed article's copy view does not depend on
    // weights: its copy keys stay, and so do the candidates they found.
    // Re-weighed articles whose event-view keys did not move: no new candidates, and no story linked again for
    // them alone (at 1M, 677 of an add's 1,000 re-weighed articles; on the replays of allsides_neus, basil,
    // ecbplus_dev and the 100k corpus linking them again changed no story: docs/EVALUATION.md, "Story index").
    let mut unmoved: HashSet<i64> = HashSet::new();
    let mut taken_out: HashSet<(i64, i64)> = HashSet::new();
    let mut keys_of: BTreeMap<i64, ViewKeys> = BTreeMap::new();
    let mut band_rows: Vec<(i64, i64)> = Vec::new();
    for &seq in &refreshed {
        let event = &event_bands[&seq];
        let event_keys: Vec<i64> = if event.iter().any(|&h| h != 0) {
            event.iter().enumerate().map(|(band, &hash)| buckets::band_key(0, band, hash)).collect()
        } else {
            Vec::new()
        };
        let (all, copy_keys) = match stale.get(&seq) {
            Some(old) => {
                let old_event: Vec<i64> = old.iter().copied().filter(|&k| k >> 40 == 0).collect();
                let old_copy: Vec<i64> = old.iter().copied().filter(|&k| k >> 40 == 1).collect();
                if old_event == event_keys {
                    tx.prepare_cached("UPDATE articles SET weighed_at = ?2 WHERE seq = ?1")?
                        .execute(params![seq, total])?;
                    unmoved.insert(seq);
                    continue;
                }
                let gone: Vec<i64> = old_event.iter().copied().filter(|k| !event_keys.contains(k)).collect();
                let fresh: Vec<i64> = event_keys.iter().copied().filter(|k| !old_event.contains(k)).collect();
                buckets::delete_bands(tx, seq, &gone)?;
                taken_out.extend(gone.iter().map(|&key| (key, seq)));
                band_rows.extend(fresh.iter().map(|&key| (key, seq)));
                (event_keys.iter().chain(&old_copy).copied().collect::<Vec<i64>>(), Vec::new())
            }
            None => {
                let copy = workspace.features(seq).copy_signature.bands();
                let copy_keys: Vec<i64> = if copy.iter().any(|&h| h != 0) {
                    copy.iter().enumerate().map(|(band, &hash)| buckets::band_key(1, band, hash)).collect()
                } else {
                    Vec::new()
                };
                let all: Vec<i64> = event_keys.iter().chain(&copy_keys).copied().collect();
                band_rows.extend(all.iter().map(|&key| (key, seq)));
                (all, copy_keys)
            }
        };
        tx.prepare_cached("UPDATE articles SET band_keys = ?2, weighed_at = ?3 WHERE seq = ?1")?
            .execute(params![seq, codec::encode_keys(&all), total])?;
        keys_of.insert(seq, (event_keys, copy_keys));
    }
    // The batch's own rows are searched in memory and written after the search: the stored buckets then hold
    // only what earlier batches wrote, and a first batch reads none of its own rows back.
    band_rows.sort_unstable();
    let mut batch_buckets: HashMap<i64, (usize, usize)> = HashMap::new();
    for (i, &(key, _)) in band_rows.iter().enumerate() {
        batch_buckets.entry(key).or_insert((i, i)).1 = i + 1;
    }
    let batch_bucket = |key: i64| -> &[(i64, i64)] {
        batch_buckets.get(&key).map_or(&[], |&(start, end)| &band_rows[start..end])
    };
    let mut pairing = PairingCache::default();
    // Lookups of what earlier batches stored may run on connections of their own, beside this transaction,
    // unless it has taken an article's rows out before the search that they would still see (a correction).
    let mut readers = tx.path().filter(|path| beside && !path.is_empty()).map(Readers::new);
    let mut pairs: BTreeSet<(i64, i64)> = BTreeSet::new();
    let searched: Vec<(&i64, &ViewKeys)> = keys_of.iter().collect();
    let keys_of_chunk = |chunk: &[(&i64, &ViewKeys)]| -> BTreeSet<i64> {
        chunk.iter().flat_map(|(_, (event, copy))| event.iter().chain(copy).copied()).collect()
    };
    // A batch with keys enough to read most of the stored buckets reads them in one pass; a smaller one looks
    // its keys up a chunk of articles at a time, which bounds the memory those lookups hold.
    let all_keys = keys_of_chunk(&searched);
    let scanned = if buckets::scan_pays(tx, all_keys.len())? {
        Some(buckets::scan_buckets(tx, &all_keys.into_iter().collect())?)
    } else {
        None
    };
    for chunk in searched.chunks(BUCKET_CHUNK) {
        let looked_up;
        let buckets = match &scanned {
            Some(all) => all,
            None => {
                looked_up = match readers.as_mut() {
                    Some(readers) => {
                        buckets::look_up_buckets_beside(readers, keys_of_chunk(chunk), &taken_out)?
                    }
                    None => buckets::look_up_buckets(tx, keys_of_chunk(chunk))?,
                };
                &looked_up
            }
        };
        // Per part of the chunk: collisions first, then the dates and scripts of every article met, read at
        // once, then the filter. Parts bound the collisions held.
        for part in chunk.chunks(PAIRING_CHUNK) {
            let mut counted_of: Vec<(i64, Vec<(i64, u32)>)> = Vec::with_capacity(part.len() * 2);
            let mut met: Vec<i64> = Vec::new();
            for &(&seq, (event_keys, copy_keys)) in part {
                met.push(seq);
                for keys in [event_keys, copy_keys] {
                    let mut collisions: FxHashMap<i64, u32> = FxHashMap::default();
                    for &key in keys {
                        let stored = buckets.get(&key).into_iter().flatten().copied();
                        for other in stored.chain(batch_bucket(key).iter().map(|&(_, seq)| seq)) {
                            if other != seq {
                                *collisions.entry(other).or_default() += 1;
                            }
                        }
                    }
                    met.extend(collisions.keys());
                    counted_of.push((seq, collisions.into_iter().collect()));
                }
            }
            met.sort_unstable();
            met.dedup();
            pairing.load(tx, met, readers.as_mut())?;
            for (seq, collisions) in counted_of {
                let (day, script) = pairing.get(tx, seq)?;
                let mut counted: Vec<(u32, i64)> = Vec::with_capacity(collisions.len());
                for (other, count) in collisions {
                    let (other_day, other_script) = pairing.get(tx, other)?;
                    let dates_allow = match (cluster.window_days, day, other_day) {
                        (Some(window), Some(lhs), Some(rhs)) => lhs.abs_diff(rhs) <= window,
                        _ => true,
                    };
                    if dates_allow && (script == other_script || script == 0 || other_script == 0) {
                        counted.push((count, other));
                    }
                }
                // The most collisions first, ties by seq: a total order, so the ones kept do not depend on how
                // they were selected.
                let order = |lhs: &(u32, i64), rhs: &(u32, i64)| rhs.0.cmp(&lhs.0).then(lhs.1.cmp(&rhs.1));
                if counted.len() > MAX_CANDIDATES_PER_ARTICLE {
                    counted.select_nth_unstable_by(MAX_CANDIDATES_PER_ARTICLE, order);
                    counted.truncate(MAX_CANDIDATES_PER_ARTICLE);
                }
                for (_, other) in counted {
                    pairs.insert((seq.min(other), seq.max(other)));
                }
            }
        }
    }
    timer.stage("index add: buckets searched");
    buckets::insert_band_rows(tx, band_rows, &stale.keys().copied().collect())?;
    timer.stage("index add: band keys stored");
    let new: FxHashSet<i64> = refreshed.iter().copied().collect();
    let mut compared: FxHashSet<(i64, i64)> = pairs.iter().copied().collect();
    let first: Vec<(i64, i64)> = pairs.into_iter().collect();
    let mut touched: Vec<i64> = refreshed.iter().copied().filter(|seq| !unmoved.contains(seq)).collect();
    let new_edges = verify_and_store(tx, workspace, &first, cluster, config, &mut touched)?;
    // Two hops: pairs of neighbours of an article the batch touched, strongest edges first (as
    // `cluster::expand_and_verify` on one machine).
    let mut middles: BTreeSet<i64> = refreshed.iter().copied().collect();
    for &(lhs, rhs, score) in &new_edges {
        if score >= cluster.threshold * 0.5 {
            middles.insert(lhs);
            middles.insert(rhs);
        }
    }
    let mut two_hop: Vec<(i64, i64)> = Vec::new();
    for &middle in &middles {
        let mut around = store::edges_of(tx, middle, f64::from(cluster.threshold * 0.5))?;
        around.sort_by(|lhs, rhs| rhs.1.total_cmp(&lhs.1).then(lhs.0.cmp(&rhs.0)));
        around.truncate(MAX_EXPANSION_NEIGHBOURS);
        for (i, &(lhs, _)) in around.iter().enumerate() {
            for &(rhs, _) in &around[i + 1..] {
                let pair = (lhs.min(rhs), lhs.max(rhs));
                let fresh = new.contains(&middle) || new.contains(&lhs) || new.contains(&rhs);
                if fresh && compared.insert(pair) {
                    two_hop.push(pair);
                }
            }
        }
    }
    timer.stage("index add: candidates verified");
    two_hop.sort_unstable();
    let more_edges = verify_and_store(tx, workspace, &two_hop, cluster, config, &mut touched)?;
    timer.stage("index add: two-hop pairs verified");
    Ok(Searched {
        reweighed: stale.len(),
        compared: compared.len(),
        edges: new_edges.len() + more_edges.len(),
        touched,
    })
}

/// Articles whose buckets are held in memory at once during the search: 20,000 articles' 160 keys. Set, not
/// tuned: a few hundred MB at most for buckets of a few articles each.
const BUCKET_CHUNK: usize = 20_000;

/// Articles whose collisions are counted before their dates and scripts are read at once. Set, not
/// tuned: an add's own articles in one or two parts, and a few tens of MB of collisions at most.
const PAIRING_CHUNK: usize = 1000;

/// How much the index must have grown since an article's weights and event-view band keys were computed before
/// they are computed again, with its candidates searched and its story linked again: weights computed on a
/// tenth of the corpus miss the stories the one-shot run finds. Doubling bounds the re-weighing to about
/// log2(N) times per article. Set, not swept: measured on allsides_neus replayed day by day
/// (`scripts/index_replay.py`), agreement with the one-shot run rose from 0.969 to 0.986 (B-cubed F1), and on
/// basil from 0.985 to 0.994 (docs/EVALUATION.md, "Story index").
const REWEIGH_GROWTH: i64 = 2;

/// Articles re-weighed per batch at most (or as many as the batch adds, if more): the oldest weights first, so one batch
/// never re-weighs a whole cohort at once (at 1M articles a doubling is due for half the index). Set, not
/// tuned: it bounds an add's work to about twice its own articles'.
const REWEIGH_BUDGET: usize = 1000;

/// The stalest articles due for re-weighing, with their stored band keys.
fn take_stale(tx: &Transaction, total: i64, budget: usize) -> store::Sql<Vec<(i64, Vec<i64>)>> {
    let mut select = tx.prepare_cached(
        "SELECT seq, band_keys FROM articles WHERE current = 1 AND weighed_at * ?1 < ?2 \
         ORDER BY weighed_at, seq LIMIT ?3",
    )?;
    let rows: Vec<(i64, Vec<u8>)> = select
        .query_map(params![REWEIGH_GROWTH, total, budget as i64], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows.into_iter().map(|(seq, keys)| (seq, codec::decode_keys(&keys))).collect())
}

/// Verifies pairs, stores the edges found, and notes their articles; returns the edges.
fn verify_and_store(
    tx: &Transaction,
    workspace: &mut Workspace,
    pairs: &[(i64, i64)],
    cluster: &ClusterConfig,
    config: &FeatureConfig,
    touched: &mut Vec<i64>,
) -> store::Sql<Vec<(i64, i64, f32)>> {
    let seqs: Vec<i64> = pairs.iter().flat_map(|&(lhs, rhs)| [lhs, rhs]).collect();
    workspace.ensure(tx, &seqs, config)?;
    let scored: Vec<(i64, i64, Option<f32>)> =
        pairs.par_iter().map(|&(lhs, rhs)| (lhs, rhs, workspace.verify(lhs, rhs, cluster))).collect();
    let mut edges = Vec::new();
    for (lhs, rhs, score) in scored {
        if let Some(score) = score {
            store::put_edge(tx, lhs, rhs, score)?;
            touched.extend([lhs, rhs]);
            edges.push((lhs, rhs, score));
        }
    }
    Ok(edges)
}
