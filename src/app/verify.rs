//! Verification in the scanning commands (`--verify`, `--fail-on`, how long keys have been
//! exposed) and `leakward verify REPORT.json`.

use super::output::{open_output, use_color};
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{FailOn, VerifyArgs, VerifyReportArgs};
use crate::finding::{Finding, VerificationStatus};
use crate::report::advice::Advice;
use crate::report::{self, ReportOptions};
use crate::rules::{self, RuleDefinition};
use crate::verify::catalog::Catalog;
use crate::verify::input::{self, ReadReport};
use crate::verify::transport::Transport;
use crate::verify::{self, exposure, Verifier};
use anyhow::{anyhow, Context, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Sets how long each history finding has been exposed and, with `--verify`, what its
/// provider says about it. Without `--verify` nothing is sent anywhere.
pub(super) fn annotate(findings: &mut [Finding], args: &VerifyArgs) -> Result<()> {
    let needs_catalog = args.verify || findings.iter().any(|f| f.provenance.is_some());
    if !needs_catalog {
        return Ok(());
    }
    let catalog = Catalog::builtin().context("loading the built-in verifiers")?;
    exposure::annotate(findings, &catalog, verify::now());
    if args.verify {
        verify_findings(findings, &catalog)?;
    }
    Ok(())
}

/// Asks the providers about `findings`, with a line on stderr saying so.
fn verify_findings(findings: &mut [Finding], catalog: &Catalog) -> Result<()> {
    let transport = Transport::from_env().map_err(|e| anyhow!(e))?;
    if let Some(warning) = verify::redirect_warning(&transport) {
        eprintln!("leakward: warning: {warning}");
    }
    if findings.is_empty() {
        return Ok(());
    }
    let stats = Verifier::new(catalog, &transport).verify(findings);
    eprintln!(
        "leakward: verified {} distinct {} with {} ({} {})",
        stats.credentials_checked,
        if stats.credentials_checked == 1 {
            "key"
        } else {
            "keys"
        },
        if stats.credentials_checked == 1 {
            "its provider"
        } else {
            "their providers"
        },
        stats.requests,
        if stats.requests == 1 {
            "request"
        } else {
            "requests"
        },
    );
    Ok(())
}

/// The exit code for `findings` under `--fail-on`.
pub(super) fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    let fails = match fail_on {
        FailOn::Any => !findings.is_empty(),
        FailOn::Live => findings.iter().any(|f| {
            f.verification
                .as_ref()
                .is_some_and(|v| v.status == VerificationStatus::Live)
        }),
    };
    if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Reads a report written with `--show-secrets`, with redaction prefixes from the rules.
pub(super) fn read_report(path: &Path) -> Result<ReadReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let definitions = rules::builtin_definitions().context("loading the built-in rules")?;
    let prefix_len = |rule_id: &str, secret: &[u8]| {
        definitions
            .iter()
            .find(|(_, d)| d.id == rule_id)
            .map_or(0, |(_, d)| keyword_prefix(d, secret))
    };
    input::read_report(&text, prefix_len).with_context(|| path.display().to_string())
}

/// The longest keyword of `rule` that starts `secret` (its visible prefix when redacted).
fn keyword_prefix(rule: &RuleDefinition, secret: &[u8]) -> usize {
    rule.keywords
        .iter()
        .map(String::as_bytes)
        .filter(|k| secret.len() >= k.len() && secret[..k.len()].eq_ignore_ascii_case(k))
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

/// Runs `leakward verify REPORT.json`.
pub(super) fn verify_report(args: VerifyReportArgs) -> Result<i32> {
    let started = Instant::now();
    let ReadReport {
        mut findings,
        mut stats,
    } = read_report(&args.report)?;
    annotate(
        &mut findings,
        &VerifyArgs {
            verify: true,
            fail_on: args.fail_on,
        },
    )?;
    stats.scope = Some(format!("the findings of {}", args.report.display()));
    stats.duration = started.elapsed();
    let in_history = findings.iter().any(|f| f.provenance.is_some());
    let options = ReportOptions {
        show_secrets: args.show_secrets,
        color: use_color(args.color, args.output.is_some()),
        advice: if in_history {
            Advice::History
        } else {
            Advice::WorkTree
        },
    };
    let (mut writer, destination) = open_output(args.output.as_deref())?;
    report::write(args.format, &mut writer, &findings, &stats, options)
        .and_then(|()| writer.flush())
        .with_context(|| format!("writing {destination}"))?;
    drop(writer);
    report::summary::write(&mut std::io::stderr().lock(), &findings, &stats).ok();
    Ok(exit_code(&findings, args.fail_on))
}
