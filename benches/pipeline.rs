//! Criterion benchmarks of the pipeline's stages, and of the whole `cluster` run, on synthetic articles
//! (`storydiff::synth`), through the functions the binary runs; and of one story's diff on the bundled Putin story. Run with `cargo bench`; results and the
//! machine are recorded in docs/PERFORMANCE.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use storydiff::article::Article;
use storydiff::cluster::{expand_and_verify, ClusterConfig, StoryGraph};
use storydiff::features::{extract, FeatureConfig};
use storydiff::pipeline::{cluster_paths, Config};
use storydiff::sketch::{CandidateSearch, LshSearch, PairFilter, SearchInput};
use storydiff::synth::{write_corpus, SynthConfig};

/// A JSON Lines file of `n` synthetic articles, in a folder removed when the first value is dropped.
fn synthetic_corpus(n: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write_corpus(&SynthConfig { articles: n, events: (n / 8).max(1), outlets: 40, seed: 1 }, &mut file, None)
        .unwrap();
    drop(file);
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

/// `n` synthetic articles, read and normalised as the pipeline does.
fn synthetic_articles(n: usize) -> Vec<Article> {
    let (_dir, path) = synthetic_corpus(n);
    storydiff::pipeline::prepare(&[path], &Default::default()).0.articles
}

fn read_and_normalise(c: &mut Criterion) {
    let (dir, path) = synthetic_corpus(2000);
    let mut group = c.benchmark_group("read+normalise");
    group.throughput(Throughput::Elements(2000));
    group.bench_function("2000 articles (pipeline::prepare)", |b| {
        b.iter(|| black_box(storydiff::pipeline::prepare(std::slice::from_ref(&path), &Default::default())))
    });
    group.finish();
    drop(dir);
}

fn features_and_signatures(c: &mut Criterion) {
    let articles = synthetic_articles(2000);
    let mut group = c.benchmark_group("features+signatures");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.bench_function("2000 articles", |b| {
        b.iter(|| black_box(extract(&articles, &FeatureConfig::default())))
    });
    group.finish();
}

fn lsh_and_clustering(c: &mut Criterion) {
    let mut group = c.benchmark_group("lsh+cluster");
    for n in [2000usize, 8000] {
        let articles = synthetic_articles(n);
        let (features, event, _) = extract(&articles, &FeatureConfig::default());
        let copy: Vec<_> = features.iter().map(|f| f.copy_signature.bands()).collect();
        let filter = PairFilter { days: vec![None; n], max_apart: None, languages: vec![0; n] };
        let input = SearchInput { event: &event, copy: &copy, filter: &filter };
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("LSH build+query", n), &n, |b, _| {
            b.iter(|| black_box(LshSearch::default().candidates(&input)))
        });
        let config = ClusterConfig::default();
        let lsh = LshSearch::default().candidates(&input);
        group.bench_with_input(BenchmarkId::new("verify+two-hop+graph+linkage", n), &n, |b, _| {
            b.iter(|| {
                let (_, edges) = expand_and_verify(&lsh, &features, &config);
                let graph = StoryGraph::from_edges(n, edges);
                black_box(graph.stories(config.threshold))
            })
        });
    }
    group.finish();
}

/// The whole clustering run the `cluster` command makes, from the file to the stories.
fn cluster_end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("cluster end to end");
    for n in [2000usize, 8000] {
        let (dir, path) = synthetic_corpus(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("pipeline::cluster_paths", n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    cluster_paths(std::slice::from_ref(&path), &Config::default()).unwrap().stories.len(),
                )
            })
        });
        drop(dir);
    }
    group.finish();
}

fn diff_one_story(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/putin-paris").to_string();
    let articles = storydiff::pipeline::prepare(&[path], &Default::default()).0.articles;
    let refs: Vec<&Article> = articles.iter().collect();
    c.bench_function("diff: Putin story (7 articles)", |b| {
        b.iter(|| black_box(storydiff::diff::diff_story(&refs)))
    });
}

/// Twenty-one articles of one event: the Putin story three times over under other ids, so every sentence has
/// several near copies (the diff's worst case: the most sentence pairs to score and rows to grow).
fn diff_large_story(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/putin-paris").to_string();
    let articles = storydiff::pipeline::prepare(&[path], &Default::default()).0.articles;
    let copies: Vec<Article> = (0..3)
        .flat_map(|copy| {
            articles.iter().map(move |a| Article { doc_id: format!("{}#{copy}", a.doc_id), ..a.clone() })
        })
        .collect();
    let refs: Vec<&Article> = copies.iter().collect();
    c.bench_function("diff: 21 articles of one event", |b| {
        b.iter(|| black_box(storydiff::diff::diff_story(&refs)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(5));
    targets = read_and_normalise, features_and_signatures, lsh_and_clustering, cluster_end_to_end, diff_one_story,
        diff_large_story
}
criterion_main!(benches);
