//! GitHub Actions integration: annotations on the changed lines, a Markdown job summary,
//! and step outputs. Secrets are always redacted here: logs and summaries are shared.

use super::sanitize;
use super::summary::{human_bytes, plural};
use crate::finding::Finding;
use crate::stats::ScanStats;
use std::io::{self, Write};

/// Writes one `::error` workflow command per finding, which GitHub shows on the line in the
/// pull request's diff.
///
/// # Errors
/// A write error.
pub fn write_annotations(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        // A key inside an archive is annotated on the archive's first line, naming the member.
        let (inside, line, end_line, column) = match &finding.member {
            Some(member) => (format!(" in {member}:{}", finding.line), 1, 1, 1),
            None => (
                String::new(),
                finding.line,
                finding.end_line,
                finding.column,
            ),
        };
        let message = format!(
            "{} ({}) {}{inside} — revoke it at {} and remove it from the history; rule {}",
            finding.rule.name,
            finding.rule.provider,
            finding.secret.redacted(),
            finding.rule.revoke,
            finding.rule.id
        );
        writeln!(
            out,
            "::error file={},line={},endLine={},col={},title={}::{}",
            escape_property(finding.file_path()),
            line,
            end_line,
            column,
            escape_property(&format!("leakward: leaked {}", finding.rule.name)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Rows of the job summary's table at most (GitHub caps a step summary at 1 MiB).
const SUMMARY_ROWS: usize = 200;

/// Writes the job summary: what was scanned, then a table of the findings.
///
/// # Errors
/// A write error.
pub fn write_summary(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
) -> io::Result<()> {
    writeln!(out, "## leakward")?;
    writeln!(out)?;
    if let Some(scope) = &stats.scope {
        writeln!(out, "Scanned {}.", cell(scope))?;
    }
    writeln!(
        out,
        "{} from {} ({}); {} suppressed.",
        plural(stats.files_scanned, "distinct blob"),
        plural(stats.commits_scanned, "commit"),
        human_bytes(stats.bytes_scanned),
        stats.suppressed.total()
    )?;
    for warning in &stats.warnings {
        writeln!(out, "\n> [!WARNING]\n> {}", cell(warning))?;
    }
    writeln!(out)?;
    if findings.is_empty() {
        writeln!(out, "No leaked secrets found.")?;
        return Ok(());
    }
    writeln!(
        out,
        "**{} leaked {}.** Revoke each key at its provider's page and issue a new one: a pushed key stays in every clone and fork.",
        findings.len(),
        if findings.len() == 1 { "secret" } else { "secrets" }
    )?;
    writeln!(out)?;
    writeln!(out, "| Severity | Key | Where | Commit | Revoke |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for finding in findings.iter().take(SUMMARY_ROWS) {
        let commit = finding.provenance.as_ref().map_or_else(String::new, |p| {
            p.commit.get(..12).unwrap_or(&p.commit).to_string()
        });
        writeln!(
            out,
            "| {} | {} `{}` | `{}:{}` | {} | {} |",
            finding.rule.severity.as_str(),
            cell(&finding.rule.name),
            cell(&finding.secret.redacted()),
            cell(&finding.path),
            finding.line,
            commit,
            cell(&finding.rule.revoke)
        )?;
    }
    if findings.len() > SUMMARY_ROWS {
        writeln!(
            out,
            "\n… and {} more: see the SARIF report or the job log.",
            findings.len() - SUMMARY_ROWS
        )?;
    }
    Ok(())
}

/// Writes step outputs (`name=value` lines) for the action.
///
/// # Errors
/// A write error.
pub fn write_outputs(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    sarif: Option<&std::path::Path>,
) -> io::Result<()> {
    writeln!(out, "findings={}", findings.len())?;
    writeln!(out, "commits-scanned={}", stats.commits_scanned)?;
    writeln!(out, "blobs-scanned={}", stats.files_scanned)?;
    if let Some(path) = sarif {
        writeln!(
            out,
            "sarif-file={}",
            sanitize(path.to_string_lossy().as_bytes())
        )?;
    }
    Ok(())
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    sanitize(text.as_bytes())
        .replace('|', "\\|")
        .replace('`', "'")
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    sanitize(text.as_bytes())
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{cell, escape_property, write_summary};
    use crate::stats::ScanStats;

    #[test]
    fn escapes() {
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(cell("a|b`c"), "a\\|b'c");
    }

    #[test]
    fn the_summary_counts_in_the_singular_and_plural() {
        let summary = |blobs, commits| {
            let stats = ScanStats {
                files_scanned: blobs,
                commits_scanned: commits,
                bytes_scanned: 1500,
                ..ScanStats::default()
            };
            let mut out = Vec::new();
            write_summary(&mut out, &[], &stats).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert!(summary(1, 1).contains("1 distinct blob from 1 commit (1.5 KB)"));
        assert!(summary(2, 3).contains("2 distinct blobs from 3 commits (1.5 KB)"));
    }
}
