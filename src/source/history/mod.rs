//! Git history: every blob reachable from any ref, each distinct blob scanned once.
//!
//! The scan runs in three phases, so its cost grows with the number of distinct blobs and
//! of changed tree entries, never with commits × files:
//!
//! 1. **Walk.** List the commits reachable from every ref (branches, tags, remote-tracking
//!    refs, the stash and its reflog, a detached `HEAD`), or from a range, parents first.
//! 2. **Introductions.** For each commit, in parallel, the `(path, blob)` pairs it
//!    introduces: entries of its tree that differ from its first parent's (the empty tree for
//!    a root commit), walking only subtrees whose ids differ. For a merge, a pair counts only
//!    if no parent has that blob at that path, which leaves the conflict resolution. Each pair
//!    is kept as three integers (blob, commit, path), so memory stays small and bounded by
//!    the number of changes, not by blob contents.
//! 3. **Scan.** Each distinct blob is read once and scanned in parallel (one
//!    `git2::Repository` per worker thread, since it is not `Sync`), in pack order so that
//!    libgit2 finds delta bases in its cache. Only blobs with matches are attributed: each
//!    finding is reported once per distinct path that introduced its blob, with the
//!    earliest commit (in walk order) that did so.
//!
//! When the whole history is scanned with more than one thread, phase 3 does not wait for
//! phases 1 and 2: every blob the pack files hold (the pack headers tell which objects are
//! blobs) is scanned from the start, alongside the walk. The history's blobs then take
//! their results from that scan; a blob the packs lack (a loose object) is scanned
//! afterwards, and a packed blob the history does not reach is dropped, findings and all,
//! so results and statistics are the same as without it.
//!
//! Each phase has its module: `walk` (phase 1), `introductions` (phase 2, tree diffs),
//! `blobs` (phase 3, with `packs` reading pack indexes and headers for the order and the
//! scan ahead), `attribution` (placing findings at their introducing commits), and
//! `parallel` (the worker pool they share).

mod attribution;
mod blobs;
mod introductions;
mod packs;
mod parallel;
mod stream;
mod walk;

use super::SourceOutput;
use crate::dates::parse_since;
use crate::error::{Error, Result};
#[cfg(doc)]
use crate::finding::Provenance;
use crate::scan::Scanner;
use git2::{Oid, Repository};
use packs::PackedBlobs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Consecutive commits one worker takes at a time (they share trees, so a worker's cache hits).
const COMMIT_BATCH: usize = 64;
/// Consecutive blobs one worker takes at a time (fewer hand-offs; small enough to balance).
const BLOB_BATCH: usize = 16;

/// Called after each blob is scanned with (blobs done, blobs in all, bytes read so far),
/// on one thread, in order; for a progress display.
#[derive(Clone)]
pub struct ProgressSink(pub std::sync::Arc<dyn Fn(u64, u64, u64) + Send + Sync>);

impl ProgressSink {
    /// This sink with `blobs` more done and in all, and `bytes` more read, than reported.
    fn counting_on(&self, (blobs, bytes): (u64, u64)) -> ProgressSink {
        let report = self.0.clone();
        ProgressSink(std::sync::Arc::new(move |done, total, read| {
            report(blobs + done, blobs + total, bytes + read)
        }))
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// What part of the history to scan.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// A revision range, `A..B` (commits reachable from `B` and not from `A`) or `A...B`
    /// (either side but not both). A single revision is an error (that is `branch`).
    pub range: Option<String>,
    /// Only commits whose committer date is at or after this: `YYYY-MM-DD` (UTC midnight) or
    /// RFC 3339 (`2026-01-02T03:04:05Z`, `2026-01-02T03:04:05+02:00`).
    pub since: Option<String>,
    /// Only commits reachable from this ref or revision instead of from every ref (with
    /// `range` as well, the commits of both are scanned).
    pub branch: Option<String>,
    /// Only the commits reachable from these ids and not from those (for hooks and CI,
    /// which know commit ids rather than names); combined with `range` and `branch` like
    /// them.
    pub revisions: Option<Revisions>,
    /// Fail instead of warning when the walk reaches the edge of a shallow clone: the
    /// commits asked for are not all here (CI mode, where a partial scan must not pass).
    pub require_complete: bool,
    /// Worker threads; 0 means one per CPU.
    pub threads: usize,
    /// Turn an unreadable object into a warning instead of an error.
    pub keep_going: bool,
    /// Told of every scanned blob, for a progress display.
    pub progress: Option<ProgressSink>,
    /// What earlier scans found in each blob (`--cache`): a blob known to be clean is not
    /// read; new results are added to it (the caller saves it).
    pub cache: Option<std::sync::Arc<crate::cache::BlobCache>>,
}

impl HistoryOptions {
    /// The number of worker threads `threads` asks for (0: one per CPU).
    fn worker_threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            threads => threads,
        }
    }
}

/// Commits chosen by id: everything reachable from `include` and not from `exclude`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions {
    /// Tips whose history is scanned.
    pub include: Vec<Oid>,
    /// Tips whose history is left out (commits the other side already has).
    pub exclude: Vec<Oid>,
}

/// Scans every blob introduced by the selected commits of the repository at `repo_path`
/// (a work tree, its `.git` directory, or a bare repository).
///
/// Findings are unsorted; each carries the path at its introducing commit and a
/// [`Provenance`]. Stats count distinct blobs as files and the commits walked.
///
/// # Errors
/// [`Error::Input`] naming the repository when it is not a git repository, when the range,
/// branch or date is invalid, or when an object cannot be read (unless
/// [`HistoryOptions::keep_going`], which turns unreadable objects into warnings).
pub fn scan(
    repo_path: &Path,
    options: &HistoryOptions,
    scanner: &Scanner<'_>,
) -> Result<SourceOutput> {
    let fail = |message: String| Error::Input {
        path: repo_path.to_path_buf(),
        message,
    };
    configure_libgit2();
    // Like git itself, a path inside a work tree finds the repository above it.
    let repo = Repository::discover(repo_path)
        .map_err(|e| fail(crate::source::describe_open_error(&e)))?;
    let git_dir = repo.path().to_path_buf();
    // An object that cannot be read stops the scan: say how to go on.
    let partial = is_partial_clone(&repo);
    let fail_reading = |message: String| {
        fail(with_read_hint(
            message,
            partial,
            &packs::damaged_indexes(&git_dir),
        ))
    };
    let since = options
        .since
        .as_deref()
        .map(|text| {
            parse_since(text).ok_or_else(|| {
                fail(format!(
                    "invalid date `{text}`: expected YYYY-MM-DD or RFC 3339 (2026-01-02T03:04:05Z)"
                ))
            })
        })
        .transpose()?;
    let threads = options.worker_threads();

    let mut output = SourceOutput::default();
    let mut warnings = Vec::new();
    // The whole history holds nearly every blob of the packs: those are scanned while the
    // commits are walked and diffed, instead of after (with more than one thread).
    let everything = threads > 1
        && since.is_none()
        && options.range.is_none()
        && options.branch.is_none()
        && options.revisions.is_none();
    let cancel = AtomicBool::new(false);
    let (history, (packed, ahead)) = std::thread::scope(|scope| {
        let ahead = scope.spawn(|| {
            // Reading the pack headers takes a while on a large pack too: not on the walk's time.
            let packed = if everything {
                PackedBlobs::read(&git_dir)
            } else {
                PackedBlobs::default()
            };
            let scan = blobs::scan_packed(&git_dir, &packed, scanner, options, &cancel);
            (packed, scan)
        });
        let history = (|| {
            let commits = walk::walk(&repo, options, &mut warnings)?;
            if options.require_complete {
                walk::check_complete(&repo, &commits)?;
            } else if let Some(warning) = walk::shallow_warning(&repo) {
                output.stats.warnings.push(warning);
            }
            introductions::introductions(
                &git_dir,
                &commits,
                since,
                threads,
                options.keep_going,
                &mut warnings,
            )
        })();
        if history.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        let ahead = ahead
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (history, ahead)
    });
    let history = history.map_err(fail_reading)?;
    output.stats.commits_scanned = history.commits_included;

    let ahead = ahead.map_err(fail_reading)?;
    // The blobs left are counted on from those scanned ahead, so progress never goes back.
    let progress_so_far = (packed.ids.len() as u64, ahead.bytes);
    let (mut matched, mut members, rest) = blobs::settle_packed(
        &history,
        &packed,
        ahead,
        options.keep_going,
        &mut output,
        &mut warnings,
    )
    .map_err(fail_reading)?;
    let rest_options = HistoryOptions {
        progress: options
            .progress
            .as_ref()
            .map(|sink| sink.counting_on(progress_so_far)),
        ..options.clone()
    };
    let (more_matched, more_members) = blobs::scan_blobs(
        &git_dir,
        &history,
        &rest,
        scanner,
        &rest_options,
        &mut output,
        &mut warnings,
    )
    .map_err(fail_reading)?;
    matched.extend(more_matched);
    members.extend(more_members);
    blobs::count_members(&history, members, &mut output.stats);
    output.findings = attribution::attribute(&repo, &history, matched).map_err(fail_reading)?;

    if !warnings.is_empty() {
        // Objects were skipped (--keep-going): a damaged pack index is the likely cause.
        warnings.extend(damaged_index_warnings(&packs::damaged_indexes(&git_dir)));
        if output.stats.files_scanned == 0 && output.stats.commits_scanned == 0 {
            warnings.sort();
            return Err(fail(format!(
                "nothing could be read, so nothing was scanned:\n  {}",
                warnings.join("\n  ")
            )));
        }
    }
    warnings.sort();
    warnings.dedup();
    output.stats.warnings.extend(warnings);
    Ok(output)
}

/// Whether `repo` is a partial clone (`git clone --filter=…`): objects it lacks by design
/// can be fetched from its promisor remote.
fn is_partial_clone(repo: &Repository) -> bool {
    let promisor_pack = std::fs::read_dir(repo.path().join("objects/pack"))
        .map(|entries| {
            entries
                .flatten()
                .any(|entry| entry.path().extension().is_some_and(|e| e == "promisor"))
        })
        .unwrap_or(false);
    promisor_pack
        || repo
            .config()
            .and_then(|config| config.get_string("extensions.partialclone"))
            .is_ok()
}

/// `message` about an object that cannot be read, with what the user can do about it.
fn with_read_hint(
    message: String,
    partial_clone: bool,
    damaged: &[(std::path::PathBuf, &str)],
) -> String {
    if !message.starts_with("cannot read") {
        return message;
    }
    let mut hint = message;
    for warning in damaged_index_warnings(damaged) {
        hint += &format!("\n  {warning}");
    }
    hint += "\n  --keep-going scans everything else and lists what could not be read";
    if partial_clone {
        hint += "\n  this is a partial clone, which lacks objects by design: fetch them \
                 (`git config --unset remote.origin.partialclonefilter`, then \
                 `git fetch --refetch origin`) for a complete scan";
    }
    hint
}

/// A warning per damaged pack index: the objects of its pack cannot be found through it.
fn damaged_index_warnings(damaged: &[(std::path::PathBuf, &str)]) -> Vec<String> {
    damaged
        .iter()
        .map(|(path, problem)| {
            format!(
                "the pack index {} is damaged ({problem}): the objects of its pack cannot be \
                 read (rebuild it with `git index-pack {}`)",
                path.display(),
                path.with_extension("pack").display()
            )
        })
        .collect()
}

/// Bytes of a pack file mapped at a time, and in all (libgit2's defaults are 1 GiB and
/// 8 GiB, so a large pack counted fully in the resident memory). Mapped pack pages count in
/// the peak RSS: on langchainjs (a 464 MB pack) 32/128 MiB held 115 MB of it; 16/64 MiB
/// holds half as much for the same CPU time (blobs are read in pack order, so windows are
/// mostly used one after another).
const PACK_WINDOW: usize = 16 << 20;
const PACK_MAPPED_LIMIT: usize = 64 << 20;

/// Allocations of at least this many bytes get their own mapping from glibc's malloc,
/// returned to the system when freed. glibc raises its threshold (up to 32 MiB) after the
/// first large free, after which the inflated blobs of a history (libgit2 allocates each
/// whole) fill the heap's arenas, which are never given back: fixed at 128 KiB, langchainjs
/// peaked 50 MB lower (398 -> 348 MB) for the same CPU time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 128 << 10;

/// Sets libgit2's process-wide options for reading a whole history, once per process.
///
/// - No SHA-1 re-check of every object read: it took a fifth of the run (perf); git does
///   not re-hash on read either, and zlib still checks each object's integrity.
/// - No object cache: each worker's cache grew to 120 MB of trees on rust-lang/cargo (peak
///   432 MB → 180 MB without, for 0.3 s more on a 4.8 s scan).
/// - Pack windows bounded as above, so mapped pack files stay within 64 MiB.
/// - On glibc, large allocations always mapped and given back ([`MMAP_THRESHOLD`]).
fn configure_libgit2() {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
        // SAFETY: these write libgit2 globals without synchronisation. `call_once` runs
        // this before any other use of git2 in leakward (only this module uses git2, and
        // every entry point calls this first), and blocks concurrent callers until done.
        // A failure only leaves libgit2's defaults in place.
        unsafe {
            let _ = git2::opts::set_mwindow_size(PACK_WINDOW);
            let _ = git2::opts::set_mwindow_mapped_limit(PACK_MAPPED_LIMIT);
        }
        // SAFETY: mallopt only sets an allocator parameter; called once, as above.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
    });
}

/// Every (blob, commit, path) introduction, interned as indexes.
#[derive(Debug, Default)]
pub(super) struct History {
    /// Commits in walk order (parents first); an index here is a commit's age rank.
    commits: Vec<Oid>,
    /// Commits that passed the date filter.
    commits_included: u64,
    /// Distinct blobs, in the order they were first seen.
    blobs: Vec<Oid>,
    /// Distinct paths (raw bytes, `/` separated).
    paths: Vec<Vec<u8>>,
    /// (blob index, commit index, path index), one per introduction.
    introductions: Vec<(u32, u32, u32)>,
}

/// `index` as a `u32` (histories are interned as 32-bit indexes).
pub(super) fn index_u32(index: usize) -> Result<u32, String> {
    u32::try_from(index).map_err(|_| "history too large: more than 4 billion entries".to_string())
}
