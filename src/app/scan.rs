//! `leakward scan`: files, directories and standard input.

use super::finish::{finish_report, load_baseline, sort_and_dedup, thread_count};
use super::setup::{load_config, load_rules};
use crate::cli::{CommonScanArgs, ScanArgs};
use crate::config::LoadedConfig;
use crate::filter::PathAllowlist;
use crate::report::advice::Advice;
use crate::source::{self, worktree::WalkOptions, SourceOutput};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Instant;

/// Runs `leakward scan`.
pub(super) fn scan(args: ScanArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let (output, config) = scan_paths(&args.paths, &args.common)?;
    finish_report(
        output,
        &config,
        baseline.as_ref(),
        &args.report,
        started,
        Advice::WorkTree,
    )
}

/// Loads the configuration and rules for `paths`, scans them, and returns the findings sorted.
pub(super) fn scan_paths(
    paths: &[PathBuf],
    common: &CommonScanArgs,
) -> Result<(SourceOutput, LoadedConfig)> {
    let reads_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin && paths.len() > 1 {
        bail!("`-` (standard input) cannot be combined with other paths");
    }
    let start = if reads_stdin {
        PathBuf::from(".")
    } else {
        paths[0].clone()
    };
    let config = load_config(
        common.setup.config.as_deref(),
        common.setup.no_config,
        &start,
    )?;
    let rules = load_rules(&common.setup, &config)?;
    let scanner = super::setup::scanner(&rules, &common.setup, &config);
    let mut output = if reads_stdin {
        source::stdin::scan(std::io::stdin().lock(), &scanner).context("reading standard input")?
    } else {
        let command_line_excludes = PathAllowlist::from_command_line(&common.exclude)?;
        let options = WalkOptions {
            no_ignore: common.no_ignore,
            no_require_git: common.no_require_git,
            threads: thread_count(common.setup.threads, config.threads),
            max_file_size: common.max_file_size.or(config.max_file_size),
            skip_files: config
                .path
                .iter()
                .filter_map(|p| p.canonicalize().ok())
                .collect(),
        };
        source::worktree::scan(
            paths,
            &options,
            &[&config.exclude, &command_line_excludes],
            &scanner,
        )?
    };
    sort_and_dedup(&mut output.findings);
    output.stats.skipped.sort();
    Ok((output, config))
}
