//! What every scanning command loads first: the configuration and the rules it selects.

use crate::cli::{CategoryArgs, SetupArgs};
use crate::config::{self, LoadedConfig};
use crate::examples::check_examples_of;
use crate::rules::{self, Category, RuleSet};
use crate::scan::{Scanner, DEFAULT_GENERIC_LIMIT};
use anyhow::{Context, Result};
use std::path::Path;

/// The configuration: the given file, none, or the one discovered from `start`.
pub(super) fn load_config(
    path: Option<&Path>,
    no_config: bool,
    start: &Path,
) -> Result<LoadedConfig> {
    if no_config {
        return Ok(LoadedConfig::none());
    }
    match path
        .map(Path::to_path_buf)
        .or_else(|| config::discover(start))
    {
        Some(path) => Ok(LoadedConfig::load(&path)?),
        None => Ok(LoadedConfig::none()),
    }
}

/// The scanner over `rules`, with the generic rules' limit of `--generic-limit` over
/// `[scan] generic_limit` over [`DEFAULT_GENERIC_LIMIT`] (0: none).
pub(super) fn scanner<'r>(
    rules: &'r RuleSet,
    setup: &SetupArgs,
    config: &LoadedConfig,
) -> Scanner<'r> {
    let limit = setup
        .generic_limit
        .or(config.generic_limit)
        .unwrap_or(DEFAULT_GENERIC_LIMIT);
    Scanner::new(rules).with_generic_limit(Some(limit))
}

/// The rules a scanning command runs, as its setup options and the configuration select.
pub(super) fn load_rules(setup: &SetupArgs, config: &LoadedConfig) -> Result<RuleSet> {
    load_rules_from(setup.rules.as_deref(), &setup.categories, config)
}

/// Built-in (or `--rules`) rules, less the disabled ones and the categories not selected
/// (the command line's choice replaces the configuration's), plus the configuration's
/// custom rules, whose examples are proven before anything is scanned.
pub(super) fn load_rules_from(
    rules_path: Option<&Path>,
    categories: &CategoryArgs,
    config: &LoadedConfig,
) -> Result<RuleSet> {
    let mut definitions = match rules_path {
        Some(path) => rules::definitions_from_path(path)
            .with_context(|| format!("loading rules from {}", path.display()))?,
        None => rules::builtin_definitions().context("loading the built-in rules")?,
    };
    for (id, line) in &config.disable {
        if !definitions.iter().any(|(_, d)| &d.id == id) {
            return Err(config
                .error_at(*line, format!("disable: there is no rule `{id}`"))
                .into());
        }
    }
    definitions.retain(|(_, d)| !config.disable.iter().any(|(id, _)| id == &d.id));
    let config_name = config
        .path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    for (definition, line) in &config.custom_rules {
        definitions.push((format!("{config_name}: line {line}"), definition.clone()));
    }
    let only = if categories.only_categories.is_empty() {
        &config.only_categories
    } else {
        &categories.only_categories
    };
    let skip = if categories.skip_categories.is_empty() {
        &config.skip_categories
    } else {
        &categories.skip_categories
    };
    let min_severity = categories.min_severity.or(config.min_severity);
    definitions.retain(|(_, d)| {
        let category = d.category.unwrap_or(Category::Custom);
        (only.is_empty() || only.contains(&category))
            && !skip.contains(&category)
            && min_severity.map_or(true, |min| d.severity >= min)
    });
    for (id, line) in config.allowlist.rule_ids() {
        if !definitions.iter().any(|(_, d)| d.id == id) {
            return Err(config
                .error_at(
                    line,
                    format!("allowlist.rule.{id}: there is no rule `{id}`"),
                )
                .into());
        }
    }
    let pairs = match rules_path {
        Some(path) => rules::pairs_from_path(path)
            .with_context(|| format!("loading rules from {}", path.display()))?,
        None => rules::builtin_pairs().context("loading the built-in rules")?,
    };
    // The built-in files are checked in full by the test suite: skip their syntax checks.
    let rules = RuleSet::compile_trusting(definitions, |file| {
        rules_path.is_none() && rules::is_builtin_file(file)
    })?
    .with_pairs(pairs)?;
    let custom_ids: Vec<&str> = config
        .custom_rules
        .iter()
        .map(|(d, _)| d.id.as_str())
        .collect();
    // Built-in patterns compile lazily (the test suite compiles every one); the user's own
    // rules compile now, so an oversized pattern is an error before anything is scanned.
    rules.compile_now(|rule| rules_path.is_some() || custom_ids.contains(&rule.id.as_str()))?;
    let (_, failures) = check_examples_of(&rules, |rule| custom_ids.contains(&rule.id.as_str()));
    if let Some(failure) = failures.first() {
        let line = config
            .custom_rules
            .iter()
            .find(|(d, _)| d.id == failure.rule())
            .map_or(1, |(_, line)| *line);
        return Err(config
            .error_at(line, format!("custom rule: {failure}"))
            .into());
    }
    Ok(rules)
}
