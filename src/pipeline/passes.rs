//! The streaming passes: read and digest every article (first pass), settle order, duplicates and learned
//! boilerplate, then document frequencies and features from the spilled counts (second pass).

use super::observer::Observer;
use super::spill::{CountSpill, SpillError};
use crate::article::{Article, Rejected, Warning};
use crate::features::{
    self, ArticleFeatures, DocumentFrequencies, FeatureConfig, NameTerms, ReadArticle, TermCounts, TermKey,
};
use crate::ingest::{self, Ingested};
use crate::normalize::{self, LearnedBoilerplate};
use crate::sketch::{CopySignature, EventBands, EVENT_BANDS};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// What the first pass keeps of each article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// The term counts and copy view clustering needs; each body is dropped once read (read again on demand).
    Features,
    /// The articles whole, for the commands that show their text (diff, report, ingest); no features.
    Bodies,
}

/// What the first pass keeps of an article besides the article itself.
struct ArticleDigest {
    /// Boxed, so that taking it for the features frees its memory instead of leaving an empty slot. `None` when
    /// bodies are kept.
    copy_signature: Option<Box<CopySignature>>,
    shingle_count: u32,
    text_key: Option<u64>,
    paragraph_hashes: Vec<u64>,
}

/// Everything the first pass produced, in input order.
pub(super) struct FirstPass<'o> {
    ingested: Ingested,
    /// Told of the account once settling has added the last of it.
    observer: Option<&'o dyn Observer>,
    digests: Vec<ArticleDigest>,
    /// Term counts, in input order (empty when bodies are kept).
    counts: CountSpill,
    /// Every rare word written with a capital in some article (empty when bodies are kept).
    pub(super) names: NameTerms,
    /// Every rare word written in lower case in some article: not a name.
    lowercase: NameTerms,
    keep: Keep,
}

/// Reads every input, normalises each article and digests it; articles left with no text are rejected.
pub(super) fn first_pass<'o>(
    paths: &[String],
    fields: &ingest::FieldMap,
    typography: normalize::Typography,
    keep: Keep,
    spill_dir: Option<&Path>,
    observer: Option<&'o dyn Observer>,
) -> Result<FirstPass<'o>, SpillError> {
    let mut articles = Vec::new();
    let mut digests = Vec::new();
    let mut spill_warnings = Vec::new();
    let mut counts = match keep {
        Keep::Features => CountSpill::new(spill_dir, &mut spill_warnings),
        Keep::Bodies => CountSpill::in_memory(),
    };
    let mut spill_error = None;
    let mut emptied = Vec::new();
    let mut names = NameTerms::default();
    let mut lowercase = NameTerms::default();
    let mut ingested = ingest::stream_inputs(paths, fields, |batch, so_far| {
        type Done = (ArticleDigest, TermCounts, Vec<TermKey>, Vec<TermKey>);
        let done: Vec<(Article, Option<Done>)> = batch
            .into_par_iter()
            .map(|mut article| {
                normalize::normalize_article_with(&mut article, typography);
                if article.paragraphs.is_empty() && article.title.is_none() {
                    return (article, None);
                }
                let mut digest = ArticleDigest {
                    copy_signature: None,
                    shingle_count: 0,
                    text_key: normalize::text_key(&article),
                    paragraph_hashes: normalize::paragraph_hashes(&article),
                };
                let mut terms = TermCounts::new();
                let (mut article_names, mut article_lowercase) = (Vec::new(), Vec::new());
                if keep == Keep::Features {
                    let read = ReadArticle::read(&article);
                    digest.copy_signature = Some(Box::new(read.copy_signature));
                    digest.shingle_count = read.shingle_count;
                    terms = read.counts;
                    article_names = read.names;
                    article_lowercase = read.lowercase;
                    article.drop_body();
                }
                (article, Some((digest, terms, article_names, article_lowercase)))
            })
            .collect();
        for (article, read) in done {
            match read {
                Some((digest, terms, article_names, article_lowercase)) => {
                    if keep == Keep::Features && spill_error.is_none() {
                        spill_error = counts.push(&terms).err();
                    }
                    names.extend(article_names);
                    lowercase.extend(article_lowercase);
                    articles.push(article);
                    digests.push(digest);
                }
                None => emptied.push(article),
            }
        }
        if let Some(observer) = observer {
            observer.reading(so_far, articles.len());
        }
    });
    for article in emptied {
        ingested.rejected.push(Rejected {
            location: article.source.to_string(),
            reason: "no text left after removing page boilerplate".into(),
        });
    }
    if let Some(error) = spill_error {
        return Err(error);
    }
    ingested.warnings.extend(spill_warnings);
    ingested.articles = articles;
    Ok(FirstPass { ingested, observer, digests, counts, names, lowercase, keep })
}

/// The articles in canonical order with duplicates merged, and where each input article went.
pub(super) struct Settled {
    pub(super) articles: Vec<Article>,
    /// Input position -> final article index; `None` for a merged duplicate.
    final_index: Vec<Option<u32>>,
    /// Term counts and copy views of articles read again because learned boilerplate was dropped from them.
    rebuilt: HashMap<u32, ReadArticle>,
    pub(super) learned: LearnedBoilerplate,
    pub(super) duplicates: usize,
    pub(super) boilerplate_dropped: usize,
}

/// Puts the articles in canonical order, merges exact duplicates and drops each outlet's learned boilerplate.
pub(super) fn settle(first: &mut FirstPass<'_>, fields: &ingest::FieldMap) -> Settled {
    let order = ingest::canonical_order(&mut first.ingested);
    let mut articles = std::mem::take(&mut first.ingested.articles);
    let keys: Vec<Option<u64>> = order.iter().map(|&i| first.digests[i].text_key).collect();
    let targets = normalize::duplicate_targets(&articles, &keys);
    let duplicates = normalize::apply_merges(&mut articles, &targets).len();
    let mut final_index = vec![None; order.len()];
    let mut next = 0u32;
    let mut kept_inputs = Vec::with_capacity(articles.len());
    for (canonical, &input) in order.iter().enumerate() {
        if targets[canonical].is_none() {
            final_index[input] = Some(next);
            kept_inputs.push(input);
            next += 1;
        }
    }
    let hashes: Vec<Vec<u64>> =
        kept_inputs.iter().map(|&i| std::mem::take(&mut first.digests[i].paragraph_hashes)).collect();
    let learned = LearnedBoilerplate::learn(&articles, &hashes);
    let affected: Vec<u32> = (0..articles.len() as u32)
        .filter(|&f| learned.applies_to(articles[f as usize].outlet.as_deref(), &hashes[f as usize]))
        .collect();
    drop(hashes);
    let mut rebuilt = HashMap::new();
    let mut boilerplate_dropped = 0;
    // Bodies at hand (kept, or read from stdin) are stripped in place; the others are read again.
    let (at_hand, dropped): (Vec<u32>, Vec<u32>) =
        affected.into_iter().partition(|&f| !articles[f as usize].body_dropped);
    for f in at_hand {
        let article = &mut articles[f as usize];
        boilerplate_dropped += learned.strip(article);
        if first.keep == Keep::Features {
            rebuilt.insert(f, ReadArticle::read(article));
        }
    }
    type Rebuilt = Result<(ReadArticle, usize), String>;
    let rebuilt_list: Vec<(u32, Rebuilt)> = dropped
        .par_iter()
        .map(|&f| {
            let article = &articles[f as usize];
            let result = ingest::reread(article, fields).map(|mut read| {
                normalize::normalize_article(&mut read);
                read.outlet = article.outlet.clone();
                read.title = article.title.clone();
                let dropped = learned.strip(&mut read);
                (ReadArticle::read(&read), dropped)
            });
            (f, result)
        })
        .collect();
    for (f, result) in rebuilt_list {
        match result {
            Ok((read, dropped)) => {
                boilerplate_dropped += dropped;
                rebuilt.insert(f, read);
            }
            Err(message) => first.ingested.warnings.push(Warning {
                location: articles[f as usize].source.to_string(),
                message: format!(
                    "could not read the article again to drop its outlet's boilerplate: {message}"
                ),
            }),
        }
    }
    if let Some(observer) = first.observer {
        observer.reading(&first.ingested, articles.len());
    }
    ingest::sort_account(&mut first.ingested);
    Settled { articles, final_index, rebuilt, learned, duplicates, boilerplate_dropped }
}

/// Articles whose counts are read back from the spill file per parallel chunk.
const SPILL_CHUNK: usize = 16_384;

/// Document frequencies over the kept articles, then each article's features, reading the counts back twice.
pub(super) fn second_pass(
    first: &mut FirstPass<'_>,
    settled: &Settled,
    config: &FeatureConfig,
) -> Result<(Vec<ArticleFeatures>, Vec<EventBands>, DocumentFrequencies), SpillError> {
    let n = settled.articles.len();
    // The counts of input article `input` if it was kept: (final index, counts).
    fn kept<'a>(
        settled: &'a Settled,
        input: usize,
        counts: &'a [(TermKey, f32)],
    ) -> Option<(u32, &'a [(TermKey, f32)])> {
        let f = settled.final_index[input]?;
        Some(match settled.rebuilt.get(&f) {
            Some(rebuilt) => (f, rebuilt.counts.as_slice()),
            None => (f, counts),
        })
    }
    let mut df = DocumentFrequencies::default();
    first.counts.for_each_chunk(SPILL_CHUNK, |start, chunk| {
        let part = features::document_frequencies(
            chunk
                .par_iter()
                .enumerate()
                .filter_map(|(k, counts)| kept(settled, start + k, counts))
                .map(|(_, c)| c),
        );
        df = features::merge_frequencies(std::mem::take(&mut df), part);
    })?;
    features::settle_frequencies(&mut df);
    // A name found in one article can link no story; a word the corpus also writes in lower case is no name.
    let lowercase = std::mem::take(&mut first.lowercase);
    first.names.retain(|key| df.contains_key(key) && !lowercase.contains(key));
    first.names.shrink_to_fit();
    let reference = features::idf_reference(&df);
    let mut features: Vec<Option<ArticleFeatures>> = (0..n).map(|_| None).collect();
    let mut bands: Vec<EventBands> = vec![[0; EVENT_BANDS]; n];
    let digests = &mut first.digests;
    first.counts.for_each_chunk(SPILL_CHUNK, |start, chunk| {
        let computed: Vec<(usize, u32, features::TermVector, EventBands)> = chunk
            .par_iter()
            .enumerate()
            .filter_map(|(k, counts)| {
                kept(settled, start + k, counts).map(|(f, counts)| (start + k, f, counts))
            })
            .map(|(input, f, counts)| {
                let (vector, bands) = features::event_view(counts, &df, reference, config);
                (input, f, vector, bands)
            })
            .collect();
        for (input, f, vector, article_bands) in computed {
            let (copy_signature, shingle_count) = match settled.rebuilt.get(&f) {
                Some(rebuilt) => (rebuilt.copy_signature, rebuilt.shingle_count),
                None => {
                    let digest = &mut digests[input];
                    (*digest.copy_signature.take().expect("one copy view per article"), digest.shingle_count)
                }
            };
            let article = &settled.articles[f as usize];
            bands[f as usize] = article_bands;
            features[f as usize] = Some(ArticleFeatures::of(article, vector, copy_signature, shingle_count));
        }
    })?;
    let features = features.into_iter().map(|f| f.expect("features for every kept article")).collect();
    Ok((features, bands, df))
}

impl FirstPass<'_> {
    /// The run's account of its inputs (rejections, warnings, skipped records), with these articles.
    pub(super) fn into_ingested(self, articles: Vec<Article>) -> Ingested {
        let mut ingested = self.ingested;
        ingested.articles = articles;
        ingested
    }
}
