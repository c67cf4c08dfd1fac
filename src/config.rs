//! `.leakward.toml`: discovery, parsing with line-numbered errors, validation.
//!
//! ```toml
//! disable = ["generic-secret-assignment"]      # built-in rules to turn off
//! baseline = ".leakward-baseline.json"         # accepted findings (--baseline wins)
//! only_categories = ["ai", "cloud"]             # run only these categories' rules
//! skip_categories = ["generic"]                 # never run these categories' rules
//! min_severity = "medium"                       # run only rules of this severity or worse
//!
//! [scan]
//! max_file_size = "10M"                         # or a number of bytes
//! exclude = ["vendor/**", "**/*.min.js"]        # never read (counted as excluded)
//! threads = 4
//! generic_limit = 100                           # most secrets a generic rule reports per file (0: all)
//!
//! [allowlist]                                   # findings dropped (counted as suppressed)
//! paths = ["tests/fixtures/**"]
//! regexes = ['''^sk-test-''']                   # matched against the secret
//! stopwords = ["dummy"]                         # case-insensitive substrings of the secret
//! fingerprints = ["3f1c…"]                      # findings by fingerprint (any place)
//! commits = ["1a2b3c4d"]                        # findings a commit introduced (history)
//!
//! [allowlist.rule.generic-secret-assignment]    # only for one rule
//! paths = ["docs/**"]
//!
//! [[rule]]                                      # custom rules, same schema as rules/*.toml
//! id = "acme-token"
//! # …
//! ```

use crate::error::{Error, Result};
use crate::filter::{Allowlist, AllowlistEntries, AllowlistParts, Baseline, PathAllowlist};
use crate::rules::{Category, RuleDefinition, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The configuration file's name, looked for at the root of the scanned repository.
pub const CONFIG_FILE_NAME: &str = ".leakward.toml";

/// The configuration file's contents, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Built-in rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// A baseline file (relative to the configuration file) every command applies unless
    /// `--baseline` names another.
    pub baseline: Option<Spanned<String>>,
    /// Run only the rules of these categories (all when empty).
    #[serde(default)]
    pub only_categories: Vec<Category>,
    /// Never run the rules of these categories.
    #[serde(default)]
    pub skip_categories: Vec<Category>,
    /// Run only the rules of at least this severity.
    pub min_severity: Option<Severity>,
    /// How to scan.
    #[serde(default)]
    pub scan: ScanConfig,
    /// What is never reported.
    #[serde(default)]
    pub allowlist: AllowlistConfig,
    /// Custom rules, in the schema of `rules/*.toml`.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Spanned<RuleDefinition>>,
}

/// The `[scan]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Files larger than this are skipped: bytes, or a string with K, M or G.
    pub max_file_size: Option<Spanned<SizeSetting>>,
    /// Globs, relative to the configuration file's directory, of paths never read.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Scanning threads; 0 means one per CPU, as on the command line.
    pub threads: Option<usize>,
    /// The most secrets a generic rule reports in one file; 0 means no limit, as on the
    /// command line.
    pub generic_limit: Option<usize>,
}

/// A size written as a number of bytes or as `"10M"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeSetting {
    /// A number of bytes.
    Bytes(u64),
    /// A number with an optional K, M or G suffix.
    Text(String),
}

/// The `[allowlist]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistConfig {
    /// Globs, relative to the configuration file's directory, of paths whose findings are dropped.
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    /// Regexes; a secret matching one is dropped.
    #[serde(default)]
    pub regexes: Vec<Spanned<String>>,
    /// Case-insensitive substrings; a secret containing one is dropped.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Fingerprints (as reports print them) of findings that are dropped wherever they are.
    #[serde(default)]
    pub fingerprints: Vec<Spanned<String>>,
    /// Commit ids (7 or more hex digits): findings these commits introduced are dropped.
    #[serde(default)]
    pub commits: Vec<Spanned<String>>,
    /// The same, for one rule each: `[allowlist.rule.<rule-id>]`.
    #[serde(default)]
    pub rule: BTreeMap<String, Spanned<RuleAllowlistConfig>>,
}

/// An `[allowlist.rule.<rule-id>]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAllowlistConfig {
    /// Path globs.
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
    /// Regexes on the secret.
    #[serde(default)]
    pub regexes: Vec<Spanned<String>>,
    /// Case-insensitive substrings of the secret.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Fingerprints of findings.
    #[serde(default)]
    pub fingerprints: Vec<Spanned<String>>,
    /// Commit ids whose findings are dropped.
    #[serde(default)]
    pub commits: Vec<Spanned<String>>,
}

/// A validated configuration, compiled, with where it came from.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// Paths never read (`[scan] exclude`).
    pub exclude: PathAllowlist,
    /// Findings dropped (`[allowlist]`).
    pub allowlist: Allowlist,
    /// Built-in rules turned off, with the line that says so.
    pub disable: Vec<(String, usize)>,
    /// The baseline the configuration names, read and checked when the configuration loads.
    pub baseline: Option<Baseline>,
    /// `only_categories`: run only these (all when empty).
    pub only_categories: Vec<Category>,
    /// `skip_categories`: never run these.
    pub skip_categories: Vec<Category>,
    /// `min_severity`: run only rules at least this severe.
    pub min_severity: Option<Severity>,
    /// Custom rules, with the line each starts on.
    pub custom_rules: Vec<(RuleDefinition, usize)>,
    /// `[scan] max_file_size`.
    pub max_file_size: Option<u64>,
    /// `[scan] threads`.
    pub threads: Option<usize>,
    /// `[scan] generic_limit`.
    pub generic_limit: Option<usize>,
}

impl LoadedConfig {
    /// No configuration file: defaults.
    pub fn none() -> LoadedConfig {
        LoadedConfig {
            path: None,
            exclude: PathAllowlist::none(),
            allowlist: Allowlist::default(),
            disable: Vec::new(),
            baseline: None,
            only_categories: Vec::new(),
            skip_categories: Vec::new(),
            min_severity: None,
            custom_rules: Vec::new(),
            max_file_size: None,
            threads: None,
            generic_limit: None,
        }
    }

    /// Reads and validates the configuration file at `path`.
    ///
    /// # Errors
    /// An unreadable file, invalid TOML, an unknown key, an invalid glob, regex or size, each
    /// with the line.
    pub fn load(path: &Path) -> Result<LoadedConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: crate::rules::describe_toml_error(&text, &e),
        })?;
        let fail = |span: std::ops::Range<usize>, message: String| Error::Config {
            path: path.to_path_buf(),
            message: format!("line {}: {message}", line_of(&text, span.start)),
        };
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));

        let exclude = PathAllowlist::new(base, &config.scan.exclude, path, &text)?;
        let max_file_size = match &config.scan.max_file_size {
            None => None,
            Some(setting) => Some(match setting.get_ref() {
                SizeSetting::Bytes(n) => *n,
                SizeSetting::Text(text) => crate::cli::parse_size(text)
                    .map_err(|e| fail(setting.span(), format!("scan.max_file_size: {e}")))?,
            }),
        };

        let global = AllowlistParts::compile(
            base,
            path,
            &text,
            AllowlistEntries {
                paths: &config.allowlist.paths,
                regexes: &config.allowlist.regexes,
                stopwords: &config.allowlist.stopwords,
                fingerprints: &config.allowlist.fingerprints,
                commits: &config.allowlist.commits,
            },
        )?;
        let mut per_rule = BTreeMap::new();
        for (rule_id, table) in &config.allowlist.rule {
            let parts = table.get_ref();
            let compiled = AllowlistParts::compile(
                base,
                path,
                &text,
                AllowlistEntries {
                    paths: &parts.paths,
                    regexes: &parts.regexes,
                    stopwords: &parts.stopwords,
                    fingerprints: &parts.fingerprints,
                    commits: &parts.commits,
                },
            )?;
            per_rule.insert(
                rule_id.clone(),
                (compiled, line_of(&text, table.span().start)),
            );
        }
        let allowlist = Allowlist::new(global, per_rule);

        let baseline = match &config.baseline {
            None => None,
            Some(file) => Some(
                Baseline::load(&base.join(file.get_ref()))
                    .map_err(|e| fail(file.span(), format!("baseline: {e}")))?,
            ),
        };

        Ok(LoadedConfig {
            path: Some(path.to_path_buf()),
            baseline,
            exclude,
            allowlist,
            disable: config
                .disable
                .iter()
                .map(|d| (d.get_ref().clone(), line_of(&text, d.span().start)))
                .collect(),
            only_categories: config.only_categories,
            skip_categories: config.skip_categories,
            min_severity: config.min_severity,
            custom_rules: config
                .rules
                .into_iter()
                .map(|r| (line_of(&text, r.span().start), r.into_inner()))
                .map(|(l, r)| (r, l))
                .collect(),
            max_file_size,
            threads: config.scan.threads,
            generic_limit: config.scan.generic_limit,
        })
    }

    /// A configuration error at `line` of this configuration's file.
    pub fn error_at(&self, line: usize, message: impl Into<String>) -> Error {
        Error::Config {
            path: self
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(CONFIG_FILE_NAME)),
            message: format!("line {line}: {}", message.into()),
        }
    }
}

pub use crate::lines::line_of;

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

    fn load(text: &str) -> Result<LoadedConfig> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, text).unwrap();
        LoadedConfig::load(&path)
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let error = load("[allowlist]\npaths = []\npathz = []\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("pathz"), "{error}");
    }

    #[test]
    fn invalid_globs_and_regexes_name_their_line() {
        let error = load("[allowlist]\npaths = [\n  \"ok/**\",\n  \"a/[b\",\n]\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("line 4") && error.contains("invalid glob"),
            "{error}"
        );
        let error = load("[allowlist.rule.groq-api-key]\nregexes = ['(unclosed']\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("line 2") && error.contains("invalid regex"),
            "{error}"
        );
    }

    #[test]
    fn sizes_threads_and_rules_are_read() {
        let config = load(
            "disable = [\"jwt\"]\n[scan]\nmax_file_size = \"2K\"\nthreads = 3\n\n[[rule]]\nid = \"x\"\nname = \"X\"\nprovider = \"X\"\nkeywords = [\"xyz\"]\npattern = '''(xyz)'''\nseverity = \"low\"\nrevoke = \"https://x.invalid/\"\n",
        )
        .unwrap();
        assert_eq!(config.max_file_size, Some(2048));
        assert_eq!(config.threads, Some(3));
        assert_eq!(config.disable, [("jwt".to_string(), 1)]);
        assert_eq!(config.custom_rules.len(), 1);
        assert_eq!(config.custom_rules[0].1, 6);
        assert!(load("[scan]\nmax_file_size = \"ten\"\n")
            .unwrap_err()
            .to_string()
            .contains("line 2"));
    }

    #[test]
    fn categories_are_read_and_unknown_ones_name_their_line() {
        let config =
            load("only_categories = [\"ai\", \"forge-ci\"]\nskip_categories = [\"generic\"]\n")
                .unwrap();
        assert_eq!(config.only_categories, [Category::Ai, Category::ForgeCi]);
        assert_eq!(config.skip_categories, [Category::Generic]);
        let error = load("\nskip_categories = [\"clouds\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("line 2") && error.contains("clouds"),
            "{error}"
        );
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
