//! Options of verification (`--verify`, `--fail-on`) and of the `verify`, `revoke` and
//! `explain` commands.

use super::ColorChoice;
use crate::report::Format;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// `--verify` and `--fail-on`, on every scanning command.
#[derive(Debug, Args, Clone, Default)]
pub struct VerifyArgs {
    /// Ask each key's provider whether it still works: one read-only request per distinct
    /// key to the provider's own API (never on by default; see README, Verification).
    #[arg(long)]
    pub verify: bool,
    /// Exit 1 on `any` finding (default), or only when a `live` key was found (needs
    /// --verify).
    #[arg(long, value_enum, default_value_t = FailOn::Any, requires_if("live", "verify"))]
    pub fail_on: FailOn,
}

/// When findings make the exit code 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    #[default]
    Any,
    /// Only a key its provider confirmed as live.
    Live,
}

/// Options of `leakward verify REPORT.json`.
#[derive(Debug, Args)]
pub struct VerifyReportArgs {
    /// A JSON or JSON Lines report written with `--show-secrets`.
    pub report: PathBuf,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Print secrets in full instead of redacted.
    #[arg(long)]
    pub show_secrets: bool,
    /// When to colour the text report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Exit 1 on `any` finding (default), or only when a `live` key was found.
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    pub fail_on: FailOn,
}

/// Options of `leakward revoke REPORT.json`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// A JSON or JSON Lines report written with `--show-secrets`.
    pub report: PathBuf,
    /// Revoke without asking (otherwise leakward asks before each key, on a terminal only).
    #[arg(long)]
    pub yes: bool,
}

/// Options of `leakward explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`leakward rules` lists them).
    pub rule_id: String,
}
