//! What a run tells its user on stderr while it goes: each rejection and warning as it is met, and on a
//! terminal a progress line with the records read, their rate and the stage; `--quiet` keeps it silent.

use crate::ingest::Ingested;
use crate::pipeline::Observer;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// Reports a run's problems as they come, and its progress on a terminal.
#[derive(Debug)]
pub struct Progress {
    quiet: bool,
    bar: Option<ProgressBar>,
    /// Rejections and warnings printed so far, by position in the account's lists (they only grow while the
    /// run reads).
    printed: Mutex<(usize, usize)>,
}

impl Progress {
    /// A reporter for one run; the progress line only on a terminal, and nothing at all when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            let style =
                ProgressStyle::with_template("{spinner} {msg}: {human_pos} records, {per_sec} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message("reading");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { quiet, bar, printed: Mutex::new((0, 0)) }
    }

    /// Prints a line on stderr, above the progress line.
    fn say(&self, line: &str) {
        let write = || {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Ends the progress line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn reading(&self, so_far: &Ingested, articles: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position((articles + so_far.rejected.len()) as u64);
        }
        if self.quiet {
            return;
        }
        let mut printed = self.printed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for r in so_far.rejected.iter().skip(printed.0) {
            self.say(&format!("storydiff: rejected {}: {}", r.location, r.reason));
        }
        for w in so_far.warnings.iter().skip(printed.1) {
            self.say(&format!("storydiff: warning: {}: {}", w.location, w.message));
        }
        *printed = (printed.0.max(so_far.rejected.len()), printed.1.max(so_far.warnings.len()));
    }

    fn stage(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_string());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
