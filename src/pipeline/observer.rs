//! Watching a run as it goes: what the command-line application needs to report problems as they come and show
//! progress, without the pipeline printing anything itself.

use crate::ingest::Ingested;

/// Told how a run goes while it goes.
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// Reading goes on (or has ended): `so_far` is the account of the inputs so far, whose lists of rejections
    /// and warnings only grow until the run sorts them at its end, and `articles` the articles read.
    fn reading(&self, so_far: &Ingested, articles: usize);

    /// A stage of the run begins.
    fn stage(&self, _name: &str) {}
}
