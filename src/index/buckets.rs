//! The LSH buckets stored in the index: keys of (view, band, hash), looked up, written, taken out and merged.

use super::beside::{as_array, Readers};
use super::store::{meta, set_meta, Sql};
use rusqlite::{params, Transaction};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The LSH bucket key of one band: the view (0 event, 1 copy), the band and its hash.
pub fn band_key(view: i64, band: usize, hash: u32) -> i64 {
    (view << 40) | ((band as i64) << 32) | i64::from(hash)
}

/// Whether a batch searching `keys` distinct band keys should read the stored buckets in one pass rather than
/// look each key up: when they number a quarter of the stored rows or more (a first or a large batch), point
/// lookups would read most pages many times, where one pass reads each once. The quarter is set, not tuned: a
/// point lookup costs a few B-tree pages, a row of a pass a small share of one.
pub fn scan_pays(tx: &Transaction, keys: usize) -> Sql<bool> {
    let stored: i64 = meta(tx, "bands_rows")?.and_then(|v| v.parse().ok()).unwrap_or(0)
        + tx.query_row("SELECT count(*) FROM recent_bands", [], |row| row.get::<_, i64>(0))?;
    Ok((keys as i64).saturating_mul(4) >= stored)
}

/// The stored articles in each bucket of `keys`, by one pass over both tables (a key with none is absent).
pub fn scan_buckets(tx: &Transaction, keys: &HashSet<i64>) -> Sql<HashMap<i64, Vec<i64>>> {
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut scan =
        tx.prepare_cached("SELECT key, article FROM bands UNION ALL SELECT key, article FROM recent_bands")?;
    let mut rows = scan.query([])?;
    while let Some(row) = rows.next()? {
        let key: i64 = row.get(0)?;
        if keys.contains(&key) {
            found.entry(key).or_default().push(row.get(1)?);
        }
    }
    let retired: HashSet<(i64, i64)> = tx
        .prepare_cached("SELECT key, article FROM retired_bands")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Sql<_>>()?;
    leave_out(&mut found, &retired);
    Ok(found)
}

/// The stored articles in each bucket of `keys`, looked up in key order by one statement over the keys as an
/// array, so the B-tree pages one lookup reads serve the next (a key with none is absent). One statement per key
/// measured the same (2.5-2.9 s of an add of 1,000 articles to the 1M index): the time is in the B-tree pages.
pub fn look_up_buckets(tx: &rusqlite::Connection, keys: BTreeSet<i64>) -> Sql<HashMap<i64, Vec<i64>>> {
    let keys = as_array(keys);
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    for table in ["bands", "recent_bands"] {
        let mut select = tx.prepare_cached(&format!(
            "SELECT k.value, b.article FROM rarray(?1) AS k CROSS JOIN {table} AS b ON b.key = k.value"
        ))?;
        let mut rows = select.query([&keys])?;
        while let Some(row) = rows.next()? {
            found.entry(row.get(0)?).or_default().push(row.get(1)?);
        }
    }
    let mut select = tx.prepare_cached(
        "SELECT k.value, b.article FROM rarray(?1) AS k CROSS JOIN retired_bands AS b ON b.key = k.value",
    )?;
    let retired: HashSet<(i64, i64)> =
        select.query_map([&keys], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Sql<_>>()?;
    leave_out(&mut found, &retired);
    Ok(found)
}

/// Drops the (key, article) rows of `out` from buckets, and the buckets they leave empty.
fn leave_out(found: &mut HashMap<i64, Vec<i64>>, out: &HashSet<(i64, i64)>) {
    if out.is_empty() {
        return;
    }
    for (key, members) in found.iter_mut() {
        members.retain(|&article| !out.contains(&(*key, article)));
    }
    found.retain(|_, members| !members.is_empty());
}

/// [`look_up_buckets`] on two connections of their own, each over half the keys, beside the batch's write
/// transaction: they read the index as of its last commit, so what the transaction has taken out of the buckets
/// since (`taken_out`: (key, article)) is dropped from what they return. Together with the dates read the same
/// way, buckets searched went from 2.4 to 1.8-2.2 s in an add of 1,000 articles to the 1M index
/// (docs/PERFORMANCE.md, "Story index").
pub fn look_up_buckets_beside(
    readers: &mut Readers,
    keys: BTreeSet<i64>,
    taken_out: &HashSet<(i64, i64)>,
) -> Sql<HashMap<i64, Vec<i64>>> {
    let keys: Vec<i64> = keys.into_iter().collect();
    let [mut found, rhs] =
        readers.on_two(&keys, |reader, half| look_up_buckets(reader, half.iter().copied().collect()))?;
    found.extend(rhs);
    leave_out(&mut found, taken_out);
    Ok(found)
}

/// Writes band keys: (key, article) rows, sorted so the inserts walk the B-tree in order. Only the articles of
/// `reweighed` can have rows in `retired_bands` to restore (a new article's seq is new).
pub fn insert_band_rows(tx: &Transaction, rows: Vec<(i64, i64)>, reweighed: &HashSet<i64>) -> Sql<()> {
    debug_assert!(rows.windows(2).all(|w| w[0] <= w[1]));
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO recent_bands (key, article) VALUES (?1, ?2)")?;
    // A key that comes back to an article before the merge: its row in `bands` is live again.
    let mut restore = tx.prepare_cached("DELETE FROM retired_bands WHERE key = ?1 AND article = ?2")?;
    for (key, seq) in rows {
        if !reweighed.contains(&seq) || restore.execute(params![key, seq])? == 0 {
            insert.execute(params![key, seq])?;
        }
    }
    Ok(())
}

/// Takes the bucket rows of `keys` out for article `seq`: deleted from `recent_bands`, or noted in
/// `retired_bands` until the next merge when they are in `bands`. Deleted from `bands` at once, the moved keys of
/// an add's re-weighed articles dirtied 9,854 pages of its 160M-row B-tree at 1M, a fifth of what the commit
/// wrote (docs/PERFORMANCE.md, "Story index").
pub fn delete_bands(tx: &Transaction, seq: i64, keys: &[i64]) -> Sql<()> {
    let mut retire =
        tx.prepare_cached("INSERT OR IGNORE INTO retired_bands (key, article) VALUES (?1, ?2)")?;
    let mut delete_recent = tx.prepare_cached("DELETE FROM recent_bands WHERE key = ?1 AND article = ?2")?;
    for &key in keys {
        if delete_recent.execute(params![key, seq])? == 0 {
            retire.execute(params![key, seq])?;
        }
    }
    Ok(())
}

/// `recent_bands` is merged into `bands` once it holds this share of `bands`' rows (1/16), and at least
/// [`MIN_MERGE_ROWS`]. Why two tables: an add inserts 160 keys an article at random places of the bucket
/// B-tree, and 160,000 random inserts dirty most of its leaf pages, which COMMIT then writes to the WAL: at 100k
/// articles an add of 1,000 rewrote nearly the whole table (docs/PERFORMANCE.md, "Story index"). Inserts into a
/// table a sixteenth the size dirty a sixteenth of the pages; the merge, once every sixteenth of the index's
/// growth, writes the large table once. Set, not tuned: lookups probe both tables.
const MERGE_SHARE: i64 = 16;
/// 1,000 articles' keys.
const MIN_MERGE_ROWS: i64 = 160_000;

/// Merges `recent_bands` into `bands`, and deletes the rows `retired_bands` notes, when due; returns the rows
/// merged.
pub fn merge_recent_bands(tx: &Transaction) -> Sql<i64> {
    let recent: i64 = tx.query_row("SELECT count(*) FROM recent_bands", [], |row| row.get(0))?;
    let retired: i64 = tx.query_row("SELECT count(*) FROM retired_bands", [], |row| row.get(0))?;
    let base: i64 = meta(tx, "bands_rows")?.and_then(|v| v.parse().ok()).unwrap_or(0);
    let pending = recent + retired;
    if pending < MIN_MERGE_ROWS || pending * MERGE_SHARE < base {
        return Ok(0);
    }
    let retired: Vec<(i64, i64)> = tx
        .prepare_cached("SELECT key, article FROM retired_bands ORDER BY key, article")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Sql<_>>()?;
    let mut delete = tx.prepare_cached("DELETE FROM bands WHERE key = ?1 AND article = ?2")?;
    let mut deleted = 0i64;
    for (key, article) in retired {
        deleted += delete.execute(params![key, article])? as i64;
    }
    tx.execute_batch(
        "DELETE FROM retired_bands; \
         INSERT OR IGNORE INTO bands (key, article) SELECT key, article FROM recent_bands ORDER BY key, article; \
         DELETE FROM recent_bands;",
    )?;
    set_meta(tx, "bands_rows", &(base + recent - deleted).to_string())?;
    Ok(recent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterConfig;
    use crate::features::FeatureConfig;
    use rusqlite::TransactionBehavior;
    use std::time::Duration;

    /// A new, empty index in a folder of its own (kept alive by the first value).
    fn new_index() -> (tempfile::TempDir, super::super::Index) {
        let dir = tempfile::tempdir().unwrap();
        let settings = super::super::Settings::of(&ClusterConfig::default(), &FeatureConfig::default());
        let index = super::super::Index::open_for_writing(
            &dir.path().join("index.db"),
            &settings,
            Duration::from_secs(5),
        )
        .unwrap();
        (dir, index)
    }

    #[test]
    fn issue_18_lookups_beside_the_write_transaction_give_what_the_transaction_sees() {
        let (dir, mut index) = new_index();
        let path = dir.path().join("index.db");
        let old = [(band_key(0, 3, 7), 1), (band_key(0, 3, 7), 2), (band_key(1, 0, 9), 2)];
        let recent = vec![(band_key(0, 3, 7), 3), (band_key(0, 5, 1), 3)];
        {
            let tx = index.connection.transaction().unwrap();
            for (key, article) in &old {
                tx.execute("INSERT INTO bands (key, article) VALUES (?1, ?2)", params![key, article])
                    .unwrap();
            }
            insert_band_rows(&tx, recent, &HashSet::new()).unwrap();
            tx.commit().unwrap();
        }
        let tx = index.connection.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
        // As a batch does before its search: a re-weighed article's moved key taken out of the buckets.
        delete_bands(&tx, 2, &[band_key(0, 3, 7)]).unwrap();
        let keys: BTreeSet<i64> =
            [band_key(0, 3, 7), band_key(1, 0, 9), band_key(0, 5, 1), band_key(0, 9, 9)].into();
        let taken_out: HashSet<(i64, i64)> = [(band_key(0, 3, 7), 2)].into();
        let in_transaction = look_up_buckets(&tx, keys.clone()).unwrap();
        let mut readers = super::super::beside::Readers::new(path.to_str().unwrap());
        let beside = look_up_buckets_beside(&mut readers, keys, &taken_out).unwrap();
        assert_eq!(beside, in_transaction);
        assert_eq!(in_transaction[&band_key(0, 3, 7)], vec![1, 3]);
        assert!(!in_transaction.contains_key(&band_key(0, 9, 9)));
    }

    #[test]
    fn issue_18_bucket_rows_taken_out_stay_out_until_their_key_comes_back_and_through_the_merge() {
        let (_dir, mut index) = new_index();
        let tx = index.connection.transaction().unwrap();
        let (moving, staying) = (band_key(0, 3, 7), band_key(0, 4, 2));
        for (key, article) in [(moving, 1), (moving, 2), (staying, 2)] {
            tx.execute("INSERT INTO bands (key, article) VALUES (?1, ?2)", params![key, article]).unwrap();
        }
        set_meta(&tx, "bands_rows", "3").unwrap();
        let look = |tx: &Transaction| look_up_buckets(tx, [moving, staying].into()).unwrap();
        let scan = |tx: &Transaction| scan_buckets(tx, &[moving, staying].into()).unwrap();
        // Article 2's key moves away: gone from lookups and scans, though its `bands` row is still there.
        delete_bands(&tx, 2, &[moving]).unwrap();
        assert_eq!(look(&tx)[&moving], vec![1]);
        assert_eq!(scan(&tx)[&moving], vec![1]);
        let in_bands: i64 = tx.query_row("SELECT count(*) FROM bands", [], |row| row.get(0)).unwrap();
        assert_eq!(in_bands, 3);
        // It comes back before a merge: found once, not twice.
        insert_band_rows(&tx, vec![(moving, 2)], &[2].into()).unwrap();
        assert_eq!(look(&tx)[&moving], vec![1, 2]);
        // Moves away again, and a merge is due (enough rows waiting): the row leaves `bands` for good.
        delete_bands(&tx, 2, &[moving]).unwrap();
        let filler: Vec<(i64, i64)> = (0..MIN_MERGE_ROWS).map(|i| (band_key(1, 0, i as u32), 100)).collect();
        insert_band_rows(&tx, filler, &HashSet::new()).unwrap();
        assert_eq!(merge_recent_bands(&tx).unwrap(), MIN_MERGE_ROWS);
        let waiting: i64 = tx
            .query_row(
                "SELECT (SELECT count(*) FROM retired_bands) + (SELECT count(*) FROM recent_bands)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(waiting, 0);
        let moving_rows: Vec<i64> = tx
            .prepare("SELECT article FROM bands WHERE key = ?1")
            .unwrap()
            .query_map([moving], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(moving_rows, vec![1]);
        assert_eq!(look(&tx)[&staying], vec![2]);
        assert_eq!(meta(&tx, "bands_rows").unwrap().as_deref(), Some(&*(3 + MIN_MERGE_ROWS - 1).to_string()));
    }
}
