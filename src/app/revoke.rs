//! `leakward revoke REPORT.json`: revoke each key of a report through its provider's API
//! where one exists (asking before each on a terminal, unless `--yes`), and say how to
//! revoke and rotate the others by hand.

use super::explain::guide_for;
use super::verify::read_report;
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::RevokeArgs;
use crate::finding::Finding;
use crate::report::sanitize;
use crate::verify::catalog::Catalog;
use crate::verify::revoke::{revoke as revoke_key, RevokeOutcome};
use crate::verify::transport::Transport;
use crate::verify::{self};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};

/// Runs `leakward revoke`.
pub(super) fn revoke(args: RevokeArgs) -> Result<i32> {
    let report = read_report(&args.report)?;
    let catalog = Catalog::builtin().context("loading the built-in verifiers")?;
    let mut seen = BTreeSet::new();
    let keys: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| seen.insert(f.fingerprint.clone()))
        .collect();
    let by_api = keys
        .iter()
        .filter(|f| catalog.revoke(&f.rule.id).is_some())
        .count();
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if by_api > 0 && !args.yes && !interactive {
        bail!(
            "refusing to revoke {by_api} {} without confirmation: standard input is not a \
             terminal. Run it on a terminal to be asked before each key, or pass --yes",
            if by_api == 1 { "key" } else { "keys" }
        );
    }
    let transport = Transport::from_env().map_err(|e| anyhow!(e))?;
    if by_api > 0 {
        if let Some(warning) = verify::redirect_warning(&transport) {
            eprintln!("leakward: warning: {warning}");
        }
    }
    let mut out = std::io::stdout().lock();
    let mut stdin = std::io::stdin().lock();
    let mut failed = 0;
    for finding in keys {
        let label = format!(
            "{} {} ({}:{})",
            finding.rule.name,
            finding.secret.redacted(),
            sanitize(finding.path.as_bytes()),
            finding.line
        );
        let Some(api) = catalog.revoke(&finding.rule.id) else {
            manual(&mut out, &catalog, finding, &label, "no revocation API")?;
            continue;
        };
        if !args.yes && !confirm(&mut stdin, &label, &finding.rule.provider)? {
            manual(&mut out, &catalog, finding, &label, "skipped")?;
            continue;
        }
        match revoke_key(api, finding.secret.expose(), &transport) {
            RevokeOutcome::Revoked => writeln!(
                out,
                "revoked: {label} through {}'s API",
                finding.rule.provider
            )?,
            RevokeOutcome::AlreadyInvalid => writeln!(
                out,
                "already invalid: {label} ({} says the key no longer works)",
                finding.rule.provider
            )?,
            RevokeOutcome::Failed(why) => {
                failed += 1;
                manual(
                    &mut out,
                    &catalog,
                    finding,
                    &label,
                    &format!("failed: {why}"),
                )?;
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Asks on stderr and reads the answer from standard input (a terminal).
fn confirm(stdin: &mut impl BufRead, label: &str, provider: &str) -> Result<bool> {
    eprint!("Revoke {label} through {provider}'s API? This cannot be undone. [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    stdin
        .read_line(&mut answer)
        .context("reading the answer from standard input")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// The revoke page and the rotation steps of a key leakward does not revoke itself.
fn manual(
    out: &mut impl Write,
    catalog: &Catalog,
    finding: &Finding,
    label: &str,
    why: &str,
) -> Result<()> {
    let guide = guide_for(catalog, &finding.rule);
    writeln!(out, "{why}: {label}")?;
    writeln!(out, "    revoke it at {}", finding.rule.revoke)?;
    writeln!(out, "    {}", guide.revoke)?;
    writeln!(out, "    then rotate: {}", guide.rotate)?;
    Ok(())
}
