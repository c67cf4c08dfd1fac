//! Command-line definitions (clap derive); nothing else.

mod verify;

pub use verify::{ExplainArgs, FailOn, RevokeArgs, VerifyArgs, VerifyReportArgs};

use crate::report::Format;
use crate::rules::{Category, Severity};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub mod audit;
pub mod manual;
pub mod report;

pub use audit::AuditArgs;
pub use report::{MergeArgs, MergeFormat, ReportAction, ReportCommandArgs};

/// leakward finds AI provider API keys and other credentials before they leave your laptop.
#[derive(Debug, Parser)]
#[command(name = "leakward", version = env!("LEAKWARD_VERSION"), about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (default `.`), or standard input with `-`.
    Scan(ScanArgs),
    /// Scan every commit of a git repository's history (default `.`).
    Git(GitArgs),
    /// Scan the staged changes, as the pre-commit hook: keys on added lines only.
    Staged(StagedArgs),
    /// The pre-push hook: scan only the commits a push sends that the remote does not have
    /// (reads git's pre-push lines on standard input).
    PrePush(PrePushArgs),
    /// Install leakward as this repository's pre-commit (or pre-push) hook.
    InstallHook(InstallHookArgs),
    /// Remove the hook `install-hook` wrote (and put back the one it replaced, if kept).
    UninstallHook(UninstallHookArgs),
    /// CI mode: scan the commits of this pull request or push (GitHub Actions, GitLab CI),
    /// or the whole history elsewhere.
    Ci(CiArgs),
    /// Record today's findings in a baseline file, so later runs report only new ones.
    Baseline(Box<BaselineArgs>),
    /// Scan the history of every repository in a list (cloned or fetched into a work
    /// directory), one JSON report each; `--shard K/N` splits the list between runs.
    Audit(AuditArgs),
    /// Work with reports: `report merge` merges many repositories' JSON reports into one.
    Report(ReportCommandArgs),
    /// List the rules, or prove their examples with `rules check`.
    Rules(RulesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(manual::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(manual::ManArgs),
    /// Check the keys of a report written with `--show-secrets` against their providers.
    Verify(VerifyReportArgs),
    /// Revoke the keys of a report written with `--show-secrets` through their providers'
    /// APIs where one exists (asking first), and say how to revoke the others.
    Revoke(RevokeArgs),
    /// What a kind of key grants, and how to revoke, rotate and replace it.
    Explain(ExplainArgs),
}

/// Options of every scanning command: threads, configuration and rules.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Scanning threads (default: `[scan] threads`, or the number of CPUs; 0 means the
    /// number of CPUs; at most 8 per CPU).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Configuration file (default: .leakward.toml at the root of the scanned repository).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any .leakward.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Use the rules in this file or directory instead of the built-in ones.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The most secrets a generic rule (a secret-like value assigned to a name such as
    /// `token`, any JWT, a password in a URL) reports in one file, after which a warning
    /// counts the places it did not examine; provider rules have no limit. 0: no limit.
    /// Default: `[scan] generic_limit`, or 100.
    #[arg(long, value_name = "N")]
    pub generic_limit: Option<usize>,
    /// Which rule categories run.
    #[command(flatten)]
    pub categories: CategoryArgs,
}

/// Which rule categories run (`leakward rules` lists each rule's category).
#[derive(Debug, Args, Default, Clone)]
pub struct CategoryArgs {
    /// Run only the rules of these categories (comma-separated: ai, cloud, forge-ci, registry,
    /// payment, chat-mail, database, saas, observability, private-key, generic, custom).
    /// Replaces `only_categories` of the configuration.
    #[arg(long, value_delimiter = ',', value_parser = Category::parse, value_name = "CATEGORIES")]
    pub only_categories: Vec<Category>,
    /// Do not run the rules of these categories (comma-separated). Replaces `skip_categories`
    /// of the configuration.
    #[arg(long, value_delimiter = ',', value_parser = Category::parse, value_name = "CATEGORIES")]
    pub skip_categories: Vec<Category>,
    /// Run only the rules of at least this severity (low, medium, high, critical). Replaces
    /// `min_severity` of the configuration.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,
}

/// Options of the commands that walk files: what to read, and the setup.
#[derive(Debug, Args)]
pub struct CommonScanArgs {
    /// Also scan files that .gitignore and .ignore files exclude (files git tracks are
    /// always scanned).
    #[arg(long)]
    pub no_ignore: bool,
    /// Apply .gitignore files outside a git repository too (by default they apply only
    /// inside one, as in ripgrep).
    #[arg(long, conflicts_with = "no_ignore")]
    pub no_require_git: bool,
    /// Never read paths matching this glob (relative to the current directory; repeatable;
    /// counted as excluded). Adds to `[scan] exclude`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than this (bytes, or with a K, M or G suffix).
    #[arg(long, value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Threads, configuration and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// How to report, shared by `scan` and `git`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Print secrets in full instead of redacted.
    #[arg(long)]
    pub show_secrets: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// When to colour the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Exit 0 even when there are findings (report them, do not fail); errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
    /// Verification against the providers.
    #[command(flatten)]
    pub verify: VerifyArgs,
}

/// Options of `leakward scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// What to read and with which rules.
    #[command(flatten)]
    pub common: CommonScanArgs,
}

/// Which commits `leakward git` scans.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository: a work tree, its .git directory, or a bare repository.
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Only the commits in this range (`A..B`: reachable from B and not from A; `A...B`:
    /// from either but not both): the blobs they added. A single revision is an error: use
    /// `--branch REV` for everything it reaches.
    #[arg(long)]
    pub range: Option<String>,
    /// Only commits from this date on (`YYYY-MM-DD` or RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Only the commits reachable from this ref instead of from every ref.
    #[arg(long)]
    pub branch: Option<String>,
    /// Report unreadable objects as warnings and go on, instead of stopping (exit 2).
    #[arg(long)]
    pub keep_going: bool,
    /// The blob cache.
    #[command(flatten)]
    pub cache: CacheArgs,
    /// Threads, configuration and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// The blob cache of history scans.
#[derive(Debug, Args, Default, Clone)]
pub struct CacheArgs {
    /// Remember what each blob held (by blob id, rule set and leakward version), so that a
    /// rescan reads only the blobs it has not seen. DIR defaults to $XDG_CACHE_HOME/leakward,
    /// else ~/.cache/leakward; give it as --cache=DIR.
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true)]
    pub cache: Option<Option<PathBuf>>,
}

/// Options of `leakward git`.
#[derive(Debug, Args)]
pub struct GitArgs {
    /// Which commits.
    #[command(flatten)]
    pub history: HistoryArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Options of `leakward staged`.
#[derive(Debug, Args)]
pub struct StagedArgs {
    /// Only these files (as the pre-commit framework passes them); all staged files if none.
    pub paths: Vec<PathBuf>,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Threads, configuration and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// Options of `leakward pre-push`, as git runs a pre-push hook.
#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// The remote's name (or URL when pushing to a URL), as git passes it.
    pub remote: Option<String>,
    /// The remote's URL, as git passes it.
    pub url: Option<String>,
    /// The blob cache.
    #[command(flatten)]
    pub cache: CacheArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Threads, configuration and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// Options of `leakward install-hook`.
#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// The repository (default: the one containing the current directory).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Install the pre-push hook instead of the pre-commit hook.
    #[arg(long)]
    pub pre_push: bool,
    /// Replace a hook that leakward did not write (it is kept as `<hook>.leakward-backup`).
    #[arg(long)]
    pub force: bool,
}

/// Options of `leakward uninstall-hook`.
#[derive(Debug, Args)]
pub struct UninstallHookArgs {
    /// The repository (default: the one containing the current directory).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Remove the pre-push hook instead of the pre-commit hook.
    #[arg(long)]
    pub pre_push: bool,
}

/// Options of `leakward ci`.
#[derive(Debug, Args)]
pub struct CiArgs {
    /// The repository checkout.
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Also write a SARIF report to this file (for GitHub's upload-sarif action).
    #[arg(long)]
    pub sarif: Option<PathBuf>,
    /// The blob cache.
    #[command(flatten)]
    pub cache: CacheArgs,
    /// How to report.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Threads, configuration and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// Options of `leakward baseline`: `leakward baseline [scan] [PATH...] -o FILE`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BaselineArgs {
    /// What to record (default: `scan`).
    #[command(subcommand)]
    pub source: Option<BaselineSource>,
    /// `leakward baseline PATH…` is `leakward baseline scan PATH…`.
    #[command(flatten)]
    pub scan: BaselineScanArgs,
}

/// The sources a baseline can be recorded from.
#[derive(Debug, Subcommand)]
pub enum BaselineSource {
    /// Record the findings of `leakward scan`.
    Scan(BaselineScanArgs),
    /// Record the findings of `leakward git`.
    Git(BaselineGitArgs),
}

/// Options of `leakward baseline git`.
#[derive(Debug, Args)]
pub struct BaselineGitArgs {
    /// Which commits.
    #[command(flatten)]
    pub history: HistoryArgs,
    /// The baseline file to write.
    #[arg(long, short = 'o', default_value = ".leakward-baseline.json")]
    pub output: PathBuf,
}

/// Options of `leakward baseline scan`.
#[derive(Debug, Args)]
pub struct BaselineScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The baseline file to write.
    #[arg(long, short = 'o', default_value = ".leakward-baseline.json")]
    pub output: PathBuf,
    /// What to read and with which rules.
    #[command(flatten)]
    pub common: CommonScanArgs,
}

/// Options of `leakward rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `check` proves every rule's examples and negatives.
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Listing format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Use the rules in this file or directory instead of the built-in ones.
    #[arg(long, global = true)]
    pub rules: Option<PathBuf>,
    /// Configuration whose custom rules and `disable` list apply (default: .leakward.toml
    /// of the current repository).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Ignore any .leakward.toml.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// List only the rules of this category.
    #[arg(long, value_parser = Category::parse)]
    pub category: Option<Category>,
    /// Which rule categories are loaded (as for the scanning commands).
    #[command(flatten)]
    pub categories: CategoryArgs,
}

/// What `leakward rules` can do besides listing.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Prove that every example is found and every negative is not.
    Check,
}

/// Formats of `leakward rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One rule per line.
    Text,
    /// A JSON array.
    Json,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Parses `1234`, `10K`, `5M`, `1G` (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| {
            format!("invalid size {text:?}: use a number of bytes, or a number with K, M or G")
        })
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10"), Ok(10));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
