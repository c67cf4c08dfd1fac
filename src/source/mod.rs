//! Sources: turn what the user asked to scan into blobs, scan each, gather findings and stats.
//! The only place that touches the filesystem walker and git.

pub mod history;

pub mod push;
pub mod refs;
pub mod staged;
pub mod stdin;
pub mod worktree;

use crate::finding::Finding;
use crate::stats::ScanStats;

/// What a source produced: unsorted findings and the run's counters.
#[derive(Debug, Default)]
pub struct SourceOutput {
    /// Findings from every blob, in no particular order.
    pub findings: Vec<Finding>,
    /// What was scanned and skipped.
    pub stats: ScanStats,
}

/// Removes `.` and `..` components without touching the filesystem.
pub fn lexical_normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Formats a path for reports: lossy UTF-8, `/` separators, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut trimmed = text.as_str();
    while let Some(rest) = trimmed.strip_prefix("./") {
        trimmed = rest;
    }
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}
