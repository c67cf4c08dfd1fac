//! SARIF 2.1.0, shaped for GitHub code scanning: stable rule ids with metadata, repository-
//! relative `/` paths, 1-based columns, `partialFingerprints`, `security-severity`, and no
//! secret in any message unless `--show-secrets` was asked for.

use super::{shown_part, shown_secret, LazyArray, ReportOptions};
use crate::finding::{Finding, RuleSummary};
use crate::rules::Severity;
use crate::stats::ScanStats;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The schema address written in `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes one SARIF log with one run.
///
/// # Errors
/// A write error.
pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    let mut rules: BTreeMap<&str, &RuleSummary> = BTreeMap::new();
    for finding in findings {
        rules
            .entry(finding.rule.id.as_str())
            .or_insert(&finding.rule);
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    /// The log's one run, with its results made one at a time as they are written.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase", bound = "")]
    struct Run<'a, F: Fn(&Finding) -> Value> {
        tool: Value,
        column_kind: &'static str,
        results: LazyArray<'a, Finding, F>,
        properties: Value,
    }
    #[derive(serde::Serialize)]
    #[serde(bound = "")]
    struct Log<'a, F: Fn(&Finding) -> Value> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        version: &'static str,
        runs: [Run<'a, F>; 1],
    }
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": {
                "name": "leakward",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.values().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }}),
            column_kind: "unicodeCodePoints",
            results: LazyArray(findings, |f: &Finding| {
                result(f, rule_index[f.rule.id.as_str()], options)
            }),
            properties: json!({
                "suppressed": {
                    "inline": stats.suppressed.inline,
                    "allowlist": stats.suppressed.allowlist,
                    "baseline": stats.suppressed.baseline,
                },
                "filesScanned": stats.files_scanned,
            }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The SARIF `reportingDescriptor` of a rule: help with the revoke page, GitHub's
/// `security-severity`.
pub(crate) fn rule_descriptor(rule: &RuleSummary) -> Value {
    let help = format!(
        "A {name} ({provider}) was found in the code. Revoke it at {revoke} and issue a new one: a committed key \
         stays in every clone and fork even after the commit is rewritten. Keep the new key out of code, in an \
         environment variable or a secrets manager, give it the least privilege it needs, and check the \
         provider's usage logs for calls you did not make.",
        name = rule.name,
        provider = rule.provider,
        revoke = rule.revoke
    );
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": { "text": truncate(&format!("{} ({})", rule.name, rule.provider), 1024) },
        "fullDescription": { "text": truncate(&format!("Leaked {} of {}.", rule.name, rule.provider), 1024) },
        "help": {
            "text": truncate(&help, 1024),
            "markdown": truncate(&format!("**Revoke this key:** [{0}]({0})\n\n{1}", rule.revoke, help), 1024),
        },
        "helpUri": rule.revoke,
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": ["security", "secret", "credential", rule.category.as_str()],
            "precision": rule.confidence.as_str(),
            "security-severity": security_severity(rule.severity),
            "provider": rule.provider,
            "category": rule.category.as_str(),
        },
    })
}

fn result(finding: &Finding, rule_index: usize, options: ReportOptions) -> Value {
    let with_parts: String = finding
        .parts
        .iter()
        .map(|part| format!(", with {} {}", part.name, shown_part(part, options)))
        .collect();
    let mut value = json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.rule.severity),
        "message": { "text": format!(
            "{} ({}) found: {}{with_parts}. Revoke it at {}",
            finding.rule.name, finding.rule.provider, shown_secret(finding, options), finding.rule.revoke
        )},
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri(finding.file_path()) },
            "region": {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": finding.end_line,
                "endColumn": finding.end_column,
            },
        }}],
        "partialFingerprints": { "leakwardSecret/v1": finding.fingerprint.as_str() },
        "properties": {
            "provider": finding.rule.provider,
            "category": finding.rule.category.as_str(),
            "severity": finding.rule.severity.as_str(),
        },
    });
    if !finding.parts.is_empty() {
        // Each part is a related location, and the properties name them for tools that read
        // no locations.
        value["relatedLocations"] = finding
            .parts
            .iter()
            .enumerate()
            .map(|(id, part)| {
                json!({
                    "id": id,
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&finding.path) },
                        "region": { "startLine": part.line, "startColumn": part.column },
                    },
                    "message": { "text": format!("{} {}", part.name, shown_part(part, options)) },
                })
            })
            .collect();
        value["properties"]["parts"] = finding
            .parts
            .iter()
            .map(|part| json!({ "name": part.name, "secret": shown_part(part, options) }))
            .collect();
    }
    if !finding.decoded.is_empty() {
        value["properties"]["decoded"] = json!(finding.decoded);
    }
    if let Some(member) = &finding.member {
        // Code scanning places a result in a file of the repository: the archive. The
        // member and the line in it are said here and in the message.
        value["properties"]["member"] = json!(member);
        value["properties"]["memberLine"] = json!(finding.line);
        value["locations"][0]["physicalLocation"]["region"] = json!({ "startLine": 1 });
        if let Some(text) = value["message"]["text"].as_str() {
            let text = format!("{text} (in {member}, line {})", finding.line);
            value["message"]["text"] = json!(text);
        }
    }
    if let Some(p) = &finding.provenance {
        value["properties"]["commit"] = json!(p.commit);
        value["properties"]["author"] = json!(format!("{} <{}>", p.author_name, p.author_email));
        value["properties"]["date"] = json!(p.date);
        value["properties"]["commitSummary"] = json!(p.summary);
    }
    if let Some(exposure) = &finding.exposure {
        value["properties"]["exposedDays"] = json!(exposure.days);
        value["properties"]["rotationOverdue"] = json!(exposure.overdue());
    }
    if let Some(v) = &finding.verification {
        value["properties"]["verification"] = json!({
            "status": v.status.as_str(), "detail": v.detail, "checkedAt": v.checked_at,
        });
    }
    value
}

/// SARIF `level` for a severity.
pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity`: a CVSS-like score as a string.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// A relative URI reference: the `/`-separated path with everything else percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.trim_start_matches('/').as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("dir with space/é.env"), "dir%20with%20space/%C3%A9.env");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("openai-project-key"), "OpenaiProjectKey");
    }
}
