//! The end every scanning command shares: filter, write the report and the summary, pick the exit code.

use crate::cli::{ColorChoice, ReportArgs};
use crate::config::LoadedConfig;
use crate::filter::{self, Baseline};
use crate::finding::Finding;
use crate::report::{self, ReportOptions};
use crate::source::SourceOutput;
use crate::stats::ScanStats;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
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
) -> Result<i32> {
    finish(output, config, baseline, args, started, &no_extras)
}

/// The `--baseline` file, if one was given.
pub(super) fn load_baseline(args: &ReportArgs) -> Result<Option<Baseline>> {
    Ok(args.baseline.as_deref().map(Baseline::load).transpose()?)
}

/// Filters the findings, writes the report and the stderr summary, and picks the exit code.
pub(super) fn finish(
    mut output: SourceOutput,
    config: &LoadedConfig,
    baseline: Option<&Baseline>,
    args: &ReportArgs,
    started: Instant,
    extras: &dyn Fn(&[Finding], &ScanStats) -> Result<()>,
) -> Result<i32> {
    let filtered = filter::apply(output.findings, &config.allowlist, baseline);
    output.findings = filtered.kept;
    output.stats.suppressed = filtered.suppressed;
    output.stats.baseline_unmatched = filtered.baseline_unmatched;
    super::verify::annotate(&mut output.findings, &args.verify)?;
    output.stats.duration = started.elapsed();

    let options = ReportOptions {
        show_secrets: args.show_secrets,
        color: use_color(args.color, args.output.is_some()),
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
    Ok(super::verify::exit_code(
        &output.findings,
        args.verify.fail_on,
    ))
}

/// Sorts findings into report order and drops exact repeats (a file given twice): the same
/// secret by the same rule at the same place and commit. Different secrets at one place (a
/// key rotated in place) are all kept.
pub(super) fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// A buffered writer to `path`, or to stdout, with a name for error messages.
pub(super) fn open_output(path: Option<&Path>) -> Result<(Box<dyn Write>, String)> {
    Ok(match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            (
                Box::new(std::io::BufWriter::new(file)),
                path.display().to_string(),
            )
        }
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            "the report".to_string(),
        ),
    })
}

pub(super) fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

pub(super) fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
