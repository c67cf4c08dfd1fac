//! The git hooks: `staged` (pre-commit), `pre-push`, and `install-hook`.

use super::finish::{finish_report, load_baseline, sort_and_dedup};
use super::history::scan_history_with;
use super::setup::{load_config, load_rules};
use super::EXIT_CLEAN;
use crate::cli::{InstallHookArgs, PrePushArgs, StagedArgs, UninstallHookArgs};
use crate::hook::{self, HookKind, Uninstalled};
use crate::report::advice::Advice;
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
    let scanner = super::setup::scanner(&rules, &args.setup, &config);
    let options = StagedOptions { paths: args.paths };
    let mut output = source::staged::scan(Path::new("."), &options, &scanner)?;
    sort_and_dedup(&mut output.findings);
    finish_report(
        output,
        &config,
        baseline.as_ref(),
        &args.report,
        started,
        Advice::BlockedCommit,
    )
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
    let (mut output, config) =
        scan_history_with(Path::new("."), &args.setup, &args.cache, options)?;
    output.stats.scope = Some(plan.scope);
    finish_report(
        output,
        &config,
        baseline.as_ref(),
        &args.report,
        started,
        Advice::BlockedPush,
    )
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

/// Runs `leakward uninstall-hook`.
pub(super) fn uninstall_hook(args: UninstallHookArgs) -> Result<i32> {
    let repo = Repo::discover(&args.repo)?;
    let hooks_dir = repo.hooks_dir()?;
    let kind = if args.pre_push {
        HookKind::PrePush
    } else {
        HookKind::PreCommit
    };
    match hook::uninstall(&hooks_dir, kind)? {
        Uninstalled::Removed(path) => {
            eprintln!(
                "leakward: removed the {} hook at {}",
                kind.file_name(),
                path.display()
            )
        }
        Uninstalled::Restored(path) => eprintln!(
            "leakward: removed leakward's {} hook and put back the one it had replaced at {}",
            kind.file_name(),
            path.display()
        ),
        Uninstalled::Absent(path) => eprintln!(
            "leakward: there is no {} hook at {}; nothing to remove",
            kind.file_name(),
            path.display()
        ),
    }
    Ok(EXIT_CLEAN)
}
