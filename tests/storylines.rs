//! Issue 15: storylines, the stories that follow one event over weeks, on the team's storyline corpus.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use storydiff::cluster::StorylineConfig;
use storydiff::pipeline::{cluster_paths, Clustering, Config};

mod common;

const CORPUS: &str = "corpora/storylines-2025.jsonl";
const STORY_GOLD: &str = "corpora/storylines-2025.gold.tsv";
const STORYLINE_GOLD: &str = "corpora/storylines-2025.storylines.tsv";

fn storydiff() -> Command {
    let mut command = Command::cargo_bin("storydiff").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn cluster(config: &Config) -> Clustering {
    let path = format!("{}/{CORPUS}", env!("CARGO_MANIFEST_DIR"));
    cluster_paths(&[path], config).unwrap()
}

/// `(b-cubed precision, recall, f1)` of `eval --level LEVEL` against a gold file.
fn eval(gold: &str, level: &str) -> (f64, f64, f64) {
    let output = storydiff()
        .args(["eval", "--quiet", "--json", "--gold", gold, CORPUS, "--level", level])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let get = |key: &str| scores[key].as_f64().unwrap();
    (get("bcubed_precision"), get("bcubed_recall"), get("bcubed_f1"))
}

/// The storyline of every article, as sets of doc ids.
fn storyline_groups(clustering: &Clustering) -> BTreeSet<BTreeSet<String>> {
    let mut groups: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (index, article) in clustering.articles().iter().enumerate() {
        let line = &clustering.storyline_of(clustering.story_of[index]).id;
        groups.entry(line).or_default().insert(article.doc_id.clone());
    }
    groups.into_values().collect()
}

#[test]
fn issue_15_storyline_level_meets_the_acceptance_on_the_team_corpus() {
    let (precision, recall, f1) = eval(STORYLINE_GOLD, "storyline");
    // Measured 1.0 / 1.0 / 1.0 (docs/EVALUATION.md, "Storylines"; in-sample: the threshold was chosen here).
    assert!(f1 >= 0.95, "storyline B-cubed P {precision} R {recall} F1 {f1}");
    assert_eq!(precision, 1.0, "no look-alike incident joins a storyline");
}

#[test]
fn issue_15_stories_do_not_depend_on_storyline_settings() {
    let stories = |storyline: StorylineConfig| {
        let clustering = cluster(&Config { storyline, ..Config::default() });
        let by_id: Vec<(String, String)> = clustering
            .articles()
            .iter()
            .enumerate()
            .map(|(i, a)| (a.doc_id.clone(), clustering.stories[clustering.story_of[i]].id.clone()))
            .collect();
        (by_id, storyline_groups(&clustering).len())
    };
    let (default, lines) = stories(StorylineConfig::default());
    let (joined, fewer) = stories(StorylineConfig { threshold: 0.01, window_days: None });
    let (apart, more) = stories(StorylineConfig { threshold: 1.0, window_days: Some(0) });
    assert_eq!(default, joined);
    assert_eq!(default, apart);
    assert!(fewer < lines && lines < more, "storylines {fewer} < {lines} < {more}: the settings do act");
    // Story level on the same corpus, as measured (docs/EVALUATION.md): one report of the Dayton shooting is a
    // story of its own; storylines put it back with its event.
    let (_, _, f1) = eval(STORY_GOLD, "story");
    assert!(f1 >= 0.979, "story B-cubed F1 {f1}");
}

#[test]
fn issue_15_each_storyline_is_whole_and_its_look_alike_stays_apart() {
    let clustering = cluster(&Config::default());
    let groups = storyline_groups(&clustering);
    let find = |id: &str| groups.iter().find(|g| g.contains(id)).unwrap().clone();
    // The shooting, the arrest, the indictment and the plea: one storyline of seven weeks and more.
    let dayton = find("dayton-shooting/ledger");
    for follow_up in
        ["dayton-shooting/wkdt", "dayton-shooting/ledger-arrest", "dayton-shooting/ohiocapital-indict"]
    {
        assert!(dayton.contains(follow_up), "{follow_up} joins the Whitfield storyline");
    }
    assert!(dayton.contains("dayton-shooting/wkdt-plea"));
    // Same city, same police lieutenant, same prosecutor, another case.
    assert!(
        !dayton.contains("dayton-stabbing/wkdt") && !dayton.contains("dayton-stabbing/ohiocapital-charged")
    );
    // A store robbery two days later in Tulsa.
    assert!(!dayton.contains("tulsa-shooting/kotx"));
    let renovo = find("renovo-derailment/pennherald");
    assert!(
        renovo.contains("renovo-derailment/wnep-ntsb")
            && renovo.contains("renovo-derailment/keystone-lawsuit")
    );
    assert!(
        !renovo.contains("kearney-derailment/platte"),
        "another derailment, also investigated by the NTSB"
    );
    let lakewood = find("lakewood-embezzlement/coloradoledger");
    assert!(lakewood.contains("lakewood-embezzlement/denverwire-verdict"), "audit to verdict, eight months");
    assert!(!lakewood.contains("pueblo-embezzlement/chieftain"));
}

#[test]
fn issue_15_assignments_and_json_at_the_storyline_level() {
    let dir = tempfile::tempdir().unwrap();
    let (stories, lines, json) =
        (dir.path().join("stories.tsv"), dir.path().join("lines.tsv"), dir.path().join("out.json"));
    storydiff().args(["cluster", CORPUS, "--assignments"]).arg(&stories).assert().success();
    storydiff()
        .args(["cluster", CORPUS, "--level", "storyline", "--json"])
        .arg(&json)
        .arg("--assignments")
        .arg(&lines)
        .assert()
        .success();
    let read = |path: &std::path::Path| -> BTreeMap<String, String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| l.split_once('\t').unwrap())
            .map(|(d, s)| (d.to_string(), s.to_string()))
            .collect()
    };
    let (stories, lines) = (read(&stories), read(&lines));
    assert_eq!(stories.len(), 34);
    assert_eq!(stories.keys().collect::<Vec<_>>(), lines.keys().collect::<Vec<_>>());
    assert!(stories.values().all(|id| id.starts_with('S')) && lines.values().all(|id| id.starts_with('L')));
    // Every story lies in exactly one storyline.
    let mut line_of_story: BTreeMap<&str, &str> = BTreeMap::new();
    for (doc, story) in &stories {
        let line = line_of_story.entry(story).or_insert(&lines[doc]);
        assert_eq!(*line, lines[doc].as_str(), "{doc}");
    }
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let listed = doc["storylines"].as_array().unwrap();
    assert_eq!(doc["summary"]["storylines"].as_u64().unwrap() as usize, listed.len());
    let whitfield = listed
        .iter()
        .find(|l| {
            l["links"].as_array().unwrap().iter().any(|k| k["shared_names"].to_string().contains("Okafor"))
        })
        .expect("a storyline linked through the suspect's name");
    assert!(whitfield["stories"].as_array().unwrap().len() >= 4, "{whitfield}");
    for story in doc["stories"].as_array().unwrap() {
        assert!(story["storyline"].as_str().unwrap().starts_with('L'));
    }
}

#[test]
fn issue_15_eval_scores_the_level_asked_for() {
    let (_, story_recall, _) = eval(STORYLINE_GOLD, "story");
    let (_, storyline_recall, _) = eval(STORYLINE_GOLD, "storyline");
    assert!(story_recall < 0.6 && storyline_recall == 1.0, "{story_recall} -> {storyline_recall}");
}

#[test]
fn issue_15_explain_says_which_level_joined_two_articles() {
    let explain = |lhs: &str, rhs: &str| {
        let output = storydiff().args(["explain", "--quiet", CORPUS, lhs, rhs]).output().unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let text = explain("dayton-shooting/ledger-arrest", "dayton-shooting/wkdt-plea");
    let line = text.lines().find(|l| l.starts_with("storyline:")).unwrap();
    assert!(line.contains("joined at the storyline level") && line.contains("Okafor"), "{line}");
    let text = explain("dayton-shooting/ledger-indict", "dayton-stabbing/ohiocapital-charged");
    let line = text.lines().find(|l| l.starts_with("storyline:")).unwrap();
    assert!(line.contains("different storylines"), "{line}");
    let text = explain("dayton-shooting/wkdt-plea", "dayton-shooting/ohiocapital-plea");
    assert!(text.contains("storyline:   same story"), "{text}");
}

#[test]
fn issue_15_storyline_flags_are_refused_where_nothing_is_clustered() {
    storydiff()
        .args(["diff", "corpora/putin-paris", "--storyline-threshold", "0.3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--storyline-threshold"));
    storydiff().args(["cluster", CORPUS, "--storyline-threshold", "0"]).assert().code(2);
    storydiff().args(["cluster", CORPUS, "--level", "storyline"]).assert().code(2);
}

#[test]
fn issue_15_dot_draws_a_box_around_each_storyline() {
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("lines.dot");
    storydiff().args(["cluster", CORPUS, "--dot"]).arg(&dot).assert().success();
    let text = std::fs::read_to_string(&dot).unwrap();
    let boxes = text.lines().filter(|l| l.trim_start().starts_with("subgraph \"cluster_L")).count();
    assert!(boxes >= 3, "{boxes} storyline boxes");
    // A story box nested in a storyline box, and dashed links between the stories.
    let storyline = text.split("  subgraph \"cluster_L1\" {\n").nth(1).expect("storyline L1 drawn");
    let (label, rest) = storyline.split_once('\n').unwrap();
    assert!(label.contains("label=\"storyline L1: ") && label.contains("style=dashed"), "{label}");
    assert!(rest.starts_with("    subgraph \"cluster_S"), "{rest}");
    assert!(text.contains("style=dashed, color=\"#3366aa\""));
    if !common::prerequisite("Graphviz `dot`", common::program_runs("dot", "-V")) {
        return;
    }
    let svg = std::process::Command::new("dot").arg("-Tsvg").arg(&dot).output().unwrap();
    assert!(svg.status.success(), "{}", String::from_utf8_lossy(&svg.stderr));
}

#[test]
fn issue_15_report_draws_each_storyline_as_a_timeline_without_script() {
    let dir = tempfile::tempdir().unwrap();
    storydiff().args(["report", "--quiet", CORPUS, "-o"]).arg(dir.path()).assert().success();
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    let clustering = cluster(&Config::default());
    let lines = clustering.storylines.storylines.iter().filter(|l| l.stories.len() > 1).count();
    assert_eq!(index.matches("<figure class=\"timeline\">").count(), lines);
    assert_eq!(index.matches("<svg ").count(), lines);
    assert!(!index.contains("<script"), "inline SVG, no script");
    // The Whitfield storyline's axis starts on the day of the shooting, and its plea story links to its page.
    assert!(index.contains(">Mar 3</text>"), "dates on the axis");
    assert!(index.contains("<a href=\"story-"), "stories link to their pages");
}

/// Two incidents told in the same words, three weeks apart, in two towns: topic words never link stories.
#[test]
fn issue_15_topic_words_alone_link_no_stories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-towns.jsonl");
    let report = |id: &str, date: &str, town: &str, victim: &str, officer: &str| {
        serde_json::json!({
            "id": id,
            "published": date,
            "title": format!("Store clerk shot during robbery in {town}"),
            "body": format!(
                "A convenience store clerk was shot and wounded during an armed robbery in {town} late on Sunday, \
                 police said. The clerk, {victim}, was taken to hospital in stable condition. Officers said a \
                 masked gunman demanded cash from the register, fired once and fled on foot with an undisclosed \
                 amount of money. Detective {officer} asked witnesses with doorbell cameras to call the tip line. \
                 Neighbours said robberies of small shops had become more frequent this year. (Report {id}.)"
            )
        })
        .to_string()
    };
    let lines = [
        report("a/1", "2025-03-02", "Zanesfield", "Orrin Blackwood", "Tamsin Quayle"),
        report("a/2", "2025-03-02", "Zanesfield", "Orrin Blackwood", "Tamsin Quayle"),
        report("b/1", "2025-03-23", "Quillmont", "Priya Venkataraman", "Dorian Hatchett"),
        report("b/2", "2025-03-23", "Quillmont", "Priya Venkataraman", "Dorian Hatchett"),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let clustering = cluster_paths(&[path.to_str().unwrap().to_string()], &Config::default()).unwrap();
    let groups = storyline_groups(&clustering);
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(clustering.storylines.links.is_empty(), "no pair shares two names");
    let output = storydiff().args(["explain", "--quiet"]).arg(&path).args(["a/1", "b/1"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("share 0 name(s), fewer than the 2 a link needs"), "{text}");
}

#[test]
fn issue_15_the_table_lists_the_one_article_stories_its_storylines_name() {
    let output = storydiff().args(["cluster", "--quiet", CORPUS]).output().unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    // The Tulsa arrest is a story of one report, in a storyline with the robbery: listed, with its storyline.
    let row =
        table.lines().find(|l| l.contains("Arrest made in shooting of Tulsa store clerk")).expect(&table);
    assert!(row.split_whitespace().nth(1).is_some_and(|line| line.starts_with('L')), "{row}");
    // Each of the corpus's three one-article stories belongs to a storyline, so none is left for --all.
    assert!(!table.contains("not listed"), "{table}");
    let singles = table.lines().filter(|l| l.split_whitespace().nth(2) == Some("1")).count();
    assert_eq!(singles, 3, "{table}");
}
