//! The index read back as a [`Clustering`], so `diff`, `report` and `explain` work from it after the input
//! files are gone: its articles whole, features weighed again, its stored edges verified again, its stories
//! under the index's ids.

use super::{story_name, storyline_name, Index, IndexError};
use crate::cluster::{
    date_range, link_storylines, order_stories, order_storylines, verify_pair, NameProfile, StoryGraph,
    StoryLink, StorylineConfig, Storylines, Verdict,
};
use crate::features::{self, ArticleFeatures, NameTerms, ReadArticle};
use crate::ingest::Ingested;
use crate::pipeline::{Clustering, Summary};
use rayon::prelude::*;
use std::collections::HashMap;

impl Index {
    /// The whole index as a clustering: every current article with its body, its story and storyline as the
    /// index has them (an index migrated from schema 1 links its storylines afresh until its next add, with
    /// `storyline`'s settings).
    pub fn clustering(&self, storyline: &StorylineConfig) -> Result<Clustering, IndexError> {
        let stored = self.articles()?;
        let seqs = self.current_seqs()?;
        let (articles, story_ids): (Vec<_>, Vec<i64>) = stored.into_iter().unzip();
        let read: Vec<ReadArticle> = articles.par_iter().map(ReadArticle::read).collect();
        let mut df = features::document_frequencies(read.par_iter().map(|r| r.counts.as_slice()));
        features::settle_frequencies(&mut df);
        let reference = features::idf_reference(&df);
        let config = self.settings.features();
        let mut names = NameTerms::default();
        let mut lowercase = NameTerms::default();
        for r in &read {
            names.extend(r.names.iter().copied());
            lowercase.extend(r.lowercase.iter().copied());
        }
        names.retain(|key| df.contains_key(key) && !lowercase.contains(key));
        let features: Vec<ArticleFeatures> = articles
            .par_iter()
            .zip(read.into_par_iter())
            .map(|(article, read)| {
                let (vector, _) = features::event_view(&read.counts, &df, reference, &config);
                ArticleFeatures::of(article, vector, read.copy_signature, read.shingle_count)
            })
            .collect();
        let position: HashMap<&str, u32> =
            articles.iter().enumerate().map(|(i, a)| (a.doc_id.as_str(), i as u32)).collect();
        let local = |seq: i64| seqs.get(&seq).and_then(|id| position.get(id.as_str())).copied();
        let cluster = self.settings.cluster();
        let mut pairs: Vec<(u32, u32)> = self
            .stored_edges()?
            .into_iter()
            .filter_map(|(lhs, rhs)| Some((local(lhs)?, local(rhs)?)))
            .map(|(lhs, rhs)| (lhs.min(rhs), lhs.max(rhs)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let edges: Vec<crate::cluster::Edge> = pairs
            .par_iter()
            .filter_map(|&(lhs, rhs)| match verify_pair(&features, lhs, rhs, &cluster) {
                Verdict::Edge(edge) => Some(edge),
                _ => None,
            })
            .collect();
        let graph = StoryGraph::from_edges(articles.len(), edges);
        let labels: Vec<u32> = story_ids.iter().map(|&s| s as u32).collect();
        let mut stories = order_stories(&articles, &labels, &graph);
        for story in &mut stories {
            story.id = story_name(story_ids[story.members[0] as usize]);
        }
        let mut story_of = vec![0usize; articles.len()];
        for (index, story) in stories.iter().enumerate() {
            for &m in &story.members {
                story_of[m as usize] = index;
            }
        }
        let due = self.meta("storylines_due")?.as_deref() == Some("1");
        let storylines = if due {
            link_storylines(&stories, &features, &names, storyline)
        } else {
            self.stored_storylines(&stories, &features, &story_ids)?
        };
        let multi: Vec<&crate::cluster::Story> = stories.iter().filter(|s| s.members.len() > 1).collect();
        let duplicates: usize = articles.iter().map(|a| a.duplicate_ids.len()).sum();
        let summary = Summary {
            records: articles.len() + duplicates,
            stories: multi.len(),
            storylines: storylines.storylines.iter().filter(|l| l.stories.len() > 1).count(),
            articles_in_stories: multi.iter().map(|s| s.members.len()).sum(),
            singletons: stories.len() - multi.len(),
            duplicates_merged: duplicates,
            headline_only: articles.iter().filter(|a| a.is_headline_only()).count(),
            candidate_pairs: pairs.len(),
            edges: graph.graph.edge_count(),
            ..Summary::default()
        };
        Ok(Clustering {
            ingested: Ingested { articles, ..Ingested::default() },
            features,
            document_frequencies: df,
            feature_config: config,
            fields: Default::default(),
            learned_boilerplate: Default::default(),
            graph,
            candidate_pairs: pairs,
            stories,
            story_of,
            names,
            storylines,
            summary,
        })
    }

    /// The storylines the index holds over `stories` (as ordered for the clustering), under their stored ids,
    /// with the stored scored pairs.
    fn stored_storylines(
        &self,
        stories: &[crate::cluster::Story],
        features: &[ArticleFeatures],
        story_ids: &[i64],
    ) -> Result<Storylines, IndexError> {
        let index_of: HashMap<i64, usize> =
            stories.iter().enumerate().map(|(i, s)| (story_ids[s.members[0] as usize], i)).collect();
        let mut select = self
            .connection
            .prepare("SELECT story, storyline FROM story_profiles")
            .map_err(|e| self.sqlite(e))?;
        let rows: Vec<(i64, i64)> = select
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sqlite(e))?;
        let mut line_of: Vec<Option<i64>> = vec![None; stories.len()];
        for (story, line) in rows {
            if let Some(&i) = index_of.get(&story) {
                line_of[i] = Some(line);
            }
        }
        if let Some(i) = line_of.iter().position(Option::is_none) {
            return Err(IndexError::Damaged {
                path: self.name(),
                what: format!("{} has no storyline", stories[i].id),
            });
        }
        let line_of: Vec<i64> = line_of.into_iter().flatten().collect();
        let labels: Vec<u32> = line_of.iter().map(|&l| l as u32).collect();
        let profiles: Vec<NameProfile> = stories
            .iter()
            .map(|s| {
                let range = date_range(s.members.iter().filter_map(|&m| features[m as usize].date));
                NameProfile { first: range.map(|r| r.0), last: range.map(|r| r.1), ..NameProfile::default() }
            })
            .collect();
        let mut storylines = order_storylines(stories, &profiles, &labels);
        let mut storyline_of = vec![0usize; stories.len()];
        for (n, line) in storylines.iter_mut().enumerate() {
            line.id = storyline_name(line_of[line.stories[0]]);
            for &s in &line.stories {
                storyline_of[s] = n;
            }
        }
        let mut select = self
            .connection
            .prepare("SELECT lhs, rhs, score, names, terms, shared, gap FROM storyline_links")
            .map_err(|e| self.sqlite(e))?;
        // Pairs whose stories are both in the clustering, by their positions there.
        let read_link = |row: &rusqlite::Row| -> rusqlite::Result<Option<StoryLink>> {
            let (lhs, rhs) = (index_of.get(&row.get::<_, i64>(0)?), index_of.get(&row.get::<_, i64>(1)?));
            let (Some(&a), Some(&b)) = (lhs, rhs) else { return Ok(None) };
            Ok(Some(StoryLink {
                lhs: a.min(b),
                rhs: a.max(b),
                score: row.get::<_, f64>(2)? as f32,
                names: row.get::<_, f64>(3)? as f32,
                terms: row.get::<_, f64>(4)? as f32,
                shared_names: super::codec::decode_terms(&row.get::<_, Vec<u8>>(5)?),
                gap_days: row.get(6)?,
            }))
        };
        let found: Vec<Option<StoryLink>> =
            select.query_map([], read_link).and_then(|rows| rows.collect()).map_err(|e| self.sqlite(e))?;
        let mut links: Vec<StoryLink> = found.into_iter().flatten().collect();
        links.sort_by_key(|l| (l.lhs, l.rhs));
        Ok(Storylines { storylines, storyline_of, links })
    }

    /// seq -> doc id of every current article.
    fn current_seqs(&self) -> Result<HashMap<i64, String>, IndexError> {
        let mut select = self
            .connection
            .prepare("SELECT seq, doc_id FROM articles WHERE current = 1")
            .map_err(|e| self.sqlite(e))?;
        let rows = select
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sqlite(e))?;
        Ok(rows)
    }

    fn stored_edges(&self) -> Result<Vec<(i64, i64)>, IndexError> {
        let mut select = self.connection.prepare("SELECT lhs, rhs FROM edges").map_err(|e| self.sqlite(e))?;
        let rows = select
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sqlite(e))?;
        Ok(rows)
    }
}
