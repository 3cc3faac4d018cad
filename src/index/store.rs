//! The queries the index runs inside a transaction: articles in and out, document frequencies, edges and story
//! memberships (the LSH buckets are in [`super::buckets`]).

use super::beside::{as_array, Readers};
use super::codec;
use crate::features::{self, ArticleFeatures, DocumentFrequencies, FeatureConfig, TermCounts, TermKey};
use crate::sketch::CopySignature;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub type Sql<T> = Result<T, rusqlite::Error>;

/// An article as the index stores what clustering needs of it.
#[derive(Debug, Clone)]
pub struct StoredFeatures {
    pub seq: i64,
    pub doc_id: String,
    pub counts: TermCounts,
    pub copy_signature: CopySignature,
    pub shingle_count: u32,
    pub date: Option<NaiveDate>,
    pub pairing: u8,
    pub headline_only: bool,
    pub story: Option<i64>,
}

pub fn meta(tx: &Transaction, key: &str) -> Sql<Option<String>> {
    tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()
}

pub fn set_meta(tx: &Transaction, key: &str, value: &str) -> Sql<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        [key, value],
    )?;
    Ok(())
}

/// Adds `delta` (+1 or -1) to the document frequency of every term of `counts`; returns the largest frequency
/// reached (for the IDF reference).
pub fn count_terms(tx: &Transaction, counts: &TermCounts, delta: i64) -> Sql<i64> {
    count_many_terms(tx, std::iter::once(counts), delta)
}

/// [`count_terms`] for many articles at once: the changes summed per term first, then written in term order,
/// one upsert per distinct term, so the B-tree is walked once instead of once an article (at 30k articles in
/// one batch, 25 s of random upserts before).
pub fn count_many_terms<'a>(
    tx: &Transaction,
    articles: impl Iterator<Item = &'a TermCounts>,
    delta: i64,
) -> Sql<i64> {
    let mut change: BTreeMap<TermKey, i64> = BTreeMap::new();
    for counts in articles {
        for &(key, _) in counts {
            *change.entry(key).or_default() += delta;
        }
    }
    let mut upsert = tx.prepare_cached(
        "INSERT INTO document_frequencies (term, articles) VALUES (?1, ?2) \
         ON CONFLICT(term) DO UPDATE SET articles = articles + ?2 RETURNING articles",
    )?;
    let mut largest = 0;
    for (key, by) in change {
        let n: i64 = upsert.query_row(params![i64::from(key), by], |row| row.get(0))?;
        largest = largest.max(n);
    }
    if delta < 0 {
        tx.prepare_cached("DELETE FROM document_frequencies WHERE articles <= 0")?.execute([])?;
    }
    Ok(largest)
}

/// Adds `delta` to the name counts of the terms each article writes as a name and in lower case (for the
/// storylines' name profiles), summed per term and written in term order as [`count_many_terms`].
pub fn count_names<'a>(
    tx: &Transaction,
    articles: impl Iterator<Item = &'a features::ReadArticle>,
    delta: i64,
) -> Sql<()> {
    let mut change: BTreeMap<TermKey, (i64, i64)> = BTreeMap::new();
    for read in articles {
        for &key in &read.names {
            change.entry(key).or_default().0 += delta;
        }
        for &key in &read.lowercase {
            change.entry(key).or_default().1 += delta;
        }
    }
    let mut upsert = tx.prepare_cached(
        "INSERT INTO name_terms (term, named, lowercase) VALUES (?1, ?2, ?3) \
         ON CONFLICT(term) DO UPDATE SET named = named + ?2, lowercase = lowercase + ?3",
    )?;
    for (key, (named, lowercase)) in change {
        upsert.execute(params![i64::from(key), named, lowercase])?;
    }
    if delta < 0 {
        tx.prepare_cached("DELETE FROM name_terms WHERE named <= 0 AND lowercase <= 0")?.execute([])?;
    }
    Ok(())
}

/// The stored article `seq` whole (its text, for reading its words again).
pub fn stored_article(tx: &Transaction, seq: i64) -> Sql<crate::article::Article> {
    type Row = (String, Option<String>, Option<String>, Option<String>, Option<String>, Vec<u8>);
    let (doc_id, outlet, title, date, language, body): Row = tx.query_row(
        "SELECT doc_id, outlet, title, date, language, body FROM articles WHERE seq = ?1",
        [seq],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
    )?;
    let mut article = crate::article::Article::new(
        doc_id,
        crate::article::SourceLocation { path: String::new(), record: None },
    );
    article.outlet = outlet;
    article.title = title;
    article.date = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    article.language = language;
    codec::decode_body(&body, &mut article).map_err(|_| damaged("article body"))?;
    Ok(article)
}

/// Document frequencies looked up once per term, kept for the batch.
#[derive(Default)]
pub struct Frequencies {
    pub table: DocumentFrequencies,
}

impl Frequencies {
    /// Reads the frequencies of `terms` not held yet, by one statement over them in term order, so neighbouring
    /// terms share the B-tree pages read (terms come in article order).
    pub fn load(&mut self, tx: &Transaction, terms: impl Iterator<Item = TermKey>) -> Sql<()> {
        let missing: BTreeSet<TermKey> = terms.filter(|key| !self.table.contains_key(key)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut select = tx.prepare_cached(
            "SELECT f.term, f.articles FROM rarray(?1) AS k CROSS JOIN document_frequencies AS f \
             ON f.term = k.value",
        )?;
        let mut rows = select.query([as_array(missing.iter().map(|&key| i64::from(key)))])?;
        while let Some(row) = rows.next()? {
            let (term, articles): (i64, i64) = (row.get(0)?, row.get(1)?);
            self.table.insert(term as TermKey, articles.max(0) as u32);
        }
        for key in missing {
            self.table.entry(key).or_insert(0);
        }
        Ok(())
    }
}

fn damaged(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Blob)
}

/// The stored features of the current articles `seqs`, in that order.
pub fn load_features(tx: &Transaction, seqs: &[i64]) -> Sql<Vec<StoredFeatures>> {
    let mut select = tx.prepare_cached(
        "SELECT doc_id, counts, copy_signature, shingle_count, date, pairing, headline_only, story \
         FROM articles WHERE seq = ?1",
    )?;
    seqs.iter()
        .map(|&seq| {
            select.query_row([seq], |row| {
                let counts: Vec<u8> = row.get(1)?;
                let signature: Vec<u8> = row.get(2)?;
                let date: Option<String> = row.get(4)?;
                Ok(StoredFeatures {
                    seq,
                    doc_id: row.get(0)?,
                    counts: codec::decode_counts(&counts).ok_or_else(|| damaged("term counts"))?,
                    copy_signature: codec::decode_signature(&signature)
                        .ok_or_else(|| damaged("copy signature"))?,
                    shingle_count: row.get(3)?,
                    date: date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    pairing: row.get(5)?,
                    headline_only: row.get(6)?,
                    story: row.get(7)?,
                })
            })
        })
        .collect()
}

/// Features for clustering from stored counts, weighted by the document frequencies as they stand, with the
/// event view's bands when `with_bands`.
pub fn features_of(
    stored: &StoredFeatures,
    df: &DocumentFrequencies,
    reference: usize,
    config: &FeatureConfig,
    with_bands: bool,
) -> (ArticleFeatures, Option<crate::sketch::EventBands>) {
    let (vector, bands) = if with_bands {
        let (vector, bands) = features::event_view(&stored.counts, df, reference, config);
        (vector, Some(bands))
    } else {
        (features::event_vector(&stored.counts, df, reference, config), None)
    };
    let features = ArticleFeatures {
        vector,
        copy_signature: stored.copy_signature,
        shingle_count: stored.shingle_count,
        date: stored.date,
        language: stored.pairing,
        headline_only: stored.headline_only,
    };
    (features, bands)
}

/// Edges of an article with a score of at least `at_least`: (other article, score).
pub fn edges_of(tx: &Transaction, seq: i64, at_least: f64) -> Sql<Vec<(i64, f64)>> {
    scored_pairs_of(tx, "edges", seq, at_least)
}

/// Every edge whose smaller end is one of `seqs` (sorted): (lhs, rhs, score), read by one statement in key order.
/// Among a set of articles, each edge is found once from its smaller end, so the `edges_rhs` half and its row
/// lookups are not needed (one statement per article and direction was 0.5 s of an add to the
/// 1M index: docs/PERFORMANCE.md, "Story index").
pub fn edges_from(tx: &Transaction, seqs: &[i64]) -> Sql<Vec<(i64, i64, f64)>> {
    let mut select = tx.prepare_cached(
        "SELECT e.lhs, e.rhs, e.score FROM rarray(?1) AS k CROSS JOIN edges AS e ON e.lhs = k.value",
    )?;
    let rows = select
        .query_map([as_array(seqs.iter().copied())], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}

/// The pairs of a table of scored pairs (`edges`, `storyline_links`: lhs < rhs, score) that hold `id`, with a
/// score of at least `at_least`: (the other end, score).
pub fn scored_pairs_of(
    tx: &Transaction,
    table: &'static str,
    id: i64,
    at_least: f64,
) -> Sql<Vec<(i64, f64)>> {
    let mut select = tx.prepare_cached(&format!(
        "SELECT rhs, score FROM {table} WHERE lhs = ?1 AND score >= ?2 \
         UNION ALL SELECT lhs, score FROM {table} WHERE rhs = ?1 AND score >= ?2"
    ))?;
    let rows = select.query_map(params![id, at_least], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

pub fn put_edge(tx: &Transaction, lhs: i64, rhs: i64, score: f32) -> Sql<()> {
    let (lhs, rhs) = (lhs.min(rhs), lhs.max(rhs));
    tx.prepare_cached(
        "INSERT INTO edges (lhs, rhs, score) VALUES (?1, ?2, ?3) ON CONFLICT(lhs, rhs) DO UPDATE SET score = ?3",
    )?
    .execute(params![lhs, rhs, f64::from(score)])?;
    Ok(())
}

/// Sets the score of an edge that is stored (an upsert looks the key up twice).
pub fn rescore_edge(tx: &Transaction, lhs: i64, rhs: i64, score: f32) -> Sql<()> {
    tx.prepare_cached("UPDATE edges SET score = ?3 WHERE lhs = ?1 AND rhs = ?2")?.execute(params![
        lhs.min(rhs),
        lhs.max(rhs),
        f64::from(score)
    ])?;
    Ok(())
}

pub fn delete_edge(tx: &Transaction, lhs: i64, rhs: i64) -> Sql<()> {
    let (lhs, rhs) = (lhs.min(rhs), lhs.max(rhs));
    tx.prepare_cached("DELETE FROM edges WHERE lhs = ?1 AND rhs = ?2")?.execute(params![lhs, rhs])?;
    Ok(())
}

pub fn delete_edges_of(tx: &Transaction, seq: i64) -> Sql<Vec<i64>> {
    let others: Vec<i64> = edges_of(tx, seq, f64::MIN)?.into_iter().map(|(other, _)| other).collect();
    tx.prepare_cached("DELETE FROM edges WHERE lhs = ?1 OR rhs = ?1")?.execute([seq])?;
    Ok(others)
}

/// The current members of a story.
pub fn members(tx: &Transaction, story: i64) -> Sql<Vec<i64>> {
    let mut select = tx.prepare_cached("SELECT seq FROM articles WHERE story = ?1 AND current = 1")?;
    let rows = select.query_map([story], |row| row.get(0))?;
    rows.collect()
}

/// The articles a batch links again around `seeds`: the seeds, the articles an edge at or above `threshold`
/// joins to one of them, and every member of the stories of both. One hop, not the whole connected component:
/// on a large index the component of the threshold graph grows with the index (1,000 articles added to the
/// 1M synthetic index touched a closure of 127,239 articles and 608,574 edges, 13 s of a 22 s add;
/// docs/PERFORMANCE.md, "Story index"), while what a batch changes is local: a story it grows or splits can
/// only join one that a seed has an edge to, since a member without an edge to the other story lowers the
/// average. What it gives up: stories beyond the hop keep their members and their edges' scores (weighed
/// with older frequencies) until a batch reaches them; on the replays the agreement with one run moved by at
/// most 0.0024 (docs/EVALUATION.md, "Story index").
pub fn around(tx: &Transaction, seeds: &[i64], threshold: f64) -> Sql<Vec<i64>> {
    let mut seen: HashSet<i64> = seeds.iter().copied().collect();
    // Both ends of the seeds' edges, by one statement each over the seeds in order (one statement per seed
    // was 0.36 s of an add to the 1M index).
    let mut sorted: Vec<i64> = seeds.to_vec();
    sorted.sort_unstable();
    let seeds = as_array(sorted);
    for (end, other) in [("lhs", "rhs"), ("rhs", "lhs")] {
        let mut select = tx.prepare_cached(&format!(
            "SELECT e.{other} FROM rarray(?1) AS k CROSS JOIN edges AS e ON e.{end} = k.value WHERE e.score >= ?2"
        ))?;
        let rows = select.query_map(params![&seeds, threshold], |row| row.get::<_, i64>(0))?;
        for other in rows {
            seen.insert(other?);
        }
    }
    let mut ordered: Vec<i64> = seen.iter().copied().collect();
    ordered.sort_unstable();
    let mut story_of = tx.prepare_cached(
        "SELECT a.story FROM rarray(?1) AS k CROSS JOIN articles AS a ON a.seq = k.value \
         WHERE a.current = 1 AND a.story IS NOT NULL",
    )?;
    let stories: BTreeSet<i64> =
        story_of.query_map([as_array(ordered)], |row| row.get(0))?.collect::<Sql<_>>()?;
    for story in stories {
        seen.extend(members(tx, story)?);
    }
    let mut all: Vec<i64> = seen.into_iter().collect();
    all.sort_unstable();
    Ok(all)
}

/// The live story a story id stands for now: itself, or where its merges lead; `None` for an unknown id.
pub fn resolve_story(tx: &Transaction, story: i64) -> Sql<Option<i64>> {
    let mut current = story;
    let mut select = tx.prepare_cached("SELECT merged_into FROM stories WHERE id = ?1")?;
    // Merges only point to ids that were live, so the chain ends; the bound guards a damaged table.
    for _ in 0..10_000 {
        match select.query_row([current], |row| row.get::<_, Option<i64>>(0)).optional()? {
            None => return Ok(None),
            Some(None) => return Ok(Some(current)),
            Some(Some(next)) => current = next,
        }
    }
    Ok(None)
}

/// An article's day number (days from the Common Era) and pairing script.
type Pairing = (Option<i32>, u8);

/// Day number and pairing script of articles, cached for the batch (for the candidate filter).
#[derive(Default)]
pub struct PairingCache {
    known: rustc_hash::FxHashMap<i64, Pairing>,
}

impl PairingCache {
    pub fn get(&mut self, tx: &Transaction, seq: i64) -> Sql<Pairing> {
        if let Some(&known) = self.known.get(&seq) {
            return Ok(known);
        }
        self.load(tx, vec![seq], None)?;
        Ok(self.known[&seq])
    }

    /// Reads the articles of `seqs` (sorted, distinct) not cached yet, by one statement over them in seq order
    /// (from `article_days`). With `beside`, the two reader connections read half each, as of the last commit,
    /// and the transaction reads what they cannot see (the batch's own articles).
    pub fn load(&mut self, tx: &Transaction, seqs: Vec<i64>, beside: Option<&mut Readers>) -> Sql<()> {
        let mut missing: Vec<i64> = seqs.into_iter().filter(|seq| !self.known.contains_key(seq)).collect();
        if let Some(readers) = beside.filter(|_| missing.len() >= 2) {
            let [lhs, rhs] = readers.on_two(&missing, read_pairing)?;
            self.known.extend(lhs.into_iter().chain(rhs));
            missing.retain(|seq| !self.known.contains_key(seq));
        }
        let wanted = missing.len();
        let found = read_pairing(tx, &missing)?;
        if found.len() < wanted {
            return Err(rusqlite::Error::QueryReturnedNoRows);
        }
        self.known.extend(found);
        Ok(())
    }
}

/// Day number and pairing script of the articles `seqs` (sorted) that `connection` holds.
fn read_pairing(connection: &rusqlite::Connection, seqs: &[i64]) -> Sql<Vec<(i64, Pairing)>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = connection.prepare_cached(
        "SELECT d.seq, d.day, d.pairing FROM rarray(?1) AS k CROSS JOIN article_days AS d ON d.seq = k.value",
    )?;
    let rows = select
        .query_map([as_array(seqs.iter().copied())], |row| Ok((row.get(0)?, (row.get(1)?, row.get(2)?))))?;
    rows.collect()
}
