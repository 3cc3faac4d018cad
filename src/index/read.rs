//! Reading the index: stories changed since a time, assignments, the log, and articles back whole.

use super::{codec, story_name, storyline_name, Index, IndexError};
use crate::article::{Article, SourceLocation};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::io::{self, Write};

/// A story as `index stories` lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryListing {
    pub id: String,
    /// Its storyline (`L3`); none while an index migrated from schema 1 waits for its next add.
    pub storyline: Option<String>,
    pub articles: usize,
    pub outlets: Vec<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// The title of its earliest article (the first by id among the undated).
    pub headline: String,
    /// When it was first given its id, and when its articles last changed (times of adding).
    pub created: String,
    pub changed: String,
    /// Its article ids, by id.
    pub members: Vec<String>,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogEntry {
    pub at: String,
    pub batch: i64,
    pub kind: String,
    pub story: String,
    /// The other story: the one merged in, or the one split off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    pub articles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl std::fmt::Display for LogEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match (self.kind.as_str(), &self.other) {
            ("merge", Some(other)) => {
                format!("merge  {} <- {other} (now resolves to {})", self.story, self.story)
            }
            ("split", Some(other)) => format!("split  {} -> {other}", self.story),
            ("storyline merge", Some(other)) => {
                format!("storyline merge  {} <- {other} (now resolves to {})", self.story, self.story)
            }
            ("storyline split", Some(other)) => format!("storyline split  {} -> {other}", self.story),
            (kind, _) => format!("{kind:<6} {}", self.story),
        };
        let score = self.score.map(|s| format!(" score {s:.3}")).unwrap_or_default();
        write!(f, "{}\tbatch {}\t{what}{score}\t{}", self.at, self.batch, self.articles.join(" "))
    }
}

impl Index {
    fn read_error(&self, source: rusqlite::Error) -> IndexError {
        self.sqlite(source)
    }

    /// The id a story id stands for now: itself, or the story a merge put it in (followed to the end).
    pub fn resolve(&self, story: i64) -> Result<Option<i64>, IndexError> {
        let mut current = story;
        for _ in 0..10_000 {
            let row: Option<Option<i64>> = self
                .connection
                .query_row("SELECT merged_into FROM stories WHERE id = ?1", [current], |row| row.get(0))
                .optional()
                .map_err(|e| self.read_error(e))?;
            match row {
                None => return Ok(None),
                Some(None) => return Ok(Some(current)),
                Some(Some(next)) => current = next,
            }
        }
        Err(IndexError::Damaged { path: self.name(), what: format!("merges of S{story} run in a loop") })
    }

    /// Stories with at least `min_articles` articles whose articles changed at or after `since` (a time of
    /// adding), newest change first, then most articles.
    pub fn stories(&self, since: Option<&str>, min_articles: usize) -> Result<Vec<StoryListing>, IndexError> {
        let mut select = self
            .connection
            .prepare(
                "SELECT s.id, created.at, changed.at FROM stories s \
                 JOIN batches created ON created.id = s.created_batch \
                 JOIN batches changed ON changed.id = s.changed_batch \
                 WHERE s.merged_into IS NULL AND s.size >= ?1 AND changed.at >= ?2 \
                 ORDER BY changed.at DESC, s.changed_batch DESC, s.size DESC, s.id",
            )
            .map_err(|e| self.read_error(e))?;
        let rows: Vec<(i64, String, String)> = select
            .query_map(params![min_articles.max(1) as i64, since.unwrap_or("")], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.read_error(e))?;
        rows.into_iter().map(|(id, created, changed)| self.listing(id, created, changed)).collect()
    }

    /// One story's listing, by id (resolved through merges by the caller).
    pub fn story(&self, id: i64) -> Result<Option<StoryListing>, IndexError> {
        let row: Option<(String, String)> = self
            .connection
            .query_row(
                "SELECT created.at, changed.at FROM stories s \
                 JOIN batches created ON created.id = s.created_batch \
                 JOIN batches changed ON changed.id = s.changed_batch WHERE s.id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| self.read_error(e))?;
        row.map(|(created, changed)| self.listing(id, created, changed)).transpose()
    }

    fn listing(&self, id: i64, created: String, changed: String) -> Result<StoryListing, IndexError> {
        let mut select = self
            .connection
            .prepare_cached(
                "SELECT doc_id, outlet, title, date FROM articles WHERE story = ?1 AND current = 1 ORDER BY doc_id",
            )
            .map_err(|e| self.read_error(e))?;
        type Row = (String, Option<String>, Option<String>, Option<String>);
        let members: Vec<Row> = select
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.read_error(e))?;
        let mut outlets: Vec<String> =
            members.iter().map(|m| m.1.clone().unwrap_or_else(|| "unknown".into())).collect();
        outlets.sort();
        outlets.dedup();
        let dates: Vec<&String> = members.iter().filter_map(|m| m.3.as_ref()).collect();
        let earliest = members
            .iter()
            .min_by(|lhs, rhs| {
                let date =
                    |m: &Row| m.3.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                crate::cluster::dated_first(date(lhs), date(rhs)).then(lhs.0.cmp(&rhs.0))
            })
            .map(|m| m.2.clone().unwrap_or_else(|| m.0.clone()))
            .unwrap_or_default();
        let storyline: Option<i64> = self
            .connection
            .prepare_cached("SELECT storyline FROM story_profiles WHERE story = ?1")
            .and_then(|mut select| select.query_row([id], |row| row.get(0)).optional())
            .map_err(|e| self.read_error(e))?;
        Ok(StoryListing {
            id: story_name(id),
            storyline: storyline.filter(|&l| l > 0).map(storyline_name),
            articles: members.len(),
            outlets,
            first_date: dates.iter().min().map(|d| d.to_string()),
            last_date: dates.iter().max().map(|d| d.to_string()),
            headline: earliest,
            created,
            changed,
            members: members.into_iter().map(|m| m.0).collect(),
        })
    }

    /// `doc_id<TAB>story_id` for every article, merged duplicates after their article, by id: the layout of
    /// `cluster --assignments`.
    pub fn write_assignments(
        &self,
        storylines: bool,
        out: &mut dyn Write,
    ) -> Result<io::Result<()>, IndexError> {
        if storylines && self.meta("storylines_due")?.as_deref() == Some("1") {
            return Err(IndexError::Damaged {
                path: self.name(),
                what: "its storylines are linked at its next add (the index was made by an older storydiff)"
                    .into(),
            });
        }
        let (group, name): (&str, fn(i64) -> String) = if storylines {
            ("(SELECT p.storyline FROM story_profiles p WHERE p.story = a.story)", storyline_name)
        } else {
            ("a.story", story_name)
        };
        let mut select = self
            .connection
            .prepare(&format!(
                "SELECT a.doc_id, {group}, (SELECT json_group_array(doc_id) FROM \
                    (SELECT doc_id FROM duplicates d WHERE d.article = a.seq ORDER BY doc_id)) \
                 FROM articles a WHERE a.current = 1 ORDER BY a.doc_id"
            ))
            .map_err(|e| self.read_error(e))?;
        let mut rows = select.query([]).map_err(|e| self.read_error(e))?;
        while let Some(row) = rows.next().map_err(|e| self.read_error(e))? {
            let read = || -> rusqlite::Result<(String, Option<i64>, String)> {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            };
            let (doc_id, story, duplicates) = read().map_err(|e| self.read_error(e))?;
            let story = story.ok_or_else(|| IndexError::Damaged {
                path: self.name(),
                what: format!("article {doc_id:?} has no story"),
            })?;
            let duplicates: Vec<String> = serde_json::from_str(&duplicates).unwrap_or_default();
            for id in std::iter::once(&doc_id).chain(&duplicates) {
                if let Err(e) = writeln!(out, "{}\t{}", id.replace(['\t', '\n', '\r'], " "), name(story)) {
                    return Ok(Err(e));
                }
            }
        }
        Ok(Ok(()))
    }

    /// The log, oldest first, from batches added at or after `since`.
    pub fn log(&self, since: Option<&str>) -> Result<Vec<LogEntry>, IndexError> {
        let mut select = self
            .connection
            .prepare(
                "SELECT b.at, l.batch, l.kind, l.story, l.other, l.articles, l.score FROM log l \
                 JOIN batches b ON b.id = l.batch WHERE b.at >= ?1 ORDER BY l.seq",
            )
            .map_err(|e| self.read_error(e))?;
        let rows = select
            .query_map([since.unwrap_or("")], |row| {
                let articles: String = row.get(5)?;
                let kind: String = row.get(2)?;
                let name = if kind.starts_with("storyline") { storyline_name } else { story_name };
                Ok(LogEntry {
                    at: row.get(0)?,
                    batch: row.get(1)?,
                    kind,
                    story: name(row.get(3)?),
                    other: row.get::<_, Option<i64>>(4)?.map(name),
                    articles: serde_json::from_str(&articles).unwrap_or_default(),
                    score: row.get(6)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.read_error(e))?;
        Ok(rows)
    }

    /// Every current article whole, by id, with its merged duplicates' ids and its story id: what `diff`,
    /// `report` and `explain` read instead of the input files.
    pub fn articles(&self) -> Result<Vec<(Article, i64)>, IndexError> {
        let mut select = self
            .connection
            .prepare(
                "SELECT a.seq, a.doc_id, a.outlet, a.title, a.date, a.language, a.body, a.story FROM articles a \
                 WHERE a.current = 1 ORDER BY a.doc_id",
            )
            .map_err(|e| self.read_error(e))?;
        type Row = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Vec<u8>,
            Option<i64>,
        );
        let rows: Vec<Row> = select
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.read_error(e))?;
        let mut duplicates = self
            .connection
            .prepare("SELECT doc_id FROM duplicates WHERE article = ?1 ORDER BY doc_id")
            .map_err(|e| self.read_error(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (seq, doc_id, outlet, title, date, language, body, story) in rows {
            let mut article =
                Article::new(doc_id.clone(), SourceLocation { path: String::new(), record: None });
            article.outlet = outlet;
            article.title = title;
            article.date = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            article.language = language;
            codec::decode_body(&body, &mut article).map_err(|what| IndexError::Damaged {
                path: self.name(),
                what: format!("article {doc_id:?}: {what}"),
            })?;
            article.duplicate_ids = duplicates
                .query_map([seq], |row| row.get(0))
                .and_then(|rows| rows.collect())
                .map_err(|e| self.read_error(e))?;
            let story = story.ok_or_else(|| IndexError::Damaged {
                path: self.name(),
                what: format!("article {doc_id:?} has no story"),
            })?;
            out.push((article, story));
        }
        Ok(out)
    }
}
