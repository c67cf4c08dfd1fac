//! Files and directories on disk, walked in parallel the way ripgrep does: each walker thread
//! reads a file and scans it at once, with no central queue of file contents.

use super::{display_path, tracked, SourceOutput};
use crate::blob::{scan_reader, BlobScan};
use crate::error::{Error, Result};
use crate::filter::PathAllowlist;
use crate::scan::Scanner;
use crate::stats::{SkipReason, Skipped};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use std::collections::HashSet;
use std::fs::{File, FileType};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How to walk the work tree.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan files that `.gitignore` and `.ignore` files exclude.
    pub no_ignore: bool,
    /// Apply `.gitignore` files outside a git repository too (by default, as in ripgrep,
    /// they apply only inside one).
    pub no_require_git: bool,
    /// Walker threads (each reads and scans).
    pub threads: usize,
    /// Files larger than this are skipped (and counted).
    pub max_file_size: Option<u64>,
    /// Files never read, by canonical path (leakward's own configuration, whose custom rules
    /// carry example keys); not counted: the user did not ask for it.
    pub skip_files: Vec<PathBuf>,
}

/// Scans every file under `roots` (files or directories).
///
/// Hidden files (`.env`, `.npmrc`, `.github/`) are scanned; `.git` directories are not.
/// Files git tracks are scanned even when an ignore rule names them (force-added files are
/// pushed with the repository). Paths any of `excludes` matches are never read (counted).
///
/// # Errors
/// A path in `roots` that cannot be read (missing, a dangling or looping link, permission
/// denied, a name too long, a read error): the user named it, so a scan without it would be
/// a partial result. A named pipe (`<(…)`) is read like a file. Files that cannot be read
/// inside a directory are skipped and counted instead.
pub fn scan(
    roots: &[PathBuf],
    options: &WalkOptions,
    excludes: &[&PathAllowlist],
    scanner: &Scanner<'_>,
) -> Result<SourceOutput> {
    let mut directories = Vec::new();
    let mut named_files = Vec::new();
    for root in distinct_roots(roots) {
        let root = &root;
        let unreadable = |source: std::io::Error| Error::Input {
            path: root.clone(),
            message: describe_unreadable(root, &source),
        };
        // A link the user named is followed: they asked for what it points at.
        let metadata = std::fs::metadata(root).map_err(unreadable)?;
        if metadata.is_dir() {
            std::fs::read_dir(root).map_err(unreadable)?;
            directories.push(root.clone());
        } else {
            named_files.push(root.clone());
        }
    }
    let shared = Mutex::new((SourceOutput::default(), HashSet::new()));
    let builder = VisitorBuilder {
        shared: &shared,
        options,
        excludes,
        scanner,
        roots: None,
    };
    {
        let mut visitor = builder.visitor();
        for file in &named_files {
            visitor.scan_named(file)?;
        }
    }
    let Some((first, rest)) = directories.split_first() else {
        return Ok(shared
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0);
    };
    let roots = directories.as_slice();
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .ignore(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .parents(!options.no_ignore)
        .require_git(!options.no_require_git)
        .follow_links(false)
        .threads(options.threads.max(1))
        .filter_entry(|entry| {
            !(entry.file_name() == ".git" && entry.file_type().is_some_and(|t| t.is_dir()))
        });

    // Tracked files an ignore rule hid from the walk are found by comparing the index with
    // the walked paths, so those are noted (by canonical path) unless nothing is ignored.
    let track_walked = !options.no_ignore;
    let canonical_roots: Vec<(PathBuf, PathBuf)> = roots
        .iter()
        .filter_map(|root| Some((root.clone(), root.canonicalize().ok()?)))
        .collect();
    let mut visitors = VisitorBuilder {
        shared: &shared,
        options,
        excludes,
        scanner,
        roots: track_walked.then_some(canonical_roots.as_slice()),
    };
    builder.build_parallel().visit(&mut visitors);
    let (output, walked) = shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let shared = Mutex::new((output, HashSet::new()));
    if track_walked {
        let mut visitor = VisitorBuilder {
            shared: &shared,
            options,
            excludes,
            scanner,
            roots: None,
        }
        .visitor();
        for root in roots {
            for path in tracked::missed_by_walk(root, &walked) {
                if let Ok(metadata) = std::fs::symlink_metadata(&path) {
                    visitor.visit_path(&path, metadata.file_type());
                }
            }
        }
    }
    Ok(shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .0)
}

/// What the walker threads share: the findings and stats, and the canonical paths walked.
type Shared = Mutex<(SourceOutput, HashSet<PathBuf>)>;

struct VisitorBuilder<'a, 'r> {
    shared: &'a Shared,
    options: &'a WalkOptions,
    excludes: &'a [&'a PathAllowlist],
    scanner: &'a Scanner<'r>,
    /// The roots as given and canonical, when walked paths must be noted.
    roots: Option<&'a [(PathBuf, PathBuf)]>,
}

impl<'a, 'r> VisitorBuilder<'a, 'r> {
    fn visitor(&self) -> FileVisitor<'a, 'r> {
        FileVisitor {
            shared: self.shared,
            options: self.options,
            excludes: self.excludes,
            scanner: self.scanner,
            roots: self.roots,
            local: SourceOutput::default(),
            walked: HashSet::new(),
            buffer: Vec::new(),
        }
    }
}

impl<'s, 'a: 's, 'r: 's> ParallelVisitorBuilder<'s> for VisitorBuilder<'a, 'r> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(self.visitor())
    }
}

/// One walker thread: scans the files it is handed and keeps its results until it ends.
struct FileVisitor<'a, 'r> {
    shared: &'a Shared,
    options: &'a WalkOptions,
    excludes: &'a [&'a PathAllowlist],
    scanner: &'a Scanner<'r>,
    roots: Option<&'a [(PathBuf, PathBuf)]>,
    local: SourceOutput,
    walked: HashSet<PathBuf>,
    buffer: Vec<u8>,
}

impl ParallelVisitor for FileVisitor<'_, '_> {
    fn visit(&mut self, entry: std::result::Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(error) => {
                let path =
                    error_path(&error).map_or_else(|| "<walk>".to_string(), |p| display_path(&p));
                self.skip(path, SkipReason::WalkError(error_message(&error)));
            }
        }
        WalkState::Continue
    }
}

impl FileVisitor<'_, '_> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let Some(file_type) = entry.file_type() else {
            return;
        };
        if file_type.is_dir() {
            return;
        }
        if let Some(roots) = self.roots {
            let path = entry.path();
            if let Some(canonical) = roots
                .iter()
                .find_map(|(given, canonical)| Some(canonical.join(path.strip_prefix(given).ok()?)))
            {
                self.walked.insert(canonical);
            }
        }
        self.visit_path(entry.path(), file_type);
    }

    /// Scans the file at `path` (not a directory), or counts why it is not scanned.
    fn visit_path(&mut self, path: &Path, file_type: FileType) {
        if self.is_skipped_file(path) {
            return; // leakward's own configuration: not the user's exclusion, not counted
        }
        if self.excludes.iter().any(|exclude| exclude.excludes(path)) {
            self.local.stats.files_excluded += 1;
            return;
        }
        if file_type.is_symlink() {
            let reason = if std::fs::metadata(path).is_err() {
                SkipReason::BrokenSymlink
            } else {
                SkipReason::Symlink
            };
            return self.skip(display_path(path), reason);
        }
        if !file_type.is_file() {
            return self.skip(display_path(path), SkipReason::NotARegularFile);
        }
        self.scan_file(path);
    }

    /// Scans a file (or a named pipe) the user named: unlike a file met in a directory, one
    /// that cannot be read is an error, not a warning.
    fn scan_named(&mut self, path: &Path) -> Result<()> {
        if self.is_skipped_file(path) {
            return Ok(());
        }
        if self.excludes.iter().any(|exclude| exclude.excludes(path)) {
            self.local.stats.files_excluded += 1;
            return Ok(());
        }
        let unreadable = |source: std::io::Error| Error::Input {
            path: path.to_path_buf(),
            message: describe_unreadable(path, &source),
        };
        let file = File::open(path).map_err(unreadable)?;
        if let Some(limit) = self.options.max_file_size {
            let size = file.metadata().map_err(unreadable)?.len();
            if size > limit {
                self.skip(display_path(path), SkipReason::TooLarge { size });
                return Ok(());
            }
        }
        let shown = display_path(path);
        let blob = scan_reader(file, &shown, self.scanner, &mut self.buffer).map_err(unreadable)?;
        self.record(&shown, blob);
        Ok(())
    }

    /// Counts a scanned file (and the container members in it) and keeps its findings.
    fn record(&mut self, shown: &str, blob: BlobScan) {
        self.local.stats.files_scanned += 1;
        self.local.stats.bytes_scanned += blob.bytes;
        self.local.stats.binary_files += u64::from(blob.binary);
        self.local
            .stats
            .count_members(shown, blob.members, blob.skipped_members);
        super::gather(&mut self.local.findings, blob.findings);
    }

    fn is_skipped_file(&self, path: &Path) -> bool {
        self.options.skip_files.iter().any(|skip| {
            skip.file_name() == path.file_name()
                && path
                    .canonicalize()
                    .is_ok_and(|canonical| &canonical == skip)
        })
    }

    fn scan_file(&mut self, path: &Path) {
        let shown = display_path(path);
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => return self.skip(shown, SkipReason::Unreadable(error.to_string())),
        };
        if let Some(limit) = self.options.max_file_size {
            match file.metadata() {
                Ok(meta) if meta.len() > limit => {
                    return self.skip(shown, SkipReason::TooLarge { size: meta.len() })
                }
                Ok(_) => {}
                Err(error) => return self.skip(shown, SkipReason::Unreadable(error.to_string())),
            }
        }
        match scan_reader(file, &shown, self.scanner, &mut self.buffer) {
            Ok(blob) => self.record(&shown, blob),
            Err(error) => self.skip(shown, SkipReason::Unreadable(error.to_string())),
        }
        if self.buffer.capacity() > crate::blob::CHUNK_SIZE * 2 {
            self.buffer = Vec::new();
        }
    }

    fn skip(&mut self, path: String, reason: SkipReason) {
        self.local.stats.skipped.push(Skipped { path, reason });
    }
}

impl Drop for FileVisitor<'_, '_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let walked = std::mem::take(&mut self.walked);
        let mut shared = self
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        super::gather(&mut shared.0.findings, local.findings);
        shared.0.stats.merge(local.stats);
        shared.1.extend(walked);
    }
}

/// `roots` without repeats: a path given twice, or inside another path given (`scan . src`),
/// is walked once, so files are counted once. Paths that cannot be resolved are kept, to
/// be reported as they were given.
fn distinct_roots(roots: &[PathBuf]) -> Vec<PathBuf> {
    let resolved: Vec<Option<PathBuf>> = roots.iter().map(|r| r.canonicalize().ok()).collect();
    roots
        .iter()
        .enumerate()
        .filter(|&(i, _)| {
            let Some(mine) = &resolved[i] else {
                return true;
            };
            !resolved.iter().enumerate().any(|(j, other)| {
                other.as_ref().is_some_and(|other| {
                    (other == mine && j < i)
                        || (other != mine && mine.starts_with(other) && other.is_dir())
                })
            })
        })
        .map(|(_, root)| root.clone())
        .collect()
}

/// Why a path the user named cannot be read, in words (the OS's own message, with what it
/// means for a link).
fn describe_unreadable(path: &Path, error: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match error.kind() {
        std::io::ErrorKind::NotFound if is_link => {
            "a dangling symbolic link: what it points at does not exist".to_string()
        }
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        _ => format!("cannot be read: {error}"),
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn error_message(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_message(err)
        }
        other => other.to_string(),
    }
}
