//! `leakward explain RULE-ID`: what a kind of key grants, how to revoke and rotate it, where
//! its usage shows, and how to issue a least-privilege replacement.

use super::EXIT_CLEAN;
use crate::cli::ExplainArgs;
use crate::finding::RuleSummary;
use crate::rules::{self, Category, RuleDefinition};
use crate::verify::catalog::{Catalog, Guide};
use anyhow::{bail, Context, Result};
use std::io::Write;

/// Runs `leakward explain`.
pub(super) fn explain(args: ExplainArgs) -> Result<i32> {
    let definitions = rules::builtin_definitions().context("loading the built-in rules")?;
    let Some((_, rule)) = definitions.iter().find(|(_, d)| d.id == args.rule_id) else {
        bail!(
            "there is no rule `{}`; `leakward rules` lists them",
            args.rule_id
        );
    };
    let catalog = Catalog::builtin().context("loading the built-in verifiers")?;
    let summary = summary_of(rule);
    let guide = guide_for(&catalog, &summary);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({}), {}: {} severity, {} confidence",
        rule.name,
        rule.id,
        rule.provider,
        rule.severity.as_str(),
        rule.confidence.as_str()
    )?;
    let section = |out: &mut dyn Write, title: &str, text: &str| -> std::io::Result<()> {
        writeln!(out, "\n{title}\n    {text}")
    };
    section(&mut out, "What it grants", &guide.grants)?;
    let mut revoke_text = format!("{}\n    {}", rule.revoke, guide.revoke);
    if let Some(api) = catalog.revoke(&rule.id) {
        revoke_text += &format!(
            "\n    `leakward revoke REPORT.json` can revoke it through the provider's API ({} https://{}).",
            api.request.method,
            api.request.url.host()
        );
    }
    section(&mut out, "Revoke", &revoke_text)?;
    section(&mut out, "Rotate", &guide.rotate)?;
    section(&mut out, "Usage logs", &guide.logs)?;
    section(
        &mut out,
        "Least-privilege replacement",
        &guide.least_privilege,
    )?;
    let check = match catalog.check(&rule.id) {
        Some(check) => {
            let mut text = format!(
                "--verify sends {} https://{} (read-only)",
                check.request.method,
                check.request.url.host()
            );
            if !check.parts.is_empty() {
                let parts: Vec<String> = check
                    .parts
                    .iter()
                    .map(|(name, rules)| {
                        format!("its {} ({})", name.replace('_', " "), rules.join(" or "))
                    })
                    .collect();
                text += &format!(", with {} found near it", parts.join(" and "));
            }
            text
        }
        None if catalog.is_part(&rule.id) => {
            "--verify checks it together with the other part of the credential".to_string()
        }
        None => "leakward has no check for this kind of key; --verify reports it as unknown".into(),
    };
    section(&mut out, "Verification", &check)?;
    section(
        &mut out,
        "Rotation period",
        &format!(
            "{} days: a key in the repository for longer should be rotated whatever its status",
            catalog.rotation_days(&rule.id)
        ),
    )?;
    Ok(EXIT_CLEAN)
}

fn summary_of(rule: &RuleDefinition) -> RuleSummary {
    RuleSummary {
        id: rule.id.clone(),
        name: rule.name.clone(),
        provider: rule.provider.clone(),
        category: rule.category.unwrap_or(Category::Custom),
        severity: rule.severity,
        confidence: rule.confidence,
        revoke: rule.revoke.clone(),
    }
}

/// The provider's guide for `rule`, or a generic one built from its revoke page.
pub(super) fn guide_for(catalog: &Catalog, rule: &RuleSummary) -> Guide {
    if let Some(guide) = catalog.provider(&rule.id).and_then(|p| p.guide.clone()) {
        return guide;
    }
    let provider = &rule.provider;
    Guide {
        grants: format!(
            "Whatever the {provider} account, project or integration that issued it may do through {provider}'s API, until it is revoked."
        ),
        revoke: format!(
            "Open {}, find the key by its first characters (leakward shows them) and revoke or delete it.",
            rule.revoke
        ),
        rotate: format!(
            "Issue a new {} from the same page, store it in a secrets manager or an environment variable, deploy it, then revoke the leaked one.",
            rule.name
        ),
        logs: format!(
            "Look for {provider}'s usage, activity or audit log in the account settings reached from {}, and check for calls you did not make since the key was exposed.",
            rule.revoke
        ),
        least_privilege: format!(
            "Give the new key only the scopes, projects, IP ranges and expiry it needs, where {provider} offers them, and one key per application so each can be revoked alone."
        ),
    }
}
