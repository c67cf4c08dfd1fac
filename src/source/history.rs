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

use super::packs::PackedBlobs;
use super::SourceOutput;
use crate::blob::scan_bytes;
use crate::error::{Error, Result};
use crate::finding::{Finding, Provenance};
use crate::scan::Scanner;
use git2::{ObjectType, Oid, Repository, Sort, Tree};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

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
    /// A revision range, `A..B` (commits reachable from `B` and not from `A`), `A...B`
    /// (either side but not both), or a single revision (everything reachable from it).
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
        .map_err(|e| fail(format!("not a git repository: {}", e.message())))?;
    let git_dir = repo.path().to_path_buf();
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
            let scan = scan_packed(&git_dir, &packed, scanner, options, &cancel);
            (packed, scan)
        });
        let history = (|| {
            let commits = walk(&repo, options, &mut warnings)?;
            if options.require_complete {
                check_complete(&repo, &commits)?;
            } else if let Some(warning) = shallow_warning(&repo) {
                output.stats.warnings.push(warning);
            }
            introductions(
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
    let history = history.map_err(fail)?;
    output.stats.commits_scanned = history.commits_included;

    let ahead = ahead.map_err(fail)?;
    // The blobs left are counted on from those scanned ahead, so progress never goes back.
    let progress_so_far = (packed.ids.len() as u64, ahead.bytes);
    let (mut matched, rest) = settle_packed(
        &history,
        &packed,
        ahead,
        options.keep_going,
        &mut output,
        &mut warnings,
    )
    .map_err(fail)?;
    let rest_options = HistoryOptions {
        progress: options
            .progress
            .as_ref()
            .map(|sink| sink.counting_on(progress_so_far)),
        ..options.clone()
    };
    matched.extend(
        scan_blobs(
            &git_dir,
            &history,
            &rest,
            scanner,
            &rest_options,
            &mut output,
            &mut warnings,
        )
        .map_err(fail)?,
    );
    output.findings = attribute(&repo, &history, matched).map_err(fail)?;

    warnings.sort();
    warnings.dedup();
    output.stats.warnings.extend(warnings);
    Ok(output)
}

/// Bytes of a pack file mapped at a time, and in all (libgit2's defaults are 1 GiB and
/// 8 GiB, so a large pack counted fully in the resident memory).
const PACK_WINDOW: usize = 32 << 20;
const PACK_MAPPED_LIMIT: usize = 128 << 20;

/// Sets libgit2's process-wide options for reading a whole history, once per process.
///
/// - No SHA-1 re-check of every object read: it took a fifth of the run (perf); git does
///   not re-hash on read either, and zlib still checks each object's integrity.
/// - No object cache: each worker's cache grew to 120 MB of trees on rust-lang/cargo (peak
///   432 MB → 180 MB without, for 0.3 s more on a 4.8 s scan).
/// - Pack windows bounded as above, so mapped pack files stay within 128 MiB.
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
    });
}

/// The commits to scan, parents before children.
fn walk(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Oid>, String> {
    let mut revwalk = repo
        .revwalk()
        .map_err(|e| format!("cannot walk history: {}", e.message()))?;
    revwalk
        .set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
        .map_err(|e| format!("cannot walk history: {}", e.message()))?;
    let mut from_refs = true;
    if let Some(range) = &options.range {
        from_refs = false;
        push_range(repo, &mut revwalk, range)?;
    }
    if let Some(branch) = &options.branch {
        from_refs = false;
        let commit = repo
            .revparse_single(branch)
            .and_then(|object| object.peel_to_commit())
            .map_err(|e| format!("unknown branch or revision `{branch}`: {}", e.message()))?;
        revwalk
            .push(commit.id())
            .map_err(|e| format!("cannot walk from `{branch}`: {}", e.message()))?;
    }
    if let Some(revisions) = &options.revisions {
        from_refs = false;
        for &id in &revisions.include {
            revwalk
                .push(id)
                .map_err(|e| format!("cannot walk from commit {id}: {}", e.message()))?;
        }
        for &id in &revisions.exclude {
            revwalk
                .hide(id)
                .map_err(|e| format!("cannot leave out commit {id}: {}", e.message()))?;
        }
    }
    if from_refs {
        for start in starting_commits(repo, options.keep_going, warnings)? {
            revwalk
                .push(start)
                .map_err(|e| format!("cannot walk from commit {start}: {}", e.message()))?;
        }
    }
    revwalk
        .map(|step| step.map_err(|e| format!("cannot walk history: {}", e.message())))
        .collect()
}

/// Pushes and hides the ends of a revision range.
fn push_range(
    repo: &Repository,
    revwalk: &mut git2::Revwalk<'_>,
    range: &str,
) -> Result<(), String> {
    let invalid = |e: git2::Error| format!("invalid range `{range}`: {}", e.message());
    let spec = repo.revparse(range).map_err(invalid)?;
    let peel = |object: Option<&git2::Object<'_>>| -> Result<Option<Oid>, String> {
        object
            .map(|o| o.peel_to_commit().map(|c| c.id()).map_err(invalid))
            .transpose()
    };
    let from = peel(spec.from())?;
    let to = peel(spec.to())?;
    let mode = spec.mode();
    if mode.contains(git2::RevparseMode::MERGE_BASE) {
        let (Some(from), Some(to)) = (from, to) else {
            return Err(format!("invalid range `{range}`"));
        };
        revwalk.push(from).map_err(invalid)?;
        revwalk.push(to).map_err(invalid)?;
        if let Ok(base) = repo.merge_base(from, to) {
            revwalk.hide(base).map_err(invalid)?;
        }
    } else if mode.contains(git2::RevparseMode::RANGE) {
        if let Some(to) = to {
            revwalk.push(to).map_err(invalid)?;
        }
        if let Some(from) = from {
            revwalk.hide(from).map_err(invalid)?;
        }
    } else if let Some(single) = from {
        revwalk.push(single).map_err(invalid)?;
    }
    Ok(())
}

/// The commits every ref points at (peeling tags), each stash entry, and a detached `HEAD`.
///
/// A ref whose object is missing is an error (a warning with `keep_going`); a stash reflog
/// entry whose commit is gone (pruned after `git stash drop`) is only a warning.
fn starting_commits(
    repo: &Repository,
    keep_going: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<Oid>, String> {
    let mut starts = Vec::new();
    let references = repo
        .references()
        .map_err(|e| format!("cannot list refs: {}", e.message()))?;
    let odb = repo
        .odb()
        .map_err(|e| format!("cannot open the object database: {}", e.message()))?;
    for reference in references {
        let reference = reference.map_err(|e| format!("cannot list refs: {}", e.message()))?;
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        match commit_of_reference(repo, &odb, &reference) {
            Ok(Some(commit)) => starts.push(commit),
            Ok(None) => {}
            Err(e) => {
                let target = reference
                    .target()
                    .map_or_else(String::new, |id| format!(" ({id})"));
                let message = format!("cannot read ref {name}{target}: {}", e.message());
                if !keep_going {
                    return Err(message);
                }
                warnings.push(format!("{message}; it was skipped"));
            }
        }
    }
    if let Ok(reflog) = repo.reflog("refs/stash") {
        for id in reflog.iter().map(|entry| entry.id_new()) {
            if id.is_zero() {
                continue;
            }
            match repo.find_commit(id) {
                Ok(_) => starts.push(id),
                Err(_) => {
                    warnings.push(format!("stash entry {id} no longer exists; it was skipped"))
                }
            }
        }
    }
    if repo.head_detached().unwrap_or(false) {
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            starts.push(head.id());
        }
    }
    starts.sort();
    starts.dedup();
    Ok(starts)
}

/// The commit `reference` leads to, peeling annotated tags; `None` for a tag of a tree or a
/// blob, which carries no history.
///
/// Repositories mirrored from a forge carry thousands of refs (`refs/pull/*`): the type of
/// a ref's object is read from its header, not by inflating the object, and a packed tag's
/// peeled id is taken from `packed-refs`.
fn commit_of_reference(
    repo: &Repository,
    odb: &git2::Odb<'_>,
    reference: &git2::Reference<'_>,
) -> std::result::Result<Option<Oid>, git2::Error> {
    let target = match (reference.target_peel(), reference.target()) {
        (Some(peeled), _) => peeled,
        (None, Some(direct)) => direct,
        // A symbolic ref (`refs/remotes/origin/HEAD`): what it points at.
        (None, None) => return commit_of_reference(repo, odb, &reference.resolve()?),
    };
    match odb.read_header(target)?.1 {
        ObjectType::Commit => Ok(Some(target)),
        ObjectType::Tag => {
            let object = repo.find_object(target, None)?.peel(ObjectType::Any)?;
            Ok((object.kind() == Some(ObjectType::Commit)).then(|| object.id()))
        }
        _ => Ok(None),
    }
}

/// The warning for a shallow clone, naming its first boundary commit.
fn shallow_warning(repo: &Repository) -> Option<String> {
    if !repo.is_shallow() {
        return None;
    }
    let mut boundary: Vec<String> = std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect();
    boundary.sort();
    let at = match boundary.as_slice() {
        [] => "its boundary".to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    };
    Some(format!(
        "shallow clone: history before {at} is not available; findings may be incomplete (git fetch --unshallow)"
    ))
}

/// Fails when a walked commit is a shallow clone's boundary: its parents are missing, so
/// its diff would be wrong and the history beyond it unscanned.
fn check_complete(repo: &Repository, commits: &[Oid]) -> Result<(), String> {
    if !repo.is_shallow() {
        return Ok(());
    }
    let boundary: HashSet<Oid> = std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect();
    match commits.iter().find(|id| boundary.contains(id)) {
        Some(edge) => Err(format!(
            "shallow clone: the commits to scan reach {edge}, whose parents were not fetched; \
             fetch the whole history (git fetch --unshallow; in CI, `fetch-depth: 0` on \
             actions/checkout or `GIT_DEPTH: 0` on GitLab)"
        )),
        None => Ok(()),
    }
}

/// Every (blob, commit, path) introduction, interned as indexes.
#[derive(Debug, Default)]
struct History {
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

/// What one commit introduces, or why it could not be read.
type CommitWork = std::result::Result<Option<Vec<(Oid, Vec<u8>)>>, String>;

/// Phase 2: the introductions of every commit, computed in parallel and interned.
fn introductions(
    git_dir: &Path,
    commits: &[Oid],
    since: Option<i64>,
    threads: usize,
    keep_going: bool,
    warnings: &mut Vec<String>,
) -> Result<History, String> {
    let mut history = History {
        commits: commits.to_vec(),
        ..History::default()
    };
    let mut blob_index: HashMap<Oid, u32> = HashMap::new();
    let mut path_index: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut intern = |index: usize, work: CommitWork| -> Result<(), String> {
        let introduced = match work {
            Ok(Some(introduced)) => introduced,
            Ok(None) => return Ok(()),
            Err(message) if keep_going => {
                warnings.push(format!("{message}; its changes were not scanned"));
                history.commits_included += 1;
                return Ok(());
            }
            Err(message) => return Err(message),
        };
        history.commits_included += 1;
        let commit = index_u32(index)?;
        for (blob, path) in introduced {
            let next_blob = index_u32(history.blobs.len())?;
            let blob = *blob_index.entry(blob).or_insert_with(|| {
                history.blobs.push(blob);
                next_blob
            });
            let path = match path_index.get(&path) {
                Some(&known) => known,
                None => {
                    let next_path = index_u32(history.paths.len())?;
                    history.paths.push(path.clone());
                    path_index.insert(path, next_path);
                    next_path
                }
            };
            history.introductions.push((blob, commit, path));
        }
        Ok(())
    };
    let chunks = commits.len().div_ceil(COMMIT_BATCH);
    in_parallel(
        git_dir,
        chunks,
        1,
        threads,
        |_| (),
        |repo, (), chunk| -> Vec<(usize, CommitWork)> {
            // Neighbouring commits share most trees: one cache per chunk of them.
            let mut trees = TreeCache::new(repo);
            let start = chunk * COMMIT_BATCH;
            (start..commits.len().min(start + COMMIT_BATCH))
                .map(|index| {
                    let work = commit_introductions(repo, &mut trees, commits[index], since);
                    (index, work)
                })
                .collect()
        },
        |_, chunk| {
            for (index, work) in chunk {
                intern(index, work)?;
            }
            Ok(())
        },
    )?;
    Ok(history)
}

/// Trees read while diffing a run of neighbouring commits, by id, and the tree of each
/// commit read (a commit's parent is nearly always the commit diffed just before it).
struct TreeCache<'r> {
    repo: &'r Repository,
    trees: HashMap<Oid, Tree<'r>>,
    commit_trees: HashMap<Oid, Oid>,
}

impl<'r> TreeCache<'r> {
    /// Trees kept at most; a chunk of 64 commits rarely reads more than a few hundred.
    const CAPACITY: usize = 4096;

    fn new(repo: &'r Repository) -> TreeCache<'r> {
        TreeCache {
            repo,
            trees: HashMap::new(),
            commit_trees: HashMap::new(),
        }
    }

    /// The tree id of commit `id`, reading the commit only if it was not seen in this run.
    fn tree_of_commit(&mut self, id: Oid) -> std::result::Result<Oid, git2::Error> {
        if let Some(&tree) = self.commit_trees.get(&id) {
            return Ok(tree);
        }
        let tree = self.repo.find_commit(id)?.tree_id();
        self.remember_commit(id, tree);
        Ok(tree)
    }

    /// Notes that commit `id` has tree `tree`.
    fn remember_commit(&mut self, id: Oid, tree: Oid) {
        if self.commit_trees.len() >= Self::CAPACITY {
            self.commit_trees.clear();
        }
        self.commit_trees.insert(id, tree);
    }

    fn get(&mut self, id: Oid) -> std::result::Result<Tree<'r>, git2::Error> {
        if let Some(tree) = self.trees.get(&id) {
            return Ok(tree.clone());
        }
        let tree = self.repo.find_tree(id)?;
        if self.trees.len() >= Self::CAPACITY {
            self.trees.clear();
        }
        self.trees.insert(id, tree.clone());
        Ok(tree)
    }
}
fn index_u32(index: usize) -> Result<u32, String> {
    u32::try_from(index).map_err(|_| "history too large: more than 4 billion entries".to_string())
}

/// The (blob, path) pairs `commit_id` introduces; `None` if it is older than `since`.
fn commit_introductions<'r>(
    repo: &'r Repository,
    trees: &mut TreeCache<'r>,
    commit_id: Oid,
    since: Option<i64>,
) -> CommitWork {
    let commit = repo
        .find_commit(commit_id)
        .map_err(|e| format!("cannot read commit {commit_id}: {}", e.message()))?;
    if since.is_some_and(|since| commit.committer().when().seconds() < since) {
        return Ok(None);
    }
    trees.remember_commit(commit_id, commit.tree_id());
    let tree = trees.get(commit.tree_id()).map_err(|e| {
        format!(
            "cannot read tree {} of commit {commit_id}: {}",
            commit.tree_id(),
            e.message()
        )
    })?;
    let read_parent_tree = |trees: &mut TreeCache<'r>, parent: Oid| {
        trees
            .tree_of_commit(parent)
            .and_then(|tree| trees.get(tree))
            .map_err(|e| {
                format!(
                    "cannot read parent {parent} of commit {commit_id}: {}",
                    e.message()
                )
            })
    };
    let mut parents = commit.parent_ids();
    let first = parents
        .next()
        .map(|parent| read_parent_tree(trees, parent))
        .transpose()?;
    let mut introduced = Vec::new();
    let mut path = Vec::new();
    changed_blobs(trees, first.as_ref(), &tree, &mut path, &mut introduced)
        .map_err(|e| format!("commit {commit_id}: {e}"))?;
    for parent in parents {
        if introduced.is_empty() {
            break;
        }
        // A merge introduces only what differs from every parent: the conflict resolution.
        let parent_tree = read_parent_tree(trees, parent)?;
        let mut against_parent = Vec::new();
        changed_blobs(
            trees,
            Some(&parent_tree),
            &tree,
            &mut path,
            &mut against_parent,
        )
        .map_err(|e| format!("commit {commit_id}: {e}"))?;
        let differs: HashSet<(Oid, Vec<u8>)> = against_parent.into_iter().collect();
        introduced.retain(|pair| differs.contains(pair));
    }
    Ok(Some(introduced))
}

/// Appends the blobs of `new` (under `path`) that `old` does not have at the same path,
/// descending only into subtrees whose ids differ.
///
/// Both trees are walked side by side in git's tree order, so finding an entry's old
/// version costs no lookup (and no allocation, which `Tree::get_name_bytes` makes).
fn changed_blobs(
    trees: &mut TreeCache<'_>,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    path: &mut Vec<u8>,
    out: &mut Vec<(Oid, Vec<u8>)>,
) -> std::result::Result<(), String> {
    let mut old_entries = old.into_iter().flat_map(|tree| tree.iter()).peekable();
    for entry in new.iter() {
        let kind = entry.kind();
        let name = entry.name_bytes();
        let mut previous = None;
        while let Some(old_entry) = old_entries.peek() {
            match tree_order(old_entry, &entry) {
                std::cmp::Ordering::Less => {
                    old_entries.next();
                }
                std::cmp::Ordering::Equal => {
                    previous = Some((old_entry.id(), old_entry.kind()));
                    old_entries.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if kind != Some(ObjectType::Blob) && kind != Some(ObjectType::Tree) {
            continue; // submodule commits live in another repository
        }
        let id = entry.id();
        if previous.is_some_and(|(old_id, old_kind)| old_id == id && old_kind == kind) {
            continue;
        }
        let before = path.len();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        if kind == Some(ObjectType::Blob) {
            out.push((id, path.clone()));
        } else {
            let subtree = trees.get(id).map_err(|e| {
                format!(
                    "cannot read tree {id} at {}: {}",
                    String::from_utf8_lossy(path),
                    e.message()
                )
            })?;
            let old_subtree = match previous {
                Some((old_id, Some(ObjectType::Tree))) => Some(trees.get(old_id).map_err(|e| {
                    format!(
                        "cannot read tree {old_id} at {}: {}",
                        String::from_utf8_lossy(path),
                        e.message()
                    )
                })?),
                _ => None,
            };
            changed_blobs(trees, old_subtree.as_ref(), &subtree, path, out)?;
        }
        path.truncate(before);
    }
    Ok(())
}

/// Git's order of tree entries: by name, a subtree's name compared as if it ended in `/`.
fn tree_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    base_name_order(
        a.name_bytes(),
        a.kind() == Some(ObjectType::Tree),
        b.name_bytes(),
        b.kind() == Some(ObjectType::Tree),
    )
}

/// [`tree_order`] on names and whether each names a subtree (git's `base_name_compare`).
fn base_name_order(a: &[u8], a_is_tree: bool, b: &[u8], b_is_tree: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next =
            |name: &[u8], is_tree: bool| name.get(common).copied().or(is_tree.then_some(b'/'));
        next(a, a_is_tree).cmp(&next(b, b_is_tree))
    })
}

/// A scanned blob that had findings.
type BlobFindings = (u32, Vec<Finding>);

/// What scanning one blob gave: bytes read, whether it looked binary, and its findings.
type Scanned = (u64, bool, Vec<Finding>);

/// What scanning one blob gave, or why it could not be read.
type BlobWork = std::result::Result<Scanned, String>;

/// Reads blob `id` and scans it where libgit2 inflated it (a blob is one buffer already).
fn scan_blob(
    repo: &Repository,
    id: Oid,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
) -> std::result::Result<Scanned, git2::Error> {
    let blob = repo.find_blob(id)?;
    let scanned = scan_bytes(blob.content(), "", scanner, buffer);
    if buffer.capacity() > crate::blob::CHUNK_SIZE * 2 {
        *buffer = Vec::new();
    }
    Ok((scanned.bytes, scanned.binary, scanned.findings))
}

/// The packed blobs scanned while the history was walked, by place in [`PackedBlobs::ids`].
#[derive(Debug, Default)]
struct PackedScan {
    /// Bytes read and whether the blob looked binary, for each place.
    summaries: Vec<(u64, bool)>,
    /// The findings of the blobs that had some.
    findings: HashMap<usize, Vec<Finding>>,
    /// Why a blob could not be read (it matters only if the history has that blob).
    failures: HashMap<usize, String>,
    /// Bytes read in all.
    bytes: u64,
}

/// Phase 3, ahead of time: scans every blob of the packs in parallel, in pack order, until
/// `cancel` is set. Progress counts these blobs.
fn scan_packed(
    git_dir: &Path,
    packed: &PackedBlobs,
    scanner: &Scanner<'_>,
    options: &HistoryOptions,
    cancel: &AtomicBool,
) -> Result<PackedScan, String> {
    let mut scan = PackedScan {
        summaries: vec![(0, false); packed.ids.len()],
        ..PackedScan::default()
    };
    let total = packed.ids.len() as u64;
    let mut done = 0u64;
    in_parallel(
        git_dir,
        packed.ids.len(),
        BLOB_BATCH,
        options.worker_threads(),
        |_| Vec::new(),
        |repo, buffer: &mut Vec<u8>, place| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            Some(scan_blob(repo, packed.ids[place], scanner, buffer))
        },
        |place, work| {
            match work {
                None => return Ok(()),
                Some(Ok((read, binary, findings))) => {
                    scan.summaries[place] = (read, binary);
                    scan.bytes += read;
                    if !findings.is_empty() {
                        scan.findings.insert(place, findings);
                    }
                }
                Some(Err(error)) => {
                    scan.failures.insert(place, error.message().to_string());
                }
            }
            done += 1;
            if let Some(ProgressSink(report)) = &options.progress {
                report(done, total, scan.bytes);
            }
            Ok(())
        },
    )?;
    Ok(scan)
}

/// Takes the results of the history's blobs from the scan made ahead of time; returns the
/// blobs with findings and the indexes of the blobs still to scan (loose, or in no pack
/// index read). Blobs of the packs that the history does not reach are dropped.
fn settle_packed(
    history: &History,
    packed: &PackedBlobs,
    mut ahead: PackedScan,
    keep_going: bool,
    output: &mut SourceOutput,
    warnings: &mut Vec<String>,
) -> Result<(Vec<BlobFindings>, Vec<usize>), String> {
    let mut matched = Vec::new();
    let mut rest = Vec::new();
    for (index, id) in history.blobs.iter().enumerate() {
        let Some(place) = packed.place_of(id) else {
            rest.push(index);
            continue;
        };
        if let Some(error) = ahead.failures.remove(&place) {
            let message = format!(
                "cannot read blob {id}{}: {error}",
                first_seen(history, index)
            );
            if !keep_going {
                return Err(message);
            }
            warnings.push(format!("{message}; it was not scanned"));
            continue;
        }
        let (read, binary) = ahead.summaries[place];
        output.stats.files_scanned += 1;
        output.stats.bytes_scanned += read;
        output.stats.binary_files += u64::from(binary);
        if let Some(findings) = ahead.findings.remove(&place) {
            matched.push((index_u32(index)?, findings));
        }
    }
    Ok((matched, rest))
}

/// Phase 3: scans the history's blobs at `indexes` once each, in parallel; returns the
/// blobs with findings.
fn scan_blobs(
    git_dir: &Path,
    history: &History,
    indexes: &[usize],
    scanner: &Scanner<'_>,
    options: &HistoryOptions,
    output: &mut SourceOutput,
    warnings: &mut Vec<String>,
) -> Result<Vec<BlobFindings>, String> {
    let mut matched = Vec::new();
    let total = indexes.len() as u64;
    let (mut done, mut read) = (0u64, 0u64);
    // Read in pack order: most delta bases are then still in libgit2's cache.
    let ids: Vec<Oid> = indexes.iter().map(|&index| history.blobs[index]).collect();
    let order: Vec<usize> = super::packs::read_order(git_dir, &ids)
        .into_iter()
        .map(|position| indexes[position])
        .collect();
    in_parallel(
        git_dir,
        order.len(),
        BLOB_BATCH,
        options.worker_threads(),
        |_| Vec::new(),
        |repo, buffer: &mut Vec<u8>, position| -> BlobWork {
            let index = order[position];
            let id = history.blobs[index];
            scan_blob(repo, id, scanner, buffer).map_err(|e| {
                format!(
                    "cannot read blob {id}{}: {}",
                    first_seen(history, index),
                    e.message()
                )
            })
        },
        |position, work| {
            let index = order[position];
            match work {
                Ok((bytes, binary, findings)) => {
                    read += bytes;
                    output.stats.files_scanned += 1;
                    output.stats.bytes_scanned += bytes;
                    output.stats.binary_files += u64::from(binary);
                    if !findings.is_empty() {
                        matched.push((index_u32(index)?, findings));
                    }
                }
                Err(message) if options.keep_going => {
                    warnings.push(format!("{message}; it was not scanned"))
                }
                Err(message) => return Err(message),
            }
            done += 1;
            if let Some(ProgressSink(report)) = &options.progress {
                report(done, total, read);
            }
            Ok(())
        },
    )?;
    Ok(matched)
}

/// ` (path in commit …)` for the first introduction of blob `index`, for error messages.
fn first_seen(history: &History, index: usize) -> String {
    history
        .introductions
        .iter()
        .filter(|(blob, _, _)| *blob as usize == index)
        .min_by_key(|(_, commit, _)| *commit)
        .map(|&(_, commit, path)| {
            format!(
                " ({} in commit {})",
                String::from_utf8_lossy(&history.paths[path as usize]),
                history.commits[commit as usize]
            )
        })
        .unwrap_or_default()
}

/// Places each blob's findings at every distinct path that introduced the blob, with the
/// earliest commit that did so. A key that stays in a file while other lines change is in
/// every later version (blob) of that file too: it is reported once per path, at its
/// earliest commit, and the later versions count in `other_occurrences`.
fn attribute(
    repo: &Repository,
    history: &History,
    matched: Vec<BlobFindings>,
) -> Result<Vec<Finding>, String> {
    let mut places: HashMap<u32, Vec<(u32, u32)>> = matched
        .iter()
        .map(|(blob, _)| (*blob, Vec::new()))
        .collect();
    for &(blob, commit, path) in &history.introductions {
        if let Some(list) = places.get_mut(&blob) {
            list.push((commit, path));
        }
    }
    let mut metadata: HashMap<u32, CommitMetadata> = HashMap::new();
    // (path, rule, fingerprint) -> (earliest commit index, its finding, places seen, last blob)
    type Kept = (u32, Finding, u64, u32);
    let mut by_key: BTreeMap<(String, String, String), Kept> = BTreeMap::new();
    for (blob, blob_findings) in matched {
        let introductions = places.remove(&blob).unwrap_or_default();
        let total = introductions.len() as u64;
        // Earliest commit per path; a BTreeMap keyed by path bytes keeps the order fixed.
        let mut earliest: BTreeMap<&[u8], u32> = BTreeMap::new();
        for &(commit, path) in &introductions {
            let entry = earliest
                .entry(history.paths[path as usize].as_slice())
                .or_insert(commit);
            *entry = (*entry).min(commit);
        }
        for (path, commit) in earliest {
            let meta = match metadata.get(&commit) {
                Some(meta) => meta,
                None => {
                    let meta = CommitMetadata::read(repo, history.commits[commit as usize])?;
                    metadata.entry(commit).or_insert(meta)
                }
            };
            // Git paths are already `/`-separated; a backslash is part of a file name.
            let shown = String::from_utf8_lossy(path).into_owned();
            for finding in &blob_findings {
                let mut placed = finding.clone();
                placed.path = shown.clone();
                placed.path_in_repository = true;
                placed.provenance = Some(Provenance {
                    commit: meta.id.clone(),
                    author_name: meta.author_name.clone(),
                    author_email: meta.author_email.clone(),
                    date: meta.date.clone(),
                    summary: meta.summary.clone(),
                    other_occurrences: total.saturating_sub(1),
                });
                let key = (
                    shown.clone(),
                    placed.rule.id.clone(),
                    placed.fingerprint.as_str().to_string(),
                );
                match by_key.get_mut(&key) {
                    None => {
                        by_key.insert(key, (commit, placed, total, blob));
                    }
                    Some(kept) => {
                        if kept.3 != blob {
                            kept.2 += total;
                            kept.3 = blob;
                        }
                        // Earlier commit wins; on the same commit (a key twice in one file) the
                        // earlier line does.
                        if (commit, placed.line, placed.column)
                            < (kept.0, kept.1.line, kept.1.column)
                        {
                            kept.0 = commit;
                            kept.1 = placed;
                        }
                    }
                }
            }
        }
    }
    Ok(by_key
        .into_values()
        .map(|(_, mut finding, places, _)| {
            if let Some(provenance) = finding.provenance.as_mut() {
                provenance.other_occurrences = places.saturating_sub(1);
            }
            finding
        })
        .collect())
}

/// What a finding says about its introducing commit.
struct CommitMetadata {
    id: String,
    author_name: String,
    author_email: String,
    date: String,
    summary: String,
}

impl CommitMetadata {
    fn read(repo: &Repository, id: Oid) -> Result<CommitMetadata, String> {
        let commit = repo
            .find_commit(id)
            .map_err(|e| format!("cannot read commit {id}: {}", e.message()))?;
        let author = commit.author();
        let message = commit.message_bytes();
        let first_line = message.split(|&b| b == b'\n').next().unwrap_or_default();
        Ok(CommitMetadata {
            id: id.to_string(),
            author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            date: rfc3339_utc(author.when().seconds()),
            summary: String::from_utf8_lossy(first_line).trim_end().to_string(),
        })
    }
}

/// Runs `work` on items `0..count` on `threads` threads, each with its own repository and
/// state, and hands each result to `sink` on the calling thread (in completion order).
/// Each thread takes `batch` consecutive items at a time: neighbouring commits share most
/// trees, which then stay in that thread's object cache. The first error from `sink` (or
/// from opening the repository) stops the run.
fn in_parallel<S, T, Init, Work, Sink>(
    git_dir: &Path,
    count: usize,
    batch: usize,
    threads: usize,
    init: Init,
    work: Work,
    mut sink: Sink,
) -> Result<(), String>
where
    T: Send,
    Init: Fn(usize) -> S + Sync,
    Work: Fn(&Repository, &mut S, usize) -> T + Sync,
    Sink: FnMut(usize, T) -> Result<(), String>,
{
    if count == 0 {
        return Ok(());
    }
    let batch = batch.max(1);
    let threads = threads.clamp(1, count.div_ceil(batch));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let git_dir: PathBuf = git_dir.to_path_buf();
    std::thread::scope(|scope| {
        let (sender, receiver) =
            mpsc::sync_channel::<std::result::Result<Vec<(usize, T)>, String>>(threads * 4);
        for worker in 0..threads {
            let sender = sender.clone();
            let (next, stop, git_dir, init, work) = (&next, &stop, &git_dir, &init, &work);
            scope.spawn(move || {
                let repo = match Repository::open(git_dir) {
                    Ok(repo) => repo,
                    Err(e) => {
                        let _ =
                            sender.send(Err(format!("cannot open repository: {}", e.message())));
                        return;
                    }
                };
                let mut state = init(worker);
                while !stop.load(Ordering::Relaxed) {
                    let start = next.fetch_add(batch, Ordering::Relaxed);
                    if start >= count {
                        break;
                    }
                    let results = (start..count.min(start + batch))
                        .map(|index| (index, work(&repo, &mut state, index)))
                        .collect();
                    if sender.send(Ok(results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut outcome = Ok(());
        'receive: for message in receiver.iter() {
            let step = message.and_then(|results: Vec<(usize, T)>| {
                for (index, result) in results {
                    sink(index, result)?;
                }
                Ok(())
            });
            if let Err(error) = step {
                stop.store(true, Ordering::Relaxed);
                outcome = Err(error);
                break 'receive;
            }
        }
        outcome
    })
}

/// Seconds since the Unix epoch as RFC 3339 in UTC (`2026-01-02T03:04:05Z`).
fn rfc3339_utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Parses `YYYY-MM-DD` (UTC midnight) or RFC 3339 into seconds since the Unix epoch.
fn parse_since(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date = days_from_civil(year, month, day) * 86_400;
    if bytes.len() == 10 {
        return Some(date);
    }
    if !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes.len() < 20
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = rest.get(1..)?;
            if zone.len() != 5 || zone.as_bytes()[2] != b':' {
                return None;
            }
            let hours: i64 = zone.get(0..2)?.parse().ok()?;
            let minutes: i64 = zone.get(3..5)?.parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(date + hour * 3600 + minute * 60 + second - offset)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_is_gits() {
        // Names in the order git sorts a tree's entries; `true` marks a subtree.
        let sorted = [
            ("a", false),
            ("a-b", false),
            ("a.b", false),
            ("a", true),
            ("a0", false),
            ("ab", true),
            ("b", false),
        ];
        for pair in sorted.windows(2) {
            let ((a, a_tree), (b, b_tree)) = (pair[0], pair[1]);
            assert_eq!(
                base_name_order(a.as_bytes(), a_tree, b.as_bytes(), b_tree),
                std::cmp::Ordering::Less,
                "{pair:?}"
            );
            assert_eq!(
                base_name_order(b.as_bytes(), b_tree, a.as_bytes(), a_tree),
                std::cmp::Ordering::Greater,
                "{pair:?}"
            );
        }
        assert_eq!(
            base_name_order(b"a", true, b"a", true),
            std::cmp::Ordering::Equal
        );
    }

    #[test]
    fn a_file_that_becomes_a_directory_and_back_is_introduced_each_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repository::init_bare(dir.path()).expect("init");
        let blob = |text: &str| repo.blob(text.as_bytes()).expect("blob");
        let (file, inner, same, sibling) = (blob("file"), blob("inner"), blob("same"), blob("sib"));
        let tree_of = |entries: &[(&str, Oid, i32)]| {
            let mut builder = repo.treebuilder(None).expect("builder");
            for (name, id, mode) in entries {
                builder.insert(name, *id, *mode).expect("insert");
            }
            builder.write().expect("write tree")
        };
        let subtree = tree_of(&[("bar", inner, 0o100644)]);
        let old = tree_of(&[("foo", file, 0o100644), ("same.txt", same, 0o100644)]);
        let new = tree_of(&[
            ("foo", subtree, 0o040000),
            ("foo.txt", sibling, 0o100644),
            ("same.txt", same, 0o100644),
        ]);
        let mut trees = TreeCache::new(&repo);
        let diff = |trees: &mut TreeCache<'_>, old: Option<Oid>, new: Oid| {
            let old = old.map(|id| trees.get(id).expect("old tree"));
            let new = trees.get(new).expect("new tree");
            let mut out = Vec::new();
            changed_blobs(trees, old.as_ref(), &new, &mut Vec::new(), &mut out).expect("diff");
            out.into_iter()
                .map(|(id, path)| (id, String::from_utf8(path).expect("UTF-8")))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            diff(&mut trees, Some(old), new),
            [
                (sibling, "foo.txt".to_string()),
                (inner, "foo/bar".to_string())
            ]
        );
        assert_eq!(
            diff(&mut trees, Some(new), old),
            [(file, "foo".to_string())]
        );
        assert_eq!(
            diff(&mut trees, None, old),
            [(file, "foo".to_string()), (same, "same.txt".to_string())]
        );
        assert_eq!(diff(&mut trees, Some(old), old), []);
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_767_323_045), "2026-01-02T03:04:05Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(parse_since("2026-01-02"), Some(1_767_312_000));
        assert_eq!(parse_since("2026-01-02T03:04:05Z"), Some(1_767_323_045));
        assert_eq!(
            parse_since("2026-01-02T05:04:05.25+02:00"),
            Some(1_767_323_045)
        );
        assert_eq!(
            parse_since("2024-02-29"),
            Some(days_from_civil(2024, 2, 29) * 86_400)
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "yesterday",
            "2026-01-02T03:04",
            "2026-01-02T03:04:05+2",
        ] {
            assert_eq!(parse_since(bad), None, "{bad}");
        }
    }
}
