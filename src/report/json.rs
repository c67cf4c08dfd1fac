//! The JSON document and JSON Lines reports.

use super::{sanitize, shown_part, shown_secret, shown_snippet, LazyArray, ReportOptions};
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
        "path": printable(&finding.path),
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "secret": shown_secret(finding, options),
        "redacted": !options.show_secrets,
        "fingerprint": finding.fingerprint.as_str(),
        "entropy": (finding.entropy * 1000.0).round() / 1000.0,
        "snippet": shown_snippet(finding, options),
        "revoke": finding.rule.revoke,
    });
    if !finding.parts.is_empty() {
        value["parts"] = finding
            .parts
            .iter()
            .map(|part| {
                json!({
                    "name": part.name,
                    "rule_id": part.rule,
                    "secret": shown_part(part, options),
                    "line": part.line,
                    "column": part.column,
                })
            })
            .collect();
    }
    if !finding.decoded.is_empty() {
        value["decoded"] = json!(finding.decoded);
    }
    if let Some(member) = &finding.member {
        value["member"] = json!(member);
    }
    if let Some(provenance) = &finding.provenance {
        value["commit"] = json!(provenance.commit);
        value["author_name"] = json!(printable(&provenance.author_name));
        value["author_email"] = json!(printable(&provenance.author_email));
        value["date"] = json!(provenance.date);
        value["commit_summary"] = json!(printable(&provenance.summary));
        value["other_occurrences"] = json!(provenance.other_occurrences);
    }
    if let Some(exposure) = &finding.exposure {
        value["exposed_days"] = json!(exposure.days);
        value["rotation_overdue"] = json!(exposure.overdue());
    }
    if let Some(verification) = &finding.verification {
        value["verification"] = json!({
            "status": verification.status.as_str(),
            "detail": verification.detail,
            "checked_at": verification.checked_at,
        });
    }
    value
}

/// Text that came from scanned input (a file name, a commit message), escaped as the text
/// report escapes it: JSON would pass C1 control characters and bidirectional overrides
/// through to whatever displays the report.
fn printable(text: &str) -> String {
    sanitize(text.as_bytes())
}

/// The run statistics as a JSON object.
pub fn stats_value(stats: &ScanStats) -> Value {
    let mut value = stats_fields(stats);
    if let Some(cache) = &stats.cache {
        value["cache"] = json!({
            "hits": cache.hits,
            "misses": cache.misses,
            "rescanned": cache.rescanned,
        });
    }
    value
}

/// Every statistic but the blob cache's counters (present only when a cache was used).
fn stats_fields(stats: &ScanStats) -> Value {
    let skipped: Vec<Value> = stats
        .skipped
        .iter()
        .map(|s| json!({ "path": printable(&s.path), "kind": s.reason.kind(), "reason": printable(&s.reason.to_string()) }))
        .collect();
    json!({
        "scope": stats.scope,
        "files_scanned": stats.files_scanned,
        "commits_scanned": stats.commits_scanned,
        "unreachable_blobs_read": stats.unreachable_blobs_read,
        "warnings": stats.warnings.iter().map(|w| printable(w)).collect::<Vec<_>>(),
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
            "fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": printable(&e.path), "line": e.line,
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
    write_repository_document(out, None, None, findings, stats, options)
}

/// Writes one JSON document as [`write_document`] does, with a `repository` field naming
/// the repository scanned (`leakward audit`) and, when it could not be scanned, an `error`.
///
/// # Errors
/// A write error.
pub fn write_repository_document(
    out: &mut dyn Write,
    repository: Option<&str>,
    error: Option<&str>,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    /// The document, with its findings made one at a time as they are written.
    #[derive(serde::Serialize)]
    #[serde(bound = "")]
    struct Document<'a, F: Fn(&Finding) -> Value> {
        version: u32,
        tool: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        repository: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        findings: LazyArray<'a, Finding, F>,
        stats: Value,
    }
    let document = Document {
        version: JSON_REPORT_VERSION,
        tool: json!({ "name": "leakward", "version": env!("CARGO_PKG_VERSION") }),
        repository,
        error: error.map(printable),
        findings: LazyArray(findings, |f: &Finding| finding_value(f, options)),
        stats: stats_value(stats),
    };
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
