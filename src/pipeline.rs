//! The clustering pipeline end to end: ingest, normalise, merge duplicates, features, candidates, graph, stories.

use crate::article::{Article, Rejected, Warning};
use crate::cluster::{ClusterConfig, StoryGraph};
use crate::features::{
    self, ArticleFeatures, CopySignature, DocumentFrequencies, EventBands, FeatureConfig, ReadArticle,
    TermCounts, TermKey,
};
use crate::ingest::{self, Ingested};
use crate::normalize::{self, LearnedBoilerplate};
use crate::sketch;
use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Seek, Write};

/// Every setting of a clustering run, validated once by the CLI.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub features: FeatureConfig,
    pub cluster: ClusterConfig,
    /// Compare every pair instead of searching candidates: quadratic, for measuring what LSH misses.
    pub exhaustive: bool,
    /// Which input fields hold each part of an article.
    pub fields: ingest::FieldMap,
}

/// A story: the articles that report one event. Singletons are stories of one article.
#[derive(Debug, Clone)]
pub struct Story {
    /// `S1`, `S2`, ... in the order stories are listed: most articles first.
    pub id: String,
    /// Article indices, ascending.
    pub members: Vec<u32>,
    /// The member most similar to the rest; its headline names the story.
    pub representative: u32,
}

/// How every input record was accounted for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Input records seen: the sum of the counts below, from articles in stories to skipped records.
    pub records: usize,
    /// Stories of two or more distinct articles.
    pub stories: usize,
    /// Input records in those stories (duplicates not counted here).
    pub articles_in_stories: usize,
    pub singletons: usize,
    pub duplicates_merged: usize,
    pub rejected: usize,
    /// Articles that are a title with no body (headline-only input): their stories rest on titles alone.
    #[serde(skip_serializing_if = "is_zero")]
    pub headline_only: usize,
    /// WARC records that hold no article: not HTML, status not 200, revisits (requests and metadata records
    /// are not counted: they never hold a page).
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_records: usize,
    pub warnings: usize,
    pub candidate_pairs: usize,
    pub edges: usize,
    pub boilerplate_paragraphs_dropped: usize,
}

pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of clustering: the articles, their features and graph, and the stories.
///
/// The articles' bodies are not kept (`Article::body_dropped`): [`Clustering::with_body`] reads one again.
pub struct Clustering {
    pub ingested: Ingested,
    pub features: Vec<ArticleFeatures>,
    pub document_frequencies: DocumentFrequencies,
    pub feature_config: FeatureConfig,
    /// The field names the inputs were read with, to read bodies again the same way.
    pub fields: ingest::FieldMap,
    /// The paragraphs dropped as an outlet's repeated boilerplate, applied again to bodies read again.
    pub learned_boilerplate: LearnedBoilerplate,
    pub graph: StoryGraph,
    /// Pairs the LSH search proposed, sorted (`lhs < rhs`).
    pub candidate_pairs: Vec<(u32, u32)>,
    /// Stories in listing order, singletons included (after the multi-article stories).
    pub stories: Vec<Story>,
    /// Index into `stories` for every article.
    pub story_of: Vec<usize>,
    pub summary: Summary,
}

impl Clustering {
    pub fn articles(&self) -> &[Article] {
        &self.ingested.articles
    }

    /// An article with its body, read again from its file and normalised as clustering saw it.
    pub fn with_body(&self, index: u32) -> Result<Article, String> {
        let article = &self.articles()[index as usize];
        let mut copy = article.clone();
        if !article.body_dropped {
            return Ok(copy);
        }
        let mut read = ingest::reread(article, &self.fields)?;
        normalize::normalize_article(&mut read);
        read.outlet = article.outlet.clone();
        self.learned_boilerplate.strip(&mut read);
        copy.paragraphs = read.paragraphs;
        copy.body_dropped = false;
        copy.excerpt = None;
        Ok(copy)
    }

    /// The article index of an input id (its own or a merged duplicate's).
    pub fn find_article(&self, id: &str) -> Option<u32> {
        self.articles().iter().position(|a| a.all_ids().any(|x| x == id)).map(|i| i as u32)
    }
}

/// Reads, normalises and deduplicates the inputs: the articles as the rest of the pipeline sees them.
pub fn prepare(paths: &[String], fields: &ingest::FieldMap) -> (Ingested, usize, usize) {
    prepare_with(paths, fields, normalize::Typography::Fold)
}

/// [`prepare`], folding the typography or keeping it as published (for `storydiff ingest`).
pub fn prepare_with(
    paths: &[String],
    fields: &ingest::FieldMap,
    typography: normalize::Typography,
) -> (Ingested, usize, usize) {
    let mut ingested = ingest::read_inputs(paths, fields);
    ingested
        .articles
        .par_iter_mut()
        .for_each(|article| normalize::normalize_article_with(article, typography));
    let (kept, emptied): (Vec<Article>, Vec<Article>) =
        ingested.articles.drain(..).partition(|a| !a.paragraphs.is_empty() || a.title.is_some());
    ingested.articles = kept;
    for article in emptied {
        ingested.rejected.push(crate::article::Rejected {
            location: article.source.to_string(),
            reason: "no text left after removing page boilerplate".into(),
        });
    }
    ingested.rejected.sort();
    let duplicates = normalize::merge_exact_duplicates(&mut ingested.articles);
    let boilerplate = normalize::remove_learned_boilerplate(&mut ingested.articles);
    (ingested, duplicates, boilerplate)
}

/// Clusters the articles under `paths`, streaming: each article's body is read, turned into term counts and a
/// copy signature, and dropped, so memory holds features, not text. The counts wait in a temporary file until
/// the document frequencies are known.
pub fn cluster_paths(paths: &[String], config: &Config) -> Clustering {
    let mut timer = StageTimer::start();
    let mut first = first_pass(paths, &config.fields);
    timer.stage("read + normalise + terms (first pass)");
    let settled = settle(&mut first, &config.fields);
    timer.stage("canonical order + duplicates + learned boilerplate");
    let (features, bands, df) = second_pass(&mut first, &settled, &config.features);
    timer.stage("document frequencies + features");
    let FirstPass { mut ingested, .. } = first;
    ingested.articles = settled.articles;
    cluster_features(
        ingested,
        features,
        bands,
        df,
        settled.learned,
        settled.duplicates,
        settled.boilerplate_dropped,
        config,
        timer,
    )
}

/// What the first pass keeps of an article once its body is dropped.
struct ArticleDigest {
    /// Boxed, so that taking it for the features frees its memory instead of leaving an empty slot.
    copy_signature: Option<Box<CopySignature>>,
    shingle_count: u32,
    text_key: Option<u64>,
    paragraph_hashes: Vec<u64>,
}

/// Everything the first pass produced, in input order.
struct FirstPass {
    ingested: Ingested,
    digests: Vec<ArticleDigest>,
    counts: CountSpill,
}

fn first_pass(paths: &[String], fields: &ingest::FieldMap) -> FirstPass {
    let mut articles = Vec::new();
    let mut digests = Vec::new();
    let mut counts = CountSpill::new();
    let mut emptied = Vec::new();
    let mut ingested = ingest::stream_inputs(paths, fields, |batch| {
        let done: Vec<(Article, Option<(ArticleDigest, TermCounts)>)> = batch
            .into_par_iter()
            .map(|mut article| {
                normalize::normalize_article(&mut article);
                if article.paragraphs.is_empty() && article.title.is_none() {
                    return (article, None);
                }
                let read = ReadArticle::read(&article);
                let digest = ArticleDigest {
                    copy_signature: Some(Box::new(read.copy_signature)),
                    shingle_count: read.shingle_count,
                    text_key: normalize::text_key(&article),
                    paragraph_hashes: normalize::paragraph_hashes(&article),
                };
                article.drop_body();
                (article, Some((digest, read.counts)))
            })
            .collect();
        for (article, read) in done {
            match read {
                Some((digest, terms)) => {
                    counts.push(&terms);
                    articles.push(article);
                    digests.push(digest);
                }
                None => emptied.push(article),
            }
        }
    });
    for article in emptied {
        ingested.rejected.push(Rejected {
            location: article.source.to_string(),
            reason: "no text left after removing page boilerplate".into(),
        });
    }
    ingested.articles = articles;
    FirstPass { ingested, digests, counts }
}

/// The articles in canonical order with duplicates merged, and where each input article went.
struct Settled {
    articles: Vec<Article>,
    /// Input position -> final article index; `None` for a merged duplicate.
    final_index: Vec<Option<u32>>,
    /// Term counts and copy views of articles read again because learned boilerplate was dropped from them.
    rebuilt: HashMap<u32, ReadArticle>,
    learned: LearnedBoilerplate,
    duplicates: usize,
    boilerplate_dropped: usize,
}

fn settle(first: &mut FirstPass, fields: &ingest::FieldMap) -> Settled {
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
    type Rebuilt = Result<(ReadArticle, usize), String>;
    let rebuilt_list: Vec<(u32, Rebuilt)> = affected
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
    let mut rebuilt = HashMap::new();
    let mut boilerplate_dropped = 0;
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
    Settled { articles, final_index, rebuilt, learned, duplicates, boilerplate_dropped }
}

/// Articles whose counts are read back from the spill file per parallel chunk.
const SPILL_CHUNK: usize = 16_384;

/// Document frequencies over the kept articles, then each article's features, reading the counts back twice.
fn second_pass(
    first: &mut FirstPass,
    settled: &Settled,
    config: &FeatureConfig,
) -> (Vec<ArticleFeatures>, Vec<EventBands>, DocumentFrequencies) {
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
    });
    // Terms of one article are never used (every use needs two articles): a smaller table is looked up faster.
    df.retain(|_, count| *count >= 2);
    df.shrink_to_fit();
    let reference = features::idf_reference(&df);
    let mut features: Vec<Option<ArticleFeatures>> = (0..n).map(|_| None).collect();
    let mut bands: Vec<EventBands> = vec![[0; sketch::EVENT_BANDS]; n];
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
            let language = crate::features::language::pairing_id(article.language.as_deref());
            let headline_only = article.is_headline_only();
            bands[f as usize] = article_bands;
            features[f as usize] = Some(ArticleFeatures {
                vector,
                copy_signature,
                shingle_count,
                date: article.date,
                language,
                headline_only,
            });
        }
    });
    let features = features.into_iter().map(|f| f.expect("features for every kept article")).collect();
    (features, bands, df)
}

/// First-pass term counts kept in a temporary file until the document frequencies are known: at about 2 KB an
/// article they would be the largest part of memory. In memory when no temporary file can be made.
enum CountSpill {
    File { writer: BufWriter<std::fs::File>, articles: usize },
    Memory(Vec<TermCounts>),
}

impl CountSpill {
    fn new() -> Self {
        match tempfile::tempfile() {
            Ok(file) => CountSpill::File { writer: BufWriter::with_capacity(1 << 20, file), articles: 0 },
            Err(_) => CountSpill::Memory(Vec::new()),
        }
    }

    fn push(&mut self, counts: &[(TermKey, f32)]) {
        match self {
            CountSpill::File { writer, articles } => {
                let mut bytes = Vec::with_capacity(4 + 8 * counts.len());
                bytes.extend_from_slice(&(counts.len() as u32).to_le_bytes());
                for &(key, tf) in counts {
                    bytes.extend_from_slice(&key.to_le_bytes());
                    bytes.extend_from_slice(&tf.to_bits().to_le_bytes());
                }
                if writer.write_all(&bytes).is_err() {
                    self.fall_back_to_memory(Some(counts));
                    return;
                }
                *articles += 1;
            }
            CountSpill::Memory(all) => all.push(counts.to_vec()),
        }
    }

    /// Reads what was written so far back into memory (a full disk, say) and keeps going there.
    fn fall_back_to_memory(&mut self, pending: Option<&[(TermKey, f32)]>) {
        let mut all = Vec::new();
        self.for_each_chunk(usize::MAX, |_, chunk| all.extend(chunk.iter().cloned()));
        if let Some(counts) = pending {
            all.push(counts.to_vec());
        }
        *self = CountSpill::Memory(all);
    }

    /// Hands the counts back in order, `chunk` articles at a time, with the position of the chunk's first.
    fn for_each_chunk(&mut self, chunk: usize, mut each: impl FnMut(usize, &[TermCounts])) {
        match self {
            CountSpill::Memory(all) => {
                for (n, part) in all.chunks(chunk.max(1)).enumerate() {
                    each(n * chunk, part);
                }
            }
            CountSpill::File { writer, articles } => {
                let total = *articles;
                let read_back = writer.flush().and_then(|_| {
                    let file = writer.get_mut();
                    file.rewind()?;
                    let mut reader = BufReader::with_capacity(1 << 20, file.try_clone()?);
                    let mut start = 0;
                    while start < total {
                        let size = chunk.min(total - start);
                        let mut part = Vec::with_capacity(size);
                        for _ in 0..size {
                            part.push(read_counts(&mut reader)?);
                        }
                        each(start, &part);
                        start += size;
                    }
                    file.seek(std::io::SeekFrom::End(0))?;
                    Ok(())
                });
                if let Err(err) = read_back {
                    panic!("storydiff: cannot read back its temporary file: {err}");
                }
            }
        }
    }
}

fn read_counts(reader: &mut impl Read) -> std::io::Result<TermCounts> {
    let mut word = [0u8; 4];
    reader.read_exact(&mut word)?;
    let len = u32::from_le_bytes(word) as usize;
    let mut bytes = vec![0u8; 8 * len];
    reader.read_exact(&mut bytes)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|pair| {
            let key = u32::from_le_bytes(pair[..4].try_into().expect("4 bytes"));
            let tf = f32::from_bits(u32::from_le_bytes(pair[4..].try_into().expect("4 bytes")));
            (key, tf)
        })
        .collect())
}

/// Wall time per pipeline stage on stderr when `STORYDIFF_TIMINGS` is set (for docs/PERFORMANCE.md).
struct StageTimer {
    enabled: bool,
    last: std::time::Instant,
}

impl StageTimer {
    fn start() -> Self {
        StageTimer {
            enabled: std::env::var_os("STORYDIFF_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    fn stage(&mut self, name: &str) {
        if self.enabled {
            eprintln!(
                "storydiff: timing: {name}: {:.3} s (resident {}, peak so far {})",
                self.last.elapsed().as_secs_f64(),
                memory_status("VmRSS:"),
                memory_status("VmHWM:")
            );
        }
        self.last = std::time::Instant::now();
    }
}

/// A line of `/proc/self/status` (Linux), such as the resident or peak resident memory; `?` elsewhere.
fn memory_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with(field))?;
            let kb: f64 = line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(format!("{:.2} GB", kb * 1024.0 / 1e9))
        })
        .unwrap_or_else(|| "?".into())
}

#[allow(clippy::too_many_arguments)]
fn cluster_features(
    ingested: Ingested,
    features: Vec<ArticleFeatures>,
    bands: Vec<EventBands>,
    document_frequencies: DocumentFrequencies,
    learned_boilerplate: LearnedBoilerplate,
    duplicates: usize,
    boilerplate: usize,
    config: &Config,
    mut timer: StageTimer,
) -> Clustering {
    let (pairs, graph) = if config.exhaustive {
        let n = features.len() as u32;
        let pairs: Vec<(u32, u32)> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect();
        let graph = StoryGraph::build(ingested.articles.len(), &pairs, &features, &config.cluster);
        (pairs, graph)
    } else {
        let copy: Vec<CopySignature> = features.iter().map(|f| f.copy_signature).collect();
        let window = sketch::PairFilter {
            days: features.iter().map(|f| f.date.map(|d| d.num_days_from_ce())).collect(),
            max_apart: config.cluster.window_days,
            languages: features.iter().map(|f| f.language).collect(),
        };
        let lsh = sketch::candidate_pairs(&bands, &copy, Some(&window));
        drop(bands);
        drop(copy);
        timer.stage(&format!("LSH candidate search: {} pairs", lsh.len()));
        let (pairs, edges) = crate::cluster::expand_and_verify(&lsh, &features, &config.cluster);
        drop(lsh);
        timer.stage(&format!("verify + two-hop expansion: {} pairs, {} edges", pairs.len(), edges.len()));
        (pairs, StoryGraph::from_edges(ingested.articles.len(), edges))
    };
    timer.stage("graph");
    let labels = graph.stories(config.cluster.threshold);
    timer.stage("average linkage");
    let stories = order_stories(&ingested.articles, &labels, &graph);
    let mut story_of = vec![0usize; ingested.articles.len()];
    for (index, story) in stories.iter().enumerate() {
        for &m in &story.members {
            story_of[m as usize] = index;
        }
    }
    let multi: Vec<&Story> = stories.iter().filter(|s| s.members.len() > 1).collect();
    let summary = Summary {
        records: ingested.articles.len()
            + duplicates
            + ingested.rejected.len()
            + ingested.skipped_records.len(),
        stories: multi.len(),
        articles_in_stories: multi.iter().map(|s| s.members.len()).sum(),
        singletons: stories.len() - multi.len(),
        duplicates_merged: duplicates,
        rejected: ingested.rejected.len(),
        skipped_records: ingested.skipped_records.len(),
        headline_only: ingested.articles.iter().filter(|a| a.is_headline_only()).count(),
        warnings: ingested.warnings.len(),
        candidate_pairs: pairs.len(),
        edges: graph.graph.edge_count(),
        boilerplate_paragraphs_dropped: boilerplate,
    };
    Clustering {
        ingested,
        features,
        document_frequencies,
        feature_config: config.features.clone(),
        fields: config.fields.clone(),
        learned_boilerplate,
        graph,
        candidate_pairs: pairs,
        stories,
        story_of,
        summary,
    }
}

/// Groups articles by label and orders the groups: most articles first, then earliest date, then smallest id.
fn order_stories(articles: &[Article], labels: &[u32], graph: &StoryGraph) -> Vec<Story> {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, &label) in labels.iter().enumerate() {
        groups.entry(label).or_default().push(i as u32);
    }
    let mut groups: Vec<Vec<u32>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    let size = |g: &Vec<u32>| g.iter().map(|&i| 1 + articles[i as usize].duplicate_ids.len()).sum::<usize>();
    let earliest = |g: &Vec<u32>| g.iter().filter_map(|&i| articles[i as usize].date).min();
    groups.sort_by(|lhs, rhs| {
        size(rhs)
            .cmp(&size(lhs))
            .then_with(|| match (earliest(lhs), earliest(rhs)) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| articles[lhs[0] as usize].doc_id.cmp(&articles[rhs[0] as usize].doc_id))
    });
    groups
        .into_iter()
        .enumerate()
        .map(|(n, members)| {
            let representative = representative(&members, graph);
            Story { id: format!("S{}", n + 1), members, representative }
        })
        .collect()
}

/// The member with the largest summed similarity to the other members; the first member on a tie.
fn representative(members: &[u32], graph: &StoryGraph) -> u32 {
    if members.len() <= 2 {
        return members[0];
    }
    let mut best = (members[0], -1.0f32);
    for &m in members {
        let total: f32 = members
            .iter()
            .filter(|&&o| o != m)
            .filter_map(|&o| graph.edge_between(m, o))
            .map(|e| e.score)
            .sum();
        if total > best.1 {
            best = (m, total);
        }
    }
    best.0
}
