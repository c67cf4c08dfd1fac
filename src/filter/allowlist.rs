//! Allowlists: path globs, regexes on the secret, stopwords, fingerprints and commits,
//! globally or per rule.

use crate::error::{Error, Result};
use crate::finding::Finding;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Globs of paths, relative to the configuration file's directory.
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
    /// A list that matches nothing.
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
    /// An invalid glob, reported against `config_path` at its line in `config_text`.
    pub fn new(
        base: &Path,
        patterns: &[Spanned<String>],
        config_path: &Path,
        config_text: &str,
    ) -> Result<PathAllowlist> {
        if patterns.is_empty() {
            return Ok(PathAllowlist::none());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern.get_ref()).map_err(|e| Error::Config {
                path: config_path.to_path_buf(),
                message: format!(
                    "line {}: invalid glob {:?}: {}",
                    crate::lines::line_of(config_text, pattern.span().start),
                    pattern.get_ref(),
                    e.kind()
                ),
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

    /// Compiles globs given on the command line, relative to the current directory.
    ///
    /// # Errors
    /// An invalid glob, named with the reason.
    pub fn from_command_line(patterns: &[String]) -> Result<PathAllowlist> {
        if patterns.is_empty() {
            return Ok(PathAllowlist::none());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = Glob::new(pattern).map_err(|e| Error::Usage {
                message: format!("--exclude: invalid glob {pattern:?}: {}", e.kind()),
            })?;
            builder.add(glob);
        }
        let globs = builder.build().map_err(|e| Error::Usage {
            message: format!("--exclude: {e}"),
        })?;
        let current_dir = std::env::current_dir()
            .and_then(|cwd| cwd.canonicalize())
            .map_err(|source| Error::Io {
                path: PathBuf::from("."),
                source,
            })?;
        Ok(PathAllowlist {
            base: current_dir.clone(),
            current_dir,
            globs,
            empty: false,
        })
    }

    /// Whether `path` (as walked: relative to the current directory, or absolute) matches.
    pub fn excludes(&self, path: &Path) -> bool {
        if self.empty {
            return false;
        }
        let absolute = crate::paths::lexical_normalize(&self.current_dir.join(path));
        match absolute.strip_prefix(&self.base) {
            Ok(relative) => self.globs.is_match(relative),
            Err(_) => false,
        }
    }

    /// Whether `path`, already relative to the configuration's directory (a path in a git
    /// repository whose root holds the configuration), matches.
    pub fn matches_relative(&self, path: &str) -> bool {
        !self.empty && self.globs.is_match(path)
    }
}

/// One allowlist table as written, with the spans that errors point at.
#[derive(Debug, Clone, Copy)]
pub struct AllowlistEntries<'a> {
    /// Path globs.
    pub paths: &'a [Spanned<String>],
    /// Regexes on the secret.
    pub regexes: &'a [Spanned<String>],
    /// Case-insensitive substrings of the secret.
    pub stopwords: &'a [String],
    /// Fingerprints of findings.
    pub fingerprints: &'a [Spanned<String>],
    /// Commit ids (or prefixes of 7+ hex digits) whose introductions are accepted.
    pub commits: &'a [Spanned<String>],
}

/// One set of allowlist entries: paths, regexes on the secret, stopwords, fingerprints and
/// commits.
#[derive(Debug, Clone)]
pub struct AllowlistParts {
    paths: PathAllowlist,
    regexes: Vec<Regex>,
    /// Lower-cased.
    stopwords: Vec<Vec<u8>>,
    fingerprints: BTreeSet<String>,
    /// Lower-case hex prefixes.
    commits: Vec<String>,
}

impl Default for AllowlistParts {
    fn default() -> AllowlistParts {
        AllowlistParts {
            paths: PathAllowlist::none(),
            regexes: Vec::new(),
            stopwords: Vec::new(),
            fingerprints: BTreeSet::new(),
            commits: Vec::new(),
        }
    }
}

impl AllowlistParts {
    /// Compiles one table's entries.
    ///
    /// # Errors
    /// An invalid glob or regex, with its line in `config_text`.
    pub fn compile(
        base: &Path,
        config_path: &Path,
        config_text: &str,
        entries: AllowlistEntries<'_>,
    ) -> Result<AllowlistParts> {
        let invalid = |entry: &Spanned<String>, what: &str| Error::Config {
            path: config_path.to_path_buf(),
            message: format!(
                "line {}: {what}: {:?}",
                crate::lines::line_of(config_text, entry.span().start),
                entry.get_ref()
            ),
        };
        let is_hex = |text: &str| text.bytes().all(|b| b.is_ascii_hexdigit());
        let mut fingerprints = BTreeSet::new();
        for entry in entries.fingerprints {
            let fingerprint = entry.get_ref().trim().to_ascii_lowercase();
            if fingerprint.len() != 32 || !is_hex(&fingerprint) {
                return Err(invalid(
                    entry,
                    "a fingerprint is 32 hex digits, as reports print it",
                ));
            }
            fingerprints.insert(fingerprint);
        }
        let mut commits = Vec::new();
        for entry in entries.commits {
            let commit = entry.get_ref().trim().to_ascii_lowercase();
            if !(7..=64).contains(&commit.len()) || !is_hex(&commit) {
                return Err(invalid(entry, "a commit is 7 to 64 hex digits"));
            }
            commits.push(commit);
        }
        let paths = PathAllowlist::new(base, entries.paths, config_path, config_text)?;
        let regexes = entries
            .regexes
            .iter()
            .map(|r| {
                RegexBuilder::new(r.get_ref())
                    .unicode(false)
                    .build()
                    .map_err(|e| Error::Config {
                        path: config_path.to_path_buf(),
                        message: format!(
                            "line {}: invalid regex {:?}: {e}",
                            crate::lines::line_of(config_text, r.span().start),
                            r.get_ref()
                        ),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let stopwords = entries
            .stopwords
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect();
        Ok(AllowlistParts {
            paths,
            regexes,
            stopwords,
            fingerprints,
            commits,
        })
    }

    fn has_stopword(&self, secret: &[u8]) -> bool {
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|w| lower.windows(w.len()).any(|window| window == w.as_slice()))
    }

    fn allows(&self, finding: &Finding) -> bool {
        let secret = finding.secret.expose();
        // An archive's path allows its members too.
        let path = finding.file_path();
        let path_matches = if finding.path_in_repository {
            self.paths.matches_relative(path)
        } else {
            self.paths.excludes(Path::new(path))
        };
        let commit_matches = finding.provenance.as_ref().is_some_and(|p| {
            self.commits
                .iter()
                .any(|prefix| p.commit.starts_with(prefix.as_str()))
        });
        path_matches
            || commit_matches
            || self.fingerprints.contains(finding.fingerprint.as_str())
            || self.regexes.iter().any(|r| r.is_match(secret))
            || self.has_stopword(secret)
    }
}

/// The whole `[allowlist]`: global entries and per-rule ones.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    global: AllowlistParts,
    per_rule: BTreeMap<String, AllowlistParts>,
    /// Lines of per-rule tables, to report unknown rule ids.
    per_rule_lines: BTreeMap<String, usize>,
}

impl Allowlist {
    /// An allowlist from its global part and its per-rule parts (with their lines).
    pub fn new(
        global: AllowlistParts,
        per_rule: BTreeMap<String, (AllowlistParts, usize)>,
    ) -> Allowlist {
        let per_rule_lines = per_rule
            .iter()
            .map(|(id, (_, line))| (id.clone(), *line))
            .collect();
        let per_rule = per_rule
            .into_iter()
            .map(|(id, (parts, _))| (id, parts))
            .collect();
        Allowlist {
            global,
            per_rule,
            per_rule_lines,
        }
    }

    /// Whether the finding is allowed (and so not reported).
    pub fn allows(&self, finding: &Finding) -> bool {
        self.global.allows(finding)
            || self
                .per_rule
                .get(&finding.rule.id)
                .is_some_and(|parts| parts.allows(finding))
    }

    /// Rule ids of per-rule tables, with the line of each table.
    pub fn rule_ids(&self) -> impl Iterator<Item = (&str, usize)> {
        self.per_rule_lines
            .iter()
            .map(|(id, line)| (id.as_str(), *line))
    }
}
