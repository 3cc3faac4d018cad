//! Issue 5: input formats beyond JSON Lines and the seed layout, each read by `ingest` and `cluster` alike.

use assert_cmd::Command;
use std::collections::BTreeMap;
use storydiff::ingest::FieldMap;
use storydiff::pipeline::{cluster_paths, prepare, Config};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn ingest(args: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    Command::cargo_bin("storydiff").unwrap().arg("ingest").args(args).arg("-o").arg(&out).assert().success();
    std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn issue_5_csv_in_the_uci_news_aggregator_layout_is_read_as_headlines() {
    let articles = ingest(&[&fixture("uci-headlines.csv")]);
    assert_eq!(articles.len(), 4);
    let first = &articles[0];
    assert_eq!(first["doc_id"], "1");
    assert_eq!(first["title"], "Putin calls off October trip to Paris amid row over Syria");
    assert_eq!(first["outlet"], "Reuters", "PUBLISHER maps to the outlet");
    assert_eq!(first["date"], "2016-10-11", "TIMESTAMP in milliseconds");
    assert_eq!(first["body"], "", "headline-only input");
    assert_eq!(first["extra"]["STORY"], "dPutinParis", "unmapped columns pass through");
    assert_eq!(first["source"], format!("{}:2", fixture("uci-headlines.csv")), "the row's line");
    assert_eq!(
        articles[2]["title"],
        "Samsung halts production of the Galaxy Note 7 after \"replacement\" phones catch fire"
    );
}

#[test]
fn issue_5_headline_only_csv_clusters_by_title() {
    let config = Config::default();
    let clustering = cluster_paths(&[fixture("uci-headlines.csv")], &config);
    let story = |id: &str| {
        let index = clustering.find_article(id).unwrap() as usize;
        clustering.story_of[index]
    };
    assert_eq!(story("1"), story("2"));
    assert_eq!(story("3"), story("4"));
    assert_ne!(story("1"), story("3"));
}

#[test]
fn issue_5_field_override_reads_an_unusual_column_in_tsv_and_json_lines() {
    let tsv = fixture("export.tsv");
    let without = ingest(&[&tsv]);
    assert_eq!(without[0]["body"], "", "`Article Copy` is not a usual body name");
    let with = ingest(&[&tsv, "--field", "body=Article Copy"]);
    assert!(with[0]["body"].as_str().unwrap().starts_with("The storm flattened towns"));
    assert_eq!(
        with[0]["title"], "Hurricane Matthew kills hundreds in southern Haiti",
        "Headline is a usual name"
    );
    assert_eq!(with[0]["date"], "2016-10-06");

    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("feed.jsonl");
    std::fs::write(
        &jsonl,
        "{\"key\":\"k1\",\"article_text\":\"Body text here.\",\"headline\":\"A title\"}\n",
    )
    .unwrap();
    let read = ingest(&[jsonl.to_str().unwrap(), "--field", "body=article_text", "--field", "id=key"]);
    assert_eq!(read[0]["doc_id"], "k1");
    assert_eq!(read[0]["body"], "Body text here.");
}

#[test]
fn issue_5_bad_field_override_is_an_error_naming_it() {
    Command::cargo_bin("storydiff")
        .unwrap()
        .args(["cluster", &fixture("export.tsv"), "--field", "text=Body"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown part \"text\""));
}

/// The bundled JSON Lines corpus written as CSV, with the body in a column named as the user's export names it.
fn bundled_corpus_as_csv(dir: &std::path::Path) -> (String, String) {
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    let csv_path = dir.join("october-2016.csv");
    let mut writer = csv::Writer::from_path(&csv_path).unwrap();
    writer.write_record(["id", "url", "title", "date", "Story Text"]).unwrap();
    for line in std::fs::read_to_string(&jsonl).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let field = |name: &str| record[name].as_str().unwrap_or("").to_string();
        let date = if record["date"].is_string() { field("date") } else { field("published") };
        writer.write_record([field("id"), field("url"), field("title"), date, field("body")]).unwrap();
    }
    writer.flush().unwrap();
    (jsonl, csv_path.to_str().unwrap().to_string())
}

fn stories(paths: &[String], config: &Config) -> BTreeMap<String, Vec<String>> {
    let clustering = cluster_paths(paths, config);
    let mut by_story: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (index, article) in clustering.articles().iter().enumerate() {
        by_story
            .entry(clustering.stories[clustering.story_of[index]].id.clone())
            .or_default()
            .push(article.doc_id.clone());
    }
    by_story
}

#[test]
fn issue_5_bundled_corpus_clusters_the_same_from_csv_as_from_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, csv) = bundled_corpus_as_csv(dir.path());
    let fields = FieldMap::parse(&["body=Story Text"]).unwrap();
    let csv_config = Config { fields: fields.clone(), ..Config::default() };
    let from_jsonl = stories(std::slice::from_ref(&jsonl), &Config::default());
    assert!(from_jsonl.len() > 10);
    assert_eq!(stories(std::slice::from_ref(&csv), &csv_config), from_jsonl);
    // Bodies dropped after clustering are read back from the CSV rows as they were.
    let clustering = cluster_paths(&[csv], &csv_config);
    let (in_memory, _, _) = prepare(&[jsonl], &FieldMap::default());
    for (index, article) in clustering.articles().iter().enumerate() {
        let expected = in_memory.articles.iter().find(|a| a.doc_id == article.doc_id).unwrap();
        assert_eq!(clustering.with_body(index as u32).unwrap().paragraphs, expected.paragraphs);
    }
}

#[test]
fn issue_5_csv_with_only_a_header_is_rejected_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, "id,title,body\n").unwrap();
    let (ingested, _, _) = prepare(&[path.to_str().unwrap().to_string()], &FieldMap::default());
    assert!(ingested.articles.is_empty());
    assert_eq!(ingested.rejected.len(), 1);
    assert_eq!(ingested.rejected[0].reason, "no rows after the header");
}

#[test]
fn issue_5_label_tables_met_in_a_folder_are_skipped_not_read_as_articles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("uci-headlines.csv"), dir.path().join("headlines.csv")).unwrap();
    std::fs::write(dir.path().join("gold.tsv"), "1\tputin-paris\n2\tputin-paris\n").unwrap();
    let (ingested, _, _) = prepare(&[dir.path().to_str().unwrap().to_string()], &FieldMap::default());
    assert_eq!(ingested.articles.len(), 4);
    assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
    assert_eq!(ingested.files_skipped.len(), 1);
    assert!(ingested.files_skipped[0].ends_with("gold.tsv"));
}

#[test]
fn issue_5_csv_with_crlf_line_ends_names_the_right_lines_and_reads_rows_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.csv");
    let body =
        "Samsung told owners to switch off every Galaxy Note 7 and stopped sales worldwide on Tuesday.";
    std::fs::write(
        &path,
        format!("id,title,body\r\n1,First,\"{body}\"\r\n2,Second,\"Two\r\nlines\"\r\n3,Third,{body}\r\n"),
    )
    .unwrap();
    let paths = vec![path.to_str().unwrap().to_string()];
    let (ingested, _, _) = prepare(&paths, &FieldMap::default());
    let lines: Vec<Option<usize>> = ingested.articles.iter().map(|a| a.source.record).collect();
    assert_eq!(lines, vec![Some(2), Some(3), Some(5)]);
    let clustering = cluster_paths(&paths, &Config::default());
    for (index, article) in clustering.articles().iter().enumerate() {
        let expected = ingested.articles.iter().find(|a| a.doc_id == article.doc_id).unwrap();
        assert_eq!(clustering.with_body(index as u32).unwrap().paragraphs, expected.paragraphs);
    }
}
