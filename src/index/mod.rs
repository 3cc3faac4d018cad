//! The story index: an SQLite database that grows batch by batch, keeping story ids stable across runs.
//!
//! Each `add` runs in one write transaction: read the batch, retire corrected versions, count document
//! frequencies, store features and LSH band keys, search candidates in the stored buckets, verify, re-run
//! average linkage over the stories the batch touched, and reconcile the result with the stories as they were
//! (`reconcile`). A process killed mid-way leaves the index as it was before the batch.

mod add;
mod beside;
mod buckets;
mod candidates;
mod clustering;
mod codec;
mod read;
mod reconcile;
mod relink;
mod schema;
mod store;
mod storylines;
mod workspace;

pub use add::{AddAccount, AddOptions};
pub use read::{LogEntry, StoryListing};
pub use reconcile::{reconcile, Outcome, StoryEvent};
pub use schema::{SchemaError, SCHEMA_VERSION};

use crate::cluster::ClusterConfig;
use crate::features::FeatureConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The clustering settings an index was created with; every later batch is clustered under the same ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub threshold: f32,
    pub window_days: Option<u32>,
    pub headline_scale: f32,
    pub salient_terms: usize,
    pub sketch_terms: usize,
}

impl Settings {
    pub fn of(cluster: &ClusterConfig, features: &FeatureConfig) -> Self {
        Settings {
            threshold: cluster.threshold,
            window_days: cluster.window_days,
            headline_scale: cluster.headline_scale,
            salient_terms: features.salient_terms,
            sketch_terms: features.sketch_terms,
        }
    }

    pub fn cluster(&self) -> ClusterConfig {
        ClusterConfig {
            threshold: self.threshold,
            window_days: self.window_days,
            headline_scale: self.headline_scale,
        }
    }

    pub fn features(&self) -> FeatureConfig {
        FeatureConfig { salient_terms: self.salient_terms, sketch_terms: self.sketch_terms }
    }

    /// The settings that differ, as `name: stored -> given`.
    pub fn differences(&self, given: &Settings) -> Vec<String> {
        let window = |w: Option<u32>| w.map_or("none".to_string(), |d| d.to_string());
        let mut out = Vec::new();
        let mut compare = |name: &str, lhs: String, rhs: String| {
            if lhs != rhs {
                out.push(format!("{name}: {lhs} in the index, {rhs} given"));
            }
        };
        compare("threshold", self.threshold.to_string(), given.threshold.to_string());
        compare("window days", window(self.window_days), window(given.window_days));
        compare("headline scale", self.headline_scale.to_string(), given.headline_scale.to_string());
        compare("salient terms", self.salient_terms.to_string(), given.salient_terms.to_string());
        compare("sketch terms", self.sketch_terms.to_string(), given.sketch_terms.to_string());
        out
    }
}

/// What can go wrong with an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {source}")]
    Schema { path: String, source: SchemaError },
    #[error("{path}: no story index there (`storydiff index add --db {path} PATH...` creates one)")]
    Missing { path: String },
    #[error("{path}: another process is writing to this index; waited {waited_s} s for it (`--wait SECONDS` waits longer)")]
    Busy { path: String, waited_s: u64 },
    #[error("{path}: the index was created with other settings ({}); use them, or build a new index", .differences.join("; "))]
    SettingsDiffer { path: String, differences: Vec<String> },
    #[error("{path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
    #[error("{path}: stored data is damaged: {what}")]
    Damaged { path: String, what: String },
}

/// The most of the index file read through a memory map (64 GiB: all of it at any size this machine holds).
pub(super) const MMAP_BYTES: i64 = 64 << 30;
/// SQLite's page cache, in KiB (256 MiB): the pages an add writes (buckets, frequencies) stay in it.
const CACHE_KIB: i64 = 256 << 10;

/// An open index.
pub struct Index {
    connection: Connection,
    path: PathBuf,
    settings: Settings,
    /// How long a writer waits for another writer's lock.
    wait: Duration,
}

impl Index {
    /// Opens the index at `path` to read it; it must exist.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        if !path.exists() {
            return Err(IndexError::Missing { path: path.display().to_string() });
        }
        Self::open_with(path, None, Duration::from_secs(5))
    }

    /// Opens the index at `path` to add to it, creating it with `settings` when it does not exist. An index
    /// created with other settings is refused. `wait` is how long to wait for another writer.
    pub fn open_for_writing(path: &Path, settings: &Settings, wait: Duration) -> Result<Self, IndexError> {
        let index = Self::open_with(path, Some(settings), wait)?;
        let differences = index.settings.differences(settings);
        if !differences.is_empty() {
            return Err(IndexError::SettingsDiffer { path: path.display().to_string(), differences });
        }
        Ok(index)
    }

    /// Opens an existing index to change it under the settings it holds (`index remove`).
    pub fn open_existing_for_writing(path: &Path, wait: Duration) -> Result<Self, IndexError> {
        if !path.exists() {
            return Err(IndexError::Missing { path: path.display().to_string() });
        }
        Self::open_with(path, None, wait)
    }

    fn open_with(path: &Path, create: Option<&Settings>, wait: Duration) -> Result<Self, IndexError> {
        let name = path.display().to_string();
        let sqlite = |source| IndexError::Sqlite { path: name.clone(), source };
        let flags = if create.is_some() {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let mut connection = Connection::open_with_flags(path, flags).map_err(sqlite)?;
        connection.busy_timeout(wait).map_err(sqlite)?;
        // `rarray()`: key lists go to SQLite as one array, looked up in one statement (`beside.rs`).
        rusqlite::vtab::array::load_module(&connection).map_err(sqlite)?;
        // WAL: readers are never blocked by the writer, and a killed writer leaves the last commit intact.
        // NORMAL syncing is durable against a killed process (the case tested); a power cut may lose the last
        // batch, never corrupt the file.
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|e| busy(&name, wait, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(IndexError::Damaged { path: name, what: format!("journal mode {mode}, not WAL") });
        }
        connection.pragma_update(None, "synchronous", "NORMAL").map_err(sqlite)?;
        // Reads through a memory map and a large page cache: the buckets, edges and frequencies a batch looks
        // up are spread over the whole file, and through read() each page miss was a system call (adding 1,000
        // articles to a 100k index spent 6.8 s of its 11.9 s in the kernel). Both are upper bounds; memory is
        // taken as pages are touched. The map covers more than 2 GiB only because `.cargo/config.toml` raises
        // the bundled SQLite's compiled-in SQLITE_MAX_MMAP_SIZE.
        connection.pragma_update(None, "mmap_size", MMAP_BYTES).map_err(sqlite)?;
        connection.pragma_update(None, "cache_size", -CACHE_KIB).map_err(sqlite)?;
        schema::migrate(&mut connection).map_err(|source| match source {
            SchemaError::Sqlite(e) => busy(&name, wait, e),
            source => IndexError::Schema { path: name.clone(), source },
        })?;
        let stored: Option<String> = connection
            .query_row("SELECT value FROM meta WHERE key = 'settings'", [], |row| row.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(sqlite)?;
        let settings = match (stored, create) {
            (Some(json), _) => serde_json::from_str(&json)
                .map_err(|e| IndexError::Damaged { path: name.clone(), what: format!("settings: {e}") })?,
            (None, Some(settings)) => {
                let json = serde_json::to_string(settings).expect("settings serialise");
                connection
                    .execute(
                        "INSERT INTO meta (key, value) VALUES ('settings', ?1), ('next_story', '1'), \
                         ('idf_reference', '1')",
                        [json],
                    )
                    .map_err(|e| busy(&name, wait, e))?;
                settings.clone()
            }
            (None, None) => return Err(IndexError::Missing { path: name }),
        };
        Ok(Index { connection, path: path.to_path_buf(), settings, wait })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn sqlite(&self, source: rusqlite::Error) -> IndexError {
        busy(&self.name(), self.wait, source)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, IndexError> {
        self.connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0))
            .optional()
            .map_err(|e| self.sqlite(e))
    }
}

/// An SQLite error, told as waiting for another writer when that is what it is.
fn busy(path: &str, wait: Duration, source: rusqlite::Error) -> IndexError {
    match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            IndexError::Busy { path: path.to_string(), waited_s: wait.as_secs() }
        }
        _ => IndexError::Sqlite { path: path.to_string(), source },
    }
}

/// A story id as printed: `S` and its number, as `cluster` prints them.
pub fn story_name(id: i64) -> String {
    format!("S{id}")
}

/// The name of storyline id `id`: `L12`.
pub fn storyline_name(id: i64) -> String {
    format!("L{id}")
}

/// Now, as the index records times: UTC, to the second, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(seconds, 0)
        .expect("the clock is within chrono's range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A time given by the user (`--at`, `--since`): a date `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`
/// (or with an offset), returned in the index's form.
pub fn parse_time(text: &str) -> Result<String, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(format!("{date}T00:00:00Z"));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .map_err(|_| format!("{text:?} is not a time: give YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"))
}
