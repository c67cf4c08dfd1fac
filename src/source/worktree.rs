//! Files and directories on disk, walked in parallel the way ripgrep does: each walker thread
//! reads a file and scans it at once, with no central queue of file contents.

use super::{display_path, SourceOutput};
use crate::blob::scan_reader;
use crate::error::{Error, Result};
use crate::filter::PathAllowlist;
use crate::scan::Scanner;
use crate::stats::{SkipReason, Skipped};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How to walk the work tree.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan files that `.gitignore` and `.ignore` files exclude.
    pub no_ignore: bool,
    /// Walker threads (each reads and scans).
    pub threads: usize,
    /// Files larger than this are skipped (and counted).
    pub max_file_size: Option<u64>,
    /// Files never read, by canonical path (leakward's own configuration, whose custom rules
    /// carry example keys); counted as excluded.
    pub skip_files: Vec<PathBuf>,
}

/// Scans every file under `roots` (files or directories).
///
/// Hidden files (`.env`, `.npmrc`, `.github/`) are scanned; `.git` directories are not.
///
/// # Errors
/// A root that does not exist. Files that cannot be read are skipped and counted instead.
pub fn scan(
    roots: &[PathBuf],
    options: &WalkOptions,
    allowlist: &PathAllowlist,
    scanner: &Scanner<'_>,
) -> Result<SourceOutput> {
    for root in roots {
        if std::fs::symlink_metadata(root).is_err() {
            return Err(Error::Input {
                path: root.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    let Some((first, rest)) = roots.split_first() else {
        return Ok(SourceOutput::default());
    };
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
        .follow_links(false)
        .threads(options.threads.max(1))
        .filter_entry(|entry| {
            !(entry.file_name() == ".git" && entry.file_type().is_some_and(|t| t.is_dir()))
        });

    let shared = Mutex::new(SourceOutput::default());
    let mut visitors = VisitorBuilder {
        shared: &shared,
        options,
        allowlist,
        scanner,
    };
    builder.build_parallel().visit(&mut visitors);
    Ok(shared
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner()))
}

struct VisitorBuilder<'a, 'r> {
    shared: &'a Mutex<SourceOutput>,
    options: &'a WalkOptions,
    allowlist: &'a PathAllowlist,
    scanner: &'a Scanner<'r>,
}

impl<'s, 'a: 's, 'r: 's> ParallelVisitorBuilder<'s> for VisitorBuilder<'a, 'r> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            shared: self.shared,
            options: self.options,
            allowlist: self.allowlist,
            scanner: self.scanner,
            local: SourceOutput::default(),
            buffer: Vec::new(),
        })
    }
}

/// One walker thread: scans the files it is handed and keeps its results until it ends.
struct FileVisitor<'a, 'r> {
    shared: &'a Mutex<SourceOutput>,
    options: &'a WalkOptions,
    allowlist: &'a PathAllowlist,
    scanner: &'a Scanner<'r>,
    local: SourceOutput,
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
        let path = entry.path();
        if self.allowlist.excludes(path) || self.is_skipped_file(path) {
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
            Ok(blob) => {
                self.local.stats.files_scanned += 1;
                self.local.stats.bytes_scanned += blob.bytes;
                self.local.stats.binary_files += u64::from(blob.binary);
                self.local
                    .stats
                    .count_members(&shown, blob.members, blob.skipped_members);
                self.local.findings.extend(blob.findings);
            }
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
        let mut shared = self
            .shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.findings.extend(local.findings);
        shared.stats.merge(local.stats);
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
