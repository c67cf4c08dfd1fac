//! Multi-part credentials: `[[pair]]` tables, compiled against the rules of one run.

use super::definition::{PairDefinition, MAX_PAIR_LINES};
use super::Rule;
use crate::error::{Error, Result};
use regex::bytes::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// A part that makes a leak together with a rule's secret, ready to search.
#[derive(Debug)]
pub struct Pair {
    /// Index of the rule whose findings gain the part.
    pub secret_rule: usize,
    /// What reports call the part.
    pub part: String,
    /// How the part is found.
    pub partner: Partner,
    /// The part starts at most this many lines from the secret's line.
    pub within_lines: usize,
    /// Texts in which the secret's finding names this part.
    pub examples: Vec<String>,
    /// Texts in which the secret is never found with this part.
    pub negatives: Vec<String>,
    /// The file the pair came from.
    pub source_file: String,
}

/// Where a pair's part comes from.
#[derive(Debug)]
pub enum Partner {
    /// A match of this rule (by index); its own finding is folded into the secret's.
    Rule(usize),
    /// Capture group 1 of this pattern, searched only around a secret.
    Pattern(PartPattern),
}

/// A part's pattern, checked when loaded and compiled on first use: most scans never find the
/// secret it completes, and compiling costs more than a small scan.
#[derive(Debug)]
pub struct PartPattern {
    source: String,
    regex: OnceLock<Option<Regex>>,
}

impl PartPattern {
    /// The compiled pattern; `None` only if it exceeds the regex size limit.
    pub fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                RegexBuilder::new(&self.source)
                    .unicode(false)
                    .size_limit(super::PATTERN_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

/// Compiles `definitions` against `rules`. A pair whose secret rule or partner rule is not in
/// `rules` (disabled, or outside the chosen categories) is left out.
///
/// # Errors
/// A pair with neither or both of `rule` and `pattern`, a pattern that does not compile or has
/// no capture group, or `within_lines` over [`MAX_PAIR_LINES`].
pub(super) fn compile_pairs(
    rules: &[Rule],
    definitions: Vec<(String, PairDefinition)>,
) -> Result<Vec<Pair>> {
    let index_of = |id: &str| rules.iter().position(|r| r.id == id);
    let mut pairs = Vec::new();
    for (file, d) in definitions {
        let fail = |message: String| Error::Rule {
            file: file.clone(),
            rule: format!("pair {} + {}", d.secret, d.part),
            message,
        };
        if d.part.trim().is_empty() {
            return Err(fail("part must not be empty".into()));
        }
        if d.within_lines > MAX_PAIR_LINES {
            return Err(fail(format!(
                "within_lines must be at most {MAX_PAIR_LINES}"
            )));
        }
        let partner = match (&d.rule, &d.pattern) {
            (Some(rule), None) => index_of(rule).map(Partner::Rule),
            (None, Some(pattern)) => {
                let syntax = super::parse_pattern(pattern).map_err(fail)?;
                if syntax.properties().explicit_captures_len() < 1 {
                    return Err(fail(
                        "pattern needs a capture group: group 1 is the part".into(),
                    ));
                }
                Some(Partner::Pattern(PartPattern {
                    source: pattern.clone(),
                    regex: OnceLock::new(),
                }))
            }
            _ => return Err(fail("give exactly one of rule and pattern".into())),
        };
        let (Some(secret_rule), Some(partner)) = (index_of(&d.secret), partner) else {
            continue;
        };
        pairs.push(Pair {
            secret_rule,
            part: d.part,
            partner,
            within_lines: d.within_lines,
            examples: d.examples,
            negatives: d.negatives,
            source_file: file,
        });
    }
    Ok(pairs)
}
