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
    keep_first_of_overlapping(matches, |m| (m.start, m.end))
}

/// Keeps each item of `ranked` (best first) that overlaps none kept before it; returns the
/// survivors sorted by where they start. `span` gives an item's `(start, end)`.
pub(super) fn keep_first_of_overlapping<T>(
    ranked: Vec<T>,
    span: impl Fn(&T) -> (usize, usize),
) -> Vec<T> {
    // Accepted spans, keyed by start, never overlapping each other.
    let mut accepted: BTreeMap<usize, (usize, T)> = BTreeMap::new();
    for candidate in ranked {
        let (start, end) = span(&candidate);
        let overlaps_before = accepted
            .range(..=start)
            .next_back()
            .is_some_and(|(_, (kept_end, _))| *kept_end > start);
        let overlaps_after = accepted.range(start..end).next().is_some();
        if !overlaps_before && !overlaps_after {
            accepted.insert(start, (end, candidate));
        }
    }
    accepted.into_values().map(|(_, kept)| kept).collect()
}
