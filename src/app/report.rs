//! `leakward report merge`: many repositories' JSON reports as one JSON, SARIF or HTML report.

use super::finish::check_writable;
use super::output::open_output;
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{MergeArgs, MergeFormat, ReportAction, ReportCommandArgs};
use crate::report::{html, merge};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Runs `leakward report …`.
pub(super) fn report(args: ReportCommandArgs) -> Result<i32> {
    match args.action {
        ReportAction::Merge(args) => merge_reports(args),
    }
}

/// The report files named: each file, and each `*.json` file of each directory (sorted).
fn report_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading the directory {}", path.display()))?
                .flatten()
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                .collect();
            inside.sort();
            if inside.is_empty() {
                anyhow::bail!("{}: no *.json report in this directory", path.display());
            }
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Runs `leakward report merge`.
fn merge_reports(args: MergeArgs) -> Result<i32> {
    if let Some(path) = &args.output {
        check_writable(path)?;
    }
    let files = report_files(&args.reports)?;
    let reports = files
        .iter()
        .map(|file| merge::read_report(file))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge::Merged::from_reports(reports, args.show_secrets);
    let (mut out, destination) = open_output(args.output.as_deref())?;
    let scope = format!(
        "{} {} merged",
        merged.repositories.len(),
        if merged.repositories.len() == 1 {
            "report"
        } else {
            "reports"
        }
    );
    match args.format {
        MergeFormat::Json => merge::write_json(&mut out, &merged),
        MergeFormat::Sarif => merge::write_sarif(&mut out, &merged),
        MergeFormat::Html => html::write_merged(&mut out, &merged, &scope),
    }
    .and_then(|()| out.flush())
    .with_context(|| format!("writing {destination}"))?;
    let failed = merged
        .repositories
        .iter()
        .filter(|r| r.error.is_some())
        .count();
    let repositories_with_findings = merged
        .repositories
        .iter()
        .filter(|r| r.findings > 0)
        .count();
    eprintln!(
        "leakward: merged {} reports: {} incidents ({} findings) in {} repositories{}",
        merged.repositories.len(),
        merged.incidents.len(),
        merged.findings.len(),
        repositories_with_findings,
        if failed > 0 {
            format!("; {failed} could not be scanned")
        } else {
            String::new()
        }
    );
    Ok(if merged.incidents.is_empty() || args.exit_zero {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
