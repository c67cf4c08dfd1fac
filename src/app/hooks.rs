//! The git hooks: `staged` (pre-commit), `pre-push`, and `install-hook`.

use super::finish::{finish_report, load_baseline, sort_and_dedup};
use super::history::scan_history_with;
use super::setup::{load_config, load_rules};
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{InstallHookArgs, PrePushArgs, StagedArgs};
use crate::hook::{self, HookKind};
use crate::report::{self};
use crate::scan::Scanner;
use crate::source::history::HistoryOptions;
use crate::source::refs::Repo;
use crate::source::staged::StagedOptions;
use crate::source::{self};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// Runs `leakward staged`, the pre-commit check.
pub(super) fn staged(args: StagedArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let config = load_config(
        args.setup.config.as_deref(),
        args.setup.no_config,
        Path::new("."),
    )?;
    let rules = load_rules(&args.setup, &config)?;
    let scanner = Scanner::new(&rules);
    let options = StagedOptions { paths: args.paths };
    let mut output = source::staged::scan(Path::new("."), &options, &scanner)?;
    sort_and_dedup(&mut output.findings);
    let code = finish_report(output, &config, baseline.as_ref(), &args.report, started)?;
    Ok(with_advice(code, report::advice::BLOCKED_COMMIT))
}

/// Runs `leakward pre-push`, the pre-push check.
pub(super) fn pre_push(args: PrePushArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut input)
        .context("reading the pre-push lines from standard input")?;
    let updates = source::push::parse_updates(&input)?;
    let repo = Repo::discover(Path::new("."))?;
    let plan = source::push::plan(&repo, args.remote.as_deref(), &updates)?;
    let options = HistoryOptions {
        revisions: Some(plan.revisions),
        ..HistoryOptions::default()
    };
    let (mut output, config) = scan_history_with(Path::new("."), &args.setup, options)?;
    output.stats.scope = Some(plan.scope);
    let code = finish_report(output, &config, baseline.as_ref(), &args.report, started)?;
    Ok(with_advice(code, report::advice::BLOCKED_PUSH))
}

/// Prints what to do about a stopped commit or push when there are findings.
pub(super) fn with_advice(code: i32, advice: &str) -> i32 {
    if code == EXIT_FINDINGS {
        eprintln!("{advice}");
    }
    code
}

/// Runs `leakward install-hook`.
pub(super) fn install_hook(args: InstallHookArgs) -> Result<i32> {
    let repo = Repo::discover(&args.repo)?;
    let hooks_dir = repo.hooks_dir()?;
    let kind = if args.pre_push {
        HookKind::PrePush
    } else {
        HookKind::PreCommit
    };
    let exe = std::env::current_exe().context("finding leakward's own path")?;
    let installed = hook::install(&hooks_dir, kind, &exe, args.force)?;
    if let Some(backup) = &installed.backup {
        eprintln!(
            "leakward: moved the previous {} hook to {}",
            kind.file_name(),
            backup.display()
        );
    }
    eprintln!(
        "leakward: installed the {} hook at {}",
        kind.file_name(),
        installed.path.display()
    );
    Ok(EXIT_CLEAN)
}
