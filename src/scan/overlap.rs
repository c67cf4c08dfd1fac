//! One finding per secret: when rules match overlapping spans, the most specific one wins.

use super::Match;
use crate::rules::RuleSet;
use std::collections::BTreeMap;

/// Keeps, among overlapping matches, the one from the most specific rule: a specific rule
/// beats a fallback (catch-all) rule, a rule whose keyword starts the secret (a provider
/// prefix) beats a context rule, then the longer secret wins, then the longer prefix, then the
/// earlier rule. Returns the survivors sorted by position.
pub(super) fn keep_most_specific(
    mut matches: Vec<Match>,
    rules: &RuleSet,
    blob: &[u8],
) -> Vec<Match> {
    if matches.len() < 2 {
        return matches;
    }
    let rank = |m: &Match| {
        let rule = rules.rule(m.rule);
        let prefix_len = rule.prefix_len(&blob[m.start..m.end]);
        (
            rule.fallback,
            std::cmp::Reverse(prefix_len > 0),
            std::cmp::Reverse(m.end - m.start),
            std::cmp::Reverse(prefix_len),
            m.rule,
            m.start,
        )
    };
    matches.sort_by_key(rank);
    // Accepted spans, keyed by start, never overlapping each other.
    let mut accepted: BTreeMap<usize, Match> = BTreeMap::new();
    for candidate in matches {
        let overlaps_before = accepted
            .range(..=candidate.start)
            .next_back()
            .is_some_and(|(_, m)| m.end > candidate.start);
        let overlaps_after = accepted
            .range(candidate.start..candidate.end)
            .next()
            .is_some();
        if !overlaps_before && !overlaps_after {
            accepted.insert(candidate.start, candidate);
        }
    }
    accepted.into_values().collect()
}
