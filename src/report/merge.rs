//! Many reports as one: the JSON reports of many repositories (or one scan's findings)
//! grouped into incidents, one per leaked secret wherever it was found.
//!
//! A finding's fingerprint is a hash of its rule and its secret, so the same fingerprint in
//! five repositories is one key to revoke, not five: an [`Incident`] holds all its places.
//!
//! Findings are kept as the JSON objects the reports hold, every field included (also
//! fields this version does not know, such as another version's `verification`), with a
//! `repository` field added. A secret that an input report shows in full is redacted here
//! unless the merge itself is asked to show secrets.

use super::sarif;
use super::{json, ReportOptions};
use crate::finding::{Finding, RuleSummary, Secret};
use crate::rules::{Category, Confidence, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// A report that cannot be merged.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct MergeError {
    /// The report file.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// One repository's report, as read back.
#[derive(Debug, Clone)]
pub struct RepositoryReport {
    /// The repository: the report's `repository` field, else its file name.
    pub repository: String,
    /// Its findings, as JSON objects.
    pub findings: Vec<Value>,
    /// Why the repository could not be scanned, when it could not.
    pub error: Option<String>,
}

/// Reads a leakward JSON report (of `scan`, `git`, `audit` or a merge).
///
/// # Errors
/// The file cannot be read, is not JSON, or is not a leakward report.
pub fn read_report(path: &Path) -> Result<RepositoryReport, MergeError> {
    let fail = |message: String| MergeError {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let document: Value =
        serde_json::from_slice(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
    let findings = document.get("findings").and_then(Value::as_array);
    let error = document
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_string);
    if findings.is_none() && error.is_none() {
        return Err(fail(
            "not a leakward JSON report (it has no `findings`)".to_string(),
        ));
    }
    let findings = findings.cloned().unwrap_or_default();
    if let Some(bad) = findings.iter().position(|f| {
        f.get("fingerprint").and_then(Value::as_str).is_none()
            || f.get("rule_id").and_then(Value::as_str).is_none()
    }) {
        return Err(fail(format!(
            "finding {} has no `fingerprint` or `rule_id`",
            bad + 1
        )));
    }
    let repository = document
        .get("repository")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string())
        });
    Ok(RepositoryReport {
        repository,
        findings,
        error,
    })
}

/// A leaked secret: every place it was found.
#[derive(Debug, Clone)]
pub struct Incident {
    /// The fingerprint its findings share.
    pub fingerprint: String,
    /// Indexes into [`Merged::findings`], in report order.
    pub places: Vec<usize>,
}

/// What was merged, per repository.
#[derive(Debug, Clone)]
pub struct RepositorySummary {
    /// The repository.
    pub repository: String,
    /// Its findings.
    pub findings: usize,
    /// Why it could not be scanned, when it could not.
    pub error: Option<String>,
}

/// Reports merged: every finding (with its `repository`) and the incidents they make.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// The repositories, in the order given.
    pub repositories: Vec<RepositorySummary>,
    /// Every finding, sorted by repository, path, line, column, rule and fingerprint.
    pub findings: Vec<Value>,
    /// One per fingerprint: worst severity first, then the most widespread.
    pub incidents: Vec<Incident>,
}

impl Merged {
    /// Merges `reports`, redacting every secret they show in full unless `show_secrets`.
    pub fn from_reports(reports: Vec<RepositoryReport>, show_secrets: bool) -> Merged {
        let mut merged = Merged::default();
        let mut redactor = Redactor::default();
        for report in reports {
            merged.repositories.push(RepositorySummary {
                repository: report.repository.clone(),
                findings: report.findings.len(),
                error: report.error,
            });
            for mut finding in report.findings {
                // A merged report's findings already name their repository.
                if finding.get("repository").and_then(Value::as_str).is_none() {
                    finding["repository"] = json!(report.repository);
                }
                if !show_secrets {
                    redactor.redact(&mut finding);
                }
                merged.findings.push(finding);
            }
        }
        merged.group();
        merged
    }

    /// One scan's findings (already sorted), as a report of one repository (or none).
    pub fn from_findings(
        findings: &[Finding],
        options: ReportOptions,
        repository: Option<&str>,
    ) -> Merged {
        let mut merged = Merged {
            findings: findings
                .iter()
                .map(|f| {
                    let mut value = json::finding_value(f, options);
                    if let Some(repository) = repository {
                        value["repository"] = json!(repository);
                    }
                    value
                })
                .collect(),
            ..Merged::default()
        };
        if let Some(repository) = repository {
            merged.repositories.push(RepositorySummary {
                repository: repository.to_string(),
                findings: findings.len(),
                error: None,
            });
        }
        merged.group();
        merged
    }

    /// Sorts the findings and groups them by fingerprint.
    fn group(&mut self) {
        self.findings.sort_by_cached_key(|f| {
            (
                text(f, "repository").to_string(),
                text(f, "path").to_string(),
                number(f, "line"),
                number(f, "column"),
                text(f, "rule_id").to_string(),
                text(f, "fingerprint").to_string(),
                text(f, "commit").to_string(),
            )
        });
        let mut by_fingerprint: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, finding) in self.findings.iter().enumerate() {
            by_fingerprint
                .entry(text(finding, "fingerprint"))
                .or_default()
                .push(index);
        }
        let mut incidents: Vec<Incident> = by_fingerprint
            .into_iter()
            .map(|(fingerprint, places)| Incident {
                fingerprint: fingerprint.to_string(),
                places,
            })
            .collect();
        incidents.sort_by_cached_key(|incident| {
            (
                std::cmp::Reverse(severity_rank(text(
                    &self.findings[incident.places[0]],
                    "severity",
                ))),
                std::cmp::Reverse(self.repositories_of(incident).len()),
                std::cmp::Reverse(incident.places.len()),
                incident.fingerprint.clone(),
            )
        });
        self.incidents = incidents;
    }

    /// The first finding of `incident`: what every one of them says about the secret.
    pub fn first<'a>(&'a self, incident: &Incident) -> &'a Value {
        &self.findings[incident.places[0]]
    }

    /// The distinct repositories `incident` was found in, sorted.
    pub fn repositories_of(&self, incident: &Incident) -> Vec<&str> {
        let mut names: Vec<&str> = incident
            .places
            .iter()
            .map(|&i| text(&self.findings[i], "repository"))
            .filter(|name| !name.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// What verification said of `incident`'s key: `live` if any place says so, else the
    /// first of `invalid`, `error`, `unknown` that one does; `None` when none was checked.
    pub fn status_of(&self, incident: &Incident) -> Option<String> {
        let statuses: Vec<&str> = incident
            .places
            .iter()
            .filter_map(|&i| self.findings[i].get("verification"))
            .filter_map(|v| v.get("status").and_then(Value::as_str))
            .collect();
        ["live", "invalid", "error", "unknown"]
            .into_iter()
            .find(|wanted| statuses.contains(wanted))
            .map(str::to_string)
            .or_else(|| statuses.first().map(|s| s.to_string()))
    }
}

/// A string field of a finding, or "".
pub fn text<'a>(finding: &'a Value, field: &str) -> &'a str {
    finding.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A number field of a finding, or 0.
pub fn number(finding: &Value, field: &str) -> u64 {
    finding.get(field).and_then(Value::as_u64).unwrap_or(0)
}

/// Critical 4 … low 1; anything else 0.
pub fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

/// Redacts secrets that a report shows in full, with the prefix the built-in rule's
/// keywords give (none for a rule it does not know).
#[derive(Default)]
struct Redactor {
    keywords: Option<BTreeMap<String, Vec<String>>>,
}

impl Redactor {
    fn redact(&mut self, finding: &mut Value) {
        if finding.get("redacted").and_then(Value::as_bool) != Some(false) {
            return;
        }
        let full = text(finding, "secret").to_string();
        let keywords = self.keywords.get_or_insert_with(|| {
            crate::rules::builtin_definitions()
                .unwrap_or_default()
                .into_iter()
                .map(|(_, d)| (d.id, d.keywords))
                .collect()
        });
        let prefix = keywords
            .get(text(finding, "rule_id"))
            .into_iter()
            .flatten()
            .map(|k| k.as_bytes())
            .filter(|k| full.len() >= k.len() && full.as_bytes()[..k.len()].eq_ignore_ascii_case(k))
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0);
        let redacted = Secret::new(full.clone().into_bytes(), prefix).redacted();
        if let Some(snippet) = finding.get("snippet").and_then(Value::as_str) {
            let snippet = snippet.replacen(&full, &redacted, 1);
            finding["snippet"] = json!(snippet);
        }
        finding["secret"] = json!(redacted);
        finding["redacted"] = json!(true);
    }
}

/// Writes the merged JSON report: `version`, `tool`, `repositories`, `incidents` (one per
/// fingerprint, with the repositories and places it was found in) and `findings`.
///
/// # Errors
/// A write error.
pub fn write_json(out: &mut dyn Write, merged: &Merged) -> io::Result<()> {
    let incidents: Vec<Value> = merged
        .incidents
        .iter()
        .map(|incident| {
            let first = merged.first(incident);
            let mut value = json!({
                "fingerprint": incident.fingerprint,
                "rule_id": text(first, "rule_id"),
                "rule_name": text(first, "rule_name"),
                "provider": text(first, "provider"),
                "category": text(first, "category"),
                "severity": text(first, "severity"),
                "secret": text(first, "secret"),
                "revoke": text(first, "revoke"),
                "repositories": merged.repositories_of(incident),
                "places": incident.places.len(),
            });
            if let Some(status) = merged.status_of(incident) {
                value["verification_status"] = json!(status);
            }
            value
        })
        .collect();
    let repositories: Vec<Value> = merged
        .repositories
        .iter()
        .map(|r| json!({ "repository": r.repository, "findings": r.findings, "error": r.error }))
        .collect();
    let document = json!({
        "version": json::JSON_REPORT_VERSION,
        "tool": { "name": "leakward", "version": env!("CARGO_PKG_VERSION") },
        "repositories": repositories,
        "incidents": incidents,
        "findings": merged.findings,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes the merged findings as one SARIF run: a result per finding, its repository in
/// `uriBaseId` (and the result's properties), one rule per rule id.
///
/// # Errors
/// A write error.
pub fn write_sarif(out: &mut dyn Write, merged: &Merged) -> io::Result<()> {
    let mut rules: BTreeMap<&str, RuleSummary> = BTreeMap::new();
    for finding in &merged.findings {
        rules
            .entry(text(finding, "rule_id"))
            .or_insert_with(|| rule_summary(finding));
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut bases: BTreeMap<String, Value> = BTreeMap::new();
    let results: Vec<Value> = merged
        .findings
        .iter()
        .map(|finding| {
            let summary = &rules[text(finding, "rule_id")];
            let repository = text(finding, "repository");
            let base = uri_base_id(repository);
            bases.entry(base.clone()).or_insert_with(|| {
                json!({ "description": { "text": format!("The repository {repository}") } })
            });
            let mut result = json!({
                "ruleId": summary.id,
                "ruleIndex": rule_index[summary.id.as_str()],
                "level": sarif::level(summary.severity),
                "message": { "text": format!(
                    "{} ({}) found in {repository}: {}. Revoke it at {}",
                    summary.name, summary.provider, text(finding, "secret"), summary.revoke
                )},
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": sarif::uri(text(finding, "path")), "uriBaseId": base },
                    "region": {
                        "startLine": number(finding, "line").max(1),
                        "startColumn": number(finding, "column").max(1),
                        "endLine": number(finding, "end_line").max(1),
                        "endColumn": number(finding, "end_column").max(1),
                    },
                }}],
                "partialFingerprints": { "leakwardSecret/v1": text(finding, "fingerprint") },
                "properties": {
                    "repository": repository,
                    "provider": summary.provider,
                    "category": summary.category.as_str(),
                    "severity": summary.severity.as_str(),
                },
            });
            if let Some(commit) = finding.get("commit").and_then(Value::as_str) {
                result["properties"]["commit"] = json!(commit);
                result["properties"]["date"] = json!(text(finding, "date"));
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": sarif::SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leakward",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.values().map(sarif::rule_descriptor).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": bases,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A SARIF `uriBaseId` for a repository name: its letters, digits, `-`, `_` and `.`.
fn uri_base_id(repository: &str) -> String {
    let cleaned: String = repository
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "REPOSITORY".to_string()
    } else {
        cleaned
    }
}

/// What a finding says about its rule.
fn rule_summary(finding: &Value) -> RuleSummary {
    let parse = |field: &str| Value::String(text(finding, field).to_string());
    RuleSummary {
        id: text(finding, "rule_id").to_string(),
        name: text(finding, "rule_name").to_string(),
        provider: text(finding, "provider").to_string(),
        category: Category::parse(text(finding, "category")).unwrap_or(Category::Custom),
        severity: serde_json::from_value::<Severity>(parse("severity")).unwrap_or(Severity::Medium),
        confidence: serde_json::from_value::<Confidence>(parse("confidence"))
            .unwrap_or(Confidence::Medium),
        revoke: text(finding, "revoke").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(fingerprint: &str, path: &str, severity: &str) -> Value {
        json!({
            "rule_id": "r", "rule_name": "R key", "provider": "P", "category": "ai",
            "severity": severity, "confidence": "high", "path": path, "line": 1, "column": 1,
            "end_line": 1, "end_column": 9, "secret": "ab…", "redacted": true,
            "fingerprint": fingerprint, "revoke": "https://p.invalid/keys",
        })
    }

    #[test]
    fn one_secret_in_many_repositories_is_one_incident() {
        let report = |name: &str, findings: Vec<Value>| RepositoryReport {
            repository: name.to_string(),
            findings,
            error: None,
        };
        let merged = Merged::from_reports(
            vec![
                report(
                    "a",
                    vec![finding("f1", "x", "high"), finding("f2", "y", "low")],
                ),
                report("b", vec![finding("f1", "z", "high")]),
                report("c", vec![finding("f3", "x", "critical")]),
            ],
            false,
        );
        assert_eq!(merged.findings.len(), 4);
        let order: Vec<&str> = merged
            .incidents
            .iter()
            .map(|i| i.fingerprint.as_str())
            .collect();
        assert_eq!(order, ["f3", "f1", "f2"]);
        assert_eq!(merged.repositories_of(&merged.incidents[1]), ["a", "b"]);
    }

    #[test]
    fn a_secret_shown_in_full_is_redacted() {
        let mut shown = finding("f", "x", "high");
        shown["rule_id"] = json!("openai-project-key");
        shown["secret"] = json!("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789");
        shown["snippet"] = json!("KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 # x");
        shown["redacted"] = json!(false);
        let report = RepositoryReport {
            repository: "a".into(),
            findings: vec![shown],
            error: None,
        };
        let merged = Merged::from_reports(vec![report.clone()], false);
        let redacted = &merged.findings[0];
        assert_eq!(redacted["secret"], "sk-proj-abcd…");
        assert_eq!(redacted["snippet"], "KEY=sk-proj-abcd… # x");
        assert_eq!(redacted["redacted"], true);
        let kept = Merged::from_reports(vec![report], true);
        assert_eq!(kept.findings[0]["redacted"], false);
    }
}
