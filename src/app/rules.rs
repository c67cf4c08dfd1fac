//! `leakward rules`: list the rules, or prove their examples.

use super::output::open_output;
use super::setup::{load_config, load_rules_from};
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{ListFormat, RulesAction, RulesArgs};
use crate::examples::check_examples;
use crate::rules::{self};
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// Runs `leakward rules` and `leakward rules check`.
pub(super) fn rules(args: RulesArgs) -> Result<i32> {
    let config = load_config(args.config.as_deref(), args.no_config, Path::new("."))?;
    let rules = load_rules_from(args.rules.as_deref(), &args.categories, &config)?;
    let listed: Vec<&rules::Rule> = rules
        .rules()
        .iter()
        .filter(|r| args.category.map_or(true, |c| r.category == c))
        .collect();
    let (mut out, _) = open_output(None)?;
    match args.action {
        Some(RulesAction::Check) => {
            let (counts, failures) = check_examples(&rules);
            for failure in &failures {
                writeln!(out, "FAIL {failure}")?;
            }
            writeln!(
                out,
                "{} rules, {} examples, {} negatives: {}",
                counts.rules,
                counts.examples,
                counts.negatives,
                if failures.is_empty() {
                    "all proven".to_string()
                } else {
                    format!("{} failures", failures.len())
                }
            )?;
            out.flush()?;
            Ok(if failures.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        }
        None => {
            match args.format {
                ListFormat::Text => {
                    let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
                    let provider_width = listed.iter().map(|r| r.provider.len()).max().unwrap_or(0);
                    for rule in &listed {
                        writeln!(
                            out,
                            "{:width$}  {:13}  {:provider_width$}  {}",
                            rule.id,
                            rule.category.as_str(),
                            rule.provider,
                            rule.name
                        )?;
                    }
                }
                ListFormat::Json => {
                    let list: Vec<serde_json::Value> = listed
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "provider": r.provider,
                                "category": r.category.as_str(),
                                "severity": r.severity.as_str(), "confidence": r.confidence.as_str(),
                                "keywords": r.keywords, "revoke": r.revoke, "source": r.source,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
            }
            out.flush()?;
            Ok(EXIT_CLEAN)
        }
    }
}
