//! Helpers shared by the integration tests.

/// Whether a test's outside prerequisite (`../shared` beside the repository, Graphviz `dot`, `python3`) is here.
/// Without it the test skips, saying why in one line, so `cargo test` passes on a fresh clone; CI sets
/// `STORYDIFF_REQUIRE_PREREQUISITES=1`, under which a missing prerequisite fails the test instead.
#[allow(dead_code)]
pub fn prerequisite(what: &str, present: bool) -> bool {
    if present {
        return true;
    }
    if std::env::var_os("STORYDIFF_REQUIRE_PREREQUISITES").is_some_and(|v| v == "1") {
        panic!("missing prerequisite: {what} (STORYDIFF_REQUIRE_PREREQUISITES=1)");
    }
    eprintln!("skipped: {what} is not available");
    false
}

/// Whether a program runs (`NAME -V` or `--version` exits at all).
#[allow(dead_code)]
pub fn program_runs(name: &str, version_flag: &str) -> bool {
    std::process::Command::new(name).arg(version_flag).output().is_ok()
}
