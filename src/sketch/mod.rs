//! Sketches and candidate search: MinHash signatures of both views, their LSH bands, and which pairs of
//! articles are worth comparing.

pub mod lsh;
pub mod search;
pub mod signature;

pub use lsh::{BandedLsh, PairFilter};
pub use search::{
    CandidateSearch, CopyLsh, EventLsh, ExhaustiveSearch, LshSearch, SearchInput, MAX_CANDIDATES_PER_ARTICLE,
};
pub use signature::{
    CopyBands, CopySignature, EventBands, EventSignature, COPY_BANDS, COPY_PERMUTATIONS, EVENT_BANDS,
    EVENT_PERMUTATIONS,
};
