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
