//! Issue 3: the diff of a story across outlets, on the bundled Putin story and on team-written fixtures.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

fn storydiff() -> Command {
    let mut cmd = Command::cargo_bin("storydiff").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `storydiff diff PATH --json`, read back.
fn diff_json(path: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("diff.json");
    storydiff().args(["diff", path, "--color", "never", "--json"]).arg(&json).assert().success();
    serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap()
}

fn putin_diff() -> Value {
    diff_json("corpora/putin-paris")
}

fn outlets(members: &Value) -> BTreeSet<String> {
    members.as_array().unwrap().iter().map(|m| m["outlet"].as_str().unwrap().to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn issue_3_peskov_quote_is_found_in_every_outlet_that_carries_it() {
    let diff = putin_diff();
    let quotes = diff["quotes"].as_array().unwrap();
    let peskov = quotes
        .iter()
        .find(|q| {
            q["members"].as_array().unwrap().iter().any(|m| m["text"].as_str().unwrap().contains("for now"))
        })
        .expect("a quote group with Peskov's statement");
    // The Guardian reports the statement without quoting it; every other outlet quotes Peskov.
    assert_eq!(
        outlets(&peskov["members"]),
        set(&["bbc.co.uk", "france24.com", "lemonde.fr", "reuters.com", "rt.com", "tass.com"])
    );
    for member in peskov["members"].as_array().unwrap() {
        assert_eq!(member["speaker_name"], "Peskov", "{member}");
    }
    let forms: BTreeSet<&str> =
        peskov["members"].as_array().unwrap().iter().map(|m| m["form"].as_str().unwrap()).collect();
    assert!(forms.contains("full") && forms.contains("reworded"), "{forms:?}");
}

#[test]
fn issue_3_hollande_quote_left_out_by_bbc_rt_and_tass() {
    let diff = putin_diff();
    let hollande = diff["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["members"].as_array().unwrap().iter().any(|m| m["speaker_name"] == "Hollande"))
        .expect("Hollande's quote");
    let missing: BTreeSet<String> =
        hollande["missing"].as_array().unwrap().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        missing,
        set(&[
            "\"corpora/putin-paris/bbc.txt\"",
            "\"corpora/putin-paris/rt.txt\"",
            "\"corpora/putin-paris/tass.txt\""
        ])
    );
}

#[test]
fn issue_3_lead_row_shows_each_outlets_verb_for_the_visit() {
    let diff = putin_diff();
    let lead = diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["members"].as_array().unwrap().iter().any(|m| m["text"].as_str().unwrap().contains("postponed"))
        })
        .expect("RT's lead is in a fact row");
    assert_ne!(lead["class"], "single", "RT's lead is aligned with other outlets: {lead}");
    let verbs: BTreeSet<&str> = lead["members"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            let text = m["text"].as_str().unwrap();
            ["cancelled", "postponed", "called off", "put off", "scrapped"]
                .into_iter()
                .filter(move |v| text.contains(v))
        })
        .collect();
    assert!(verbs.len() >= 4, "several outlets' verbs side by side: {verbs:?}");
    let choices: Vec<String> = lead["members"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["word_choices"].as_array().unwrap().iter().map(|c| c["outlet"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(choices.iter().any(|c| c.contains("postponed")), "{choices:?}");
}

#[test]
fn issue_3_security_council_resolution_is_one_fact_across_outlets() {
    let diff = putin_diff();
    let rows: Vec<&Value> = diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["text"].as_str().unwrap().contains("Security Council"))
        })
        .collect();
    assert_eq!(rows.len(), 1, "one row holds every mention of the resolution");
    assert_eq!(rows[0]["members"].as_array().unwrap().len(), 7);
    assert_eq!(rows[0]["class"], "paraphrase");
}

#[test]
fn issue_3_wire_copy_is_marked_verbatim() {
    let diff = putin_diff();
    let copies = diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["members"].as_array().unwrap().iter())
        .filter(|m| m["outlet"] == "france24.com")
        .filter(|m| {
            m["verbatim_with"].as_array().unwrap().iter().any(|d| d == "corpora/putin-paris/reuters.txt")
        })
        // A row may hold two sentences of an article (a fact stated twice), so the sentences are counted.
        .map(|m| m["sentences"].as_array().unwrap().len())
        .sum::<usize>();
    assert!(copies >= 4, "France 24 runs Reuters' copy: {copies} sentences marked");
}

#[test]
fn issue_3_diff_of_a_clustered_story_by_id() {
    let out = storydiff()
        .args(["diff", "corpora", "--story", "S1", "--color", "never", "--width", "100"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("facts ("), "{text}");
    storydiff().args(["diff", "corpora", "--story", "S999"]).assert().code(2);
}

#[test]
fn issue_3_side_by_side_columns_when_they_fit_reference_view_when_not() {
    let run = |width: &str| {
        let out = storydiff()
            .args([
                "diff",
                "corpora/putin-paris/rt.txt",
                "corpora/putin-paris/tass.txt",
                "--color",
                "never",
                "--width",
            ])
            .arg(width)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let wide = run("120");
    assert!(wide.contains(" │ "), "two outlets fit side by side at 120 columns:\n{wide}");
    let narrow = run("50");
    assert!(!narrow.contains(" │ "), "at 50 columns each outlet gets its own line:\n{narrow}");
    assert!(narrow.contains("{+") || narrow.contains("[-"), "changes marked without colour:\n{narrow}");
    assert!(!narrow.contains('\u{1b}'), "no escape codes when not a terminal");
}

#[test]
fn issue_3_align_pairs_reads_msrp_layout_and_writes_label_tab_score() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.tsv");
    std::fs::write(
        &pairs,
        "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n\
         1\t1\t2\tThe Kremlin said Putin has cancelled his visit to Paris.\tPutin has cancelled his visit to Paris, the Kremlin said.\n\
         0\t3\t4\tNine people were killed in the attack on the market on Tuesday.\tShares in the company rose sharply on the Tokyo exchange in early trading.\n",
    )
    .unwrap();
    let out = storydiff().arg("align-pairs").arg(&pairs).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<(&str, f64)> = text
        .lines()
        .map(|l| {
            let (label, score) = l.split_once('\t').unwrap();
            (label, score.parse().unwrap())
        })
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0].0, "1");
    assert_eq!(lines[1].0, "0");
    assert!(lines[0].1 > lines[1].1);
}

#[test]
fn issue_3_report_writes_index_and_pages_that_link_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = storydiff().args(["report", "corpora", "-o"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    let pages: Vec<&str> =
        index.split("href=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
    assert!(pages.len() >= 10, "{} story links", pages.len());
    for page in pages {
        let html = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(html.contains("href=\"index.html\""), "{page} links back");
        assert!(!html.contains("<script"), "{page} is static");
        assert!(!html.contains("src=\"http"), "{page} loads nothing from outside");
    }
}

#[test]
fn issue_3_html_escapes_article_text_and_drops_script_urls() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("evil.jsonl");
    std::fs::write(
        &input,
        r#"{"id": "a", "url": "javascript:alert(1)", "outlet": "evil", "title": "<script>alert('t')</script>", "text": "The mayor said <script>alert(1)</script> the bridge would close on Monday for repairs lasting three weeks."}
{"id": "b", "url": "https://example.org/b?x=\"><img src=x onerror=alert(1)>", "outlet": "good", "title": "Bridge to close", "text": "The mayor said the bridge would close on Monday for repairs lasting three weeks, <b onmouseover=alert(1)>officials</b> added."}
"#,
    )
    .unwrap();
    let html = dir.path().join("out.html");
    storydiff().arg("diff").arg(&input).arg("--html").arg(&html).assert().success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b onmouseover"), "{page}");
    assert!(!page.contains("href=\"javascript"), "{page}");
    assert!(page.contains("&lt;script&gt;"), "text is shown, escaped");
}

#[test]
fn issue_3_diff_strict_exits_1_when_an_input_was_rejected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/putin-paris/rt.txt"),
        dir.path().join("rt.txt"),
    )
    .unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/putin-paris/tass.txt"),
        dir.path().join("tass.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.jsonl"), "{\"id\": \"x\", \"body\": \n").unwrap();
    storydiff().arg("diff").arg(dir.path()).args(["--color", "never"]).assert().success();
    storydiff().arg("diff").arg(dir.path()).args(["--color", "never", "--strict"]).assert().code(1);
}

#[test]
fn issue_6_sentences_past_the_bound_are_counted_not_compared() {
    use storydiff::article::{Article, SourceLocation};
    use storydiff::diff::{diff_story, MAX_DIFF_SENTENCES};
    let article = |id: &str, sentences: usize| {
        let mut article = Article::new(id.into(), SourceLocation { path: id.into(), record: None });
        article.outlet = Some(format!("{id}.com"));
        article.title = Some("Inventory of made-up words".into());
        // Sentences of words found nowhere else, so only a sentence and its copy in the other article meet.
        let text: Vec<String> = (0..sentences).map(|i| format!("Qa{i}x zo{i}y ki{i}w mu{i}v.")).collect();
        article.paragraphs = vec![text.join(" ")];
        article
    };
    let (lhs, rhs) = (article("lhs", MAX_DIFF_SENTENCES + 120), article("rhs", MAX_DIFF_SENTENCES + 80));
    let diff = diff_story(&[&lhs, &rhs]);
    assert_eq!(diff.summary.sentences, 2 * MAX_DIFF_SENTENCES);
    // Since issue 13 the headline is sentence 0 of each article, so one more body sentence of each is left out.
    assert_eq!(diff.summary.sentences_not_compared, 202);
    assert_eq!(diff.summary.aligned_sentences, 2 * MAX_DIFF_SENTENCES, "each kept sentence meets its copy");
    let json = serde_json::to_value(&diff.summary).unwrap();
    assert_eq!(json["sentences_not_compared"], 202);
}

fn rows_with<'a>(diff: &'a Value, needle: &str) -> Vec<&'a Value> {
    diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["members"].as_array().unwrap().iter().any(|m| m["text"].as_str().unwrap().contains(needle))
        })
        .collect()
}

#[test]
#[ignore = "issue 13, not met yet: the fact model (fitted on ECB+) scores Le Monde's \"will not come to Paris on \
            October 19\" highest against the BBC's \"expected in Paris on 19 October\" (0.95, shared date), so it \
            joins that row, not the cancellation's"]
fn issue_13_the_cancellation_is_one_row_of_all_seven_outlets_le_monde_included() {
    let diff = putin_diff();
    let rows = rows_with(&diff, "will not come to Paris");
    assert_eq!(rows.len(), 1);
    let row = rows[0];
    assert_eq!(
        outlets(&row["members"]),
        set(&[
            "bbc.co.uk",
            "france24.com",
            "lemonde.fr",
            "reuters.com",
            "rt.com",
            "tass.com",
            "theguardian.com"
        ]),
        "{row:#}"
    );
    let texts: Vec<&str> =
        row["members"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(
        !texts.iter().any(|t| t.contains("to open a Russian church")),
        "the BBC's 'expected in Paris to open a church' is another fact: {texts:#?}"
    );
    for member in row["members"].as_array().unwrap() {
        let sentences = member["sentences"].as_array().unwrap();
        assert!((1..=2).contains(&sentences.len()), "at most two sentences of an article: {member}");
        let joined: Vec<&str> = sentences.iter().map(|s| s["text"].as_str().unwrap()).collect();
        assert_eq!(joined.join(" "), member["text"].as_str().unwrap(), "text is the sentences' text");
    }
    assert_ne!(row["class"], "single");
}

#[test]
fn issue_13_three_outlets_telling_one_event_with_different_verbs_and_details_give_one_row() {
    let diff = diff_json("tests/fixtures/diff/three-outlets-one-event.jsonl");
    let leads = [
        "ran aground on a sandbank off the port of Hallby",
        "struck a sandbank just outside Hallby harbour",
        "became stuck on a sandbank near Hallby",
    ];
    let rows: Vec<&Value> = leads.iter().flat_map(|lead| rows_with(&diff, lead)).collect();
    assert_eq!(rows.len(), 3, "each lead is in a row");
    assert!(rows.iter().all(|r| r["id"] == rows[0]["id"]), "the three leads share one row: {rows:#?}");
    assert_eq!(rows[0]["members"].as_array().unwrap().len(), 3);
    assert_ne!(rows[0]["class"], "single", "{:#}", rows[0]);
    let shares = rows_with(&diff, "shares fell 3 percent");
    assert_eq!(shares[0]["class"], "single", "a detail only one outlet has stays on its own");
}

#[test]
fn issue_13_headlines_take_part_like_sentences() {
    let diff = diff_json("tests/fixtures/diff/three-outlets-one-event.jsonl");
    let headlines: Vec<&Value> = diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["members"].as_array().unwrap())
        .flat_map(|m| m["sentences"].as_array().unwrap())
        .filter(|s| s["headline"] == true)
        .collect();
    assert_eq!(headlines.len(), 3, "every headline is in a row, marked: {headlines:?}");
    let rows = rows_with(&diff, "Island ferry runs aground off Hallby");
    assert!(rows[0]["members"].as_array().unwrap().len() >= 2, "the headline is aligned: {:#}", rows[0]);
}

#[test]
fn issue_13_two_similar_events_in_one_story_are_lined_up_apart() {
    let diff = diff_json("tests/fixtures/diff/two-groundings-one-story.jsonl");
    let groups =
        diff["events"]["groups"].as_array().unwrap_or_else(|| panic!("two events: {:#}", diff["events"]));
    let names = |group: &Value| -> BTreeSet<String> {
        group
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().split('/').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(groups.len(), 2);
    assert_eq!(names(&groups[0]).len() + names(&groups[1]).len(), 2, "each group is one port: {groups:?}");
    assert_ne!(names(&groups[0]), names(&groups[1]));
    for row in diff["facts"].as_array().unwrap() {
        let ports: BTreeSet<&str> = row["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["doc_id"].as_str().unwrap().split('/').next().unwrap())
            .collect();
        assert_eq!(ports.len(), 1, "a row joins the two groundings: {row:#}");
        for missing in row["missing"].as_array().unwrap() {
            assert!(ports.contains(missing.as_str().unwrap().split('/').next().unwrap()), "{row:#}");
        }
    }
    let grounded = rows_with(&diff, "ran aground on a sandbank off the port of Hallby");
    assert!(
        grounded[0]["members"].as_array().unwrap().len() >= 3,
        "the Hallby leads still meet: {:#}",
        grounded[0]
    );
}

/// Issue 16 item 12: seed-layout and plain-text articles have no headline; the diff shows each one's lead sentence
/// without its dateline instead of "(no headline)", marked as derived, and it never becomes a clustering feature.
#[test]
fn issue_16_articles_without_a_headline_show_their_lead_marked_derived() {
    let diff = putin_diff();
    for article in diff["articles"].as_array().unwrap() {
        let title = article["title"].as_str().unwrap_or_else(|| panic!("a headline to show: {article}"));
        assert_eq!(article["title_derived"], true, "{article}");
        assert!(!title.starts_with("MOSCOW") && title.len() <= 93, "lead, no dateline, cut: {title:?}");
    }
    let reuters = diff["articles"].as_array().unwrap().iter().find(|a| a["outlet"] == "reuters.com").unwrap();
    assert!(reuters["title"].as_str().unwrap().starts_with("Russian President Vladimir Putin has cancelled"));
    // The derived headline is not a title: no headline sentence takes part in the rows.
    assert!(diff["facts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["members"].as_array().unwrap())
        .flat_map(|m| m["sentences"].as_array().unwrap())
        .all(|s| s.get("headline").is_none()));
    let terminal = storydiff().args(["diff", "corpora/putin-paris", "--color", "never"]).output().unwrap();
    let terminal = String::from_utf8(terminal.stdout).unwrap();
    assert!(!terminal.contains("(no headline)") && terminal.contains("[lead] Vladimir Putin will not come"));
}
