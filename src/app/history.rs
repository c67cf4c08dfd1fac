//! `leakward git`: the commits of a repository's history.

use super::finish::{finish_report, load_baseline, sort_and_dedup, thread_count};
use super::setup::{load_config, load_rules};
use crate::cli::{CacheArgs, GitArgs, HistoryArgs, SetupArgs};
use crate::config::LoadedConfig;
use crate::report::advice::Advice;
use crate::report::progress::ProgressLine;
use crate::source::history::{HistoryOptions, ProgressSink};
use crate::source::{self, SourceOutput};
use anyhow::Result;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

/// Runs `leakward git`.
pub(super) fn git(args: GitArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let (output, config) = scan_history(&args.history)?;
    finish_report(
        output,
        &config,
        baseline.as_ref(),
        &args.report,
        started,
        Advice::History,
    )
}

/// Scans the history `args` select.
pub(super) fn scan_history(args: &HistoryArgs) -> Result<(SourceOutput, LoadedConfig)> {
    let options = HistoryOptions {
        range: args.range.clone(),
        since: args.since.clone(),
        branch: args.branch.clone(),
        keep_going: args.keep_going,
        ..HistoryOptions::default()
    };
    scan_history_with(&args.repo, &args.setup, &args.cache, options)
}

/// Loads the configuration and rules for a repository and scans the commits `options`
/// select, with a progress line on a terminal.
pub(super) fn scan_history_with(
    repo: &Path,
    setup: &SetupArgs,
    cache: &CacheArgs,
    options: HistoryOptions,
) -> Result<(SourceOutput, LoadedConfig)> {
    let config = load_config(setup.config.as_deref(), setup.no_config, repo)?;
    let rules = load_rules(setup, &config)?;
    let (cache, cache_warnings) = super::cache::open(cache, &rules);
    let options = HistoryOptions {
        cache: cache.clone(),
        ..options
    };
    let scanner = super::setup::scanner(&rules, setup, &config);
    let options = HistoryOptions {
        threads: thread_count(setup.threads, config.threads),
        ..options
    };
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| std::sync::Arc::new(ProgressLine::default()));
    let options = HistoryOptions {
        progress: progress.clone().map(|line| {
            ProgressSink(std::sync::Arc::new(move |done, total, bytes| {
                line.update(done, total, bytes)
            }))
        }),
        ..options
    };
    let scanned = source::history::scan(repo, &options, &scanner);
    if let Some(line) = &progress {
        line.finish();
    }
    let mut output = scanned?;
    output.stats.warnings.splice(0..0, cache_warnings);
    if let Some(cache) = &cache {
        super::cache::save(cache, &mut output);
    }
    sort_and_dedup(&mut output.findings);
    Ok((output, config))
}
