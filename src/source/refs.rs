//! Facts about a repository that hooks and CI need before a history scan: which commits
//! exist, what a remote already has, where hooks live.

use crate::error::{Error, Result};
use git2::{Oid, Repository};
use std::path::{Path, PathBuf};

/// An opened repository, with the path it was found from for error messages.
pub struct Repo {
    repo: Repository,
    start: PathBuf,
}

impl Repo {
    /// Finds the repository containing `start`, as git does.
    ///
    /// # Errors
    /// [`Error::Input`] when there is none.
    pub fn discover(start: &Path) -> Result<Repo> {
        let repo = Repository::discover(start).map_err(|e| Error::Input {
            path: start.to_path_buf(),
            message: super::describe_open_error(&e),
        })?;
        Ok(Repo {
            repo,
            start: start.to_path_buf(),
        })
    }

    fn error(&self, message: String) -> Error {
        Error::Input {
            path: self.start.clone(),
            message,
        }
    }

    /// The commit a full 40-hex id names (an annotated tag's id names the commit it tags),
    /// if it is in the object database. `None` for the all-zero id git uses for "no commit",
    /// for malformed ids and for missing objects.
    pub fn commit(&self, hex: &str) -> Option<Oid> {
        let id = Oid::from_str(hex.trim()).ok()?;
        if id.is_zero() {
            return None;
        }
        self.repo
            .find_object(id, None)
            .and_then(|object| object.peel_to_commit())
            .ok()
            .map(|c| c.id())
    }

    /// Whether `hex` is git's all-zero id (a ref that does not exist on one side).
    pub fn is_zero_id(hex: &str) -> bool {
        let hex = hex.trim();
        !hex.is_empty() && hex.bytes().all(|b| b == b'0')
    }

    /// The commit a ref or revision (`origin/main`, `refs/heads/x`) points at, if any.
    pub fn resolve(&self, name: &str) -> Option<Oid> {
        self.repo
            .revparse_single(name)
            .and_then(|o| o.peel_to_commit())
            .ok()
            .map(|c| c.id())
    }

    /// The commits the remote-tracking refs of `remote` (`refs/remotes/<remote>/*`) point
    /// at: what that remote is known to have.
    ///
    /// # Errors
    /// The refs cannot be listed.
    pub fn remote_tips(&self, remote: &str) -> Result<Vec<Oid>> {
        let glob = format!("refs/remotes/{remote}/*");
        let references = self
            .repo
            .references_glob(&glob)
            .map_err(|e| self.error(format!("cannot list {glob}: {}", e.message())))?;
        let mut tips: Vec<Oid> = references
            .filter_map(|r| r.ok()?.peel_to_commit().ok().map(|c| c.id()))
            .collect();
        tips.sort();
        tips.dedup();
        Ok(tips)
    }

    /// Whether `name` is a configured remote.
    pub fn has_remote(&self, name: &str) -> bool {
        self.repo.find_remote(name).is_ok()
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The directory git runs hooks from: `core.hooksPath` (relative to the work tree's
    /// root, as git reads it) or `.git/hooks`.
    ///
    /// # Errors
    /// The configuration cannot be read.
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        let config = self
            .repo
            .config()
            .map_err(|e| self.error(format!("cannot read git config: {}", e.message())))?;
        match config.get_path("core.hooksPath") {
            Ok(path) if path.is_absolute() => Ok(path),
            Ok(path) => Ok(self
                .repo
                .workdir()
                .unwrap_or_else(|| self.repo.path())
                .join(path)),
            Err(_) => Ok(self.repo.path().join("hooks")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Repo;

    #[test]
    fn zero_ids() {
        assert!(Repo::is_zero_id("0000000000000000000000000000000000000000"));
        assert!(!Repo::is_zero_id(
            "0000000000000000000000000000000000000001"
        ));
        assert!(!Repo::is_zero_id(""));
    }
}
