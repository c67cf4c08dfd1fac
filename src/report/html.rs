//! The HTML report: one self-contained page for people (inline CSS and JavaScript, nothing
//! loaded from anywhere), with a summary, one row per incident (a leaked secret and every
//! place it was found), filters, search and a print stylesheet.
//!
//! Everything that comes from scanned input (paths, snippets, commit messages, authors,
//! repository names) is HTML-escaped, and a Content-Security-Policy allows no network
//! request, no inline event handler and no script but the page's own (by its hash), so even
//! markup that slipped through could not run. Secrets are as the findings show them:
//! redacted unless `--show-secrets`.

use super::merge::{number, severity_rank, text, Incident, Merged};
use super::ReportOptions;
use crate::finding::Finding;
use crate::stats::ScanStats;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Places listed in an incident's row before the rest fold into "and N more".
const PLACES_SHOWN: usize = 5;

/// Writes one scan's findings as an HTML page.
///
/// # Errors
/// A write error.
pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    let merged = Merged::from_findings(findings, options, None);
    let scope = stats.scope.clone().unwrap_or_else(|| {
        if stats.commits_scanned > 0 {
            format!(
                "{} distinct {} from {} {}",
                stats.files_scanned,
                plural(stats.files_scanned as usize, "blob", "blobs"),
                stats.commits_scanned,
                plural(stats.commits_scanned as usize, "commit", "commits")
            )
        } else {
            format!(
                "{} {}",
                stats.files_scanned,
                plural(stats.files_scanned as usize, "file", "files")
            )
        }
    });
    write_merged(out, &merged, &format!("scanned {scope}"))
}

/// Writes merged reports (or one scan's) as an HTML page; `scope` says what was scanned.
///
/// # Errors
/// A write error.
pub fn write_merged(out: &mut dyn Write, merged: &Merged, scope: &str) -> io::Result<()> {
    out.write_all(page(merged, scope).as_bytes())
}

/// The page's script. It only reads the page: filters and search hide rows, and the
/// filters are kept in the address's `#` part so a filtered view can be shared.
const SCRIPT: &str = r##"
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.incident"));
  var search = document.getElementById("search");
  var selects = ["severity", "category", "repository", "status"].map(function (id) {
    return document.getElementById(id);
  }).filter(function (element) { return element !== null; });
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  function matches(row, select) {
    if (!select.value) { return true; }
    var values = (row.getAttribute("data-" + select.id) || "").split("\n");
    return values.indexOf(select.value) >= 0;
  }
  function apply() {
    var query = search.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var visible = selects.every(function (select) { return matches(row, select); }) &&
        (!query || row.textContent.toLowerCase().indexOf(query) >= 0 ||
          row.getAttribute("data-fingerprint").indexOf(query) >= 0);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " incidents shown";
    empty.hidden = count > 0;
    var state = new URLSearchParams();
    if (search.value) { state.set("q", search.value); }
    selects.forEach(function (select) { if (select.value) { state.set(select.id, select.value); } });
    var hash = state.toString();
    if (location.hash.slice(1) !== hash) {
      try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); }
      catch (ignored) { /* a page opened from a file may not rewrite its address */ }
    }
  }
  var initial = new URLSearchParams(location.hash.slice(1));
  search.value = initial.get("q") || "";
  selects.forEach(function (select) { select.value = initial.get(select.id) || ""; });
  search.addEventListener("input", apply);
  selects.forEach(function (select) { select.addEventListener("change", apply); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });
  apply();
  document.documentElement.setAttribute("data-ready", "true");
})();
"##;

const STYLE: &str = r#"
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7fa; --card: #fff;
  --critical: #8e1020; --high: #c62828; --medium: #b26a00; --low: #2f6f9f; --live: #c62828;
  --invalid: #4a7a3a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main { max-width: 1280px; margin: 0 auto; padding: 16px 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0 0 8px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
.meta, .muted { color: var(--muted); }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px;
  margin-bottom: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card table { width: 100%; border-collapse: collapse; }
.card td { padding: 2px 0; }
.card td.count { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.errors { border-color: var(--high); }
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0 12px; }
.filters input, .filters select { font: inherit; padding: 6px 8px; border: 1px solid var(--line);
  border-radius: 6px; background: var(--card); }
.filters input { flex: 1 1 260px; }
table.incidents { width: 100%; border-collapse: collapse; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
table.incidents th { text-align: left; font-size: 12px; text-transform: uppercase; color: var(--muted);
  background: #eef1f6; padding: 8px 10px; }
table.incidents td { vertical-align: top; padding: 10px; border-top: 1px solid var(--line); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff;
  font-size: 12px; font-weight: 600; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.st-live { background: var(--live); } .st-invalid { background: var(--invalid); }
.st-unknown, .st-error, .st-none { background: #7a8191; }
ul.places { list-style: none; margin: 0; padding: 0; }
ul.places li { margin: 0 0 8px; }
.repo { font-weight: 600; }
.snippet { display: block; color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); }
ol.steps { margin: 6px 0 0; padding-left: 18px; }
a { color: #1a56b8; }
@media print {
  body { background: #fff; font-size: 11px; }
  .filters { display: none; }
  table.incidents { border: none; }
  tr.incident { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 10px; }
  .card { break-inside: avoid; }
}
"#;

/// The whole page.
fn page(merged: &Merged, scope: &str) -> String {
    let has_status = merged
        .incidents
        .iter()
        .any(|incident| merged.status_of(incident).is_some());
    let multi_repository = merged.repositories.len() > 1
        || merged
            .findings
            .iter()
            .any(|f| !text(f, "repository").is_empty());
    let incidents = merged.incidents.len();
    let mut html = String::with_capacity(16 * 1024 + merged.findings.len() * 1024);
    let script_hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; \
         base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>leakward: {incidents} leaked {secrets}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        secrets = plural(incidents, "secret", "secrets"),
    );
    let _ = write!(
        html,
        "<header><h1>leakward: {incidents} leaked {secrets}</h1>\n<p class=\"meta\">{findings} \
         {finding_word}; {scope_text}; leakward {version}</p></header>\n<main>\n",
        secrets = plural(incidents, "secret", "secrets"),
        findings = merged.findings.len(),
        finding_word = plural(merged.findings.len(), "finding", "findings"),
        scope_text = escape(scope),
        version = env!("CARGO_PKG_VERSION"),
    );
    summary(&mut html, merged, has_status);
    filters(&mut html, merged, has_status, multi_repository);
    table(&mut html, merged, has_status, multi_repository);
    let _ = write!(
        html,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    html
}

/// The summary cards: counts of incidents by severity, category, provider and (when
/// checked) live status, and the repositories that could not be scanned.
fn summary(html: &mut String, merged: &Merged, has_status: bool) {
    let count_by = |key: &dyn Fn(&Incident) -> String| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for incident in &merged.incidents {
            *counts.entry(key(incident)).or_default() += 1;
        }
        counts
    };
    html.push_str("<section class=\"summary\" id=\"summary\">\n");
    let mut severities: Vec<(String, usize)> =
        count_by(&|i| text(merged.first(i), "severity").to_string())
            .into_iter()
            .collect();
    severities.sort_by_key(|(severity, _)| std::cmp::Reverse(severity_rank(severity)));
    card(html, "By severity", "severity", &severities, |severity| {
        format!("<span class=\"badge sev-{0}\">{0}</span>", escape(severity))
    });
    let mut categories: Vec<(String, usize)> =
        count_by(&|i| text(merged.first(i), "category").to_string())
            .into_iter()
            .collect();
    categories.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    card(html, "By category", "category", &categories, escape);
    let mut providers: Vec<(String, usize)> =
        count_by(&|i| text(merged.first(i), "provider").to_string())
            .into_iter()
            .collect();
    providers.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    card(html, "By provider", "provider", &providers, escape);
    if has_status {
        let mut statuses: Vec<(String, usize)> = count_by(&|i| {
            merged
                .status_of(i)
                .unwrap_or_else(|| "not checked".to_string())
        })
        .into_iter()
        .collect();
        statuses.sort_by_key(|(status, _)| status != "live");
        card(html, "Live status", "status", &statuses, |status| {
            format!(
                "<span class=\"badge st-{}\">{}</span>",
                status_class(status),
                escape(status)
            )
        });
    }
    if merged.repositories.len() > 1 {
        let failed: Vec<&super::merge::RepositorySummary> = merged
            .repositories
            .iter()
            .filter(|r| r.error.is_some())
            .collect();
        let with_findings = merged
            .repositories
            .iter()
            .filter(|r| r.findings > 0)
            .count();
        let _ = write!(
            html,
            "<div class=\"card{}\" id=\"repositories\"><h2>Repositories</h2><table>\
             <tr><td>scanned</td><td class=\"count\">{}</td></tr>\
             <tr><td>with findings</td><td class=\"count\">{with_findings}</td></tr>\
             <tr><td>could not be scanned</td><td class=\"count\">{}</td></tr></table>",
            if failed.is_empty() { "" } else { " errors" },
            merged.repositories.len() - failed.len(),
            failed.len()
        );
        for repository in failed {
            let _ = write!(
                html,
                "<p class=\"failed\"><span class=\"repo\">{}</span>: {}</p>",
                escape(&repository.repository),
                escape(repository.error.as_deref().unwrap_or_default())
            );
        }
        html.push_str("</div>\n");
    }
    html.push_str("</section>\n");
}

/// One summary card: a title and a table of (label, count).
fn card(
    html: &mut String,
    title: &str,
    id: &str,
    rows: &[(String, usize)],
    label: impl Fn(&str) -> String,
) {
    let _ = write!(
        html,
        "<div class=\"card\" id=\"by-{id}\"><h2>{title}</h2><table>"
    );
    if rows.is_empty() {
        html.push_str("<tr><td class=\"muted\">none</td></tr>");
    }
    for (name, count) in rows {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"count\">{count}</td></tr>",
            label(name)
        );
    }
    html.push_str("</table></div>\n");
}

/// The search box and the filters (a repository filter only for several repositories).
fn filters(html: &mut String, merged: &Merged, has_status: bool, multi_repository: bool) {
    html.push_str(
        "<section class=\"filters\" id=\"filters\">\
         <input id=\"search\" type=\"search\" placeholder=\"Search paths, commits, authors, rules, fingerprints\" \
         aria-label=\"Search\">",
    );
    let distinct = |field: &str| {
        let mut values: Vec<&str> = merged
            .incidents
            .iter()
            .map(|i| text(merged.first(i), field))
            .filter(|v| !v.is_empty())
            .collect();
        values.sort_unstable();
        values.dedup();
        values
    };
    let mut severities = distinct("severity");
    severities.sort_by_key(|s| std::cmp::Reverse(severity_rank(s)));
    select(html, "severity", "All severities", &severities);
    select(html, "category", "All categories", &distinct("category"));
    if multi_repository {
        let mut repositories: Vec<&str> = merged
            .repositories
            .iter()
            .map(|r| r.repository.as_str())
            .chain(merged.findings.iter().map(|f| text(f, "repository")))
            .filter(|r| !r.is_empty())
            .collect();
        repositories.sort_unstable();
        repositories.dedup();
        select(html, "repository", "All repositories", &repositories);
    }
    if has_status {
        select(
            html,
            "status",
            "Any status",
            &["live", "invalid", "unknown", "error", "not checked"],
        );
    }
    html.push_str("<output id=\"shown\" aria-live=\"polite\"></output></section>\n");
}

/// A `<select>` with an "all" option and one per value.
fn select(html: &mut String, id: &str, all: &str, values: &[&str]) {
    let _ = write!(
        html,
        "<select id=\"{id}\" aria-label=\"{all}\"><option value=\"\">{all}</option>"
    );
    for value in values {
        let value = escape(value);
        let _ = write!(html, "<option value=\"{value}\">{value}</option>");
    }
    html.push_str("</select>");
}

/// The incidents table: one row per incident.
fn table(html: &mut String, merged: &Merged, has_status: bool, multi_repository: bool) {
    html.push_str(
        "<table class=\"incidents\" id=\"incidents\"><thead><tr><th>Severity</th>\
         <th>Credential</th><th>Secret</th><th>Where, since which commit</th>",
    );
    if has_status {
        html.push_str("<th>Status</th>");
    }
    html.push_str("<th>What to do</th></tr></thead>\n<tbody>\n");
    for incident in &merged.incidents {
        row(html, merged, incident, has_status, multi_repository);
    }
    html.push_str(
        "</tbody></table>\n<p id=\"empty\" class=\"muted\" hidden>No incident matches the \
         filters.</p>\n",
    );
    if merged.incidents.is_empty() {
        html.push_str("<p class=\"muted\" id=\"clean\">Nothing was found.</p>\n");
    }
}

/// One incident's row.
fn row(
    html: &mut String,
    merged: &Merged,
    incident: &Incident,
    has_status: bool,
    multi_repository: bool,
) {
    let first = merged.first(incident);
    let severity = text(first, "severity");
    let status = merged.status_of(incident);
    let repositories = merged.repositories_of(incident);
    let _ = write!(
        html,
        "<tr class=\"incident\" data-fingerprint=\"{}\" data-severity=\"{}\" data-category=\"{}\" \
         data-repository=\"{}\" data-status=\"{}\">",
        escape(&incident.fingerprint),
        escape(severity),
        escape(text(first, "category")),
        escape(&repositories.join("\n")),
        escape(status.as_deref().unwrap_or("not checked")),
    );
    let _ = write!(
        html,
        "<td><span class=\"badge sev-{0}\">{0}</span></td>",
        escape(severity)
    );
    let _ = write!(
        html,
        "<td><strong>{}</strong><br><span class=\"muted\">{} · {} · <code>{}</code></span></td>",
        escape(text(first, "rule_name")),
        escape(text(first, "provider")),
        escape(text(first, "category")),
        escape(text(first, "rule_id")),
    );
    let _ = write!(
        html,
        "<td><code class=\"secret\">{}</code><br><span class=\"muted\">fingerprint \
         <code>{}</code></span></td>",
        escape(text(first, "secret")),
        escape(&incident.fingerprint),
    );
    html.push_str("<td>");
    if multi_repository && repositories.len() > 1 {
        let _ = write!(
            html,
            "<p class=\"muted\">in {} repositories</p>",
            repositories.len()
        );
    }
    html.push_str("<ul class=\"places\">");
    for (shown, &index) in incident.places.iter().enumerate() {
        if shown == PLACES_SHOWN {
            let _ = write!(
                html,
                "</ul><details><summary>and {} more</summary><ul class=\"places\">",
                incident.places.len() - PLACES_SHOWN
            );
        }
        place(html, &merged.findings[index], multi_repository);
    }
    html.push_str("</ul>");
    if incident.places.len() > PLACES_SHOWN {
        html.push_str("</details>");
    }
    html.push_str("</td>");
    if has_status {
        let status = status.as_deref().unwrap_or("not checked");
        let detail = incident
            .places
            .iter()
            .filter_map(|&i| merged.findings[i].get("verification"))
            .find_map(|v| v.get("detail").and_then(Value::as_str))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<td><span class=\"badge st-{}\">{}</span>{}</td>",
            status_class(status),
            escape(status),
            if detail.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"muted\">{}</span>", escape(detail))
            }
        );
    }
    html.push_str("<td>");
    let revoke = text(first, "revoke");
    if revoke.starts_with("https://") || revoke.starts_with("http://") {
        let _ = write!(
            html,
            "<a class=\"revoke\" href=\"{0}\" rel=\"noreferrer noopener\" target=\"_blank\">Revoke \
             at {0}</a>",
            escape(revoke)
        );
    } else if !revoke.is_empty() {
        let _ = write!(html, "Revoke at {}", escape(revoke));
    }
    let committed = incident
        .places
        .iter()
        .any(|&i| merged.findings[i].get("commit").is_some());
    let _ = write!(
        html,
        "<details class=\"steps\"><summary>Steps</summary><ol class=\"steps\">\
         <li>Revoke the key at the provider's page and issue a new one{}.</li>\
         <li>Put the new key where it is used from an environment variable or a secrets \
         manager, never in code.</li>\
         <li>Check the provider's usage logs for calls you did not make since {}.</li>\
         <li>Then remove it from the code; {}</li></ol></details></td>",
        if repositories.len() > 1 {
            ": one key, every repository listed"
        } else {
            ""
        },
        if committed {
            "the first commit shown"
        } else {
            "it was written"
        },
        if committed {
            "rewriting history does not un-leak it (every clone and fork keeps it), so \
             revoking comes first. Accept it as revoked with a baseline or an allowlist \
             fingerprint."
        } else {
            "a key that was committed, pushed or shared stays leaked."
        },
    );
    html.push_str("</tr>\n");
}

/// One place of an incident: repository, path and position, commit, snippet.
fn place(html: &mut String, finding: &Value, multi_repository: bool) {
    html.push_str("<li>");
    let repository = text(finding, "repository");
    if multi_repository && !repository.is_empty() {
        let _ = write!(html, "<span class=\"repo\">{}</span> ", escape(repository));
    }
    let _ = write!(
        html,
        "<code class=\"path\">{}:{}:{}</code>",
        escape(text(finding, "path")),
        number(finding, "line"),
        number(finding, "column"),
    );
    if let Some(commit) = finding.get("commit").and_then(Value::as_str) {
        let short = commit.get(..12).unwrap_or(commit);
        let _ = write!(
            html,
            "<br><span class=\"muted commit\">commit <code title=\"{}\">{}</code> by {} &lt;{}&gt; \
             on {}: {}</span>",
            escape(commit),
            escape(short),
            escape(text(finding, "author_name")),
            escape(text(finding, "author_email")),
            escape(text(finding, "date")),
            escape(text(finding, "commit_summary")),
        );
        let others = number(finding, "other_occurrences");
        if others > 0 {
            let _ = write!(
                html,
                "<br><span class=\"muted\">and {others} other commit/path {}</span>",
                plural(others as usize, "place", "places")
            );
        }
    }
    if let Some(snippet) = finding.get("snippet").and_then(Value::as_str) {
        let _ = write!(html, "<code class=\"snippet\">{}</code>", escape(snippet));
    }
    html.push_str("</li>");
}

/// The class suffix of a status badge.
fn status_class(status: &str) -> &'static str {
    match status {
        "live" => "live",
        "invalid" => "invalid",
        "error" => "error",
        "unknown" => "unknown",
        _ => "none",
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and quoted
/// attribute values alike.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Standard base64 (with padding), for the script's hash in the page's policy.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<img src=x onerror=\"alert(1)\">&'"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn base64_is_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_page_loads_nothing_from_anywhere() {
        let page = page(&Merged::default(), "nothing");
        for forbidden in ["http://", "https://", "src=", "@import", "url("] {
            assert!(!page.contains(forbidden), "{forbidden}");
        }
    }
}
