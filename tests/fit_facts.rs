//! `storydiff fit-facts` on a small team-written corpus in ECB+'s layout: two topics, each of two stories of three
//! articles, every body sentence annotated.

use assert_cmd::Command;
use std::fmt::Write as _;

/// (topic, story, the two body sentences of each of its three articles). Within a story the first sentences tell
/// one event and the second sentences another; the two stories of a topic are two similar events.
const STORIES: [(&str, &str, [[&str; 2]; 3]); 4] = [
    (
        "1",
        "1_ecb",
        [
            [
                "Flood waters swept through the river town of Marlow on Monday night.",
                "The mayor opened two shelters for families near the station.",
            ],
            [
                "Heavy floods hit Marlow late on Monday, forcing hundreds from their homes.",
                "Two emergency shelters were opened by the mayor near the railway station.",
            ],
            [
                "Marlow was flooded on Monday evening after the river burst its banks.",
                "Families found beds in two shelters the mayor set up by the station.",
            ],
        ],
    ),
    (
        "1",
        "1_ecbplus",
        [
            [
                "A wildfire burned across the hills above Dunmore on Friday afternoon.",
                "Firefighters saved the old school but lost three barns.",
            ],
            [
                "Fire spread over the dry hills near Dunmore on Friday, officials said.",
                "Three barns burned while crews protected the historic school.",
            ],
            [
                "The Dunmore hills caught fire on Friday as winds picked up.",
                "Crews kept the flames from the school, though three barns were destroyed.",
            ],
        ],
    ),
    (
        "2",
        "2_ecb",
        [
            [
                "The city council of Avonford approved a new tram line on Tuesday.",
                "Construction of the tram is due to begin next spring.",
            ],
            [
                "Avonford councillors voted on Tuesday to build a tram line across the city.",
                "Work on the line should start in the spring.",
            ],
            [
                "A tram line for Avonford won the council's approval on Tuesday.",
                "Builders are expected to break ground on the tram next spring.",
            ],
        ],
    ),
    (
        "2",
        "2_ecbplus",
        [
            [
                "Avonford's mayor resigned on Thursday after a spending inquiry.",
                "Her deputy will lead the council until an election in May.",
            ],
            [
                "The mayor of Avonford stepped down on Thursday following an inquiry into expenses.",
                "The deputy mayor takes charge until the May election.",
            ],
            [
                "Facing an expenses inquiry, Avonford's mayor quit on Thursday.",
                "An election is set for May, with the deputy in charge until then.",
            ],
        ],
    ),
];

/// Writes the corpus as `docs.jsonl` and its gold as `align/` in a new folder.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("align");
    std::fs::create_dir(&gold).unwrap();
    let (mut docs, mut sentences, mut pairs) =
        (String::new(), String::new(), String::from("doc_a\tsent_a\tdoc_b\tsent_b\tchain\n"));
    for (topic, story, articles) in STORIES {
        let ids: Vec<String> = (1..=3).map(|n| story.replacen('_', &format!("_{n}"), 1)).collect();
        for (id, body) in ids.iter().zip(articles) {
            let record = serde_json::json!({"doc_id": id, "cluster_id": story, "topic": topic.parse::<u32>().unwrap(),
                "title": format!("Report {id}"), "body": body.join("\n")});
            writeln!(docs, "{record}").unwrap();
            for (sent, text) in body.iter().enumerate() {
                writeln!(sentences, "{}", serde_json::json!({"doc_id": id, "sent": sent, "text": text}))
                    .unwrap();
            }
        }
        for (a, lhs) in ids.iter().enumerate() {
            for rhs in &ids[a + 1..] {
                for sent in 0..2 {
                    writeln!(pairs, "{lhs}\t{sent}\t{rhs}\t{sent}\t{story}-{sent}").unwrap();
                }
            }
        }
    }
    std::fs::write(dir.path().join("docs.jsonl"), docs).unwrap();
    std::fs::write(gold.join("sentences.jsonl"), sentences).unwrap();
    std::fs::write(gold.join("pairs.tsv"), pairs).unwrap();
    dir
}

/// Runs `storydiff fit-facts` on the corpus with these options; its standard output.
fn fit_facts(dir: &tempfile::TempDir, options: &[&str]) -> String {
    let output = Command::cargo_bin("storydiff")
        .unwrap()
        .args(["fit-facts", "docs.jsonl", "--gold", "align"])
        .args(options)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn issue_13_fit_facts_reports_average_precision_for_single_stories_and_for_topics_diffed_whole() {
    let dir = corpus();
    let text = fit_facts(&dir, &["--folds", "2"]);
    let count = |prefix: &str| -> usize {
        let line =
            text.lines().find(|l| l.trim_start().starts_with(prefix)).unwrap_or_else(|| panic!("{text}"));
        line.trim_start()[prefix.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // Each story: 3 article pairs x 2 x 2 annotated sentences; each topic: 15 article pairs x 4.
    assert_eq!(count("pairs seen in single stories: "), 4 * 3 * 4, "{text}");
    assert_eq!(count("pairs seen in topics diffed whole: "), 2 * 15 * 4, "{text}");
    assert_eq!(count("pairs "), 4 * 12 + 2 * 60, "{text}");
    // Same event: the pairs of one story with the same sentence number, in its story and again in its topic.
    assert!(text.contains(&format!("(same event {})", 2 * 4 * 3 * 2)), "{text}");
    for line in text.lines().filter(|l| l.contains("average precision")) {
        let values: Vec<f64> = line
            .split("precision ")
            .skip(1)
            .map(|s| s.split(|c: char| c != '.' && !c.is_ascii_digit()).next().unwrap().parse().unwrap())
            .collect();
        assert!(!values.is_empty() && values.iter().all(|v| (0.0..=1.0).contains(v)), "{line}");
    }
}

#[test]
fn issue_13_fit_facts_dump_names_each_pair_with_its_texts_and_gold_label() {
    let dir = corpus();
    fit_facts(&dir, &["--dump", "pairs.tsv"]);
    let dump = std::fs::read_to_string(dir.path().join("pairs.tsv")).unwrap();
    let mut lines = dump.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{header:?}"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 4 * 12 + 2 * 60);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let written: std::collections::HashSet<&str> =
        STORIES.iter().flat_map(|(_, _, articles)| articles.iter().flatten().copied()).collect();
    for row in &rows {
        let (lhs_doc, rhs_doc) = (row[column("lhs_doc")], row[column("rhs_doc")]);
        let (lhs_text, rhs_text) = (row[column("lhs_text")], row[column("rhs_text")]);
        assert!(written.contains(lhs_text) && written.contains(rhs_text), "{row:?}");
        let story = |doc: &str| {
            doc.split_once('_')
                .map(|(t, rest)| (t.to_string(), rest.trim_start_matches(char::is_numeric).to_string()))
                .unwrap()
        };
        // Same event exactly when the two sentences are of one story and hold the same place in their articles.
        let same =
            story(lhs_doc) == story(rhs_doc) && row[column("lhs_sentence")] == row[column("rhs_sentence")];
        assert_eq!(row[column("label")], if same { "1" } else { "0" }, "{row:?}");
    }
    // The topics diffed whole come after the single stories, and hold pairs across their two stories.
    let contexts: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[column("context")]).collect();
    assert_eq!(contexts.len(), 4 + 2);
}
