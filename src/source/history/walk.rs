//! Phase 1: the commits to scan, from every ref (or a range, a branch, given ids), parents
//! first, and the checks for a shallow clone's boundary.

use super::HistoryOptions;
use git2::{ObjectType, Oid, Repository, Sort};
use std::collections::{HashMap, HashSet};

/// Where a walk starts and where it stops: every commit reachable from `include` and not
/// from `hide`.
#[derive(Debug, Default)]
struct Tips {
    include: Vec<Oid>,
    hide: Vec<Oid>,
}

/// The commits to scan, parents before children.
///
/// With `keep_going`, a commit that cannot be read (a missing object) does not stop the
/// walk: the commits that can be reached are walked without libgit2's walker, which stops
/// at the first missing commit, and each unreadable one is a warning.
pub(super) fn walk(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Oid>, String> {
    let tips = tips(repo, options, warnings)?;
    match revwalk(repo, &tips) {
        Ok(commits) => Ok(commits),
        Err(_) if options.keep_going => Ok(tolerant_walk(repo, &tips, warnings)),
        Err(message) => Err(message),
    }
}

/// The tips the options select: a range's ends, a branch, given ids, or every ref.
fn tips(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<Tips, String> {
    let mut tips = Tips::default();
    let mut from_refs = true;
    if let Some(range) = &options.range {
        from_refs = false;
        range_tips(repo, range, &mut tips)?;
    }
    if let Some(branch) = &options.branch {
        from_refs = false;
        let commit = repo
            .revparse_single(branch)
            .and_then(|object| object.peel_to_commit())
            .map_err(|e| format!("unknown branch or revision `{branch}`: {}", e.message()))?;
        tips.include.push(commit.id());
    }
    if let Some(revisions) = &options.revisions {
        from_refs = false;
        tips.include.extend(&revisions.include);
        tips.hide.extend(&revisions.exclude);
    }
    if from_refs {
        tips.include = starting_commits(repo, options.keep_going, warnings)?;
    }
    Ok(tips)
}

/// libgit2's walk from `tips`: parents first, in time order where the graph allows.
fn revwalk(repo: &Repository, tips: &Tips) -> Result<Vec<Oid>, String> {
    let cannot = |e: git2::Error| format!("cannot read the history: {}", e.message());
    let mut revwalk = repo.revwalk().map_err(cannot)?;
    revwalk
        .set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
        .map_err(cannot)?;
    for &id in &tips.include {
        revwalk
            .push(id)
            .map_err(|e| format!("cannot read commit {id} to walk from: {}", e.message()))?;
    }
    for &id in &tips.hide {
        revwalk
            .hide(id)
            .map_err(|e| format!("cannot read commit {id} to leave out: {}", e.message()))?;
    }
    revwalk.map(|step| step.map_err(cannot)).collect()
}

/// The walk without libgit2's walker, for a history with commits missing: every readable
/// commit reachable from `tips.include` and not from `tips.hide`, parents first; each
/// commit that cannot be read is a warning (the history behind it is not reached).
fn tolerant_walk(repo: &Repository, tips: &Tips, warnings: &mut Vec<String>) -> Vec<Oid> {
    let unreadable = |id: Oid, error: git2::Error, warnings: &mut Vec<String>| {
        warnings.push(format!(
            "cannot read commit {id}: {}; it and the history only it leads to were not scanned",
            error.message()
        ));
    };
    // Everything the hidden tips reach, as far as it can be read.
    let mut hidden = HashSet::new();
    let mut stack: Vec<Oid> = tips.hide.clone();
    while let Some(id) = stack.pop() {
        if !hidden.insert(id) {
            continue;
        }
        if let Ok(commit) = repo.find_commit(id) {
            stack.extend(commit.parent_ids());
        }
    }
    // Depth first from the included tips; a commit is emitted after all its parents.
    let mut order = Vec::new();
    let mut state: HashMap<Oid, bool> = HashMap::new(); // false: entered, true: emitted
    let mut starts: Vec<Oid> = tips.include.clone();
    starts.sort();
    starts.dedup();
    for tip in starts {
        let mut stack: Vec<(Oid, Vec<Oid>)> = Vec::new();
        let enter = |id: Oid,
                     stack: &mut Vec<(Oid, Vec<Oid>)>,
                     state: &mut HashMap<Oid, bool>,
                     warnings: &mut Vec<String>| {
            if hidden.contains(&id) || state.contains_key(&id) {
                return;
            }
            match repo.find_commit(id) {
                Ok(commit) => {
                    state.insert(id, false);
                    let mut parents: Vec<Oid> = commit.parent_ids().collect();
                    parents.reverse();
                    stack.push((id, parents));
                }
                Err(error) => {
                    state.insert(id, true);
                    unreadable(id, error, warnings);
                }
            }
        };
        enter(tip, &mut stack, &mut state, warnings);
        while let Some((id, parents)) = stack.last_mut() {
            if let Some(parent) = parents.pop() {
                enter(parent, &mut stack, &mut state, warnings);
            } else {
                let id = *id;
                stack.pop();
                state.insert(id, true);
                order.push(id);
            }
        }
    }
    order
}

/// The tips of a revision range.
fn range_tips(repo: &Repository, range: &str, tips: &mut Tips) -> Result<(), String> {
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
        tips.include.extend([from, to]);
        if let Ok(base) = repo.merge_base(from, to) {
            tips.hide.push(base);
        }
    } else if mode.contains(git2::RevparseMode::RANGE) {
        tips.include.extend(to);
        tips.hide.extend(from);
    } else {
        return Err(format!(
            "invalid range `{range}`: a range is `A..B` (reachable from B, not from A) or \
             `A...B`; to scan everything `{range}` reaches, use --branch {range}"
        ));
    }
    Ok(())
}

/// The commits every ref points at (peeling tags), each stash entry, and a detached `HEAD`.
///
/// A ref whose object is missing is an error (a warning with `keep_going`); a stash reflog
/// entry whose commit is gone (pruned after `git stash drop`) is only a warning.
pub(super) fn starting_commits(
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
pub(super) fn commit_of_reference(
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
pub(super) fn shallow_warning(repo: &Repository) -> Option<String> {
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
pub(super) fn check_complete(repo: &Repository, commits: &[Oid]) -> Result<(), String> {
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
