//! Files git tracks that an ignore rule hides from the walk: force-added files
//! (`git add -f .env.example`). They are part of the repository and are pushed with it, so a
//! scan of a work tree reads them even though `.gitignore` names them.

use git2::{Repository, RepositoryOpenFlags};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Index entries of these modes are files with content on disk (regular or executable);
/// symbolic links (0o120000) and submodules (0o160000) are not.
const REGULAR_FILE: u32 = 0o100644;
const EXECUTABLE_FILE: u32 = 0o100755;

/// The files the git index of the repository around `root` tracks under `root` that are
/// not in `walked` (canonical paths the walk already visited), as `root`-based paths in the
/// form the walk gives (`root/relative/path`), sorted.
///
/// Outside a git work tree, or when the index cannot be read, there are none: the walk is
/// then the whole truth, as it is for ripgrep.
pub fn missed_by_walk(root: &Path, walked: &HashSet<PathBuf>) -> Vec<PathBuf> {
    let Ok(canonical_root) = root.canonicalize() else {
        return Vec::new();
    };
    let start = if canonical_root.is_dir() {
        canonical_root.clone()
    } else {
        match canonical_root.parent() {
            Some(parent) => parent.to_path_buf(),
            None => return Vec::new(),
        }
    };
    let Ok(repo) = Repository::open_ext(
        &start,
        RepositoryOpenFlags::empty(),
        std::iter::empty::<&std::ffi::OsStr>(),
    ) else {
        return Vec::new();
    };
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Vec::new();
    };
    let Ok(index) = repo.index() else {
        return Vec::new();
    };
    let mut missed = Vec::new();
    for entry in index.iter() {
        if entry.mode != REGULAR_FILE && entry.mode != EXECUTABLE_FILE {
            continue;
        }
        // Stage bits (conflicted entries) appear once per side: take the file once.
        if (entry.flags >> 12) & 0x3 > 1 {
            continue;
        }
        let relative = path_from_index(&entry.path);
        let absolute = workdir.join(&relative);
        let Ok(under_root) = absolute.strip_prefix(&canonical_root) else {
            if absolute != canonical_root {
                continue;
            }
            // `root` is this very file.
            if !walked.contains(&absolute) && absolute.is_file() {
                missed.push(root.to_path_buf());
            }
            continue;
        };
        if walked.contains(&absolute) || under_root.components().any(|c| c.as_os_str() == ".git") {
            continue;
        }
        // Deleted in the work tree (only in the index): nothing on disk to scan.
        if absolute.is_file() {
            missed.push(root.join(under_root));
        }
    }
    missed.sort();
    missed.dedup();
    missed
}

#[cfg(unix)]
fn path_from_index(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_index(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}
