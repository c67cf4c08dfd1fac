//! Path allowlist: globs, relative to the configuration file's directory, of files not scanned.

use crate::error::{Error, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Globs of paths that are never scanned (fixtures, vendored code, the rules' own examples).
#[derive(Debug, Clone)]
pub struct PathAllowlist {
    /// Canonical directory the globs are relative to.
    base: PathBuf,
    /// Canonical current directory, to make walked relative paths absolute.
    current_dir: PathBuf,
    globs: GlobSet,
    empty: bool,
}

impl PathAllowlist {
    /// An allowlist that excludes nothing.
    pub fn none() -> PathAllowlist {
        PathAllowlist {
            base: PathBuf::new(),
            current_dir: PathBuf::new(),
            globs: GlobSet::empty(),
            empty: true,
        }
    }

    /// Compiles `patterns` (gitignore-like globs: `fixtures/**`, `**/*.snap`) relative to `base`.
    ///
    /// # Errors
    /// An invalid glob, reported against `config_path`.
    pub fn new(base: &Path, patterns: &[String], config_path: &Path) -> Result<PathAllowlist> {
        if patterns.is_empty() {
            return Ok(PathAllowlist::none());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern).map_err(|e| Error::Config {
                path: config_path.to_path_buf(),
                message: format!("allowlist.paths: invalid glob {pattern:?}: {e}"),
            })?;
            builder.add(glob);
        }
        let globs = builder.build().map_err(|e| Error::Config {
            path: config_path.to_path_buf(),
            message: e.to_string(),
        })?;
        let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        let current_dir = std::env::current_dir()
            .and_then(|cwd| cwd.canonicalize())
            .map_err(|source| Error::Io {
                path: PathBuf::from("."),
                source,
            })?;
        Ok(PathAllowlist {
            base,
            current_dir,
            globs,
            empty: false,
        })
    }

    /// Whether `path` (as walked: relative to the current directory, or absolute) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        if self.empty {
            return false;
        }
        let absolute = normalize(&self.current_dir.join(path));
        match absolute.strip_prefix(&self.base) {
            Ok(relative) => self.globs.is_match(relative),
            Err(_) => false,
        }
    }
}

/// Removes `.` and `..` components without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
