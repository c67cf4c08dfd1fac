//! `leakward audit`: the history of every repository in a list, one JSON report each.

use super::finish::{sort_and_dedup, thread_count};
use super::setup::{load_config, load_rules};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::audit;
use crate::cli::AuditArgs;
use crate::config::LoadedConfig;
use crate::filter;
use crate::report::advice::Advice;
use crate::report::{json, ReportOptions};
use crate::rules::RuleSet;
use crate::source::history::HistoryOptions;
use crate::source::{self, SourceOutput};
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How one repository went.
enum Outcome {
    Clean,
    Findings,
    Failed,
}

/// Runs `leakward audit`.
pub(super) fn audit(args: AuditArgs) -> Result<i32> {
    let text = std::fs::read_to_string(&args.repos)
        .with_context(|| format!("reading the repository list {}", args.repos.display()))?;
    let list = audit::parse_list(&text);
    if let Some(bad) = list.iter().find(|r| r.starts_with('-')) {
        bail!(
            "{}: `{bad}` is not a repository (it starts with `-`)",
            args.repos.display()
        );
    }
    let selected = args.shard.select(&list);
    if args.dry_run {
        let mut out = std::io::stdout().lock();
        for (_, repository) in &selected {
            writeln!(out, "{repository}")?;
        }
        return Ok(EXIT_CLEAN);
    }
    // A mirror has no work tree, so no .leakward.toml is looked for: only --config applies.
    let config = match &args.setup.config {
        Some(_) => load_config(args.setup.config.as_deref(), false, Path::new("."))?,
        None => LoadedConfig::none(),
    };
    let rules = load_rules(&args.setup, &config)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the report directory {}", args.out.display()))?;
    let temporary = match &args.workdir {
        Some(_) => None,
        None => Some(TemporaryDir::new()?),
    };
    let workdir: PathBuf = match (&args.workdir, &temporary) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temporary)) => temporary.0.clone(),
        (None, None) => unreachable!("a work directory is given or made"),
    };
    std::fs::create_dir_all(&workdir)
        .with_context(|| format!("creating the work directory {}", workdir.display()))?;
    let workdir = workdir.canonicalize()?;
    eprintln!(
        "leakward audit: {} of {} repositories in shard {}",
        selected.len(),
        list.len(),
        args.shard
    );
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let (mut clean, mut with_findings, mut failed) = (0usize, 0usize, 0usize);
    for (done, (_, repository)) in selected.iter().enumerate() {
        let shown = audit::display_name(repository);
        if progress {
            eprint!(
                "\r\x1b[2Kleakward audit: {done}/{} repositories done · {shown}",
                selected.len()
            );
        }
        let outcome = audit_one(repository, &workdir, &args, &config, &rules);
        if progress {
            eprint!("\r\x1b[2K");
        }
        match outcome {
            Outcome::Clean => clean += 1,
            Outcome::Findings => with_findings += 1,
            Outcome::Failed => failed += 1,
        }
    }
    if progress {
        eprintln!(
            "leakward audit: {}/{} repositories done",
            selected.len(),
            selected.len()
        );
    }
    eprintln!(
        "leakward audit: shard {}: {clean} clean, {with_findings} with findings, {failed} failed \
         in {:.1} s; reports in {}",
        args.shard,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(if failed > 0 {
        EXIT_ERROR
    } else if with_findings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Mirrors and scans one repository and writes its report; says how it went on stderr.
fn audit_one(
    repository: &str,
    workdir: &Path,
    args: &AuditArgs,
    config: &LoadedConfig,
    rules: &RuleSet,
) -> Outcome {
    let shown = audit::display_name(repository);
    let stem = audit::file_stem(repository);
    let report_path = args.out.join(format!("{stem}.json"));
    let started = Instant::now();
    // A local path is given to git as an absolute one: the mirror's `origin` is then
    // fetched from the same place whatever directory git runs in.
    let origin = match Path::new(repository).canonicalize() {
        Ok(absolute) if !repository.contains("://") => absolute.to_string_lossy().into_owned(),
        _ => repository.to_string(),
    };
    let scanned = audit::mirror(&origin, &workdir.join(format!("{stem}.git")))
        .map_err(|e| {
            e.message
                .replace(&origin, &shown)
                .replace(repository, &shown)
        })
        .and_then(|mirror| scan(&mirror, args, config, rules).map_err(|e| format!("{e:#}")));
    let (output, error) = match scanned {
        Ok(mut output) => {
            output.stats.duration = started.elapsed();
            (output, None)
        }
        Err(message) => (SourceOutput::default(), Some(message)),
    };
    let written = write_report(&report_path, &shown, error.as_deref(), &output);
    let findings = output.findings.len();
    match (&error, written) {
        (_, Err(write_error)) => {
            eprintln!("leakward audit: {shown}: error: {write_error:#}");
            Outcome::Failed
        }
        (Some(message), Ok(())) => {
            eprintln!("leakward audit: {shown}: error: {message}");
            Outcome::Failed
        }
        (None, Ok(())) => {
            for warning in &output.stats.warnings {
                eprintln!("leakward audit: {shown}: warning: {warning}");
            }
            eprintln!(
                "leakward audit: {shown}: {findings} {} ({} blobs from {} commits) -> {}",
                if findings == 1 { "finding" } else { "findings" },
                output.stats.files_scanned,
                output.stats.commits_scanned,
                report_path.display()
            );
            if findings == 0 {
                Outcome::Clean
            } else {
                Outcome::Findings
            }
        }
    }
}

/// Scans the history of the mirror at `repo` with the blob cache, and filters the findings
/// with the configuration's allowlist.
fn scan(
    repo: &Path,
    args: &AuditArgs,
    config: &LoadedConfig,
    rules: &RuleSet,
) -> Result<SourceOutput> {
    let scanner = super::setup::scanner(rules, &args.setup, config);
    // Opened for each repository: it then knows what the previous ones (and any other run
    // sharing it) added.
    let (cache, cache_warnings) = super::cache::open(&args.cache, rules);
    let options = HistoryOptions {
        keep_going: args.keep_going,
        threads: thread_count(args.setup.threads, config.threads),
        cache: cache.clone(),
        ..HistoryOptions::default()
    };
    let mut output = source::history::scan(repo, &options, &scanner)?;
    output.stats.warnings.splice(0..0, cache_warnings);
    if let Some(cache) = &cache {
        super::cache::save(cache, &mut output);
    }
    let filtered = filter::apply(output.findings, &config.allowlist, None);
    output.findings = filtered.kept;
    output.stats.suppressed = filtered.suppressed;
    sort_and_dedup(&mut output.findings);
    Ok(output)
}

/// Writes one repository's JSON report (under a temporary name, then renamed).
fn write_report(
    path: &Path,
    repository: &str,
    error: Option<&str>,
    output: &SourceOutput,
) -> Result<()> {
    let partial = path.with_extension(format!("json.partial-{}", std::process::id()));
    let options = ReportOptions {
        show_secrets: false,
        color: false,
        advice: Advice::History,
    };
    let written = std::fs::File::create(&partial)
        .map_err(anyhow::Error::from)
        .and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            json::write_repository_document(
                &mut out,
                Some(repository),
                error,
                &output.findings,
                &output.stats,
                options,
            )?;
            out.flush()?;
            Ok(())
        })
        .and_then(|()| std::fs::rename(&partial, path).map_err(anyhow::Error::from));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written.with_context(|| format!("writing {}", path.display()))
}

/// A directory of the system's temporary directory, removed (with what it holds) when
/// dropped: the default work directory.
struct TemporaryDir(PathBuf);

impl TemporaryDir {
    fn new() -> Result<TemporaryDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("leakward-audit-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)
            .with_context(|| format!("creating the work directory {}", dir.display()))?;
        Ok(TemporaryDir(dir))
    }
}

impl Drop for TemporaryDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
