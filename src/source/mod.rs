//! Sources: turn what the user asked to scan into blobs, scan each, gather findings and stats.
//! The only place that touches the filesystem walker and git.

pub mod history;

pub mod push;
pub mod refs;
pub mod staged;
pub mod stdin;
pub mod tracked;
pub mod worktree;

pub use crate::paths::{display_path, lexical_normalize};

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

/// Why a repository could not be opened, in words: a broken git configuration (a user's
/// `~/.gitconfig` that cannot be parsed) is not "not a git repository".
pub fn describe_open_error(error: &git2::Error) -> String {
    match error.class() {
        git2::ErrorClass::Config => format!("cannot read git's configuration: {}", error.message()),
        _ => format!("not a git repository: {}", error.message()),
    }
}
