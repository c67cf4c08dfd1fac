//! The JSON document and JSON Lines reports.

use super::{shown_secret, ReportOptions};
use crate::finding::Finding;
use crate::stats::ScanStats;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Version of the JSON report schema; fields are only ever added.
pub const JSON_REPORT_VERSION: u32 = 1;

/// One finding as a JSON object.
pub fn finding_value(finding: &Finding, options: ReportOptions) -> Value {
    let mut value = json!({
        "rule_id": finding.rule.id,
        "rule_name": finding.rule.name,
        "provider": finding.rule.provider,
        "category": finding.rule.category.as_str(),
        "severity": finding.rule.severity.as_str(),
        "confidence": finding.rule.confidence.as_str(),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "secret": shown_secret(finding, options),
        "redacted": !options.show_secrets,
        "fingerprint": finding.fingerprint.as_str(),
        "entropy": (finding.entropy * 1000.0).round() / 1000.0,
        "snippet": finding.snippet,
        "revoke": finding.rule.revoke,
    });
    if !finding.decoded.is_empty() {
        value["decoded"] = json!(finding.decoded);
    }
    if let Some(member) = &finding.member {
        value["member"] = json!(member);
    }
    if let Some(provenance) = &finding.provenance {
        value["commit"] = json!(provenance.commit);
        value["author_name"] = json!(provenance.author_name);
        value["author_email"] = json!(provenance.author_email);
        value["date"] = json!(provenance.date);
        value["commit_summary"] = json!(provenance.summary);
        value["other_occurrences"] = json!(provenance.other_occurrences);
    }
    value
}

/// The run statistics as a JSON object.
pub fn stats_value(stats: &ScanStats) -> Value {
    let skipped: Vec<Value> = stats
        .skipped
        .iter()
        .map(|s| json!({ "path": s.path, "kind": s.reason.kind(), "reason": s.reason.to_string() }))
        .collect();
    json!({
        "scope": stats.scope,
        "files_scanned": stats.files_scanned,
        "commits_scanned": stats.commits_scanned,
        "warnings": stats.warnings,
        "bytes_scanned": stats.bytes_scanned,
        "binary_files": stats.binary_files,
        "members_scanned": stats.members_scanned,
        "containers_limited": stats.containers_limited,
        "files_excluded": stats.files_excluded,
        "files_skipped": stats.skipped.len(),
        "skipped": skipped,
        "suppressed": {
            "inline": stats.suppressed.inline,
            "allowlist": stats.suppressed.allowlist,
            "baseline": stats.suppressed.baseline,
        },
        "baseline_unmatched": stats.baseline_unmatched.iter().map(|e| json!({
            "fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": e.path, "line": e.line,
        })).collect::<Vec<_>>(),
        "duration_ms": stats.duration.as_millis() as u64,
    })
}

/// Writes one JSON document: `version`, `tool`, `findings`, `stats`.
///
/// # Errors
/// A write error.
pub fn write_document(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    let document = json!({
        "version": JSON_REPORT_VERSION,
        "tool": { "name": "leakward", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings.iter().map(|f| finding_value(f, options)).collect::<Vec<_>>(),
        "stats": stats_value(stats),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes one compact JSON object per finding per line.
///
/// # Errors
/// A write error.
pub fn write_lines(
    out: &mut dyn Write,
    findings: &[Finding],
    options: ReportOptions,
) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &finding_value(finding, options))?;
        writeln!(out)?;
    }
    Ok(())
}
