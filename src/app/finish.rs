//! The end every scanning command shares: filter, write the report and the summary, pick the exit code.

use super::output::{open_output, use_color};
use super::EXIT_CLEAN;
use crate::cli::ReportArgs;
use crate::config::LoadedConfig;
use crate::filter::{self, Baseline};
use crate::finding::Finding;
use crate::report::{self, advice::Advice, ReportOptions};
use crate::source::SourceOutput;
use crate::stats::ScanStats;
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// For [`finish`] callers that write nothing besides the report.
pub(super) fn no_extras(_: &[Finding], _: &ScanStats) -> Result<()> {
    Ok(())
}

/// [`finish`] for the commands that write nothing besides the report.
pub(super) fn finish_report(
    output: SourceOutput,
    config: &LoadedConfig,
    baseline: Option<&Baseline>,
    args: &ReportArgs,
    started: Instant,
    advice: Advice,
) -> Result<i32> {
    finish(output, config, baseline, args, started, advice, &no_extras)
}

/// Checks the report options before anything is scanned: the `--baseline` file is read
/// (and returned), and the `-o` file's directory must exist, so that a long scan never ends
/// in an error it could have given at once.
pub(super) fn load_baseline(args: &ReportArgs) -> Result<Option<Baseline>> {
    if let Some(path) = &args.output {
        check_writable(path)?;
    }
    Ok(args.baseline.as_deref().map(Baseline::load).transpose()?)
}

/// Fails at once when `path` cannot be created: its directory is missing or is a file.
pub(super) fn check_writable(path: &Path) -> Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !directory.is_dir() {
        anyhow::bail!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            directory.display()
        );
    }
    if path.is_dir() {
        anyhow::bail!("cannot write {}: it is a directory", path.display());
    }
    Ok(())
}

/// Filters the findings, writes the report and the stderr summary, and picks the exit code.
pub(super) fn finish(
    mut output: SourceOutput,
    config: &LoadedConfig,
    baseline: Option<&Baseline>,
    args: &ReportArgs,
    started: Instant,
    advice: Advice,
    extras: &dyn Fn(&[Finding], &ScanStats) -> Result<()>,
) -> Result<i32> {
    // `--baseline` wins over the configuration's `baseline`.
    let baseline = baseline.or(config.baseline.as_ref());
    let filtered = filter::apply(output.findings, &config.allowlist, baseline);
    output.findings = filtered.kept;
    output.stats.suppressed = filtered.suppressed;
    output.stats.baseline_unmatched = filtered.baseline_unmatched;
    super::verify::annotate(&mut output.findings, &args.verify)?;
    output.stats.duration = started.elapsed();

    let options = ReportOptions {
        show_secrets: args.show_secrets,
        color: use_color(args.color, args.output.is_some()),
        advice,
    };
    let (mut writer, destination) = open_output(args.output.as_deref())?;
    report::write(
        args.format,
        &mut writer,
        &output.findings,
        &output.stats,
        options,
    )
    .and_then(|()| writer.flush())
    .with_context(|| format!("writing {destination}"))?;
    drop(writer);
    extras(&output.findings, &output.stats)?;
    report::summary::write(
        &mut std::io::stderr().lock(),
        &output.findings,
        &output.stats,
    )
    .ok();
    if output.findings.is_empty() {
        return Ok(EXIT_CLEAN);
    }
    if let Some(block) = advice.hook_block() {
        eprintln!("{block}");
    }
    let code = super::verify::exit_code(&output.findings, args.verify.fail_on);
    Ok(if args.exit_zero { EXIT_CLEAN } else { code })
}

/// Sorts findings into report order and drops exact repeats (a file given twice): the same
/// secret by the same rule at the same place and commit. Different secrets at one place (a
/// key rotated in place) are all kept.
pub(super) fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// The scanning threads to start: `--threads` over `[scan] threads`, 0 or neither meaning
/// one per CPU, and never more than [`MAX_THREADS_PER_CPU`] per CPU (threads beyond the CPUs
/// only wait, and starting thousands took seconds), with a warning when capped.
pub(super) fn thread_count(command_line: Option<usize>, config: Option<usize>) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let requested = match command_line.or(config) {
        None | Some(0) => cpus,
        Some(n) => n,
    };
    let cap = cpus * MAX_THREADS_PER_CPU;
    if requested > cap {
        eprintln!(
            "leakward: warning: {requested} threads asked for; using {cap} ({MAX_THREADS_PER_CPU} per CPU)"
        );
        return cap;
    }
    requested
}

/// The most scanning threads per CPU `--threads` can start.
pub(super) const MAX_THREADS_PER_CPU: usize = 8;
