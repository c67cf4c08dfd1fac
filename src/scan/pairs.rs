//! Multi-part credentials: after matching, a secret whose rule has pairs gains the parts found
//! near it (an AWS access key id a few lines from its secret key), and a part that is another
//! rule's match is folded into the secret's finding instead of being reported twice.

use super::{Match, Part};
use crate::rules::{Pair, Partner, RuleSet};

/// Bytes searched on each side of a secret for a pattern part, at most (with `within_lines`).
const MAX_REACH: usize = 8 * 1024;

/// Attaches to each match the parts of its rule's pairs found near it, and drops the matches
/// that became a part of another. `matches` are sorted by position and stay so.
pub(super) fn attach(mut matches: Vec<Match>, rules: &RuleSet, blob: &[u8]) -> Vec<Match> {
    if rules.pairs().is_empty() || !matches.iter().any(|m| !rules.pairs_of(m.rule).is_empty()) {
        return matches;
    }
    let mut absorbed = vec![false; matches.len()];
    for i in 0..matches.len() {
        for &pair_index in rules.pairs_of(matches[i].rule) {
            let pair = rules.pair(pair_index);
            let secret = &matches[i];
            let found = match &pair.partner {
                Partner::Rule(rule) => nearest_match(&matches, i, *rule, pair, blob),
                Partner::Pattern(_) => nearest_pattern_part(secret, pair, blob),
            };
            if let Some((start, end, from)) = found {
                if let Some(j) = from {
                    absorbed[j] = true;
                }
                matches[i].parts.push(Part {
                    pair: pair_index,
                    start,
                    end,
                });
            }
        }
    }
    let mut index = 0;
    matches.retain(|m| {
        let keep = !absorbed[index] || !m.parts.is_empty();
        index += 1;
        keep
    });
    matches
}

/// The match of `rule` nearest to `matches[secret]` within the pair's lines: its span and index.
fn nearest_match(
    matches: &[Match],
    secret: usize,
    rule: usize,
    pair: &Pair,
    blob: &[u8],
) -> Option<(usize, usize, Option<usize>)> {
    let at = matches[secret].start;
    matches
        .iter()
        .enumerate()
        .filter(|(j, m)| *j != secret && m.rule == rule)
        .filter(|(_, m)| lines_between(blob, at, m.start) <= pair.within_lines)
        .min_by_key(|(_, m)| m.start.abs_diff(at))
        .map(|(j, m)| (m.start, m.end, Some(j)))
}

/// Group 1 of the pair's pattern nearest to `secret`, searched from `within_lines` lines before
/// it to as many after, not overlapping it.
fn nearest_pattern_part(
    secret: &Match,
    pair: &Pair,
    blob: &[u8],
) -> Option<(usize, usize, Option<usize>)> {
    let Partner::Pattern(pattern) = &pair.partner else {
        return None;
    };
    let regex = pattern.regex()?;
    let from = lines_back(blob, secret.start, pair.within_lines);
    let to = lines_forward(blob, secret.end, pair.within_lines);
    let region = &blob[from..to];
    let mut best: Option<(usize, usize)> = None;
    let mut locations = regex.capture_locations();
    let mut at = 0;
    while at <= region.len() {
        let Some(whole) = regex.captures_read_at(&mut locations, region, at) else {
            break;
        };
        if let Some((start, end)) = locations.get(1) {
            let (start, end) = (from + start, from + end);
            let overlaps = start < secret.end && secret.start < end;
            let closer = match best {
                None => true,
                Some((s, _)) => start.abs_diff(secret.start) < s.abs_diff(secret.start),
            };
            if !overlaps && start != end && closer {
                best = Some((start, end));
            }
        }
        at = if whole.end() > whole.start() {
            whole.end()
        } else {
            whole.start() + 1
        };
    }
    best.map(|(start, end)| (start, end, None))
}

/// Newlines between two offsets, in either order.
fn lines_between(blob: &[u8], a: usize, b: usize) -> usize {
    let (low, high) = (a.min(b), a.max(b));
    memchr::memchr_iter(b'\n', &blob[low..high]).count()
}

/// The start of the line `lines` lines before the one holding `at`, within [`MAX_REACH`].
fn lines_back(blob: &[u8], at: usize, lines: usize) -> usize {
    let floor = at.saturating_sub(MAX_REACH);
    let mut start = at;
    for _ in 0..=lines {
        match memchr::memrchr(b'\n', &blob[floor..start]) {
            Some(newline) => start = floor + newline,
            None => return floor,
        }
    }
    start + 1
}

/// The end of the line `lines` lines after the one holding `at`, within [`MAX_REACH`].
fn lines_forward(blob: &[u8], at: usize, lines: usize) -> usize {
    let ceiling = (at + MAX_REACH).min(blob.len());
    let mut end = at;
    for _ in 0..=lines {
        match memchr::memchr(b'\n', &blob[end..ceiling]) {
            Some(newline) => end = end + newline + 1,
            None => return ceiling,
        }
    }
    end - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_reach() {
        let blob = b"one\ntwo\nthree\nfour\nfive";
        let three = 8;
        assert_eq!(lines_back(blob, three + 2, 0), three);
        assert_eq!(lines_back(blob, three + 2, 1), 4);
        assert_eq!(lines_back(blob, three + 2, 9), 0);
        assert_eq!(&blob[three..lines_forward(blob, three + 2, 0)], b"three");
        assert_eq!(
            &blob[three..lines_forward(blob, three + 2, 1)],
            b"three\nfour"
        );
        assert_eq!(lines_forward(blob, three, 9), blob.len());
        assert_eq!(lines_between(blob, 0, blob.len()), 4);
    }
}
