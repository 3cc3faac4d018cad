//! The inputs named on the command line, folders walked in sorted order, stdin as `-`.

use super::{format, FieldMap, Ingested};
use crate::article::Rejected;
use std::path::{Path, PathBuf};

/// One input to read.
pub(super) enum Input {
    Stdin,
    File(PathBuf),
}

/// Adds the inputs a path names; what cannot be read is rejected with its reason.
pub(super) fn collect_inputs(given: &str, fields: &FieldMap, inputs: &mut Vec<Input>, out: &mut Ingested) {
    if given == "-" {
        inputs.push(Input::Stdin);
        return;
    }
    let path = Path::new(given);
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) => {
            out.rejected
                .push(Rejected { location: given.to_string(), reason: format!("cannot read: {err}") });
            return;
        }
    };
    if !metadata.is_dir() {
        inputs.push(Input::File(path.to_path_buf()));
        return;
    }
    let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            // A named pipe met in a folder would block the run until something writes to it, a socket or a
            // device cannot hold an article. (Named on the command line, a pipe is read: `<(zcat a.gz)`.)
            Ok(entry) if !entry.file_type().is_file() => {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    out.rejected.push(Rejected {
                        location: entry.path().display().to_string(),
                        reason: "not a regular file (a named pipe, socket or device); not read".into(),
                    });
                }
            }
            Ok(entry) => {
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                if format::is_article_file(entry.path(), fields) {
                    inputs.push(Input::File(entry.into_path()));
                } else {
                    out.files_skipped.push(entry.path().display().to_string());
                }
            }
            Err(err) => {
                let location =
                    err.path().map(|p| p.display().to_string()).unwrap_or_else(|| given.to_string());
                let broken_link = err.path().is_some_and(|p| p.is_symlink() && !p.exists());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_string()
                } else if broken_link {
                    "broken symbolic link: its target does not exist".to_string()
                } else {
                    format!("cannot read: {err}")
                };
                out.rejected.push(Rejected { location, reason });
            }
        }
    }
}
