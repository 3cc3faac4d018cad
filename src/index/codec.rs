//! How features and bodies are packed into the index's blobs: little-endian arrays, bodies deflated JSON.

use crate::article::{Article, SourceLocation};
use crate::features::{TermCounts, TermKey};
use crate::sketch::{CopySignature, COPY_PERMUTATIONS};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

pub fn encode_counts(counts: &TermCounts) -> Vec<u8> {
    let mut out = Vec::with_capacity(counts.len() * 8);
    for &(key, frequency) in counts {
        out.extend_from_slice(&key.to_le_bytes());
        out.extend_from_slice(&frequency.to_le_bytes());
    }
    out
}

pub fn decode_counts(bytes: &[u8]) -> Option<TermCounts> {
    (bytes.len() % 8 == 0).then(|| {
        bytes
            .chunks_exact(8)
            .map(|c| {
                let key = u32::from_le_bytes(c[..4].try_into().expect("4 bytes"));
                (key, f32::from_le_bytes(c[4..].try_into().expect("4 bytes")))
            })
            .collect()
    })
}

pub fn encode_signature(signature: &CopySignature) -> Vec<u8> {
    signature.to_words().iter().flat_map(|w| w.to_le_bytes()).collect()
}

pub fn decode_signature(bytes: &[u8]) -> Option<CopySignature> {
    if bytes.len() != COPY_PERMUTATIONS * 4 {
        return None;
    }
    let mut words = [0u32; COPY_PERMUTATIONS];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_le_bytes(chunk.try_into().expect("4 bytes"));
    }
    Some(CopySignature::from_words(words))
}

pub fn encode_keys(keys: &[i64]) -> Vec<u8> {
    keys.iter().flat_map(|k| k.to_le_bytes()).collect()
}

pub fn decode_keys(bytes: &[u8]) -> Vec<i64> {
    bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()
}

/// The parts of an article the index's columns do not hold.
#[derive(Serialize, Deserialize)]
struct StoredBody {
    paragraphs: Vec<String>,
    url: Option<String>,
    source: String,
    record: Option<usize>,
    #[serde(default)]
    numeric_metadata: Vec<i64>,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

pub fn encode_body(article: &Article) -> Vec<u8> {
    let body = StoredBody {
        paragraphs: article.paragraphs.clone(),
        url: article.url.clone(),
        source: article.source.path.clone(),
        record: article.source.record,
        numeric_metadata: article.numeric_metadata.clone(),
        extra: article.extra.clone(),
    };
    let json = serde_json::to_vec(&body).expect("a body serialises");
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&json).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Fills an article's body, url, source and extra fields from its stored blob.
pub fn decode_body(bytes: &[u8], article: &mut Article) -> Result<(), String> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut json).map_err(|e| e.to_string())?;
    let body: StoredBody = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    article.paragraphs = body.paragraphs;
    article.url = body.url;
    article.source = SourceLocation { path: body.source, record: body.record };
    article.numeric_metadata = body.numeric_metadata;
    article.extra = body.extra;
    Ok(())
}

/// An xxh3 hash as SQLite's signed 64-bit integer.
pub fn as_sql(hash: u64) -> i64 {
    hash as i64
}

/// A story's name profile: names, then terms, each as a u32 length and (u32 key, f32 weight) pairs, then the
/// first and last day as i32 days from the Common Era (`i32::MIN` when undated); all little-endian.
pub fn encode_profile(profile: &crate::cluster::NameProfile) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + 8 * (profile.names.len() + profile.terms.len()));
    for list in [&profile.names, &profile.terms] {
        out.extend_from_slice(&(list.len() as u32).to_le_bytes());
        for &(key, weight) in list.iter() {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&weight.to_le_bytes());
        }
    }
    for day in [profile.first, profile.last] {
        let days = day.map_or(i32::MIN, |d| chrono::Datelike::num_days_from_ce(&d));
        out.extend_from_slice(&days.to_le_bytes());
    }
    out
}

pub fn decode_profile(bytes: &[u8]) -> Option<crate::cluster::NameProfile> {
    let mut at = 0usize;
    let mut word = || -> Option<[u8; 4]> {
        let next = bytes.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(next)
    };
    let mut lists: [Vec<(TermKey, f32)>; 2] = [Vec::new(), Vec::new()];
    for list in &mut lists {
        let len = u32::from_le_bytes(word()?) as usize;
        for _ in 0..len {
            let key = TermKey::from_le_bytes(word()?);
            list.push((key, f32::from_le_bytes(word()?)));
        }
    }
    let mut day = || -> Option<Option<chrono::NaiveDate>> {
        let days = i32::from_le_bytes(word()?);
        Some(if days == i32::MIN { None } else { chrono::NaiveDate::from_num_days_from_ce_opt(days) })
    };
    let (first, last) = (day()?, day()?);
    let [names, terms] = lists;
    Some(crate::cluster::NameProfile { names, terms, first, last })
}

/// Term keys as little-endian u32 (a storyline link's shared names).
pub fn encode_terms(keys: &[TermKey]) -> Vec<u8> {
    keys.iter().flat_map(|k| k.to_le_bytes()).collect()
}

pub fn decode_terms(bytes: &[u8]) -> Vec<TermKey> {
    bytes.chunks_exact(4).map(|c| TermKey::from_le_bytes(c.try_into().expect("4 bytes"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_signatures_and_keys_come_back_as_stored() {
        let counts: TermCounts = vec![(3, 1.5), (77, 2.0), (u32::MAX, 1.0)];
        assert_eq!(decode_counts(&encode_counts(&counts)), Some(counts));
        let signature: CopySignature = (0..40u64).collect();
        let back = decode_signature(&encode_signature(&signature)).unwrap();
        assert_eq!(back.to_words(), signature.to_words());
        assert_eq!(decode_keys(&encode_keys(&[-1, 0, i64::MAX])), vec![-1, 0, i64::MAX]);
        assert!(decode_signature(&[0; 7]).is_none());
    }

    #[test]
    fn a_body_comes_back_with_its_fields() {
        let mut article =
            Article::new("a1".into(), SourceLocation { path: "day1.jsonl".into(), record: Some(4) });
        article.paragraphs = vec!["Putin called off the visit.".into(), "The Kremlin said so.".into()];
        article.url = Some("https://example.org/a1".into());
        article.extra.insert("section".into(), "world".into());
        let mut back = Article::new("a1".into(), SourceLocation { path: String::new(), record: None });
        decode_body(&encode_body(&article), &mut back).unwrap();
        assert_eq!(back.paragraphs, article.paragraphs);
        assert_eq!((back.url, back.source, back.extra), (article.url, article.source, article.extra));
    }
}
