//! Issue 4: clustering streams its input and drops bodies; diffs and explanations read them again.

use storydiff::diff::sentences::display_headline;
use storydiff::pipeline::{cluster_paths, prepare, Config};

fn corpus() -> Vec<String> {
    vec![concat!(env!("CARGO_MANIFEST_DIR"), "/corpora").to_string()]
}

#[test]
fn issue_4_clustering_keeps_no_bodies_and_reads_them_back_as_they_were() {
    let clustering = cluster_paths(&corpus(), &Config::default()).unwrap();
    let (in_memory, _, _) = prepare(&corpus(), &Default::default());
    assert_eq!(clustering.articles().len(), in_memory.articles.len());
    for (index, article) in clustering.articles().iter().enumerate() {
        assert!(article.body_dropped && article.paragraphs.is_empty(), "{} kept its body", article.doc_id);
        let expected = in_memory.articles.iter().find(|a| a.doc_id == article.doc_id).unwrap();
        assert_eq!(display_headline(article), display_headline(expected));
        let read = clustering.with_body(index as u32).unwrap();
        assert_eq!(read.paragraphs, expected.paragraphs, "{}", article.doc_id);
    }
}

#[test]
fn issue_4_learned_boilerplate_is_dropped_from_streamed_json_lines_and_from_bodies_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl");
    let topics = [
        "harbour strike",
        "library reopening",
        "bridge repairs",
        "school meals",
        "tram line",
        "flood defences",
    ];
    let lines: Vec<String> = topics
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            serde_json::json!({
                "id": format!("gazette-{i}"),
                "url": format!("https://gazette.example/{i}"),
                "title": format!("Council votes on the {topic}"),
                "body": format!("The council voted on the {topic} on Tuesday after a long debate about its cost.\n\nGet the Gazette morning briefing in your inbox every day.")
            })
            .to_string()
        })
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let paths = vec![path.to_str().unwrap().to_string()];
    let clustering = cluster_paths(&paths, &Config::default()).unwrap();
    assert_eq!(clustering.summary.boilerplate_paragraphs_dropped, topics.len());
    let (in_memory, _, dropped) = prepare(&paths, &Default::default());
    assert_eq!(dropped, topics.len());
    for index in 0..clustering.articles().len() {
        let read = clustering.with_body(index as u32).unwrap();
        assert_eq!(read.paragraphs.len(), 1, "{:?}", read.paragraphs);
        assert_eq!(read.paragraphs, in_memory.articles[index].paragraphs);
    }
}

/// Remembers, for each rejection, how many articles had been read when it was first reported.
#[derive(Debug, Default)]
struct Recorder {
    seen: std::sync::Mutex<Vec<(String, usize)>>,
    stages: std::sync::Mutex<Vec<String>>,
}

impl storydiff::pipeline::Observer for Recorder {
    fn reading(&self, so_far: &storydiff::ingest::Ingested, articles: usize) {
        let mut seen = self.seen.lock().unwrap();
        for rejected in so_far.rejected.iter().skip(seen.len()) {
            seen.push((rejected.location.clone(), articles));
        }
    }

    fn stage(&self, name: &str) {
        self.stages.lock().unwrap().push(name.to_string());
    }
}

/// Issue 16 item 9: a bad record near the start of a long file is reported while the rest is still being read,
/// not at the end of the run.
#[test]
fn issue_16_rejections_are_reported_while_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let total = 3 * storydiff::ingest::STREAM_BATCH;
    let mut lines: Vec<String> = (0..total)
        .map(|i| {
            serde_json::json!({"id": format!("r{i}"), "title": format!("Council meeting number {i}"),
                               "text": format!("The town council met for the {i}th time and approved budget item {i}.")})
            .to_string()
        })
        .collect();
    lines[2] = "{not json".to_string();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let recorder = Recorder::default();
    let typography = storydiff::normalize::Typography::Fold;
    let (read, _, _) = storydiff::pipeline::prepare_with(
        &[path.display().to_string()],
        &Default::default(),
        typography,
        Some(&recorder),
    );
    assert_eq!(read.rejected.len(), 1);
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].0.ends_with("long.jsonl:3"), "{seen:?}");
    assert!(seen[0].1 < total / 2, "reported after {} of {total} articles were read", seen[0].1);
    // Clustering tells the observer its stages as they begin.
    let recorder = std::sync::Arc::new(Recorder::default());
    let config = Config { observer: Some(recorder.clone()), ..Config::default() };
    cluster_paths(&corpus(), &config).unwrap();
    let stages = recorder.stages.lock().unwrap().clone();
    assert_eq!(stages.first().map(String::as_str), Some("reading"));
    assert!(stages.iter().any(|s| s == "verifying pairs"), "{stages:?}");
}
