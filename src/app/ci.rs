//! `leakward ci`: the commits of this CI run, with GitHub's annotations, summary and outputs.

use super::finish::{check_writable, finish, load_baseline};
use super::history::scan_history_with;
use crate::ci;
use crate::cli::CiArgs;
use crate::finding::Finding;
use crate::report::advice::Advice;
use crate::report::{self, ReportOptions};
use crate::source::history::HistoryOptions;
use crate::source::refs::Repo;
use crate::stats::ScanStats;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Runs `leakward ci`.
pub(super) fn ci(args: CiArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    if let Some(sarif) = &args.sarif {
        check_writable(sarif)?;
    }
    let env = |name: &str| std::env::var(name).ok();
    let plan = ci::detect(&env)?;
    let repo = Repo::discover(&args.repo)?;
    let resolved = ci::resolve(&plan, &repo)?;
    let scope = format!("{}, {}", plan.system.name(), plan.event);
    eprintln!("leakward ci: {scope}");
    let options = HistoryOptions {
        revisions: resolved.revisions,
        require_complete: true,
        ..HistoryOptions::default()
    };
    let (mut output, config) =
        scan_history_with(&args.repo, &args.setup, &args.cache, options).context(scope.clone())?;
    output.stats.scope = Some(scope);
    output.stats.warnings.extend(resolved.warnings);
    let github = plan.system == ci::System::GitHubActions;
    let extras = |findings: &[Finding], stats: &ScanStats| -> Result<()> {
        if let Some(path) = &args.sarif {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("creating {}", path.display()))?,
            );
            report::sarif::write(
                &mut file,
                findings,
                stats,
                ReportOptions {
                    show_secrets: false,
                    color: false,
                    advice: Advice::History,
                },
            )
            .and_then(|()| file.flush())
            .with_context(|| format!("writing {}", path.display()))?;
        }
        if github {
            report::github::write_annotations(&mut std::io::stderr().lock(), findings)?;
            append_to_env_file("GITHUB_STEP_SUMMARY", |out| {
                report::github::write_summary(out, findings, stats)
            })?;
            append_to_env_file("GITHUB_OUTPUT", |out| {
                report::github::write_outputs(out, findings, stats, args.sarif.as_deref())
            })?;
        }
        Ok(())
    };
    finish(
        output,
        &config,
        baseline.as_ref(),
        &args.report,
        started,
        Advice::History,
        &extras,
    )
}

/// Appends to the file an environment variable names (GitHub's step summary and outputs),
/// when it is set.
pub(super) fn append_to_env_file(
    variable: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let Some(path) = std::env::var_os(variable) else {
        return Ok(());
    };
    let file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .with_context(|| format!("opening {variable} ({})", Path::new(&path).display()))?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("writing {variable} ({})", Path::new(&path).display()))
}
