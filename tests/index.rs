//! Issue 18: the story index. One batch gives `cluster`'s stories; batches day by day keep story ids except
//! through logged merges and splits; repeats add nothing, corrections are versions; settings and newer schemas
//! are refused; a killed add leaves the index as it was; a second writer waits or fails, readers go on.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn corpus() -> String {
    format!("{}/corpora/october-2016.jsonl", env!("CARGO_MANIFEST_DIR"))
}

fn storydiff(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("storydiff").unwrap().args(args).assert()
}

fn stdout(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.success().get_output().stdout.clone()).unwrap()
}

fn add(db: &Path, paths: &[&str], at: &str) -> String {
    let mut args = vec!["index", "add", "--db", db.to_str().unwrap(), "--quiet", "--at", at];
    args.extend_from_slice(paths);
    stdout(storydiff(&args))
}

fn parse_assignments(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(|l| {
            let (doc, story) = l.split_once('\t').unwrap();
            (doc.to_string(), story.to_string())
        })
        .collect()
}

fn assignments(db: &Path) -> BTreeMap<String, String> {
    parse_assignments(&stdout(storydiff(&["index", "assignments", "--db", db.to_str().unwrap()])))
}

/// The groups of a labelling, as sets of ids: what two runs must agree on whatever they call the groups.
fn partition(labels: &BTreeMap<String, String>) -> BTreeSet<BTreeSet<String>> {
    let mut groups: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (doc, label) in labels {
        groups.entry(label).or_default().insert(doc.clone());
    }
    groups.into_values().collect()
}

fn one_shot(paths: &[&str]) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.tsv");
    let mut args = vec!["cluster", "--quiet", "--assignments", out.to_str().unwrap()];
    args.extend_from_slice(paths);
    storydiff(&args).success();
    parse_assignments(&std::fs::read_to_string(out).unwrap())
}

/// The bundled corpus's records split into one JSONL file per publication day, in date order.
fn days(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut by_day: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in std::fs::read_to_string(corpus()).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let day = record["published"].as_str().map(|d| d[..10].to_string()).unwrap_or_default();
        by_day.entry(day).or_default().push(line.to_string());
    }
    by_day
        .into_iter()
        .map(|(day, lines)| {
            let path = dir.join(format!("day-{day}.jsonl"));
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            (if day.is_empty() { "2016-12-31".to_string() } else { day }, path)
        })
        .collect()
}

fn log(db: &Path) -> Vec<serde_json::Value> {
    stdout(storydiff(&["index", "log", "--db", db.to_str().unwrap(), "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn issue_18_one_batch_gives_the_stories_of_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    let summary = add(&db, &[&corpus()], "2016-10-31");
    assert!(summary.contains("74 added, 0 unchanged"), "{summary}");
    let indexed = assignments(&db);
    assert_eq!(indexed.len(), 74);
    assert_eq!(partition(&indexed), partition(&one_shot(&[&corpus()])));
}

#[test]
fn issue_18_day_by_day_ids_change_only_through_logged_merges_and_splits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_log = 0;
    for (day, path) in days(dir.path()) {
        add(&db, &[path.to_str().unwrap()], &day);
        let now = assignments(&db);
        let entries = log(&db);
        let explained: BTreeSet<(String, String)> = entries[seen_log..]
            .iter()
            .filter_map(|e| match e["kind"].as_str().unwrap() {
                "merge" => Some((e["other"].as_str()?.to_string(), e["story"].as_str()?.to_string())),
                "split" => Some((e["story"].as_str()?.to_string(), e["other"].as_str()?.to_string())),
                _ => None,
            })
            .collect();
        seen_log = entries.len();
        for (doc, old) in &previous {
            let new = &now[doc];
            assert!(
                old == new || explained.contains(&(old.clone(), new.clone())),
                "{doc} moved from {old} to {new} on {day} without a logged merge or split"
            );
        }
        assert!(previous.keys().all(|d| now.contains_key(d)), "no article lost");
        previous = now;
    }
    assert_eq!(previous.len(), 74);
    // The final stories against the one-shot run: B-cubed F1 over the same articles.
    let oneshot: Vec<(String, String)> = one_shot(&[&corpus()]).into_iter().collect();
    let predicted: HashMap<String, String> = previous.into_iter().collect();
    let (scores, _) = storydiff::eval::score(&oneshot, &predicted);
    assert!(scores.bcubed_f1 >= 0.97, "index against one-shot: {scores:?}");
}

#[test]
fn issue_18_adding_the_same_articles_again_adds_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&corpus()], "2016-10-31");
    let before = assignments(&db);
    let summary = add(&db, &[&corpus()], "2016-11-01");
    assert!(summary.contains("74 records: 0 added, 74 unchanged"), "{summary}");
    assert_eq!(assignments(&db), before);
    let stories =
        stdout(storydiff(&["index", "stories", "--db", db.to_str().unwrap(), "--since", "2016-11-01"]));
    assert_eq!(stories, "", "nothing changed on the second day");
}

#[test]
fn issue_18_a_correction_is_kept_as_a_new_version_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    let first = dir.path().join("first.jsonl");
    let second = dir.path().join("second.jsonl");
    let record = |body: &str| {
        serde_json::json!({"id": "wire-1", "outlet": "example.org", "published": "2016-10-11",
            "title": "Putin calls off Paris visit", "body": body})
        .to_string()
    };
    std::fs::write(
        &first,
        record("Vladimir Putin cancelled his visit to Paris planned for 19 October.") + "\n",
    )
    .unwrap();
    std::fs::write(
        &second,
        record("Vladimir Putin called off his visit to Paris, the Kremlin said on Tuesday.") + "\n",
    )
    .unwrap();
    add(&db, &[first.to_str().unwrap()], "2016-10-11");
    let story = assignments(&db)["wire-1"].clone();
    let summary = add(&db, &[second.to_str().unwrap()], "2016-10-12");
    assert!(summary.contains("1 records: 0 added, 0 unchanged, 1 corrections"), "{summary}");
    let after = assignments(&db);
    assert_eq!(after.len(), 1, "one current version");
    let entries = log(&db);
    assert!(entries.iter().any(|e| e["kind"] == "correction" && e["story"] == story.as_str()), "{entries:?}");
    // The index still says which version is current: the new body is what it holds.
    let connection = rusqlite::Connection::open(&db).unwrap();
    let versions: Vec<(i64, i64)> = connection
        .prepare("SELECT version, current FROM articles WHERE doc_id = 'wire-1' ORDER BY version")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, vec![(1, 0), (2, 1)]);
}

#[test]
fn issue_18_remove_takes_articles_out_and_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&corpus()], "2016-10-31");
    let before = assignments(&db);
    let (gone, story) = before.iter().find(|(_, s)| before.values().filter(|o| o == s).count() >= 3).unwrap();
    let out = stdout(storydiff(&[
        "index",
        "remove",
        "--db",
        db.to_str().unwrap(),
        "--at",
        "2016-11-02",
        gone,
        "no-such-id",
    ]));
    assert!(out.contains("1 removed, 1 not in the index"), "{out}");
    let after = assignments(&db);
    assert_eq!(after.len(), 73);
    assert!(!after.contains_key(gone));
    assert!(log(&db).iter().any(|e| e["kind"] == "removed" && e["story"] == story.as_str()));
}

#[test]
fn issue_18_other_settings_are_refused_with_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&corpus()], "2016-10-31");
    let assert = storydiff(&["index", "add", "--db", db.to_str().unwrap(), "--threshold", "0.3", &corpus()]);
    let stderr = String::from_utf8(assert.code(2).get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("threshold: 0.19 in the index, 0.3 given"), "{stderr}");
}

#[test]
fn issue_18_an_index_of_a_newer_schema_or_another_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&corpus()], "2016-10-31");
    rusqlite::Connection::open(&db).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let assert = storydiff(&["index", "stories", "--db", db.to_str().unwrap()]);
    let stderr = String::from_utf8(assert.code(2).get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("newer storydiff (index schema 99"), "{stderr}");
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let assert = storydiff(&["index", "add", "--db", other.to_str().unwrap(), &corpus()]);
    let stderr = String::from_utf8(assert.code(2).get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("not a storydiff index"), "{stderr}");
    let missing = dir.path().join("missing.db");
    let assert = storydiff(&["index", "log", "--db", missing.to_str().unwrap()]);
    let stderr = String::from_utf8(assert.code(2).get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("no story index there"), "{stderr}");
}

#[test]
fn issue_18_a_second_writer_fails_clearly_while_readers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&corpus()], "2016-10-31");
    let mut holder = rusqlite::Connection::open(&db).unwrap();
    let lock = holder.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    let assert = storydiff(&["index", "add", "--db", db.to_str().unwrap(), "--wait", "1", &corpus()]);
    let stderr = String::from_utf8(assert.code(2).get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("another process is writing to this index; waited 1 s"), "{stderr}");
    assert_eq!(assignments(&db).len(), 74, "a reader is not blocked by the writer");
    drop(lock);
}

/// A tiny deterministic generator for the kill times.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *state >> 33
}

#[test]
fn issue_18_an_add_killed_at_random_points_leaves_a_whole_index_that_takes_the_next_add() {
    let dir = tempfile::tempdir().unwrap();
    let day_files = days(dir.path());
    let (early, late) = day_files.split_at(day_files.len() / 2);
    let late_paths: Vec<&str> = late.iter().map(|(_, p)| p.to_str().unwrap()).collect();
    let base = dir.path().join("base.db");
    for (day, path) in early {
        add(&base, &[path.to_str().unwrap()], day);
    }
    let base_ids: BTreeSet<String> = assignments(&base).into_keys().collect();
    let all_ids: BTreeSet<String> = one_shot(&[&corpus()]).into_keys().collect();
    let binary = assert_cmd::cargo::cargo_bin("storydiff");
    // Kill times spread over one uninterrupted add's run time.
    let timing = dir.path().join("timing.db");
    std::fs::copy(&base, &timing).unwrap();
    let start = std::time::Instant::now();
    add(&timing, &late_paths, "2016-11-01");
    let run_ms = (start.elapsed().as_millis() as u64).max(20);
    let mut state = 18u64;
    let (mut before_commit, mut after_commit) = (0, 0);
    for round in 0..50 {
        let db = dir.path().join(format!("kill-{round}.db"));
        std::fs::copy(&base, &db).unwrap();
        let mut child = std::process::Command::new(&binary)
            .args(["index", "add", "--quiet", "--at", "2016-11-01", "--db", db.to_str().unwrap()])
            .args(&late_paths)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(next(&mut state) % run_ms));
        let _ = child.kill();
        let _ = child.wait();
        let connection = rusqlite::Connection::open(&db).unwrap();
        let check: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
        assert_eq!(check, "ok", "round {round}");
        drop(connection);
        let ids: BTreeSet<String> = assignments(&db).into_keys().collect();
        if ids == base_ids {
            before_commit += 1;
        } else {
            assert_eq!(ids, all_ids, "round {round}: the batch is in whole or not at all");
            after_commit += 1;
        }
        add(&db, &late_paths, "2016-11-02");
        let labels = assignments(&db);
        assert_eq!(
            labels.keys().cloned().collect::<BTreeSet<_>>(),
            all_ids,
            "round {round}: each article once"
        );
        std::fs::remove_file(&db).unwrap();
    }
    eprintln!("kills before the commit: {before_commit}, after it: {after_commit}");
    assert!(before_commit >= 10, "most kills must land inside the add to test anything: {before_commit}");
}

#[test]
fn issue_18_diff_report_and_explain_read_the_index_after_the_inputs_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("october.jsonl");
    std::fs::copy(corpus(), &copy).unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[copy.to_str().unwrap()], "2016-10-31");
    let labels = assignments(&db);
    let file_diff =
        stdout(storydiff(&["diff", "--story", "S1", "--width", "120", "--color", "never", &corpus()]));
    std::fs::remove_file(&copy).unwrap();
    // The one-shot run's S1, found in the index by its members.
    let oneshot = one_shot(&[&corpus()]);
    let member = oneshot.iter().find(|(_, s)| s.as_str() == "S1").unwrap().0;
    let story = &labels[member];
    let db_arg = db.to_str().unwrap();
    let index_diff =
        stdout(storydiff(&["diff", "--db", db_arg, "--story", story, "--width", "120", "--color", "never"]));
    assert_eq!(index_diff, file_diff, "the same story told the same way from the index");
    let members: Vec<&String> = labels.iter().filter(|(_, s)| *s == story).map(|(d, _)| d).collect();
    let explained = stdout(storydiff(&["explain", "--db", db_arg, members[0], members[1]]));
    assert!(explained.contains(story.as_str()) || explained.contains("same story"), "{explained}");
    let report = dir.path().join("report");
    storydiff(&["report", "--db", db_arg, "-o", report.to_str().unwrap()]).success();
    let index_page = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(index_page.contains(story.as_str()), "the report lists the index's story ids");
}

fn storyline_corpus() -> String {
    format!("{}/corpora/storylines-2025.jsonl", env!("CARGO_MANIFEST_DIR"))
}

fn storyline_assignments(db: &Path) -> BTreeMap<String, String> {
    let db = db.to_str().unwrap();
    parse_assignments(&stdout(storydiff(&["index", "assignments", "--db", db, "--level", "storyline"])))
}

fn one_shot_storylines(path: &str) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.tsv");
    let out = out.to_str().unwrap();
    storydiff(&["cluster", "--quiet", "--assignments", out, "--level", "storyline", path]).success();
    parse_assignments(&std::fs::read_to_string(out).unwrap())
}

#[test]
fn issue_18_one_batch_gives_the_storylines_of_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    add(&db, &[&storyline_corpus()], "2025-12-31");
    let indexed = storyline_assignments(&db);
    let expected = one_shot_storylines(&storyline_corpus());
    assert_eq!(partition(&indexed), partition(&expected));
    // Several stories per storyline, as the team's corpus is written.
    assert!(partition(&indexed).len() < partition(&assignments(&db)).len());
}

#[test]
fn issue_18_storyline_ids_change_only_through_logged_merges_and_splits_and_end_where_one_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    let mut by_day: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in std::fs::read_to_string(storyline_corpus()).unwrap().lines().filter(|l| !l.trim().is_empty())
    {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let day = record["published"].as_str().expect("the storyline corpus is dated")[..10].to_string();
        by_day.entry(day).or_default().push(line.to_string());
    }
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut previous_stories: BTreeMap<String, String> = BTreeMap::new();
    let (mut seen_log, mut storyline_events) = (0, 0);
    for (day, lines) in &by_day {
        let path = dir.path().join(format!("{day}.jsonl"));
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        add(&db, &[path.to_str().unwrap()], day);
        let (now, stories) = (storyline_assignments(&db), assignments(&db));
        let entries = log(&db);
        let explained: BTreeSet<(String, String)> = entries[seen_log..]
            .iter()
            .filter_map(|e| match e["kind"].as_str().unwrap() {
                "storyline merge" => {
                    Some((e["other"].as_str()?.to_string(), e["story"].as_str()?.to_string()))
                }
                "storyline split" => {
                    Some((e["story"].as_str()?.to_string(), e["other"].as_str()?.to_string()))
                }
                _ => None,
            })
            .collect();
        storyline_events += explained.len();
        seen_log = entries.len();
        for (doc, old) in &previous {
            let new: &String = &now[doc];
            // An article also changes storyline with its story (a logged story merge or split).
            let moved_with_its_story = previous_stories.get(doc) != stories.get(doc);
            assert!(
                old == new || explained.contains(&(old.clone(), new.clone())) || moved_with_its_story,
                "{doc} moved from {old} to {new} on {day} without a logged storyline merge or split"
            );
        }
        previous = now;
        previous_stories = stories;
    }
    assert!(by_day.len() > 5, "the corpus spans many days");
    // Scores near the threshold move as weights do: the replay splits and joins storylines again, logged.
    assert!(storyline_events > 0);
    assert_eq!(partition(&previous), partition(&one_shot_storylines(&storyline_corpus())));
}

#[test]
fn issue_18_an_index_of_schema_1_is_migrated_and_links_its_storylines_at_the_next_add() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("index.db");
    let corpus = storyline_corpus();
    let text = std::fs::read_to_string(&corpus).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let (first, last) = lines.split_at(lines.len() - 1);
    let first_path = dir.path().join("first.jsonl");
    let last_path = dir.path().join("last.jsonl");
    std::fs::write(&first_path, first.join("\n") + "\n").unwrap();
    std::fs::write(&last_path, last.join("\n") + "\n").unwrap();
    add(&db, &[first_path.to_str().unwrap()], "2025-12-30");
    // What storydiff of schema 1 wrote: no storyline tables.
    {
        let connection = rusqlite::Connection::open(&db).unwrap();
        connection
            .execute_batch(
                "DROP TABLE name_terms; DROP TABLE story_profiles; DROP TABLE story_names; \
                 DROP TABLE storyline_links; DROP TABLE storylines; DELETE FROM meta WHERE key = 'next_storyline'; \
                 DROP TABLE article_days; DROP TABLE retired_bands; PRAGMA user_version = 1;",
            )
            .unwrap();
    }
    let before = stdout(storydiff(&["index", "stories", "--db", db.to_str().unwrap()]));
    assert!(!before.is_empty());
    let refused = storydiff(&["index", "assignments", "--db", db.to_str().unwrap(), "--level", "storyline"])
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&refused).contains("linked at its next add"));
    add(&db, &[last_path.to_str().unwrap()], "2025-12-31");
    assert_eq!(partition(&storyline_assignments(&db)), partition(&one_shot_storylines(&corpus)));
}

/// Every row of `article_days`: (seq, day, pairing).
fn article_days(db: &Path) -> Vec<(i64, Option<i64>, i64)> {
    let connection = rusqlite::Connection::open(db).unwrap();
    let mut select = connection.prepare("SELECT seq, day, pairing FROM article_days ORDER BY seq").unwrap();
    let rows = select.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn issue_18_an_index_of_schema_2_is_migrated_with_the_days_its_search_reads() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = storyline_corpus();
    let text = std::fs::read_to_string(&corpus).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let (first, last) = lines.split_at(lines.len() - 3);
    let first_path = dir.path().join("first.jsonl");
    let last_path = dir.path().join("last.jsonl");
    std::fs::write(&first_path, first.join("\n") + "\n").unwrap();
    std::fs::write(&last_path, last.join("\n") + "\n").unwrap();
    let (migrated, written) = (dir.path().join("migrated.db"), dir.path().join("written.db"));
    for db in [&migrated, &written] {
        add(db, &[first_path.to_str().unwrap()], "2025-12-30");
    }
    let days = article_days(&written);
    assert_eq!(days.len(), first.len());
    assert!(days.iter().filter(|(_, day, _)| day.is_some()).count() > first.len() / 2, "{days:?}");
    // What storydiff of schema 2 wrote: no `article_days`.
    rusqlite::Connection::open(&migrated)
        .unwrap()
        .execute_batch("DROP TABLE article_days; DROP TABLE retired_bands; PRAGMA user_version = 2;")
        .unwrap();
    storydiff(&["index", "stories", "--db", migrated.to_str().unwrap()]).success();
    assert_eq!(article_days(&migrated), days);
    for db in [&migrated, &written] {
        add(db, &[last_path.to_str().unwrap()], "2025-12-31");
    }
    assert_eq!(assignments(&migrated), assignments(&written));
    assert_eq!(article_days(&migrated), article_days(&written));
}
