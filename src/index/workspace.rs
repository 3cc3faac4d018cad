//! The features of the articles one batch looks at, loaded once and weighed by today's frequencies.

use super::store::{self, Frequencies, StoredFeatures};
use crate::cluster::{verify_pair, ClusterConfig, Verdict};
use crate::features::{ArticleFeatures, FeatureConfig};
use crate::sketch::EventBands;
use rayon::prelude::*;
use rusqlite::Transaction;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The features of the articles a batch looks at, weighted by the document frequencies as they stand after
/// the batch's own counts: the "weights of the index as it stands" policy (docs/ARCHITECTURE.md).
pub(super) struct Workspace {
    pub stored: FxHashMap<i64, StoredFeatures>,
    position: FxHashMap<i64, u32>,
    features: Vec<ArticleFeatures>,
    frequencies: Frequencies,
    reference: usize,
}

impl Workspace {
    pub fn new(reference: usize) -> Self {
        Workspace {
            stored: FxHashMap::default(),
            position: FxHashMap::default(),
            features: Vec::new(),
            frequencies: Frequencies::default(),
            reference,
        }
    }

    /// Loads and weighs the articles not loaded yet; returns their event-view band hashes.
    pub fn ensure_with_bands(
        &mut self,
        tx: &Transaction,
        seqs: &[i64],
        config: &FeatureConfig,
    ) -> store::Sql<HashMap<i64, EventBands>> {
        self.load(tx, seqs, config, true)
    }

    /// Loads and weighs the articles not loaded yet.
    pub fn ensure(&mut self, tx: &Transaction, seqs: &[i64], config: &FeatureConfig) -> store::Sql<()> {
        self.load(tx, seqs, config, false).map(drop)
    }

    fn load(
        &mut self,
        tx: &Transaction,
        seqs: &[i64],
        config: &FeatureConfig,
        with_bands: bool,
    ) -> store::Sql<HashMap<i64, EventBands>> {
        let mut missing: Vec<i64> = seqs.iter().copied().filter(|s| !self.position.contains_key(s)).collect();
        missing.sort_unstable();
        missing.dedup();
        let loaded = store::load_features(tx, &missing)?;
        self.frequencies.load(tx, loaded.iter().flat_map(|s| s.counts.iter().map(|&(key, _)| key)))?;
        let (df, reference) = (&self.frequencies.table, self.reference);
        let weighed: Vec<(ArticleFeatures, Option<EventBands>)> =
            loaded.par_iter().map(|s| store::features_of(s, df, reference, config, with_bands)).collect();
        let mut bands = HashMap::new();
        for (stored, (features, event_bands)) in loaded.into_iter().zip(weighed) {
            self.position.insert(stored.seq, self.features.len() as u32);
            if let Some(event_bands) = event_bands {
                bands.insert(stored.seq, event_bands);
            }
            self.features.push(features);
            self.stored.insert(stored.seq, stored);
        }
        Ok(bands)
    }

    pub fn verify(&self, lhs: i64, rhs: i64, config: &ClusterConfig) -> Option<f32> {
        match verify_pair(&self.features, self.position[&lhs], self.position[&rhs], config) {
            Verdict::Edge(edge) => Some(edge.score),
            _ => None,
        }
    }

    pub fn features(&self, seq: i64) -> &ArticleFeatures {
        &self.features[self.position[&seq] as usize]
    }
}
