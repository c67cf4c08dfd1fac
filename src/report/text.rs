//! The text report: one block per finding, for people at a terminal.

use super::{sanitize, shown_secret, ReportOptions};
use crate::finding::Finding;
use crate::rules::Severity;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

/// Writes one block per finding and, when there are findings, what to do about them.
///
/// # Errors
/// A write error.
pub fn write(out: &mut dyn Write, findings: &[Finding], options: ReportOptions) -> io::Result<()> {
    let paint = |code: &'static str| if options.color { code } else { "" };
    for finding in findings {
        let severity_colour = match finding.rule.severity {
            Severity::Critical | Severity::High => "\x1b[31m",
            Severity::Medium => "\x1b[33m",
            Severity::Low => "\x1b[36m",
        };
        let decoded = if finding.decoded.is_empty() {
            String::new()
        } else {
            format!("  (decoded: {})", finding.decoded.join(", "))
        };
        writeln!(
            out,
            "{}{}:{}:{}{}  {}{}{}  [{} · {}]{decoded}",
            paint(BOLD),
            sanitize(finding.path.as_bytes()),
            finding.line,
            finding.column,
            paint(RESET),
            paint(severity_colour),
            finding.rule.name,
            paint(RESET),
            finding.rule.id,
            finding.rule.severity.as_str(),
        )?;
        let secret = shown_secret(finding, options);
        match &finding.snippet {
            Some(snippet) if !options.show_secrets => writeln!(out, "    {snippet}")?,
            Some(_) | None => writeln!(out, "    secret: {secret}")?,
        }
        if let Some(p) = &finding.provenance {
            let short = p.commit.get(..12).unwrap_or(&p.commit);
            let author = sanitize(format!("{} <{}>", p.author_name, p.author_email).as_bytes());
            writeln!(
                out,
                "    commit {short} by {author} on {}: {}",
                p.date,
                sanitize(p.summary.as_bytes())
            )?;
            if p.other_occurrences > 0 {
                writeln!(
                    out,
                    "    (the same file content is in {} other commit/path places)",
                    p.other_occurrences
                )?;
            }
        }
        writeln!(
            out,
            "    {}revoke: {}{}",
            paint(DIM),
            finding.rule.revoke,
            paint(RESET)
        )?;
        writeln!(out)?;
    }
    if !findings.is_empty() {
        writeln!(
            out,
            "Revoke each key at the page shown and issue a new one: a committed key stays in every clone.\n\
             Then keep the new key out of code (an environment variable or a secrets manager).\n\
             A false alarm? Add `leakward:allow` on its line, or its path under [allowlist] paths in .leakward.toml."
        )?;
    }
    Ok(())
}
