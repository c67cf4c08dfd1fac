//! Run statistics: what was scanned, what was not and why. Reports always carry them, so a
//! scan that read nothing can never look like a clean one.

use std::time::Duration;

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Larger than `--max-file-size`.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
    },
    /// Opening or reading failed (permissions, I/O error).
    Unreadable(String),
    /// A symbolic link whose target does not exist.
    BrokenSymlink,
    /// A symbolic link; links are not followed.
    Symlink,
    /// A FIFO, socket or device.
    NotARegularFile,
    /// The directory walker could not read an entry.
    WalkError(String),
    /// A member of an archive (or other container) that was not read: a limit was reached
    /// (size, ratio, depth, count) or it could not be read (encrypted, damaged).
    ContainerMember(crate::container::Skip),
}

impl SkipReason {
    /// Whether the user should see a warning (the reason is not what they asked for).
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable(_)
                | SkipReason::BrokenSymlink
                | SkipReason::WalkError(_)
                | SkipReason::ContainerMember(_)
        )
    }

    /// A short machine-readable kind (`too-large`, `unreadable`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::TooLarge { .. } => "too-large",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::BrokenSymlink => "broken-symlink",
            SkipReason::Symlink => "symlink",
            SkipReason::NotARegularFile => "not-a-regular-file",
            SkipReason::WalkError(_) => "walk-error",
            SkipReason::ContainerMember(skip) if skip.is_limit() => "container-limit",
            SkipReason::ContainerMember(_) => "container-unreadable",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size } => {
                write!(f, "larger than --max-file-size ({size} bytes)")
            }
            SkipReason::Unreadable(why) => write!(f, "unreadable: {why}"),
            SkipReason::BrokenSymlink => f.write_str("broken symbolic link"),
            SkipReason::Symlink => f.write_str("symbolic link (not followed)"),
            SkipReason::NotARegularFile => f.write_str("not a regular file"),
            SkipReason::WalkError(why) => write!(f, "could not be listed: {why}"),
            SkipReason::ContainerMember(skip) => write!(f, "not read: {skip}"),
        }
    }
}

/// A file or directory that was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The path as displayed in reports.
    pub path: String,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Counters for one run.
#[derive(Debug, Clone, Default)]
pub struct ScanStats {
    /// Files (or other blobs) read and scanned.
    pub files_scanned: u64,
    /// Bytes read and scanned.
    pub bytes_scanned: u64,
    /// Scanned files that looked binary.
    pub binary_files: u64,
    /// Members of containers scanned: archive members, gzip contents, PNG text chunks.
    pub members_scanned: u64,
    /// Container members (or containers) not read because a limit was reached; each is in
    /// `skipped` with its path and the limit.
    pub containers_limited: u64,
    /// Files left out by the configuration's path allowlist.
    pub files_excluded: u64,
    /// Files not scanned, with the reason; sorted.
    pub skipped: Vec<Skipped>,
    /// What was asked to be scanned, when a source chose it (staged changes, a CI range),
    /// in words: `staged changes: 2 files (5 added lines)`.
    pub scope: Option<String>,
    /// Commits walked (history scans only).
    pub commits_scanned: u64,
    /// Blobs of the pack files that no scanned commit reaches but that a whole-history scan
    /// read ahead of the walk (counted by its progress line, not in `files_scanned`).
    pub unreachable_blobs_read: u64,
    /// Things the user must know about the whole run (a shallow clone, a fallback taken).
    pub warnings: Vec<String>,
    /// Findings dropped by each filter.
    pub suppressed: crate::filter::SuppressedCounts,
    /// Baseline entries that matched nothing in this run.
    pub baseline_unmatched: Vec<crate::filter::BaselineEntry>,
    /// Wall-clock time of the scan.
    pub duration: Duration,
    /// How a history scan used the blob cache (`--cache`), when it had one.
    pub cache: Option<crate::cache::CacheCounts>,
}

impl ScanStats {
    /// Counts the members of a scanned file's containers: `scanned` read, and `skipped` not
    /// (each listed as `path!member`, the file's own path when the container was not opened).
    pub fn count_members(
        &mut self,
        path: &str,
        scanned: u64,
        skipped: Vec<crate::container::Skipped>,
    ) {
        self.members_scanned += scanned;
        for skip in skipped {
            let path = if skip.member.is_empty() {
                path.to_string()
            } else {
                format!("{path}!{}", skip.member)
            };
            if let crate::container::Skip::RuleLimit(what) = &skip.why {
                // Part of the file was not examined by one rule: the run must say so, but the
                // file was read, not skipped.
                self.warnings.push(format!("{path}: {what}"));
                continue;
            }
            self.containers_limited += u64::from(skip.why.is_limit());
            self.skipped.push(Skipped {
                path,
                reason: SkipReason::ContainerMember(skip.why),
            });
        }
    }

    /// Adds another thread's counters to these.
    pub fn merge(&mut self, other: ScanStats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.binary_files += other.binary_files;
        self.members_scanned += other.members_scanned;
        self.containers_limited += other.containers_limited;
        self.files_excluded += other.files_excluded;
        self.skipped.extend(other.skipped);
        self.commits_scanned += other.commits_scanned;
        self.unreachable_blobs_read += other.unreachable_blobs_read;
        self.warnings.extend(other.warnings);
    }
}
