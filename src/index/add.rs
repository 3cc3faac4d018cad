//! `index add` and `index remove`: one batch in one write transaction, from reading to reconciled stories.

use super::reconcile::{reconcile, StoryEvent};
use super::store::{self, Frequencies, PairingCache, StoredFeatures};
use super::{codec, Index, IndexError};
use crate::article::Article;
use crate::cluster::{average_linkage, verify_pair, Verdict, MAX_EXPANSION_NEIGHBOURS};
use crate::features::{ArticleFeatures, ReadArticle};
use crate::ingest::Ingested;
use crate::sketch::MAX_CANDIDATES_PER_ARTICLE;
use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use xxhash_rust::xxh3::xxh3_64;

/// What `add` is told besides the articles.
#[derive(Debug, Clone)]
pub struct AddOptions {
    /// The time the batch is recorded at (`YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
    /// The paths read, as given, for the batch's record.
    pub inputs: Vec<String>,
}

/// The account of one batch: where every input record went, and what happened to the stories.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct AddAccount {
    pub batch: i64,
    /// Input records seen: added + unchanged + corrections + duplicates + rejected + skipped records (or, for
    /// a removal, the ids named).
    pub records: usize,
    pub added: usize,
    /// Records the index already held with the same id and content: nothing added.
    pub unchanged: usize,
    /// Records with an id the index held with other content: kept as the article's new version (not counted in
    /// `added`).
    pub corrections: usize,
    /// Exact copies of an article of the index or of the batch under another id, merged into it.
    pub duplicates: usize,
    pub rejected: usize,
    pub skipped_records: usize,
    /// Articles taken out (`index remove`).
    pub removed: usize,
    /// Articles of the index whose weights were computed again because the index had grown.
    pub reweighed: usize,
    /// Ids `index remove` was given that the index does not hold.
    pub not_found: usize,
    pub new_stories: usize,
    pub grown_stories: usize,
    pub merges: usize,
    pub splits: usize,
    pub candidate_pairs: usize,
    pub edges: usize,
    /// The index after the batch: current articles, stories of two or more, singletons.
    pub articles_in_index: usize,
    pub stories_in_index: usize,
    pub singletons_in_index: usize,
}

impl AddAccount {
    /// The summary line printed after a batch.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "batch {}: {} records: {} added, {} unchanged, {} corrections, {} duplicates merged, {} rejected",
            self.batch,
            self.records,
            self.added,
            self.unchanged,
            self.corrections,
            self.duplicates,
            self.rejected
        );
        if self.skipped_records > 0 {
            line.push_str(&format!(", {} WARC records without an article", self.skipped_records));
        }
        if self.removed > 0 || self.not_found > 0 {
            line.push_str(&format!(", {} removed, {} not in the index", self.removed, self.not_found));
        }
        line.push_str(&format!(
            "; stories: {} new, {} grew, {} merges, {} splits; index: {} articles, {} stories, {} singletons",
            self.new_stories,
            self.grown_stories,
            self.merges,
            self.splits,
            self.articles_in_index,
            self.stories_in_index,
            self.singletons_in_index
        ));
        line
    }
}

/// What identifies an article's content for "same id, same content": everything that was read of it.
fn content_hash(article: &Article) -> i64 {
    let text = serde_json::json!([
        article.title,
        article.paragraphs,
        article.date,
        article.outlet,
        article.url,
        article.language,
    ]);
    codec::as_sql(xxh3_64(text.to_string().as_bytes()))
}

/// The features of the articles a batch looks at, weighted by the document frequencies as they stand after
/// the batch's own counts: the "weights of the index as it stands" policy (docs/ARCHITECTURE.md).
struct Workspace {
    stored: HashMap<i64, StoredFeatures>,
    position: HashMap<i64, u32>,
    features: Vec<ArticleFeatures>,
    frequencies: Frequencies,
    reference: usize,
}

impl Workspace {
    fn new(reference: usize) -> Self {
        Workspace {
            stored: HashMap::new(),
            position: HashMap::new(),
            features: Vec::new(),
            frequencies: Frequencies::default(),
            reference,
        }
    }

    /// Loads and weighs the articles not loaded yet; returns their event-view band hashes.
    fn ensure(
        &mut self,
        tx: &Transaction,
        seqs: &[i64],
        config: &crate::features::FeatureConfig,
    ) -> store::Sql<HashMap<i64, crate::sketch::EventBands>> {
        let mut missing: Vec<i64> = seqs.iter().copied().filter(|s| !self.position.contains_key(s)).collect();
        missing.sort_unstable();
        missing.dedup();
        let loaded = store::load_features(tx, &missing)?;
        self.frequencies.load(tx, loaded.iter().flat_map(|s| s.counts.iter().map(|&(key, _)| key)))?;
        let (df, reference) = (&self.frequencies.table, self.reference);
        let weighed: Vec<(ArticleFeatures, crate::sketch::EventBands)> =
            loaded.par_iter().map(|s| store::features_of(s, df, reference, config)).collect();
        let mut bands = HashMap::new();
        for (stored, (features, event_bands)) in loaded.into_iter().zip(weighed) {
            self.position.insert(stored.seq, self.features.len() as u32);
            bands.insert(stored.seq, event_bands);
            self.features.push(features);
            self.stored.insert(stored.seq, stored);
        }
        Ok(bands)
    }

    fn verify(&self, lhs: i64, rhs: i64, config: &crate::cluster::ClusterConfig) -> Option<f32> {
        match verify_pair(&self.features, self.position[&lhs], self.position[&rhs], config) {
            Verdict::Edge(edge) => Some(edge.score),
            _ => None,
        }
    }

    fn features(&self, seq: i64) -> &ArticleFeatures {
        &self.features[self.position[&seq] as usize]
    }
}

/// An article the batch retires (a corrected or removed version): its story's other members must be looked at
/// again.
struct Retired {
    doc_id: String,
    story: Option<i64>,
    kind: &'static str,
}

impl Index {
    /// Adds a batch of articles (read by `pipeline::prepare`, in canonical order, duplicates within the batch
    /// merged) to the index, in one transaction.
    pub fn add(&mut self, ingested: Ingested, options: &AddOptions) -> Result<AddAccount, IndexError> {
        let wait = self.wait;
        let name = self.name();
        let settings = self.settings.clone();
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| super::busy(&name, wait, e))?;
        let account =
            add_in(&tx, ingested, options, &settings, "add").map_err(|e| super::busy(&name, wait, e))?;
        tx.commit().map_err(|e| super::busy(&name, wait, e))?;
        Ok(account)
    }

    /// Takes the articles with these ids out of the index, in one transaction; their stories are re-linked.
    pub fn remove(&mut self, ids: &[String], options: &AddOptions) -> Result<AddAccount, IndexError> {
        let (name, wait, settings) = (self.name(), self.wait, self.settings.clone());
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| super::busy(&name, wait, e))?;
        let account = remove_in(&tx, ids, options, &settings).map_err(|e| super::busy(&name, wait, e))?;
        tx.commit().map_err(|e| super::busy(&name, wait, e))?;
        Ok(account)
    }
}

fn begin_batch(tx: &Transaction, options: &AddOptions, command: &str) -> store::Sql<i64> {
    tx.execute(
        "INSERT INTO batches (at, command, inputs, account) VALUES (?1, ?2, ?3, '{}')",
        params![options.at, command, serde_json::to_string(&options.inputs).expect("paths serialise")],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Retires the current version `seq`: out of the buckets, edges and document frequencies.
fn retire(
    tx: &Transaction,
    seq: i64,
    batch: i64,
    kind: &'static str,
    seeds: &mut Vec<i64>,
) -> store::Sql<Retired> {
    let (doc_id, counts, keys, story): (String, Vec<u8>, Vec<u8>, Option<i64>) =
        tx.query_row("SELECT doc_id, counts, band_keys, story FROM articles WHERE seq = ?1", [seq], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
    tx.execute("UPDATE articles SET current = 0, retired_batch = ?2 WHERE seq = ?1", params![seq, batch])?;
    store::delete_bands(tx, seq, &codec::decode_keys(&keys))?;
    seeds.extend(store::delete_edges_of(tx, seq)?);
    let counts = codec::decode_counts(&counts).unwrap_or_default();
    store::count_terms(tx, &counts, -1)?;
    if let Some(story) = story {
        seeds.extend(store::members(tx, story)?);
    }
    Ok(Retired { doc_id, story, kind })
}

fn add_in(
    tx: &Transaction,
    ingested: Ingested,
    options: &AddOptions,
    settings: &super::Settings,
    command: &str,
) -> store::Sql<AddAccount> {
    let batch = begin_batch(tx, options, command)?;
    let mut account = AddAccount {
        batch,
        rejected: ingested.rejected.len(),
        skipped_records: ingested.skipped_records.len(),
        ..AddAccount::default()
    };
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO rejected (batch, location, reason) VALUES (?1, ?2, ?3)")?;
        for rejected in ingested.rejected.iter().chain(&ingested.skipped_records) {
            insert.execute(params![batch, rejected.location, rejected.reason])?;
        }
    }
    let mut seeds: Vec<i64> = Vec::new();
    let mut retired: Vec<Retired> = Vec::new();
    // Each article to store, with its version number.
    let mut incoming: Vec<(Article, i64)> = Vec::new();
    for article in ingested.articles {
        let hash = content_hash(&article);
        let current: Option<(i64, i64, i64)> = tx
            .prepare_cached(
                "SELECT seq, content_hash, version FROM articles WHERE doc_id = ?1 AND current = 1",
            )?
            .query_row([&article.doc_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        let version = match current {
            Some((_, stored_hash, _)) if stored_hash == hash => {
                account.unchanged += 1 + article.duplicate_ids.len();
                continue;
            }
            Some((seq, _, version)) => {
                account.corrections += 1;
                retired.push(retire(tx, seq, batch, "correction", &mut seeds)?);
                version + 1
            }
            None => {
                let merged: Option<i64> = tx
                    .prepare_cached("SELECT article FROM duplicates WHERE doc_id = ?1")?
                    .query_row([&article.doc_id], |row| row.get(0))
                    .optional()?;
                if merged.is_some() {
                    account.unchanged += 1 + article.duplicate_ids.len();
                    continue;
                }
                let text_key = crate::normalize::text_key(&article).map(codec::as_sql);
                let copy_of: Option<i64> = match text_key {
                    Some(key) => tx
                        .prepare_cached(
                            "SELECT seq FROM articles WHERE text_key = ?1 AND current = 1 LIMIT 1",
                        )?
                        .query_row([key], |row| row.get(0))
                        .optional()?,
                    None => None,
                };
                if let Some(seq) = copy_of {
                    let mut insert = tx.prepare_cached(
                        "INSERT OR IGNORE INTO duplicates (doc_id, article, batch) VALUES (?1, ?2, ?3)",
                    )?;
                    for id in article.all_ids() {
                        account.duplicates += insert.execute(params![id, seq, batch])?;
                    }
                    continue;
                }
                1
            }
        };
        incoming.push((article, version));
    }
    let config = settings.features();
    let read: Vec<ReadArticle> = incoming.par_iter().map(|(article, _)| ReadArticle::read(article)).collect();
    let mut largest: i64 = store::meta(tx, "idf_reference")?.and_then(|v| v.parse().ok()).unwrap_or(1);
    if !retired.is_empty() {
        largest =
            tx.query_row("SELECT coalesce(max(articles), 1) FROM document_frequencies", [], |r| r.get(0))?;
    }
    let mut added: Vec<i64> = Vec::with_capacity(incoming.len());
    let held: i64 = tx.query_row("SELECT count(*) FROM articles WHERE current = 1", [], |row| row.get(0))?;
    let total = held + incoming.len() as i64;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO articles (doc_id, version, current, batch, content_hash, text_key, outlet, title, date, \
             language, pairing, headline_only, shingle_count, body, counts, copy_signature, band_keys, weighed_at) \
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, x'', ?16)",
        )?;
        let mut duplicate = tx.prepare_cached(
            "INSERT OR IGNORE INTO duplicates (doc_id, article, batch) VALUES (?1, ?2, ?3)",
        )?;
        for ((article, version), read) in incoming.iter().zip(&read) {
            largest = largest.max(store::count_terms(tx, &read.counts, 1)?);
            insert.execute(params![
                article.doc_id,
                version,
                batch,
                content_hash(article),
                crate::normalize::text_key(article).map(codec::as_sql),
                article.outlet,
                article.title,
                article.date.map(|d| d.to_string()),
                article.language,
                crate::text::language::pairing_id(article.language.as_deref()),
                article.is_headline_only(),
                read.shingle_count,
                codec::encode_body(article),
                codec::encode_counts(&read.counts),
                codec::encode_signature(&read.copy_signature),
                total,
            ])?;
            let seq = tx.last_insert_rowid();
            for id in &article.duplicate_ids {
                account.duplicates += duplicate.execute(params![id, seq, batch])?;
            }
            added.push(seq);
        }
    }
    // A correction is counted as one, not as an article added too.
    account.added = added.len() - account.corrections;
    store::set_meta(tx, "idf_reference", &largest.to_string())?;
    let cluster = settings.cluster();
    let mut workspace = Workspace::new(largest.max(1) as usize);
    let stale: BTreeMap<i64, Vec<i64>> =
        take_stale(tx, total, REWEIGH_BUDGET.max(added.len()))?.into_iter().collect();
    let refreshed: Vec<i64> = added.iter().chain(stale.keys()).copied().collect();
    let event_bands = workspace.ensure(tx, &refreshed, &config)?;
    // Band keys of the new articles, and of re-weighed ones whose event-view keys moved, then the candidate
    // search over the stored buckets (the batch included). A re-weighed article's copy view does not depend on
    // weights: its copy keys stay, and so do the candidates they found.
    let mut keys_of: BTreeMap<i64, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for &seq in &refreshed {
        let event = &event_bands[&seq];
        let event_keys: Vec<i64> = if event.iter().any(|&h| h != 0) {
            event.iter().enumerate().map(|(band, &hash)| store::band_key(0, band, hash)).collect()
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
                    continue;
                }
                let gone: Vec<i64> = old_event.iter().copied().filter(|k| !event_keys.contains(k)).collect();
                let fresh: Vec<i64> = event_keys.iter().copied().filter(|k| !old_event.contains(k)).collect();
                store::delete_bands(tx, seq, &gone)?;
                store::insert_bands(tx, seq, &fresh)?;
                (event_keys.iter().chain(&old_copy).copied().collect::<Vec<i64>>(), Vec::new())
            }
            None => {
                let copy = workspace.features(seq).copy_signature.bands();
                let copy_keys: Vec<i64> = if copy.iter().any(|&h| h != 0) {
                    copy.iter().enumerate().map(|(band, &hash)| store::band_key(1, band, hash)).collect()
                } else {
                    Vec::new()
                };
                let all: Vec<i64> = event_keys.iter().chain(&copy_keys).copied().collect();
                store::insert_bands(tx, seq, &all)?;
                (all, copy_keys)
            }
        };
        tx.prepare_cached("UPDATE articles SET band_keys = ?2, weighed_at = ?3 WHERE seq = ?1")?
            .execute(params![seq, codec::encode_keys(&all), total])?;
        keys_of.insert(seq, (event_keys, copy_keys));
    }
    let mut pairing = PairingCache::default();
    let mut pairs: BTreeSet<(i64, i64)> = BTreeSet::new();
    for (&seq, (event_keys, copy_keys)) in &keys_of {
        let (day, script) = pairing.get(tx, seq)?;
        for keys in [event_keys, copy_keys] {
            let mut collisions: HashMap<i64, u32> = HashMap::new();
            for &key in keys {
                for other in store::bucket(tx, key)? {
                    if other != seq {
                        *collisions.entry(other).or_default() += 1;
                    }
                }
            }
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
            counted.sort_unstable_by(|lhs, rhs| rhs.0.cmp(&lhs.0).then(lhs.1.cmp(&rhs.1)));
            for (_, other) in counted.into_iter().take(MAX_CANDIDATES_PER_ARTICLE) {
                pairs.insert((seq.min(other), seq.max(other)));
            }
        }
    }
    account.reweighed = stale.len();
    let new: HashSet<i64> = refreshed.iter().copied().collect();
    let mut compared: HashSet<(i64, i64)> = pairs.iter().copied().collect();
    let first: Vec<(i64, i64)> = pairs.into_iter().collect();
    let mut touched: Vec<i64> = refreshed.clone();
    let new_edges = verify_and_store(tx, &mut workspace, &first, &cluster, &config, &mut touched)?;
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
    two_hop.sort_unstable();
    let more_edges = verify_and_store(tx, &mut workspace, &two_hop, &cluster, &config, &mut touched)?;
    store::merge_recent_bands(tx)?;
    account.candidate_pairs = compared.len();
    account.edges = new_edges.len() + more_edges.len();
    seeds.extend(touched);
    let events = relink(tx, &mut workspace, &seeds, &cluster, &config, batch)?;
    log_retired(tx, batch, &retired)?;
    finish(tx, batch, account, &events)
}

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
    cluster: &crate::cluster::ClusterConfig,
    config: &crate::features::FeatureConfig,
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

/// Re-links the stories around `seeds`: every edge among them weighed again with today's frequencies, average
/// linkage over them, and the result reconciled with the stories they had. Returns the events, with article
/// doc ids.
fn relink(
    tx: &Transaction,
    workspace: &mut Workspace,
    seeds: &[i64],
    cluster: &crate::cluster::ClusterConfig,
    config: &crate::features::FeatureConfig,
    batch: i64,
) -> store::Sql<Vec<StoryEvent>> {
    let mut seeds: Vec<i64> = seeds.to_vec();
    seeds.sort_unstable();
    seeds.dedup();
    // Only current articles: a retired version's neighbours were seeded, not the version.
    let current: Vec<i64> = {
        let mut is_current = tx.prepare_cached("SELECT 1 FROM articles WHERE seq = ?1 AND current = 1")?;
        let mut kept = Vec::new();
        for seq in seeds {
            if is_current.query_row([seq], |_| Ok(())).optional()?.is_some() {
                kept.push(seq);
            }
        }
        kept
    };
    let members = store::closure(tx, &current, f64::from(cluster.threshold))?;
    workspace.ensure(tx, &members, config)?;
    let inside: HashSet<i64> = members.iter().copied().collect();
    let mut edges: Vec<(i64, i64)> = Vec::new();
    for &seq in &members {
        for (other, _) in store::edges_of(tx, seq, f64::MIN)? {
            if seq < other && inside.contains(&other) {
                edges.push((seq, other));
            }
        }
    }
    edges.sort_unstable();
    let rescored: Vec<(i64, i64, Option<f32>)> =
        edges.par_iter().map(|&(lhs, rhs)| (lhs, rhs, workspace.verify(lhs, rhs, cluster))).collect();
    let mut scores: HashMap<(i64, i64), f32> = HashMap::new();
    for (lhs, rhs, score) in rescored {
        match score {
            Some(score) => {
                store::put_edge(tx, lhs, rhs, score)?;
                scores.insert((lhs, rhs), score);
            }
            None => store::delete_edge(tx, lhs, rhs)?,
        }
    }
    // Local positions in canonical (doc id) order, so linkage's tie-breaks follow the one-machine run's.
    let mut order = members.clone();
    order.sort_by(|lhs, rhs| (&workspace.stored[lhs].doc_id, lhs).cmp(&(&workspace.stored[rhs].doc_id, rhs)));
    let position: HashMap<i64, u32> = order.iter().enumerate().map(|(i, &s)| (s, i as u32)).collect();
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
    let mut new_members: HashMap<i64, BTreeSet<i64>> = HashMap::new();
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
    Ok(outcome.events)
}

fn log_retired(tx: &Transaction, batch: i64, retired: &[Retired]) -> store::Sql<()> {
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
fn finish(
    tx: &Transaction,
    batch: i64,
    mut account: AddAccount,
    events: &[StoryEvent],
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

fn remove_in(
    tx: &Transaction,
    ids: &[String],
    options: &AddOptions,
    settings: &super::Settings,
) -> store::Sql<AddAccount> {
    let batch = begin_batch(tx, options, "remove")?;
    let mut account = AddAccount { batch, ..AddAccount::default() };
    let mut seeds = Vec::new();
    let mut retired = Vec::new();
    for id in ids {
        let seq: Option<i64> = tx
            .prepare_cached("SELECT seq FROM articles WHERE doc_id = ?1 AND current = 1")?
            .query_row([id], |row| row.get(0))
            .optional()?;
        match seq {
            Some(seq) => {
                // Its merged duplicates were the same text: they go with it.
                tx.execute("DELETE FROM duplicates WHERE article = ?1", [seq])?;
                retired.push(retire(tx, seq, batch, "removed", &mut seeds)?);
                account.removed += 1;
            }
            None => account.not_found += 1,
        }
    }
    if !retired.is_empty() {
        let largest: i64 =
            tx.query_row("SELECT coalesce(max(articles), 1) FROM document_frequencies", [], |r| r.get(0))?;
        store::set_meta(tx, "idf_reference", &largest.to_string())?;
    }
    let reference = store::meta(tx, "idf_reference")?.and_then(|v| v.parse().ok()).unwrap_or(1usize);
    let mut workspace = Workspace::new(reference);
    let events = relink(tx, &mut workspace, &seeds, &settings.cluster(), &settings.features(), batch)?;
    log_retired(tx, batch, &retired)?;
    finish(tx, batch, account, &events)
}
