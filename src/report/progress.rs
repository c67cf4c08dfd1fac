//! A one-line progress display on stderr, for terminals only.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the line is redrawn at most.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// Draws `leakward: blobs read 1234/5000 (24%) · 56.7 MB/s` over itself on stderr. A
/// whole-history scan reads every packed blob, reachable or not, so the summary's count of
/// the history's blobs can be smaller; it then says how many were unreachable.
#[derive(Debug)]
pub struct ProgressLine {
    started: Instant,
    last_drawn: Mutex<Option<Instant>>,
}

impl Default for ProgressLine {
    fn default() -> ProgressLine {
        ProgressLine {
            started: Instant::now(),
            last_drawn: Mutex::new(None),
        }
    }
}

impl ProgressLine {
    /// Redraws the line if the last draw is old enough (and always for the last item).
    pub fn update(&self, done: u64, total: u64, bytes: u64) {
        let now = Instant::now();
        let mut last = self
            .last_drawn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if done < total && last.is_some_and(|at| now.duration_since(at) < REDRAW_EVERY) {
            return;
        }
        *last = Some(now);
        let line = progress_text(done, total, bytes, now.duration_since(self.started));
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{line}");
    }

    /// Erases the line, before the summary is printed.
    pub fn finish(&self) {
        if self
            .last_drawn
            .lock()
            .map(|last| last.is_some())
            .unwrap_or(true)
        {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// The text of the progress line.
pub fn progress_text(done: u64, total: u64, bytes: u64, elapsed: Duration) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let seconds = elapsed.as_secs_f64().max(1e-3);
    format!(
        "leakward: blobs read {done}/{total} ({percent}%) · {:.1} MB/s",
        bytes as f64 / 1e6 / seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        assert_eq!(
            progress_text(250, 1000, 5_000_000, Duration::from_secs(2)),
            "leakward: blobs read 250/1000 (25%) · 2.5 MB/s"
        );
        assert_eq!(
            progress_text(0, 0, 0, Duration::ZERO),
            "leakward: blobs read 0/0 (100%) · 0.0 MB/s"
        );
    }
}
