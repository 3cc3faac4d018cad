//! The index's tables, created and versioned in one place (`PRAGMA user_version`).

use rusqlite::Connection;

/// The schema this build writes. A database of a newer version is refused, not misread; older versions are
/// migrated forward in [`migrate`].
pub const SCHEMA_VERSION: i64 = 3;

/// Version 1. Article seqs are never reused (AUTOINCREMENT), nor story ids (`meta.next_story`).
const SCHEMA_V1: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per `index add` or `index remove`: when, what was read, and the account of it.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    command TEXT NOT NULL,
    inputs TEXT NOT NULL,
    account TEXT NOT NULL
);
-- Every version of every article. `current` = 1 for the version in the index; a corrected or removed version
-- keeps its row with `current` = 0 and the batch that retired it.
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    current INTEGER NOT NULL,
    batch INTEGER NOT NULL REFERENCES batches(id),
    retired_batch INTEGER,
    content_hash INTEGER NOT NULL,
    text_key INTEGER,
    outlet TEXT,
    title TEXT,
    date TEXT,
    language TEXT,
    pairing INTEGER NOT NULL,
    headline_only INTEGER NOT NULL,
    shingle_count INTEGER NOT NULL,
    story INTEGER,
    -- Deflated JSON: paragraphs, url, extra fields, seed metadata, source.
    body BLOB NOT NULL,
    -- Event-view term counts: (u32 key, f32 frequency) little-endian pairs, sorted by key.
    counts BLOB NOT NULL,
    -- Copy-view MinHash registers: 128 little-endian u32.
    copy_signature BLOB NOT NULL,
    -- The band keys written to `bands` for this article, to take them out again: little-endian i64.
    band_keys BLOB NOT NULL,
    -- Current articles in the index when this article's weights and band keys were last computed.
    weighed_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX articles_current_id ON articles(doc_id) WHERE current = 1;
CREATE INDEX articles_story ON articles(story) WHERE current = 1;
CREATE INDEX articles_weighed ON articles(weighed_at, seq) WHERE current = 1;
CREATE INDEX articles_text_key ON articles(text_key) WHERE current = 1 AND text_key IS NOT NULL;
-- Input ids merged into an article as exact duplicates of it.
CREATE TABLE duplicates (
    doc_id TEXT PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(seq),
    batch INTEGER NOT NULL
);
CREATE INDEX duplicates_article ON duplicates(article);
-- In how many current articles each event-view term key occurs.
CREATE TABLE document_frequencies (term INTEGER PRIMARY KEY, articles INTEGER NOT NULL);
-- LSH buckets: key = view << 40 | band << 32 | band hash. New keys go to `recent_bands`, a small table whose
-- pages an add can dirty cheaply, merged into `bands` once it holds a sixteenth as many rows (`buckets.rs`).
CREATE TABLE bands (key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)) WITHOUT ROWID;
CREATE TABLE recent_bands (key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)) WITHOUT ROWID;
-- Verified pairs, lhs < rhs, with the score clustering uses.
CREATE TABLE edges (
    lhs INTEGER NOT NULL,
    rhs INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (lhs, rhs)
) WITHOUT ROWID;
CREATE INDEX edges_rhs ON edges(rhs, lhs);
-- Every story id ever given. `merged_into` is set when a merge took it; `size` 0 once it has no article left.
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    created_batch INTEGER NOT NULL,
    changed_batch INTEGER NOT NULL,
    size INTEGER NOT NULL,
    merged_into INTEGER
);
CREATE INDEX stories_changed ON stories(changed_batch);
-- What happened to stories: new, grew, merge, split, correction, removed.
CREATE TABLE log (
    seq INTEGER PRIMARY KEY,
    batch INTEGER NOT NULL,
    kind TEXT NOT NULL,
    story INTEGER NOT NULL,
    other INTEGER,
    articles TEXT NOT NULL,
    score REAL
);
CREATE INDEX log_batch ON log(batch);
-- Input records of a batch that did not become articles, with the reason.
CREATE TABLE rejected (batch INTEGER NOT NULL, location TEXT NOT NULL, reason TEXT NOT NULL);
";

/// Version 2: storylines. A version-1 index is migrated by creating these tables and marking its storylines as
/// due (`meta.storylines_due`): the next add links every story's storyline (`storylines.rs`).
const SCHEMA_V2: &str = "
-- In how many current articles each term is written as a name (capitalised, not opening a sentence) and in
-- lower case: a term is a name while it is never written in lower case.
CREATE TABLE name_terms (term INTEGER PRIMARY KEY, named INTEGER NOT NULL, lowercase INTEGER NOT NULL);
-- Every live story's storyline and name profile: names and terms as (u32 key, f32 weight) little-endian
-- pairs, each list after its u32 length, then the first and last day (i32 days from the Common Era, or
-- i32::MIN when undated).
CREATE TABLE story_profiles (
    story INTEGER PRIMARY KEY,
    storyline INTEGER NOT NULL,
    profile BLOB NOT NULL
);
CREATE INDEX story_profiles_storyline ON story_profiles(storyline);
-- The names of each live story's profile, to find the stories that share them.
CREATE TABLE story_names (name INTEGER NOT NULL, story INTEGER NOT NULL, PRIMARY KEY (name, story)) WITHOUT ROWID;
-- Scored pairs of stories, lhs < rhs: the storyline score, its name and term cosines, the shared names
-- (little-endian u32) and the days between the stories (NULL when either is undated).
CREATE TABLE storyline_links (
    lhs INTEGER NOT NULL,
    rhs INTEGER NOT NULL,
    score REAL NOT NULL,
    names REAL NOT NULL,
    terms REAL NOT NULL,
    shared BLOB NOT NULL,
    gap INTEGER,
    PRIMARY KEY (lhs, rhs)
) WITHOUT ROWID;
CREATE INDEX storyline_links_rhs ON storyline_links(rhs, lhs);
-- Every storyline id ever given, as `stories` for stories; `size` counts its stories.
CREATE TABLE storylines (
    id INTEGER PRIMARY KEY,
    created_batch INTEGER NOT NULL,
    changed_batch INTEGER NOT NULL,
    size INTEGER NOT NULL,
    merged_into INTEGER
);
";

/// Version 3: the day and pairing script of every article version, in a table narrow enough that its pages stay
/// in memory. The candidate filter reads them for every article met in a bucket (at 1M, 906,000 in an add of
/// 1,000), and from the wide `articles` rows each was a page of its own (docs/PERFORMANCE.md, "Story index").
/// And bucket rows taken out are noted in a small table until the next merge, rather than deleted from the
/// large one at random places. A version-2 index is migrated by filling `article_days` from `articles`
/// ([`fill_article_days`]); its `retired_bands` starts empty.
const SCHEMA_V3: &str = "
-- Per article version (`articles.seq`): its day (days from the Common Era, NULL when undated) and pairing script.
CREATE TABLE article_days (seq INTEGER PRIMARY KEY, day INTEGER, pairing INTEGER NOT NULL);
-- Bucket rows taken out of `bands` (a re-weighed article's moved keys, a retired version's keys) since its last
-- merge: lookups leave them out, and the merge deletes them from `bands` (`buckets.rs`).
CREATE TABLE retired_bands (key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article)) WITHOUT ROWID;
";

/// An article's day as the index stores it: days from the Common Era (1 January of year 1 is day 1).
pub fn day_number(date: Option<chrono::NaiveDate>) -> Option<i32> {
    date.map(|d| chrono::Datelike::num_days_from_ce(&d))
}

/// Fills `article_days` from the `articles` rows of an index written before schema 3.
fn fill_article_days(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let mut select = tx.prepare("SELECT seq, date, pairing FROM articles")?;
    let mut insert = tx.prepare("INSERT INTO article_days (seq, day, pairing) VALUES (?1, ?2, ?3)")?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let (seq, date, pairing): (i64, Option<String>, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let day = day_number(date.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()));
        insert.execute(rusqlite::params![seq, day, pairing])?;
    }
    Ok(())
}

/// Why a database cannot be used as this build's index.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("written by a newer storydiff (index schema {found}; this build reads up to {SCHEMA_VERSION}): upgrade storydiff to use it")]
    Newer { found: i64 },
    #[error("not a storydiff index (it has tables but no index schema version)")]
    Foreign,
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Creates the tables of a new, empty database, or checks and migrates an existing one.
pub fn migrate(connection: &mut Connection) -> Result<(), SchemaError> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(SchemaError::Newer { found: version });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let tables: i64 = connection.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
    if version == 0 && tables > 0 {
        return Err(SchemaError::Foreign);
    }
    // Version 0 is an empty file; each later version adds its step here, in order, in one transaction.
    let transaction = connection.transaction()?;
    if version < 1 {
        transaction.execute_batch(SCHEMA_V1)?;
    }
    if version < 2 {
        transaction.execute_batch(SCHEMA_V2)?;
        if version == 1 {
            transaction.execute(
                "INSERT INTO meta (key, value) VALUES ('storylines_due', '1') \
                 ON CONFLICT(key) DO UPDATE SET value = '1'",
                [],
            )?;
        }
    }
    if version < 3 {
        transaction.execute_batch(SCHEMA_V3)?;
        if version >= 1 {
            fill_article_days(&transaction)?;
        }
    }
    transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    transaction.commit()?;
    Ok(())
}
