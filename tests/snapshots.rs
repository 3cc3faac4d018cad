//! Snapshots of the terminal output, produced in-process through `cli::run` against a buffer.

use clap::Parser;
use storydiff::cli::{run, Cli};

fn run_to_string(args: &[&str]) -> String {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let cli = Cli::try_parse_from(args).unwrap();
    let mut out = Vec::new();
    run(cli, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn cluster_table_of_the_bundled_corpus() {
    insta::assert_snapshot!(run_to_string(&["storydiff", "cluster", "corpora"]));
}

#[test]
fn explain_the_wire_copy_pair() {
    insta::assert_snapshot!(run_to_string(&[
        "storydiff",
        "explain",
        "corpora",
        "corpora/putin-paris/reuters.txt",
        "corpora/putin-paris/france24.txt"
    ]));
}

#[test]
fn issue_3_diff_terminal_of_the_putin_story() {
    insta::assert_snapshot!(run_to_string(&[
        "storydiff",
        "diff",
        "corpora/putin-paris",
        "--color",
        "never",
        "--width",
        "120"
    ]));
}

#[test]
fn issue_3_diff_terminal_two_outlets_side_by_side() {
    insta::assert_snapshot!(run_to_string(&[
        "storydiff",
        "diff",
        "corpora/putin-paris/reuters.txt",
        "corpora/putin-paris/lemonde.txt",
        "--color",
        "never",
        "--width",
        "110"
    ]));
}

/// Runs `storydiff diff` on the Putin story writing `flag` output to a temporary file, and returns the file.
fn diff_output_file(flag: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out");
    let path_arg = path.to_str().unwrap().to_string();
    run_to_string(&["storydiff", "diff", "corpora/putin-paris", "--color", "never", flag, &path_arg]);
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn issue_3_diff_json_of_the_putin_story() {
    insta::assert_snapshot!(diff_output_file("--json"));
}

#[test]
fn issue_3_diff_html_of_the_putin_story() {
    insta::assert_snapshot!(diff_output_file("--html"));
}

/// Issue 16 item 11: the README's sample output is a checked artefact. Every line it shows (but "...") is printed
/// by `storydiff cluster corpora/`, in the same order.
#[test]
fn readme_sample_output_is_what_cluster_prints() {
    let printed = run_to_string(&["storydiff", "cluster", "corpora"]);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme.split_once("Sample output of the first").expect("the README shows a sample").1;
    let sample = after.split("```").nth(1).expect("the sample is a code block");
    let mut printed_lines = printed.lines();
    for line in sample.lines().filter(|l| !l.trim().is_empty() && l.trim() != "...") {
        assert!(
            printed_lines.any(|p| p == line),
            "README sample line not printed (or out of order): {line:?}\n--- printed ---\n{printed}"
        );
    }
}
