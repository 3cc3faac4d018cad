//! `index add` and `index remove`: one batch in one write transaction, from reading to reconciled stories.

use super::relink::{finish, log_retired, relink};
use super::store;
use super::workspace::Workspace;
use super::{buckets, candidates, codec, storylines, Index, IndexError};
use crate::article::Article;
use crate::features::ReadArticle;
use crate::ingest::Ingested;
use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
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
    pub storyline_merges: usize,
    pub storyline_splits: usize,
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
        if self.storyline_merges > 0 || self.storyline_splits > 0 {
            line.push_str(&format!(
                "; storylines: {} merges, {} splits",
                self.storyline_merges, self.storyline_splits
            ));
        }
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

/// An article the batch retires (a corrected or removed version): its story's other members must be looked at
/// again.
pub(super) struct Retired {
    pub doc_id: String,
    pub story: Option<i64>,
    pub kind: &'static str,
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
        let mut timer = crate::pipeline::timer::StageTimer::start(None);
        let account = add_in(&tx, ingested, options, &settings, "add", &mut timer)
            .map_err(|e| super::busy(&name, wait, e))?;
        tx.commit().map_err(|e| super::busy(&name, wait, e))?;
        timer.stage("index add: committed");
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
    buckets::delete_bands(tx, seq, &codec::decode_keys(&keys))?;
    seeds.extend(store::delete_edges_of(tx, seq)?);
    let counts = codec::decode_counts(&counts).unwrap_or_default();
    store::count_terms(tx, &counts, -1)?;
    let read = ReadArticle::read(&store::stored_article(tx, seq)?);
    store::count_names(tx, std::iter::once(&read), -1)?;
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
    timer: &mut crate::pipeline::timer::StageTimer,
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
    // Each article to store: (article, version, content hash, text key), hashed once.
    let mut incoming: Vec<(Article, i64, i64, Option<i64>)> = Vec::new();
    for article in ingested.articles {
        let hash = content_hash(&article);
        let text_key = crate::normalize::text_key(&article).map(codec::as_sql);
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
        incoming.push((article, version, hash, text_key));
    }
    timer.stage("index add: known ids and copies looked up");
    let config = settings.features();
    let read: Vec<ReadArticle> =
        incoming.par_iter().map(|(article, ..)| ReadArticle::read(article)).collect();
    let mut largest: i64 = store::meta(tx, "idf_reference")?.and_then(|v| v.parse().ok()).unwrap_or(1);
    if !retired.is_empty() {
        largest =
            tx.query_row("SELECT coalesce(max(articles), 1) FROM document_frequencies", [], |r| r.get(0))?;
    }
    timer.stage("index add: articles read");
    let mut added: Vec<i64> = Vec::with_capacity(incoming.len());
    let held: i64 = tx.query_row("SELECT count(*) FROM articles WHERE current = 1", [], |row| row.get(0))?;
    let total = held + incoming.len() as i64;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO articles (doc_id, version, current, batch, content_hash, text_key, outlet, title, date, \
             language, pairing, headline_only, shingle_count, body, counts, copy_signature, band_keys, weighed_at) \
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, x'', ?16)",
        )?;
        let mut day =
            tx.prepare_cached("INSERT INTO article_days (seq, day, pairing) VALUES (?1, ?2, ?3)")?;
        let mut duplicate = tx.prepare_cached(
            "INSERT OR IGNORE INTO duplicates (doc_id, article, batch) VALUES (?1, ?2, ?3)",
        )?;
        for ((article, version, hash, text_key), read) in incoming.iter().zip(&read) {
            insert.execute(params![
                article.doc_id,
                version,
                batch,
                hash,
                text_key,
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
            day.execute(params![
                seq,
                super::schema::day_number(article.date),
                crate::text::language::pairing_id(article.language.as_deref())
            ])?;
            for id in &article.duplicate_ids {
                account.duplicates += duplicate.execute(params![id, seq, batch])?;
            }
            added.push(seq);
        }
    }
    largest = largest.max(store::count_many_terms(tx, read.iter().map(|r| &r.counts), 1)?);
    store::count_names(tx, read.iter(), 1)?;
    // A correction is counted as one, not as an article added too.
    account.added = added.len() - account.corrections;
    store::set_meta(tx, "idf_reference", &largest.to_string())?;
    let cluster = settings.cluster();
    let mut workspace = Workspace::new(largest.max(1) as usize);
    timer.stage("index add: articles and term counts stored");
    let searched = candidates::refresh_and_search(
        tx,
        &mut workspace,
        &added,
        total,
        &cluster,
        &config,
        retired.is_empty(),
        timer,
    )?;
    buckets::merge_recent_bands(tx)?;
    timer.stage("index add: recent bands merged");
    account.reweighed = searched.reweighed;
    account.candidate_pairs = searched.compared;
    account.edges = searched.edges;
    seeds.extend(searched.touched);
    let relinked = relink(tx, &mut workspace, &seeds, &cluster, &config, batch)?;
    timer.stage("index add: stories linked again");
    let lines = storylines::relink_storylines(tx, &mut workspace, &relinked, &config, batch)?;
    timer.stage("index add: storylines linked again");
    log_retired(tx, batch, &retired)?;
    let account = finish(tx, batch, account, &relinked.events, &lines);
    timer.stage("index add: logged");
    account
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
    let config = settings.features();
    let relinked = relink(tx, &mut workspace, &seeds, &settings.cluster(), &config, batch)?;
    let lines = storylines::relink_storylines(tx, &mut workspace, &relinked, &config, batch)?;
    log_retired(tx, batch, &retired)?;
    finish(tx, batch, account, &relinked.events, &lines)
}
