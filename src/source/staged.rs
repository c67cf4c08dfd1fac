//! Staged changes: what `git commit` would record, for the pre-commit hook.
//!
//! The index is compared with `HEAD` (with nothing, before the first commit), renames found
//! as git finds them. Each added, modified, renamed or copied file's staged blob is scanned
//! whole, so a rule sees the context around a key (a keyword on the line above, say), but
//! only findings on lines the change adds are kept: an old key elsewhere in a file does not
//! block unrelated work. A binary file has no lines, nor has a member of an archive; their
//! findings are kept unless the same key was already in the committed version. The work tree is never read, so a partially
//! staged file is checked as it will be committed.
//!
//! The cost grows with the size of the change (the changed files and their diffs), never
//! with the size of the repository.

use super::SourceOutput;
use crate::blob::scan_reader;
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::scan::Scanner;
use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, FileMode, Oid, Repository};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Which staged changes to scan.
#[derive(Debug, Clone, Default)]
pub struct StagedOptions {
    /// Only these files (as the pre-commit framework passes them: relative to the current
    /// directory); every staged file when empty.
    pub paths: Vec<PathBuf>,
}

/// One staged file: where its new content is and which of its lines are new.
#[derive(Debug)]
struct StagedFile {
    /// Path in the repository (`/` separated, raw bytes).
    path: Vec<u8>,
    /// The staged blob.
    blob: Oid,
    /// The committed blob it replaces (modified or renamed files), if any.
    old_blob: Option<Oid>,
    /// 1-based line numbers of the added lines.
    added_lines: BTreeSet<u64>,
    /// Whether git sees the file as binary (no lines to compare).
    binary: bool,
}

/// Scans the staged changes of the repository that contains `start`.
///
/// Findings carry paths relative to the repository's root. Stats count the staged files
/// scanned and say in `scope` how many files and added lines the change has.
///
/// # Errors
/// [`Error::Input`] when `start` is not in a git repository with a work tree, or when the
/// index or an object cannot be read.
pub fn scan(start: &Path, options: &StagedOptions, scanner: &Scanner<'_>) -> Result<SourceOutput> {
    let fail = |message: String| Error::Input {
        path: start.to_path_buf(),
        message,
    };
    let repo = Repository::discover(start).map_err(|e| fail(super::describe_open_error(&e)))?;
    let root = repo
        .workdir()
        .ok_or_else(|| fail("a bare repository has no staged changes".to_string()))?
        .to_path_buf();
    let pathspecs = pathspecs(&root, &options.paths).map_err(fail)?;
    let files = staged_files(&repo, &pathspecs).map_err(fail)?;

    let mut output = SourceOutput::default();
    let mut buffer = Vec::new();
    let added_lines: usize = files.iter().map(|f| f.added_lines.len()).sum();
    for file in &files {
        let findings = scan_file(&repo, file, scanner, &mut buffer, &mut output).map_err(fail)?;
        super::gather(&mut output.findings, findings);
    }
    output.stats.scope = Some(format!(
        "staged changes: {} ({})",
        plural(files.len(), "file"),
        plural(added_lines, "added line")
    ));
    Ok(output)
}

/// The staged files to scan, in path order.
fn staged_files(
    repo: &Repository,
    pathspecs: &[Vec<u8>],
) -> std::result::Result<Vec<StagedFile>, String> {
    let head_tree = match repo.head() {
        Ok(head) => Some(
            head.peel_to_tree()
                .map_err(|e| format!("cannot read HEAD's tree: {}", e.message()))?,
        ),
        // Before the first commit everything staged is new.
        Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => None,
        Err(e) => return Err(format!("cannot read HEAD: {}", e.message())),
    };
    let index = repo
        .index()
        .map_err(|e| format!("cannot read the index: {}", e.message()))?;
    let mut diff_options = DiffOptions::new();
    diff_options.context_lines(0).disable_pathspec_match(true);
    for spec in pathspecs {
        diff_options.pathspec(spec.as_slice());
    }
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut diff_options))
        .map_err(|e| format!("cannot compare the index with HEAD: {}", e.message()))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(true)))
        .map_err(|e| format!("cannot find renamed files: {}", e.message()))?;

    let mut files: BTreeMap<Vec<u8>, StagedFile> = BTreeMap::new();
    let mut on_file = |delta: git2::DiffDelta<'_>, _progress: f32| -> bool {
        let new = delta.new_file();
        let scannable = matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) && matches!(
            new.mode(),
            FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable
        ) && !new.id().is_zero();
        if !scannable {
            return true; // deletions, submodules, symbolic links, `git add -N` entries
        }
        let Some(path) = new.path_bytes() else {
            return true;
        };
        let old = delta.old_file();
        let old_blob = (delta.status() != Delta::Added && !old.id().is_zero()).then(|| old.id());
        files.insert(
            path.to_vec(),
            StagedFile {
                path: path.to_vec(),
                blob: new.id(),
                old_blob,
                added_lines: BTreeSet::new(),
                binary: delta.flags().is_binary(),
            },
        );
        true
    };
    let mut binary_paths: Vec<Vec<u8>> = Vec::new();
    let mut added: Vec<(Vec<u8>, u64)> = Vec::new();
    diff.foreach(
        &mut on_file,
        Some(
            &mut |delta: git2::DiffDelta<'_>, _binary: git2::DiffBinary<'_>| {
                if let Some(path) = delta.new_file().path_bytes() {
                    binary_paths.push(path.to_vec());
                }
                true
            },
        ),
        None,
        Some(
            &mut |delta: git2::DiffDelta<'_>, _hunk, line: git2::DiffLine<'_>| {
                if line.origin() == '+' {
                    if let (Some(path), Some(number)) =
                        (delta.new_file().path_bytes(), line.new_lineno())
                    {
                        added.push((path.to_vec(), u64::from(number)));
                    }
                }
                true
            },
        ),
    )
    .map_err(|e| format!("cannot read the staged changes: {}", e.message()))?;
    for path in binary_paths {
        if let Some(file) = files.get_mut(&path) {
            file.binary = true;
        }
    }
    for (path, number) in added {
        if let Some(file) = files.get_mut(&path) {
            file.added_lines.insert(number);
        }
    }
    Ok(files.into_values().collect())
}

/// Scans one staged blob and keeps the findings the change introduces.
fn scan_file(
    repo: &Repository,
    file: &StagedFile,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
    output: &mut SourceOutput,
) -> std::result::Result<Vec<Finding>, String> {
    let path = String::from_utf8_lossy(&file.path).into_owned();
    let read = |id: Oid| -> std::result::Result<crate::blob::BlobScan, String> {
        let blob = repo
            .find_blob(id)
            .map_err(|e| format!("cannot read blob {id} of {path}: {}", e.message()))?;
        scan_reader(blob.content(), &path, scanner, &mut Vec::new())
            .map_err(|e| format!("cannot scan {path}: {e}"))
    };
    let blob = repo
        .find_blob(file.blob)
        .map_err(|e| format!("cannot read blob {} of {path}: {}", file.blob, e.message()))?;
    let scanned = scan_reader(blob.content(), &path, scanner, buffer)
        .map_err(|e| format!("cannot scan {path}: {e}"))?;
    output.stats.files_scanned += 1;
    output.stats.bytes_scanned += scanned.bytes;
    output.stats.binary_files += u64::from(scanned.binary);
    output
        .stats
        .count_members(&path, scanned.members, scanned.skipped_members);

    let binary = file.binary || scanned.binary;
    // A key in an archive's member has no line of the staged file: like a binary file's, it
    // counts as new unless the committed version held it.
    let in_members = scanned.findings.iter().any(|f| f.member.is_some());
    let already_committed: HashSet<String> = match file.old_blob {
        Some(old) if (binary && !scanned.findings.is_empty()) || in_members => read(old)?
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str().to_string())
            .collect(),
        _ => HashSet::new(),
    };
    Ok(scanned
        .findings
        .into_iter()
        .filter(|finding| {
            if binary || finding.member.is_some() {
                !already_committed.contains(finding.fingerprint.as_str())
            } else {
                file.added_lines
                    .range(finding.line..=finding.end_line)
                    .next()
                    .is_some()
            }
        })
        .map(|mut finding| {
            finding.path_in_repository = true;
            finding
        })
        .collect())
}

/// The repository-relative pathspecs of `paths` (relative to the current directory).
fn pathspecs(root: &Path, paths: &[PathBuf]) -> std::result::Result<Vec<Vec<u8>>, String> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let current =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let current = current.canonicalize().unwrap_or(current);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    paths
        .iter()
        .map(|path| {
            let absolute = super::lexical_normalize(&current.join(path));
            let relative = absolute
                .strip_prefix(&root)
                .map_err(|_| format!("{} is outside the repository", path.display()))?;
            Ok(relative
                .components()
                .map(|c| c.as_os_str().as_encoded_bytes().to_vec())
                .collect::<Vec<_>>()
                .join(&b'/'))
        })
        .collect()
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
