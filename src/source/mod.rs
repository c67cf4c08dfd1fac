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

/// Moves `more` onto the end of `into`, taking `more`'s buffer when `into` is empty: one file
/// of many findings then never has its findings held twice (a 10 MB file of 312,000 held
/// two vectors of them at once while they were copied).
pub(crate) fn gather<T>(into: &mut Vec<T>, more: Vec<T>) {
    if into.is_empty() {
        *into = more;
    } else {
        into.extend(more);
    }
}

#[cfg(test)]
mod gather_tests {
    use super::gather;

    #[test]
    fn gather_keeps_order_and_takes_the_buffer_of_the_first() {
        let mut all: Vec<u32> = Vec::new();
        let first = vec![1, 2, 3];
        let buffer = first.as_ptr();
        gather(&mut all, first);
        assert_eq!(
            all.as_ptr(),
            buffer,
            "the first vector's buffer is taken, not copied"
        );
        gather(&mut all, vec![4]);
        gather(&mut all, Vec::new());
        assert_eq!(all, [1, 2, 3, 4]);
    }
}
