//! Issue 5: input formats beyond JSON Lines and the seed layout, each read by `ingest` and `cluster` alike.

use assert_cmd::Command;
use std::collections::BTreeMap;
use storydiff::ingest::FieldMap;
use storydiff::normalize::Typography;
use storydiff::pipeline::{cluster_paths, prepare, prepare_with, Config};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn ingest(args: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    Command::cargo_bin("storydiff").unwrap().arg("ingest").args(args).arg("-o").arg(&out).assert().success();
    std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// `storydiff cluster PATH --json FILE`, run as a user would, and the JSON it wrote.
fn cluster_json(path: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("stories.json");
    Command::cargo_bin("storydiff")
        .unwrap()
        .args(["cluster", path, "--json"])
        .arg(&json_path)
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap()
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
    let clustering = cluster_paths(&[fixture("uci-headlines.csv")], &config).unwrap();
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
    let clustering = cluster_paths(paths, config).unwrap();
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
    let clustering = cluster_paths(&[csv], &csv_config).unwrap();
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
    let clustering = cluster_paths(&paths, &Config::default()).unwrap();
    for (index, article) in clustering.articles().iter().enumerate() {
        let expected = ingested.articles.iter().find(|a| a.doc_id == article.doc_id).unwrap();
        assert_eq!(clustering.with_body(index as u32).unwrap().paragraphs, expected.paragraphs);
    }
}

/// One bundled-corpus record as a saved news page in one of three layouts, each with the furniture real pages
/// carry: navigation, a cookie banner, related links, a newsletter box, comments and a footer. The metadata is
/// where each layout's CMS puts it: JSON-LD `NewsArticle`, OpenGraph and `article:` meta, or plain `<meta>`.
fn render_page(record: &serde_json::Value, layout: usize) -> String {
    let esc = |s: &str| html_escape::encode_text(s).into_owned();
    let attr = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    let field = |name: &str| record[name].as_str().unwrap_or("").to_string();
    let published = if record["date"].is_string() { field("date") } else { field("published") };
    let (title, url) = (field("title"), field("url"));
    let paragraphs: String =
        field("body").split("\n\n").map(|p| format!("<p>{}</p>\n", esc(p.trim()))).collect();
    let nav =
        "<nav class=\"site-nav\"><ul><li><a href=\"/world\">World</a></li><li><a href=\"/politics\">Politics\
        </a></li><li><a href=\"/business\">Business</a></li><li><a href=\"/sport\">Sport</a></li></ul></nav>";
    let cookie = "<div id=\"cookie-consent\" class=\"cookie-banner\"><p>We use cookies to improve your experience \
        of our website and to show you personalised advertising. By continuing to browse you agree to our use of \
        cookies.</p><button>Accept all cookies</button></div>";
    let related =
        "<aside class=\"related-articles\"><h3>Related stories</h3><ul><li><a href=\"/a\">Parliament \
        votes on the budget amendment after a long night of debate</a></li><li><a href=\"/b\">Floods force \
        thousands from their homes along the river valley</a></li></ul></aside>";
    let newsletter = "<div class=\"newsletter-signup\"><h4>Get the morning briefing</h4><p>Sign up for our \
        newsletter and receive the top stories in your inbox every morning before breakfast.</p></div>";
    let comments =
        "<section id=\"comments\" class=\"comments-area\"><h3>24 comments</h3><div class=\"comment\">\
        <p>Reader one: I really doubt this will change anything at all, the ministers always say the same \
        thing.</p></div><div class=\"comment\"><p>Reader two: Great reporting as usual, thank you for \
        covering the details that other outlets ignored completely.</p></div></section>";
    let footer = "<footer class=\"site-footer\"><p>Copyright 2016 Example Media Group. All rights reserved. \
        Terms of use. Privacy policy. Contact the newsroom.</p></footer>";
    match layout % 3 {
        0 => format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} | World news</title>\
             <link rel=\"canonical\" href=\"{u}\"><script type=\"application/ld+json\">{{\"@context\":\
             \"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":{tj},\"datePublished\":{pj},\
             \"publisher\":{{\"@type\":\"Organization\",\"name\":\"Example News\"}}}}</script></head><body>\
             {cookie}<header><a href=\"/\">Example News</a>{nav}</header><main><article><h1>{t}</h1>\
             <p class=\"byline\">By Staff Reporter</p><div class=\"article-body\">{paragraphs}</div></article>\
             {related}{newsletter}{comments}</main>{footer}</body></html>",
            t = esc(&title),
            u = attr(&url),
            tj = serde_json::to_string(&title).unwrap().replace("</", "<\\/"),
            pj = serde_json::to_string(&published).unwrap(),
        ),
        1 => format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta property=\"og:title\" content=\"{ta}\">\
             <meta property=\"og:url\" content=\"{u}\"><meta property=\"og:site_name\" content=\"The Daily \
             Example\"><meta property=\"article:published_time\" content=\"{p}\"><title>The Daily Example</title>\
             </head><body class=\"single-post\">{nav}<div class=\"container\"><div id=\"content\" \
             class=\"site-content\"><div class=\"entry-content\">{paragraphs}</div><div class=\"share-buttons\">\
             <a href=\"#\">Share on Facebook</a> <a href=\"#\">Share on Twitter</a></div>{comments}</div>\
             <div id=\"sidebar\" class=\"widget-area\">{related}{newsletter}</div></div>{cookie}{footer}\
             </body></html>",
            ta = attr(&title),
            u = attr(&url),
            p = attr(&published),
        ),
        _ => format!(
            "<html><head><title>{t}</title><meta name=\"date\" content=\"{p}\"><link rel=\"canonical\" \
             href=\"{u}\"></head><body><table width=\"100%\"><tr><td class=\"menu\">{nav}</td><td>\
             <div class=\"story\"><h2>{t}</h2>{paragraphs}</div></td><td class=\"sidebar\">{related}</td></tr>\
             </table>{comments}{footer}</body></html>",
            t = esc(&title),
            u = attr(&url),
            p = attr(&published),
        ),
    }
}

/// The bundled corpus as one saved page per article, in a folder per story id prefix (`mosul-offensive/bbc.html`).
fn bundled_corpus_as_html(dir: &std::path::Path) -> Vec<(String, String)> {
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for (index, line) in std::fs::read_to_string(&jsonl).unwrap().lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = record["id"].as_str().unwrap().to_string();
        let path = dir.join(format!("{id}.html"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, render_page(&record, index)).unwrap();
        pages.push((id, path.to_str().unwrap().to_string()));
    }
    pages
}

/// Stories as sets of ids, with each page's path mapped back to the id it was written from.
fn story_sets(paths: &[String], id_of: &BTreeMap<String, String>) -> std::collections::BTreeSet<Vec<String>> {
    stories(paths, &Config::default())
        .into_values()
        .map(|members| {
            let mut ids: Vec<String> =
                members.into_iter().map(|m| id_of.get(&m).cloned().unwrap_or(m)).collect();
            ids.sort();
            ids
        })
        .collect()
}

#[test]
fn issue_5_bundled_corpus_clusters_the_same_from_saved_html_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pages = bundled_corpus_as_html(dir.path());
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    let from_jsonl = story_sets(std::slice::from_ref(&jsonl), &BTreeMap::new());
    let id_of: BTreeMap<String, String> = pages.iter().map(|(id, path)| (path.clone(), id.clone())).collect();
    let folder = dir.path().to_str().unwrap().to_string();
    assert_eq!(story_sets(std::slice::from_ref(&folder), &id_of), from_jsonl);
    let json = cluster_json(&folder);
    assert_eq!(
        json["summary"]["stories"],
        from_jsonl.iter().filter(|s| s.len() > 1).count(),
        "the command line too"
    );

    // Each page gives back the article's own text and metadata, and none of the furniture.
    let (expected, _, _) = prepare_with(&[jsonl], &FieldMap::default(), Typography::Keep, None);
    let extracted = ingest(&[&folder]);
    assert_eq!(extracted.len(), pages.len());
    for page in &extracted {
        let id = &id_of[page["source"].as_str().unwrap()];
        let original = expected.articles.iter().find(|a| &a.doc_id == id).unwrap();
        let body = page["body"].as_str().unwrap();
        assert_eq!(body, original.body(), "{id}: body");
        assert_eq!(page["title"].as_str(), original.title.as_deref(), "{id}: title");
        assert_eq!(page["url"].as_str(), original.url.as_deref(), "{id}: canonical url");
        assert_eq!(page["outlet"].as_str(), original.outlet.as_deref(), "{id}: outlet");
        assert_eq!(page["date"], serde_json::json!(original.date), "{id}: date");
        for furniture in
            ["cookies", "Related stories", "newsletter", "Reader one", "Share on", "Copyright 2016"]
        {
            assert!(!body.contains(furniture), "{id}: `{furniture}` kept in the body: {body}");
        }
    }
}

/// Writes a WARC with the `warc` crate itself: each bundled-corpus page as a `response` record (every third one
/// gzip-compressed and chunked, as servers send them) after its `request` record, plus a 404 page, an image
/// and a revisit, which hold no article.
fn bundled_corpus_as_warc(dir: &std::path::Path, gzip: bool) -> (String, BTreeMap<String, String>) {
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    articles_as_warc(&jsonl, dir, gzip)
}

/// The articles of a JSON Lines file as pages of a crawl (a request and a response record each, every third
/// response gzip-encoded and chunked), then a 404, an image and a revisit record; with the WARC source of each
/// page's article id.
fn articles_as_warc(jsonl: &str, dir: &std::path::Path, gzip: bool) -> (String, BTreeMap<String, String>) {
    use std::io::Write;
    use warc::{BufferedBody, Record, RecordType, WarcHeader, WarcWriter};
    let path = dir.join(if gzip { "crawl.warc.gz" } else { "crawl.warc" });
    let mut bytes = Vec::new();
    let mut writer = WarcWriter::new(&mut bytes);
    let mut number = 0;
    let mut id_of = BTreeMap::new();
    let mut write = |writer: &mut WarcWriter<&mut Vec<u8>>, kind: RecordType, uri: &str, body: Vec<u8>| {
        let mut record = Record::<BufferedBody>::with_body(body);
        record.set_warc_type(kind);
        record.set_date(chrono::DateTime::parse_from_rfc3339("2016-10-30T12:00:00Z").unwrap().into());
        record.set_header(WarcHeader::TargetURI, uri).unwrap();
        record.set_header(WarcHeader::ContentType, "application/http; msgtype=response").unwrap();
        writer.write(&record).unwrap();
        number += 1;
        number
    };
    let http = |status: &str, headers: &str, body: &[u8]| {
        let mut message = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        message.extend_from_slice(body);
        message
    };
    for (index, line) in std::fs::read_to_string(jsonl).unwrap().lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let url = match record["url"].as_str() {
            Some(url) => url.to_string(),
            None => format!("https://news.example/{}", record["id"].as_str().unwrap()),
        };
        write(&mut writer, RecordType::Request, &url, format!("GET {url} HTTP/1.1\r\n\r\n").into_bytes());
        let page = render_page(&record, index);
        let message = if index % 3 == 0 {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(page.as_bytes()).unwrap();
            let compressed = encoder.finish().unwrap();
            let (lhs, rhs) = compressed.split_at(compressed.len() / 2);
            let mut chunked = Vec::new();
            for chunk in [lhs, rhs] {
                chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                chunked.extend_from_slice(chunk);
                chunked.extend_from_slice(b"\r\n");
            }
            chunked.extend_from_slice(b"0\r\n\r\n");
            http(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                &chunked,
            )
        } else {
            http("200 OK", "Content-Type: text/html; charset=UTF-8\r\n", page.as_bytes())
        };
        let n = write(&mut writer, RecordType::Response, &url, message);
        let source = format!("{}:{n}", path.display());
        id_of.insert(source, record["id"].as_str().unwrap().to_string());
    }
    let missing = http(
        "404 Not Found",
        "Content-Type: text/html\r\n",
        b"<html><body><p>Page not found</p></body></html>",
    );
    write(&mut writer, RecordType::Response, "https://www.example.com/gone", missing);
    let image = http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n");
    write(&mut writer, RecordType::Response, "https://www.example.com/logo.png", image);
    write(&mut writer, RecordType::Revisit, "https://www.example.com/again", Vec::new());
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&bytes).unwrap();
        bytes = encoder.finish().unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    (path.to_str().unwrap().to_string(), id_of)
}

#[test]
fn issue_5_bundled_corpus_clusters_the_same_from_a_warc_and_skipped_records_are_counted() {
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    let from_jsonl = story_sets(std::slice::from_ref(&jsonl), &BTreeMap::new());
    let dir = tempfile::tempdir().unwrap();
    for gzip in [false, true] {
        let (warc, id_of) = bundled_corpus_as_warc(dir.path(), gzip);
        assert_eq!(story_sets(std::slice::from_ref(&warc), &id_of), from_jsonl, "gzip {gzip}");
        let clustering = cluster_paths(std::slice::from_ref(&warc), &Config::default()).unwrap();
        let ingested = &clustering.ingested;
        assert_eq!(ingested.articles.len(), id_of.len());
        assert_eq!(ingested.other_records, id_of.len(), "one request record per page");
        let reasons: Vec<&str> = ingested.skipped_records.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons.contains(&"HTTP status 404, not 200"), "{reasons:?}");
        assert!(reasons.contains(&"not HTML (image/png)"), "{reasons:?}");
        assert_eq!(clustering.summary.skipped_records, 3);
        assert_eq!(clustering.summary.records, id_of.len() + 3, "every response record accounted for");
        // Bodies are read again from their record after clustering dropped them.
        let index = clustering.find_article(&format!("{warc}:2")).unwrap();
        let body = clustering.with_body(index).unwrap().body();
        assert!(body.len() > 100 && !body.contains("cookies"), "{body}");
    }
    // `cluster` and `ingest` on the command line read the same file, and a missing WARC is an error, not a new
    // empty file.
    let (warc, _) = bundled_corpus_as_warc(dir.path(), true);
    assert_eq!(ingest(&[&warc]).len(), 74);
    let json = cluster_json(&warc);
    assert_eq!(json["summary"]["skipped_records"], 3);
    assert_eq!(json["skipped_records"].as_array().unwrap().len(), 3);
    assert_eq!(json["summary"]["records"], 77);
    let table = Command::cargo_bin("storydiff").unwrap().args(["cluster", &warc]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("3 WARC records held no article"), "{table}");
    let missing = dir.path().join("missing.warc.gz");
    Command::cargo_bin("storydiff")
        .unwrap()
        .arg("ingest")
        .arg(&missing)
        .arg("-o")
        .arg(dir.path().join("o.jsonl"))
        .assert()
        .failure();
    assert!(!missing.exists(), "reading must not create the file");
}

#[test]
fn issue_5_saved_page_in_a_legacy_charset_gives_its_text_and_metadata_without_furniture() {
    let page = fixture("html/putin-paris.de.html");
    let articles = ingest(&[&page]);
    assert_eq!(articles.len(), 1);
    let article = &articles[0];
    assert_eq!(
        article["title"], "Putin sagt Paris-Reise ab",
        "JSON-LD headline, not the <title> with the site"
    );
    assert_eq!(article["date"], "2016-10-11", "JSON-LD datePublished");
    assert_eq!(
        article["url"],
        "https://www.rheinische-morgenpost.example/politik/ausland/putin-sagt-paris-reise-ab-1.4821"
    );
    assert_eq!(article["outlet"], "rheinische-morgenpost.example", "from the canonical URL");
    assert_eq!(article["extra"]["site_name"], "Rheinische Morgenpost");
    assert_eq!(article["language"], "de");
    let body = article["body"].as_str().unwrap();
    assert!(
        body.starts_with("Der russische Präsident Wladimir Putin kommt nicht"),
        "windows-1252 decoded: {body}"
    );
    assert!(body.ends_with("am Veto Moskaus gescheitert."), "{body}");
    assert_eq!(body.split("\n\n").count(), 3, "three paragraphs, nothing else: {body}");
    for furniture in [
        "Cookies",
        "Politik",
        "Ausland",
        "Kreml in Moskau",
        "teilen",
        "Mehr zum Thema",
        "Klaus M.",
        "Impressum",
    ] {
        assert!(!body.contains(furniture), "`{furniture}` kept: {body}");
    }
}

#[test]
fn issue_5_articles_in_four_languages_cluster_by_story_within_each_language() {
    let clustering = cluster_paths(&[fixture("multilingual.jsonl")], &Config::default()).unwrap();
    let mut stories: Vec<Vec<String>> = Vec::new();
    for story in &clustering.stories {
        let mut ids: Vec<String> =
            story.members.iter().map(|&m| clustering.articles()[m as usize].doc_id.clone()).collect();
        ids.sort();
        stories.push(ids);
    }
    stories.sort();
    let mut expected = Vec::new();
    for event in ["dylan", "putin"] {
        for language in ["de", "fr", "ru", "zh"] {
            expected.push(vec![format!("{event}-{language}-1"), format!("{event}-{language}-2")]);
        }
    }
    assert_eq!(stories, expected, "one story per event and language, no story across languages");
    for article in clustering.articles() {
        let language = article.doc_id.split('-').nth(1).unwrap();
        assert_eq!(article.language.as_deref(), Some(language), "{}", article.doc_id);
    }
    let mut table = Vec::new();
    storydiff::display::write_table(&clustering, &mut table, true).unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(table.lines().next().unwrap().contains("LANG"), "{table}");
    assert!(table.lines().any(|l| l.contains(" zh ") && l.contains("普京")), "{table}");
}

#[test]
fn issue_5_headline_only_input_is_detected_and_said_in_the_summary() {
    let clustering = cluster_paths(&[fixture("uci-headlines.csv")], &Config::default()).unwrap();
    assert_eq!(clustering.summary.headline_only, 4);
    let mut summary = Vec::new();
    storydiff::display::write_summary(&clustering.summary, &mut summary).unwrap();
    let summary = String::from_utf8(summary).unwrap();
    assert!(summary.contains("4 of the articles are headlines only"), "{summary}");
    let jsonl = format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(cluster_paths(&[jsonl], &Config::default()).unwrap().summary.headline_only, 0);
}

#[test]
fn issue_5_articles_in_two_scripts_are_never_paired_however_alike() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        "Russian President Vladimir Putin has called off his visit to Paris planned for 19 October, the \
                Kremlin said on Tuesday. Putin was due to open a new Orthodox cathedral by the Seine.";
    let write = |name: &str, languages: [&str; 2]| {
        let path = dir.path().join(name);
        let lines: Vec<String> = languages
            .iter()
            .enumerate()
            .map(|(i, language)| {
                serde_json::json!({"id": format!("a{i}"), "language": language, "date": "2016-10-11",
                    "body": format!("{body} Report number {i}.")})
                .to_string()
            })
            .collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        path.to_str().unwrap().to_string()
    };
    let together = |path: String| {
        let clustering = cluster_paths(&[path], &Config::default()).unwrap();
        assert_eq!(clustering.articles().len(), 2);
        clustering.story_of[0] == clustering.story_of[1]
    };
    assert!(together(write("same.jsonl", ["en", "en"])), "the same report twice is one story");
    assert!(together(write("latin.jsonl", ["en", "fr"])), "one script: left to the terms");
    assert!(!together(write("scripts.jsonl", ["en", "ru"])), "Latin and Cyrillic share no word");
}

#[test]
fn issue_14_finnish_and_polish_news_are_told_by_their_everyday_words() {
    let clustering =
        cluster_paths(&[fixture("unrelated-three-languages.jsonl")], &Config::default()).unwrap();
    assert_eq!(clustering.articles().len(), 15, "every article read");
    assert_eq!(clustering.summary.rejected, 0);
    for article in clustering.articles() {
        let language = &article.doc_id[..2];
        assert_eq!(article.language.as_deref(), Some(language), "{}", article.doc_id);
    }
}

#[test]
fn issue_14_a_crawl_of_pages_in_three_languages_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (warc, id_of) = articles_as_warc(&fixture("unrelated-three-languages.jsonl"), dir.path(), true);
    let clustering = cluster_paths(std::slice::from_ref(&warc), &Config::default()).unwrap();
    assert_eq!(clustering.articles().len(), 15, "every page read");
    assert_eq!(clustering.summary.rejected, 0, "none rejected");
    assert_eq!(clustering.summary.skipped_records, 3, "the 404, the image and the revisit");
    assert_eq!(clustering.summary.records, 18);
    for article in clustering.articles() {
        let id = &id_of[&article.doc_id];
        assert_eq!(article.language.as_deref(), Some(&id[..2]), "{id}: {:?}", article.title);
        assert!(article.title.as_deref().is_some_and(|t| !t.is_empty()), "{id}: a headline");
    }
}

#[test]
fn issue_14_unrelated_short_articles_in_three_languages_form_no_story() {
    let clustering =
        cluster_paths(&[fixture("unrelated-three-languages.jsonl")], &Config::default()).unwrap();
    let stories: Vec<Vec<&str>> = clustering
        .stories
        .iter()
        .filter(|s| s.members.len() > 1)
        .map(|s| s.members.iter().map(|&m| clustering.articles()[m as usize].doc_id.as_str()).collect())
        .collect();
    assert!(stories.is_empty(), "unrelated articles joined: {stories:?}");
    assert_eq!(clustering.summary.singletons, 15);
}

/// Issue 16 (item 13 made the format property check WARC): a file named `.warc` that holds no WARC record was read
/// as zero records and silently lost. It is rejected, naming the file; a blank one is simply empty.
#[test]
fn issue_16_a_file_named_warc_that_is_not_one_is_rejected_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let not_warc = dir.path().join("crawl.warc");
    std::fs::write(&not_warc, "<html><body><p>A saved page, misnamed.</p></body></html>\n").unwrap();
    let blank = dir.path().join("empty.warc");
    std::fs::write(&blank, "\n\n").unwrap();
    let paths = [not_warc.display().to_string(), blank.display().to_string()];
    let (ingested, _, _) = prepare(&paths, &FieldMap::default());
    assert!(ingested.articles.is_empty());
    assert_eq!(ingested.rejected.len(), 1, "{:?}", ingested.rejected);
    assert!(ingested.rejected[0].location.ends_with("crawl.warc"), "{:?}", ingested.rejected);
    assert!(ingested.rejected[0].reason.contains("not a WARC file"), "{:?}", ingested.rejected);
}
