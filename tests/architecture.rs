//! The shape of the source tree (issue 16): top-level modules import each other without cycles, and no file
//! grows past a size a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The longest a source file may be, in lines (issue 16's acceptance).
const MAX_LINES: usize = 450;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/diff/facts.rs` -> `diff`), or `None` for the crate roots.
fn top_module(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(SRC).unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?.to_string();
    match first.strip_suffix(".rs") {
        Some("lib" | "main") => None,
        Some(stem) => Some(stem.to_string()),
        None => Some(first),
    }
}

/// The top-level modules a piece of code names through `crate::`, in `use` lines (`use crate::{a, b::c}`
/// included) and in paths written out in the code. Comments are left out; string literals are not (a serde
/// attribute naming a function is a dependency too).
fn crate_references(code: &str) -> BTreeSet<String> {
    let code: String = code
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: those at brace depth 0 after a `{` or a `,`.
            let (mut depth, mut expect_name) = (0usize, true);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect_name = true,
                    c if c.is_whitespace() => {}
                    _ if expect_name && depth == 0 => {
                        found.insert(ident(&group[i..]));
                        expect_name = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(module) = top_module(&file) else { continue };
        let code = std::fs::read_to_string(&file).unwrap();
        let targets = graph.entry(module.clone()).or_default();
        targets.extend(crate_references(&code).into_iter().filter(|target| *target != module));
    }
    graph
}

/// A cycle of the graph as the modules along it, if there is one (depth-first search, three colours).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn issue_16_crate_references_are_read_from_use_groups_and_paths_but_not_comments() {
    let code = "use crate::{a::B, b::{self, c::D}, c};\n// crate::commented\nlet x = crate::d::f();\n\
                #[serde(skip_serializing_if = \"crate::e::is_zero\")]";
    let found: Vec<String> = crate_references(code).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d", "e"]);
    let cyclic: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_string(), BTreeSet::from([to.to_string()])))
        .collect();
    assert_eq!(find_cycle(&cyclic).unwrap().len(), 4);
}

#[test]
fn issue_16_no_import_cycle_between_top_level_modules() {
    let graph = module_graph();
    assert!(graph.len() > 10, "the source tree was read: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("top-level modules import each other in a cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn issue_16_no_source_file_over_450_lines() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}
