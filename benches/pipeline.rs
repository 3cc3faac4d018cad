//! Criterion benchmarks of each pipeline stage on synthetic articles (`storydiff::synth`, the same generator the
//! scale runs use) and of one story's diff on the bundled Putin story. Run with `cargo bench`; results and the
//! machine are recorded in docs/PERFORMANCE.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use storydiff::article::Article;
use storydiff::cluster::{expand_candidates, ClusterConfig, StoryGraph};
use storydiff::features::{extract, FeatureConfig};
use storydiff::synth::{write_corpus, SynthConfig};

/// `n` synthetic articles, read and normalised as the pipeline does.
fn synthetic_articles(n: usize) -> Vec<Article> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write_corpus(&SynthConfig { articles: n, events: (n / 8).max(1), outlets: 40, seed: 1 }, &mut file, None)
        .unwrap();
    drop(file);
    storydiff::pipeline::prepare(&[path.to_str().unwrap().to_string()], &Default::default()).0.articles
}

fn normalise_and_tokenise(c: &mut Criterion) {
    let articles = synthetic_articles(200);
    let bodies: Vec<String> = articles.iter().map(Article::body).collect();
    let bytes: usize = bodies.iter().map(String::len).sum();
    let mut group = c.benchmark_group("normalise+tokenise");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("200 bodies", |b| {
        b.iter(|| {
            let mut terms = 0usize;
            for body in &bodies {
                let text = storydiff::normalize::normalize_text(body);
                storydiff::features::tokenize::terms(
                    &text,
                    storydiff::features::language::profile(None),
                    |_, _, _| terms += 1,
                );
            }
            black_box(terms)
        })
    });
    group.finish();
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
        let copy: Vec<_> = features.iter().map(|f| f.copy_signature).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("LSH build+query", n), &n, |b, _| {
            b.iter(|| black_box(storydiff::sketch::candidate_pairs(&event, &copy, None)))
        });
        let config = ClusterConfig::default();
        let lsh = storydiff::sketch::candidate_pairs(&event, &copy, None);
        let pairs = expand_candidates(&lsh, &features, &config);
        group.bench_with_input(BenchmarkId::new("verify+graph+linkage", n), &n, |b, _| {
            b.iter(|| {
                let graph = StoryGraph::build(n, &pairs, &features, &config);
                black_box(graph.stories(config.threshold))
            })
        });
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
    targets = normalise_and_tokenise, features_and_signatures, lsh_and_clustering, diff_one_story, diff_large_story
}
criterion_main!(benches);
