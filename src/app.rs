//! One function per subcommand: load config → rules → source → scan → sort → report.
//! The only module that knows every stage.

use crate::cli::{Cli, ColorChoice, Command, ListFormat, RulesAction, RulesArgs, ScanArgs};
use crate::config::{self, LoadedConfig};
use crate::examples::check_examples;
use crate::finding::Finding;
use crate::report::{self, ReportOptions};
use crate::rules::RuleSet;
use crate::scan::Scanner;
use crate::source::{self, worktree::WalkOptions, SourceOutput};
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
        Command::Rules(args) => rules(args),
    }
}

fn load_rules(path: Option<&Path>) -> Result<RuleSet> {
    match path {
        Some(path) => RuleSet::from_path(path)
            .with_context(|| format!("loading rules from {}", path.display())),
        None => RuleSet::builtin().context("loading the built-in rules"),
    }
}

fn scan(args: ScanArgs) -> Result<i32> {
    let started = Instant::now();
    let rules = load_rules(args.rules.as_deref())?;
    let scanner = Scanner::new(&rules);
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin && args.paths.len() > 1 {
        bail!("`-` (standard input) cannot be combined with other paths");
    }
    let config = load_config(&args, reads_stdin)?;

    let mut output: SourceOutput = if reads_stdin {
        source::stdin::scan(std::io::stdin().lock(), &scanner).context("reading standard input")?
    } else {
        let options = WalkOptions {
            no_ignore: args.no_ignore,
            threads: args.threads.unwrap_or_else(default_threads),
            max_file_size: args.max_file_size,
        };
        source::worktree::scan(&args.paths, &options, &config.path_allowlist, &scanner)?
    };
    sort_and_dedup(&mut output.findings);
    output.stats.skipped.sort();
    output.stats.duration = started.elapsed();

    let options = ReportOptions {
        show_secrets: args.show_secrets,
        color: use_color(args.color, args.output.is_some()),
    };
    let (mut writer, destination): (Box<dyn Write>, String) = match &args.output {
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
    };
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

fn load_config(args: &ScanArgs, reads_stdin: bool) -> Result<LoadedConfig> {
    if args.no_config {
        return Ok(LoadedConfig::none());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let start = if reads_stdin {
                PathBuf::from(".")
            } else {
                args.paths[0].clone()
            };
            config::discover(&start)
        }
    };
    match path {
        Some(path) => Ok(LoadedConfig::load(&path)?),
        None => Ok(LoadedConfig::none()),
    }
}

/// Sorts findings into report order and drops exact repeats (a file given twice).
fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
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
    let rules = load_rules(args.rules.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
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
                    let width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
                    let provider_width = rules
                        .rules()
                        .iter()
                        .map(|r| r.provider.len())
                        .max()
                        .unwrap_or(0);
                    for rule in rules.rules() {
                        writeln!(
                            out,
                            "{:width$}  {:provider_width$}  {}",
                            rule.id, rule.provider, rule.name
                        )?;
                    }
                }
                ListFormat::Json => {
                    let list: Vec<serde_json::Value> = rules
                        .rules()
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "provider": r.provider,
                                "severity": r.severity.as_str(), "confidence": r.confidence.as_str(),
                                "keywords": r.keywords, "revoke": r.revoke,
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
