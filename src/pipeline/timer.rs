//! Wall time and memory per pipeline stage, on stderr when `STORYDIFF_TIMINGS` is set; stage names to the observer.

use super::observer::Observer;

/// Wall time per pipeline stage on stderr when `STORYDIFF_TIMINGS` is set (for docs/PERFORMANCE.md).
pub(crate) struct StageTimer<'o> {
    enabled: bool,
    last: std::time::Instant,
    observer: Option<&'o dyn Observer>,
}

impl<'o> StageTimer<'o> {
    pub(crate) fn start(observer: Option<&'o dyn Observer>) -> Self {
        StageTimer {
            enabled: std::env::var_os("STORYDIFF_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            observer,
        }
    }

    /// Tells the observer a stage begins.
    pub(crate) fn begin(&self, name: &str) {
        if let Some(observer) = self.observer {
            observer.stage(name);
        }
    }

    pub(crate) fn stage(&mut self, name: &str) {
        if self.enabled {
            eprintln!(
                "storydiff: timing: {name}: {:.3} s (resident {}, anon {}, peak so far {})",
                self.last.elapsed().as_secs_f64(),
                memory_status("VmRSS:"),
                memory_status("RssAnon:"),
                memory_status("VmHWM:")
            );
        }
        self.last = std::time::Instant::now();
    }
}

/// A line of `/proc/self/status` (Linux), such as the resident or peak resident memory; `?` elsewhere.
fn memory_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with(field))?;
            let kb: f64 = line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(format!("{:.2} GB", kb * 1024.0 / 1e9))
        })
        .unwrap_or_else(|| "?".into())
}
