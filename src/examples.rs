//! Proving rules: every example must be found by its rule, every negative must not be.

use crate::rules::RuleSet;
use crate::scan::Scanner;

/// Why a rule's evidence does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleFailure {
    /// An example on which the rule found nothing (or another rule won the overlap).
    NotFound {
        /// Rule id.
        rule: String,
        /// The example line.
        example: String,
        /// Rules that did match the example instead.
        found_by: Vec<String>,
    },
    /// An example on which the rule reported more than one finding.
    FoundTwice {
        /// Rule id.
        rule: String,
        /// The example line.
        example: String,
    },
    /// A negative on which the rule reported a finding.
    NegativeFound {
        /// Rule id.
        rule: String,
        /// The negative line.
        negative: String,
    },
    /// The pattern does not compile.
    Invalid {
        /// Rule id.
        rule: String,
        /// The compiler's message.
        message: String,
    },
    /// A pair example in which the secret's finding does not name the part.
    PartNotFound {
        /// Id of the pair's secret rule.
        rule: String,
        /// The part's name.
        part: String,
        /// The example text.
        example: String,
    },
    /// A pair negative in which a finding of the secret rule names the part.
    PartFound {
        /// Id of the pair's secret rule.
        rule: String,
        /// The part's name.
        part: String,
        /// The negative text.
        negative: String,
    },
    /// Fewer than two examples or two negatives.
    TooFew {
        /// Rule id.
        rule: String,
        /// What is missing.
        what: &'static str,
    },
}

impl ExampleFailure {
    /// The id of the rule that failed.
    pub fn rule(&self) -> &str {
        match self {
            ExampleFailure::NotFound { rule, .. }
            | ExampleFailure::FoundTwice { rule, .. }
            | ExampleFailure::NegativeFound { rule, .. }
            | ExampleFailure::PartNotFound { rule, .. }
            | ExampleFailure::PartFound { rule, .. }
            | ExampleFailure::TooFew { rule, .. }
            | ExampleFailure::Invalid { rule, .. } => rule,
        }
    }
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExampleFailure::NotFound {
                rule,
                example,
                found_by,
            } if found_by.is_empty() => {
                write!(f, "{rule}: example not found: {example}")
            }
            ExampleFailure::NotFound {
                rule,
                example,
                found_by,
            } => {
                write!(
                    f,
                    "{rule}: example found by {} instead: {example}",
                    found_by.join(", ")
                )
            }
            ExampleFailure::FoundTwice { rule, example } => {
                write!(f, "{rule}: example gives more than one finding: {example}")
            }
            ExampleFailure::NegativeFound { rule, negative } => {
                write!(f, "{rule}: negative was found: {negative}")
            }
            ExampleFailure::PartNotFound {
                rule,
                part,
                example,
            } => write!(f, "{rule}: pair example without its {part}: {example}"),
            ExampleFailure::PartFound {
                rule,
                part,
                negative,
            } => write!(f, "{rule}: pair negative found with its {part}: {negative}"),
            ExampleFailure::TooFew { rule, what } => write!(f, "{rule}: needs at least two {what}"),
            ExampleFailure::Invalid { rule, message } => {
                write!(f, "{rule}: invalid pattern: {message}")
            }
        }
    }
}

/// Counts of what was proven.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExampleCounts {
    /// Rules checked.
    pub rules: usize,
    /// Examples checked.
    pub examples: usize,
    /// Negatives checked.
    pub negatives: usize,
}

/// Scans every rule's (and every pair's) examples and negatives with the whole rule set and
/// reports what fails.
pub fn check_examples(rules: &RuleSet) -> (ExampleCounts, Vec<ExampleFailure>) {
    let (mut counts, mut failures) = check_examples_of(rules, |_| true);
    let (pair_counts, pair_failures) = check_pairs(rules);
    counts.examples += pair_counts.examples;
    counts.negatives += pair_counts.negatives;
    failures.extend(pair_failures);
    (counts, failures)
}

/// Proves every pair of `rules`: in each example a finding of the secret rule names the part,
/// in each negative none does. A pair needs at least one example and one negative.
pub fn check_pairs(rules: &RuleSet) -> (ExampleCounts, Vec<ExampleFailure>) {
    let scanner = Scanner::new(rules);
    let mut counts = ExampleCounts::default();
    let mut failures = Vec::new();
    for (index, pair) in rules.pairs().iter().enumerate() {
        let rule = rules.rule(pair.secret_rule).id.clone();
        let names_part = |text: &str| {
            scanner
                .scan(text.as_bytes())
                .iter()
                .any(|m| m.rule == pair.secret_rule && m.parts.iter().any(|p| p.pair == index))
        };
        if pair.examples.len() < 2 || pair.negatives.len() < 2 {
            failures.push(ExampleFailure::TooFew {
                rule: rule.clone(),
                what: "pair examples and negatives",
            });
        }
        for example in &pair.examples {
            counts.examples += 1;
            if !names_part(example) {
                failures.push(ExampleFailure::PartNotFound {
                    rule: rule.clone(),
                    part: pair.part.clone(),
                    example: example.clone(),
                });
            }
        }
        for negative in &pair.negatives {
            counts.negatives += 1;
            if names_part(negative) {
                failures.push(ExampleFailure::PartFound {
                    rule: rule.clone(),
                    part: pair.part.clone(),
                    negative: negative.clone(),
                });
            }
        }
    }
    (counts, failures)
}

/// Like [`check_examples`], for the rules `which` selects (still scanned with the whole set,
/// so a rule whose example another rule takes fails).
pub fn check_examples_of(
    rules: &RuleSet,
    which: impl Fn(&crate::rules::Rule) -> bool,
) -> (ExampleCounts, Vec<ExampleFailure>) {
    let scanner = Scanner::new(rules);
    let mut counts = ExampleCounts::default();
    let mut failures = Vec::new();
    for (index, rule) in rules
        .rules()
        .iter()
        .enumerate()
        .filter(|(_, rule)| which(rule))
    {
        counts.rules += 1;
        if let Err(message) = rule.regex() {
            failures.push(ExampleFailure::Invalid {
                rule: rule.id.clone(),
                message: message.to_string(),
            });
            continue;
        }
        if rule.examples.len() < 2 {
            failures.push(ExampleFailure::TooFew {
                rule: rule.id.clone(),
                what: "examples",
            });
        }
        if rule.negatives.len() < 2 {
            failures.push(ExampleFailure::TooFew {
                rule: rule.id.clone(),
                what: "negatives",
            });
        }
        for example in &rule.examples {
            counts.examples += 1;
            let found = scanner.scan(example.as_bytes());
            let own = found.iter().filter(|m| m.rule == index).count()
                + found
                    .iter()
                    .flat_map(|m| &m.parts)
                    .filter(|p| is_part_of_rule(rules, p.pair, index))
                    .count();
            if own == 0 {
                let found_by = found
                    .iter()
                    .map(|m| rules.rule(m.rule).id.clone())
                    .collect();
                failures.push(ExampleFailure::NotFound {
                    rule: rule.id.clone(),
                    example: example.clone(),
                    found_by,
                });
            } else if own > 1 {
                failures.push(ExampleFailure::FoundTwice {
                    rule: rule.id.clone(),
                    example: example.clone(),
                });
            }
        }
        for negative in &rule.negatives {
            counts.negatives += 1;
            if scanner.scan(negative.as_bytes()).iter().any(|m| {
                m.rule == index
                    || m.parts
                        .iter()
                        .any(|p| is_part_of_rule(rules, p.pair, index))
            }) {
                failures.push(ExampleFailure::NegativeFound {
                    rule: rule.id.clone(),
                    negative: negative.clone(),
                });
            }
        }
    }
    (counts, failures)
}

/// Whether pair `pair`'s part is a match of rule `rule` (folded into another rule's finding).
fn is_part_of_rule(rules: &RuleSet, pair: usize, rule: usize) -> bool {
    matches!(rules.pair(pair).partner, crate::rules::Partner::Rule(r) if r == rule)
}
