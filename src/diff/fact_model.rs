//! The fitted fact model: a logistic pair model and a context model, read from `fact_model.json`.

use super::context::CONTEXT_FEATURE_NAMES;
use super::facts::{FactFeatures, FACT_FEATURE_NAMES};

/// A logistic model over named features, standardised.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Logit {
    pub features: Vec<String>,
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
    pub weights: Vec<f64>,
    pub bias: f64,
}

impl Logit {
    pub fn probability(&self, features: &[f64]) -> f64 {
        let mut z = self.bias;
        for (i, value) in features.iter().enumerate() {
            z += self.weights[i] * (value - self.means[i]) / self.scales[i];
        }
        1.0 / (1.0 + (-z).exp())
    }

    fn fits(&self, names: &[&str]) -> bool {
        let n = names.len();
        self.features.len() == n
            && self.features.iter().zip(names).all(|(a, b)| a == b)
            && [self.means.len(), self.scales.len(), self.weights.len()] == [n, n, n]
    }
}

/// The fact model, as written by `storydiff fit-facts`: a pair model over [`FACT_FEATURE_NAMES`], then a context
/// model over [`CONTEXT_FEATURE_NAMES`] that weighs the pair's probability with the rest of the story.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FactModel {
    /// Where the numbers came from: the command, the topics and the cross-validated scores.
    pub provenance: String,
    pub pair: Logit,
    pub context: Logit,
    /// Two groups of sentences become one fact row when the mean probability over their cross-article pairs
    /// reaches this.
    pub link_threshold: f64,
    /// A story whose articles split into two parts this much less alike across than within is read as two
    /// events, lined up apart ([`super::events`]). Model files written before it existed get the default.
    #[serde(default = "default_event_split_ratio")]
    pub event_split_ratio: f64,
    /// The passes over whole rows that follow (an article's second sentence attached, two rows of one fact
    /// merged, a sentence left alone joined) ask this of the mean probability over the row's cross-article
    /// pairs. Model files written before it existed get the default.
    #[serde(default = "default_late_link_threshold")]
    pub late_link_threshold: f64,
}

fn default_late_link_threshold() -> f64 {
    super::align::DEFAULT_LATE_LINK_THRESHOLD
}

fn default_event_split_ratio() -> f64 {
    super::events::DEFAULT_EVENT_SPLIT_RATIO
}

/// A fact model file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FactModelError {
    #[error("not a fact model: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the model's features are not this storydiff's (fitted by another version?)")]
    Features,
}

impl FactModel {
    /// The model shipped with storydiff, fitted on every ECB+ dev topic.
    pub fn shipped() -> &'static FactModel {
        static MODEL: std::sync::LazyLock<FactModel> = std::sync::LazyLock::new(|| {
            FactModel::from_json(include_str!("fact_model.json")).expect("the shipped fact model is valid")
        });
        &MODEL
    }

    pub fn from_json(text: &str) -> Result<FactModel, FactModelError> {
        let model: FactModel = serde_json::from_str(text)?;
        if !model.pair.fits(&FACT_FEATURE_NAMES) || !model.context.fits(&CONTEXT_FEATURE_NAMES) {
            return Err(FactModelError::Features);
        }
        Ok(model)
    }

    /// The pair model's probability that two sentences tell one fact, from their features alone.
    pub fn pair_probability(&self, features: &FactFeatures) -> f64 {
        self.pair.probability(features)
    }

    /// The final probability, from the pair's own and its context features (the pair's own when the story has
    /// no third article to ask).
    pub fn context_probability(&self, pair: f64, context: Option<[f64; CONTEXT_FEATURE_NAMES.len()]>) -> f64 {
        context.map_or(pair, |features| self.context.probability(&features))
    }
}
