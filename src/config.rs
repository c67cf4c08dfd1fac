//! `.leakward.toml`: discovery, parsing with line-numbered errors, validation.

use crate::error::{Error, Result};
use crate::filter::PathAllowlist;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration file's name, looked for at the root of the scanned repository.
pub const CONFIG_FILE_NAME: &str = ".leakward.toml";

/// The configuration file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What is never reported.
    #[serde(default)]
    pub allowlist: AllowlistConfig,
}

/// The `[allowlist]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistConfig {
    /// Globs, relative to the configuration file's directory, of paths never scanned.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// A configuration with where it came from.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The parsed contents (defaults when there is no file).
    pub config: Config,
    /// The compiled path allowlist.
    pub path_allowlist: PathAllowlist,
}

impl LoadedConfig {
    /// No configuration file: defaults.
    pub fn none() -> LoadedConfig {
        LoadedConfig {
            path: None,
            config: Config::default(),
            path_allowlist: PathAllowlist::none(),
        }
    }

    /// Reads and validates the configuration file at `path`.
    ///
    /// # Errors
    /// An unreadable file, invalid TOML, an unknown key or an invalid glob, with the line.
    pub fn load(path: &Path) -> Result<LoadedConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: crate::rules::describe_toml_error(&text, &e),
        })?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let path_allowlist = PathAllowlist::new(base, &config.allowlist.paths, path)?;
        Ok(LoadedConfig {
            path: Some(path.to_path_buf()),
            config,
            path_allowlist,
        })
    }
}

/// Finds the configuration for a scan of `start`: the first `.leakward.toml` in `start` (or
/// its directory, for a file) and its parents, stopping at the repository root (a directory
/// with `.git`).
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_dir() {
        start.to_path_buf()
    } else {
        start.parent().unwrap_or(Path::new(".")).to_path_buf()
    };
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "[allowlist]\npaths = []\npathz = []\n").unwrap();
        let error = LoadedConfig::load(&path).unwrap_err().to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("pathz"), "{error}");
    }

    #[test]
    fn invalid_globs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "[allowlist]\npaths = [\"a/[b\"]\n").unwrap();
        assert!(LoadedConfig::load(&path)
            .unwrap_err()
            .to_string()
            .contains("invalid glob"));
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(discover(&repo.join("src")), None);
        std::fs::write(repo.join(CONFIG_FILE_NAME), "").unwrap();
        assert_eq!(
            discover(&repo.join("src")).unwrap(),
            repo.join(CONFIG_FILE_NAME).canonicalize().unwrap()
        );
    }
}
