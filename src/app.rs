//! One function per subcommand: load config → rules → source → scan → filter → sort → report.
//! The only module that knows every stage.

use crate::ci;
use crate::cli::{
    BaselineArgs, BaselineSource, CategoryArgs, CiArgs, Cli, ColorChoice, Command, CommonScanArgs,
    GitArgs, HistoryArgs, InstallHookArgs, ListFormat, PrePushArgs, ReportArgs, RulesAction,
    RulesArgs, ScanArgs, SetupArgs, StagedArgs,
};
use crate::config::{self, LoadedConfig};
use crate::examples::{check_examples, check_examples_of};
use crate::filter::{self, Baseline};
use crate::finding::Finding;
use crate::hook::{self, HookKind};
use crate::report::progress::ProgressLine;
use crate::report::{self, ReportOptions};
use crate::rules::{self, Category, RuleSet};
use crate::scan::Scanner;
use crate::source::history::{HistoryOptions, ProgressSink};
use crate::source::refs::Repo;
use crate::source::staged::StagedOptions;
use crate::source::{self, worktree::WalkOptions, SourceOutput};
use crate::stats::ScanStats;
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
        Command::Scan(args) => scan(args),
        Command::Git(args) => git(args),
        Command::Staged(args) => staged(args),
        Command::PrePush(args) => pre_push(args),
        Command::InstallHook(args) => install_hook(args),
        Command::Ci(args) => ci(args),
        Command::Baseline(args) => baseline(args),
        Command::Rules(args) => rules(args),
    }
}

fn scan(args: ScanArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let (output, config) = scan_paths(&args.paths, &args.common)?;
    finish_report(output, &config, baseline.as_ref(), &args.report, started)
}

/// For [`finish`] callers that write nothing besides the report.
fn no_extras(_: &[Finding], _: &ScanStats) -> Result<()> {
    Ok(())
}

fn git(args: GitArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
    let (output, config) = scan_history(&args.history)?;
    finish_report(output, &config, baseline.as_ref(), &args.report, started)
}

fn staged(args: StagedArgs) -> Result<i32> {
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

fn pre_push(args: PrePushArgs) -> Result<i32> {
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

/// [`finish`] for the commands that write nothing besides the report.
fn finish_report(
    output: SourceOutput,
    config: &LoadedConfig,
    baseline: Option<&Baseline>,
    args: &ReportArgs,
    started: Instant,
) -> Result<i32> {
    finish(output, config, baseline, args, started, &no_extras)
}

/// Prints what to do about a stopped commit or push when there are findings.
fn with_advice(code: i32, advice: &str) -> i32 {
    if code == EXIT_FINDINGS {
        eprintln!("{advice}");
    }
    code
}

fn install_hook(args: InstallHookArgs) -> Result<i32> {
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

fn ci(args: CiArgs) -> Result<i32> {
    let started = Instant::now();
    let baseline = load_baseline(&args.report)?;
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
        scan_history_with(&args.repo, &args.setup, options).context(scope.clone())?;
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
        &extras,
    )
}

/// Appends to the file an environment variable names (GitHub's step summary and outputs),
/// when it is set.
fn append_to_env_file(
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

/// The `--baseline` file, if one was given.
fn load_baseline(args: &ReportArgs) -> Result<Option<Baseline>> {
    Ok(args.baseline.as_deref().map(Baseline::load).transpose()?)
}

/// Filters the findings, writes the report and the stderr summary, and picks the exit code.
fn finish(
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
    Ok(if output.findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn baseline(args: BaselineArgs) -> Result<i32> {
    let ((output, config), path) = match args.source {
        Some(BaselineSource::Scan(scan)) => (scan_paths(&scan.paths, &scan.common)?, scan.output),
        Some(BaselineSource::Git(git)) => (scan_history(&git.history)?, git.output),
        None => (
            scan_paths(&args.scan.paths, &args.scan.common)?,
            args.scan.output,
        ),
    };
    let filtered = filter::apply(output.findings, &config.allowlist, None);
    let baseline = Baseline::from_findings(&filtered.kept);
    let text = serde_json::to_string_pretty(&baseline).context("encoding the baseline")? + "\n";
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "leakward: wrote {} baseline {} to {}",
        baseline.findings.len(),
        if baseline.findings.len() == 1 {
            "entry"
        } else {
            "entries"
        },
        path.display()
    );
    Ok(EXIT_CLEAN)
}

/// Scans the history `args` select.
fn scan_history(args: &HistoryArgs) -> Result<(SourceOutput, LoadedConfig)> {
    let options = HistoryOptions {
        range: args.range.clone(),
        since: args.since.clone(),
        branch: args.branch.clone(),
        keep_going: args.keep_going,
        ..HistoryOptions::default()
    };
    scan_history_with(&args.repo, &args.setup, options)
}

/// Loads the configuration and rules for a repository and scans the commits `options`
/// select, with a progress line on a terminal.
fn scan_history_with(
    repo: &Path,
    setup: &SetupArgs,
    options: HistoryOptions,
) -> Result<(SourceOutput, LoadedConfig)> {
    let config = load_config(setup.config.as_deref(), setup.no_config, repo)?;
    let rules = load_rules(setup, &config)?;
    let scanner = Scanner::new(&rules);
    let options = HistoryOptions {
        threads: setup
            .threads
            .or(config.threads)
            .unwrap_or_else(default_threads),
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
    sort_and_dedup(&mut output.findings);
    Ok((output, config))
}

/// Loads the configuration and rules for `paths`, scans them, and returns the findings sorted.
fn scan_paths(paths: &[PathBuf], common: &CommonScanArgs) -> Result<(SourceOutput, LoadedConfig)> {
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
    let scanner = Scanner::new(&rules);
    let mut output = if reads_stdin {
        source::stdin::scan(std::io::stdin().lock(), &scanner).context("reading standard input")?
    } else {
        let options = WalkOptions {
            no_ignore: common.no_ignore,
            threads: common
                .setup
                .threads
                .or(config.threads)
                .unwrap_or_else(default_threads),
            max_file_size: common.max_file_size.or(config.max_file_size),
            skip_files: config
                .path
                .iter()
                .filter_map(|p| p.canonicalize().ok())
                .collect(),
        };
        source::worktree::scan(paths, &options, &config.exclude, &scanner)?
    };
    sort_and_dedup(&mut output.findings);
    output.stats.skipped.sort();
    Ok((output, config))
}

/// The configuration: the given file, none, or the one discovered from `start`.
fn load_config(path: Option<&Path>, no_config: bool, start: &Path) -> Result<LoadedConfig> {
    if no_config {
        return Ok(LoadedConfig::none());
    }
    match path
        .map(Path::to_path_buf)
        .or_else(|| config::discover(start))
    {
        Some(path) => Ok(LoadedConfig::load(&path)?),
        None => Ok(LoadedConfig::none()),
    }
}

/// The rules a scanning command runs, as its setup options and the configuration select.
fn load_rules(setup: &SetupArgs, config: &LoadedConfig) -> Result<RuleSet> {
    load_rules_from(setup.rules.as_deref(), &setup.categories, config)
}

/// Built-in (or `--rules`) rules, less the disabled ones and the categories not selected
/// (the command line's choice replaces the configuration's), plus the configuration's
/// custom rules, whose examples are proven before anything is scanned.
fn load_rules_from(
    rules_path: Option<&Path>,
    categories: &CategoryArgs,
    config: &LoadedConfig,
) -> Result<RuleSet> {
    let mut definitions = match rules_path {
        Some(path) => rules::definitions_from_path(path)
            .with_context(|| format!("loading rules from {}", path.display()))?,
        None => rules::builtin_definitions().context("loading the built-in rules")?,
    };
    for (id, line) in &config.disable {
        if !definitions.iter().any(|(_, d)| &d.id == id) {
            return Err(config
                .error_at(*line, format!("disable: there is no rule `{id}`"))
                .into());
        }
    }
    definitions.retain(|(_, d)| !config.disable.iter().any(|(id, _)| id == &d.id));
    let config_name = config
        .path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    for (definition, line) in &config.custom_rules {
        definitions.push((format!("{config_name}: line {line}"), definition.clone()));
    }
    let only = if categories.only_categories.is_empty() {
        &config.only_categories
    } else {
        &categories.only_categories
    };
    let skip = if categories.skip_categories.is_empty() {
        &config.skip_categories
    } else {
        &categories.skip_categories
    };
    definitions.retain(|(_, d)| {
        let category = d.category.unwrap_or(Category::Custom);
        (only.is_empty() || only.contains(&category)) && !skip.contains(&category)
    });
    for (id, line) in config.allowlist.rule_ids() {
        if !definitions.iter().any(|(_, d)| d.id == id) {
            return Err(config
                .error_at(
                    line,
                    format!("allowlist.rule.{id}: there is no rule `{id}`"),
                )
                .into());
        }
    }
    let rules = RuleSet::compile(definitions)?;
    let custom_ids: Vec<&str> = config
        .custom_rules
        .iter()
        .map(|(d, _)| d.id.as_str())
        .collect();
    // Built-in patterns compile lazily (the test suite compiles every one); the user's own
    // rules compile now, so an oversized pattern is an error before anything is scanned.
    rules.compile_now(|rule| rules_path.is_some() || custom_ids.contains(&rule.id.as_str()))?;
    let (_, failures) = check_examples_of(&rules, |rule| custom_ids.contains(&rule.id.as_str()));
    if let Some(failure) = failures.first() {
        let line = config
            .custom_rules
            .iter()
            .find(|(d, _)| d.id == failure.rule())
            .map_or(1, |(_, line)| *line);
        return Err(config
            .error_at(line, format!("custom rule: {failure}"))
            .into());
    }
    Ok(rules)
}

/// Sorts findings into report order and drops exact repeats (a file given twice): the same
/// secret by the same rule at the same place and commit. Different secrets at one place (a
/// key rotated in place) are all kept.
fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// A buffered writer to `path`, or to stdout, with a name for error messages.
fn open_output(path: Option<&Path>) -> Result<(Box<dyn Write>, String)> {
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

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

fn rules(args: RulesArgs) -> Result<i32> {
    let config = load_config(args.config.as_deref(), args.no_config, Path::new("."))?;
    let rules = load_rules_from(args.rules.as_deref(), &args.categories, &config)?;
    let listed: Vec<&rules::Rule> = rules
        .rules()
        .iter()
        .filter(|r| args.category.map_or(true, |c| r.category == c))
        .collect();
    let (mut out, _) = open_output(None)?;
    match args.action {
        Some(RulesAction::Check) => {
            let (counts, failures) = check_examples(&rules);
            for failure in &failures {
                writeln!(out, "FAIL {failure}")?;
            }
            writeln!(
                out,
                "{} rules, {} examples, {} negatives: {}",
                counts.rules,
                counts.examples,
                counts.negatives,
                if failures.is_empty() {
                    "all proven".to_string()
                } else {
                    format!("{} failures", failures.len())
                }
            )?;
            out.flush()?;
            Ok(if failures.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        }
        None => {
            match args.format {
                ListFormat::Text => {
                    let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
                    let provider_width = listed.iter().map(|r| r.provider.len()).max().unwrap_or(0);
                    for rule in &listed {
                        writeln!(
                            out,
                            "{:width$}  {:13}  {:provider_width$}  {}",
                            rule.id,
                            rule.category.as_str(),
                            rule.provider,
                            rule.name
                        )?;
                    }
                }
                ListFormat::Json => {
                    let list: Vec<serde_json::Value> = listed
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "provider": r.provider,
                                "category": r.category.as_str(),
                                "severity": r.severity.as_str(), "confidence": r.confidence.as_str(),
                                "keywords": r.keywords, "revoke": r.revoke, "source": r.source,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
            }
            out.flush()?;
            Ok(EXIT_CLEAN)
        }
    }
}
