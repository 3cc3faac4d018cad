//! The text layer every stage reads words through: tokenizer, language profiles, lexicon and term hashing.

pub mod hash;
pub mod language;
pub mod lexicon;
pub mod names;
pub mod tokenize;
