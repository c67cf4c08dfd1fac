//! Options of `leakward report`.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Options of `leakward report`.
#[derive(Debug, Args)]
pub struct ReportCommandArgs {
    /// What to do with reports.
    #[command(subcommand)]
    pub action: ReportAction,
}

/// What `leakward report` does.
#[derive(Debug, Subcommand)]
pub enum ReportAction {
    /// Merge the JSON reports of many repositories (`audit`, `git -f json`) into one: the
    /// same secret found in several repositories is one incident with all its places.
    Merge(MergeArgs),
}

/// Options of `leakward report merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports, or directories whose `*.json` files are reports.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = MergeFormat::Json)]
    pub format: MergeFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Show secrets in full where the reports have them (they are redacted otherwise).
    #[arg(long)]
    pub show_secrets: bool,
    /// Exit 0 even when the reports have findings.
    #[arg(long)]
    pub exit_zero: bool,
}

/// Formats of `leakward report merge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    /// One JSON document: repositories, incidents and every finding with its repository.
    Json,
    /// SARIF 2.1.0: one result per finding, its repository as the location's base.
    Sarif,
    /// One self-contained HTML page: summary, filters, one row per incident.
    Html,
}
