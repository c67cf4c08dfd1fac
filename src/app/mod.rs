//! One function per subcommand: load config → rules → source → scan → filter → sort → report.
//! The only module that knows every stage.

mod audit;
mod baseline;
mod cache;
mod ci;
mod explain;
mod finish;
mod history;
mod hooks;
mod manual;
mod output;
mod report;
mod revoke;
mod rules;
mod scan;
mod setup;
mod verify;

use crate::cli::{Cli, Command};
use anyhow::Result;

/// Exit code: nothing found.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings reported (or a rule check failed).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: an error stopped the run.
pub const EXIT_ERROR: i32 = 2;

/// Runs the command and returns the process exit code.
///
/// # Errors
/// Anything that stops the run: bad configuration or rules, a missing path, a write error.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Scan(args) => scan::scan(args),
        Command::Git(args) => history::git(args),
        Command::Staged(args) => hooks::staged(args),
        Command::PrePush(args) => hooks::pre_push(args),
        Command::InstallHook(args) => hooks::install_hook(args),
        Command::UninstallHook(args) => hooks::uninstall_hook(args),
        Command::Ci(args) => ci::ci(args),
        Command::Baseline(args) => baseline::baseline(*args),
        Command::Audit(args) => audit::audit(args),
        Command::Report(args) => report::report(args),
        Command::Rules(args) => rules::rules(args),
        Command::Completions(args) => manual::completions(args),
        Command::Man(args) => manual::man(args),
        Command::Verify(args) => verify::verify_report(args),
        Command::Revoke(args) => revoke::revoke(args),
        Command::Explain(args) => explain::explain(args),
    }
}
