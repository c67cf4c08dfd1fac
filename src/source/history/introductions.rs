//! Phase 2: the `(blob, path)` pairs each commit introduces, from tree diffs computed in
//! parallel and interned into a [`History`].

use super::parallel::in_parallel;
use super::{index_u32, History, COMMIT_BATCH};
use git2::{ObjectType, Oid, Repository, Tree};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What one commit introduces (with a warning when a parent could not be read and the
/// commit was diffed without it), or why it could not be read.
pub(super) type CommitWork =
    std::result::Result<Option<(Vec<(Oid, Vec<u8>)>, Option<String>)>, String>;

/// Phase 2: the introductions of every commit, computed in parallel and interned.
pub(super) fn introductions(
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
            Ok(Some((introduced, warning))) => {
                warnings.extend(warning);
                introduced
            }
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
                    let work =
                        commit_introductions(repo, &mut trees, commits[index], since, keep_going);
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
pub(super) struct TreeCache<'r> {
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

/// The (blob, path) pairs `commit_id` introduces; `None` if it is older than `since`.
///
/// With `keep_going`, a parent that cannot be read (a missing object) is left out of the
/// diff, with a warning: a commit whose only parent is missing is diffed against nothing, so
/// its whole tree is scanned rather than none of it.
pub(super) fn commit_introductions<'r>(
    repo: &'r Repository,
    trees: &mut TreeCache<'r>,
    commit_id: Oid,
    since: Option<i64>,
    keep_going: bool,
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
    let mut warning = None;
    let mut parent_trees = Vec::new();
    for parent in commit.parent_ids() {
        match read_parent_tree(trees, parent) {
            Ok(tree) => parent_trees.push(tree),
            Err(message) if keep_going => {
                warning = Some(format!(
                    "{message}; the commit was compared without it, so it may be credited \
                     with keys that parent added"
                ));
            }
            Err(message) => return Err(message),
        }
    }
    let mut parent_trees = parent_trees.into_iter();
    let first = parent_trees.next();
    let mut introduced = Vec::new();
    let mut path = Vec::new();
    changed_blobs(trees, first.as_ref(), &tree, &mut path, &mut introduced)
        .map_err(|e| format!("commit {commit_id}: {e}"))?;
    for parent_tree in parent_trees {
        if introduced.is_empty() {
            break;
        }
        // A merge introduces only what differs from every parent: the conflict resolution.
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
    Ok(Some((introduced, warning)))
}

/// Appends the blobs of `new` (under `path`) that `old` does not have at the same path,
/// descending only into subtrees whose ids differ.
///
/// Both trees are walked side by side in git's tree order, so finding an entry's old
/// version costs no lookup (and no allocation, which `Tree::get_name_bytes` makes).
pub(super) fn changed_blobs(
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
pub(super) fn tree_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    base_name_order(
        a.name_bytes(),
        a.kind() == Some(ObjectType::Tree),
        b.name_bytes(),
        b.kind() == Some(ObjectType::Tree),
    )
}

/// [`tree_order`] on names and whether each names a subtree (git's `base_name_compare`).
pub(super) fn base_name_order(
    a: &[u8],
    a_is_tree: bool,
    b: &[u8],
    b_is_tree: bool,
) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next =
            |name: &[u8], is_tree: bool| name.get(common).copied().or(is_tree.then_some(b'/'));
        next(a, a_is_tree).cmp(&next(b, b_is_tree))
    })
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
}
