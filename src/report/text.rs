//! The text report: one block per finding, for people at a terminal.

use super::{sanitize, shown_part, shown_secret, shown_snippet, ReportOptions};
use crate::finding::{Finding, VerificationStatus};
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
            "{}{}:{}:{}{}  {}{}{}  [{} · {}]{}{decoded}",
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
            status_tag(finding, options.color),
        )?;
        let multi_line = finding.secret.expose().contains(&b'\n');
        match &finding.snippet {
            // A multi-line secret (a PEM key) shown in full goes on its own lines.
            _ if options.show_secrets && multi_line => {
                writeln!(out, "    secret:")?;
                let text = String::from_utf8_lossy(finding.secret.expose());
                for line in text.lines() {
                    writeln!(out, "      {}", sanitize(line.as_bytes()))?;
                }
            }
            Some(_) => {
                let shown = shown_snippet(finding, options).unwrap_or_default();
                writeln!(out, "    {shown}")?
            }
            None => writeln!(out, "    secret: {}", shown_secret(finding, options))?,
        }
        for part in &finding.parts {
            writeln!(
                out,
                "    with {} {} (line {}, column {})",
                part.name,
                shown_part(part, options),
                part.line,
                part.column
            )?;
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
        if let Some(exposure) = &finding.exposure {
            let date = exposure.since.get(..10).unwrap_or(&exposure.since);
            let days = if exposure.days == 1 { "day" } else { "days" };
            write!(
                out,
                "    in the repository since {date} ({} {days})",
                exposure.days
            )?;
            if exposure.overdue() {
                write!(
                    out,
                    ": longer than the {}-day rotation period, rotate it whatever its status",
                    exposure.rotation_days
                )?;
            }
            writeln!(out)?;
        }
        if let Some(v) = &finding.verification {
            writeln!(
                out,
                "    verified {}: {} ({})",
                v.status,
                sanitize(v.detail.as_bytes()),
                v.checked_at
            )?;
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
    if let Some(closing) = options.advice.closing().filter(|_| !findings.is_empty()) {
        writeln!(out, "{closing}")?;
    }
    Ok(())
}

/// `  LIVE` (bold red on a terminal), `  invalid`, `  unknown`, `  error`, or nothing when
/// the finding was not verified.
fn status_tag(finding: &Finding, color: bool) -> String {
    let Some(v) = &finding.verification else {
        return String::new();
    };
    match (v.status, color) {
        (VerificationStatus::Live, true) => format!("  \x1b[1;41;97m LIVE {RESET}"),
        (VerificationStatus::Live, false) => "  LIVE".to_string(),
        (status, true) => format!("  {DIM}{status}{RESET}"),
        (status, false) => format!("  {status}"),
    }
}
