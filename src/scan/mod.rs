//! The matcher: keyword prefilter, regex confirmation near each hit, then entropy and
//! look-alike checks. Pure: bytes in, matches out; no I/O and no knowledge of files.

mod entropy;
mod lookalike;
mod overlap;

pub use entropy::shannon_entropy;
pub use lookalike::{is_code_name, is_inside_base64_blob, is_placeholder};

use crate::rules::{Rule, RuleSet};

/// Bytes searched before a keyword occurrence, so a pattern may start before its keyword.
pub const LOOKBEHIND: usize = 256;

/// One secret found in a blob, before it is placed in a file and filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte offset where the secret starts.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// Shannon entropy of the secret.
    pub entropy: f64,
}

/// Finds secrets in byte slices with a compiled [`RuleSet`]; cheap to share across threads.
#[derive(Debug, Clone, Copy)]
pub struct Scanner<'r> {
    rules: &'r RuleSet,
}

/// A byte range of a blob in which one rule's pattern is searched.
#[derive(Debug, Clone, Copy)]
struct Window {
    rule: usize,
    start: usize,
    end: usize,
}

impl<'r> Scanner<'r> {
    /// A scanner over `rules`.
    pub fn new(rules: &'r RuleSet) -> Scanner<'r> {
        Scanner { rules }
    }

    /// The rules this scanner applies.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Every secret in `blob`, sorted by position, at most one per overlapping span.
    ///
    /// ```
    /// use leakward::{rules::RuleSet, scan::Scanner};
    /// let rules = RuleSet::builtin().unwrap();
    /// let found = Scanner::new(&rules).scan(b"nothing to see here\n");
    /// assert!(found.is_empty());
    /// ```
    pub fn scan(&self, blob: &[u8]) -> Vec<Match> {
        let windows = self.windows(blob);
        let mut matches = Vec::new();
        for window in windows {
            self.confirm(blob, window, &mut matches);
        }
        overlap::keep_most_specific(matches, self.rules, blob)
    }

    /// Merged search windows, per rule, around every keyword occurrence.
    fn windows(&self, blob: &[u8]) -> Vec<Window> {
        let mut windows = Vec::new();
        self.rules.keywords().for_each_hit(blob, |hit| {
            let rule = self.rules.rule(hit.rule);
            windows.push(Window {
                rule: hit.rule,
                start: hit.start.saturating_sub(LOOKBEHIND),
                end: (hit.end + rule.window).min(blob.len()),
            });
        });
        windows.sort_unstable_by_key(|w| (w.rule, w.start));
        let mut merged: Vec<Window> = Vec::with_capacity(windows.len());
        for window in windows {
            match merged.last_mut() {
                Some(last) if last.rule == window.rule && window.start <= last.end => {
                    last.end = last.end.max(window.end)
                }
                _ => merged.push(window),
            }
        }
        merged
    }

    /// Runs one rule's pattern over one window and keeps the secrets that pass the checks.
    fn confirm(&self, blob: &[u8], window: Window, out: &mut Vec<Match>) {
        let rule = self.rules.rule(window.rule);
        let Ok(regex) = rule.regex() else {
            // Only a pattern over the size limit; RuleSet::compile_now reports it for user rules.
            return;
        };
        let mut end = window.end;
        let mut at = window.start;
        while at < window.end {
            let Some(captures) = regex.captures_at(&blob[..end], at) else {
                break;
            };
            let whole = captures.get(0).expect("group 0 always participates");
            if whole.end() == end && end < blob.len() {
                // The window edge may have cut a longer token short: widen and retry.
                end = (end + rule.window.max(4096)).min(blob.len());
                continue;
            }
            if whole.start() >= window.end {
                break;
            }
            if let Some(secret) = captures.get(1) {
                if let Some(found) = check(rule, window.rule, blob, secret.start(), secret.end()) {
                    out.push(found);
                }
            }
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.start() + 1
            };
        }
    }
}

/// Applies the entropy, placeholder, documented-example and base64-blob checks.
fn check(rule: &Rule, rule_index: usize, blob: &[u8], start: usize, end: usize) -> Option<Match> {
    let secret = &blob[start..end];
    if secret.is_empty() {
        return None;
    }
    let entropy = shannon_entropy(secret);
    if entropy < rule.min_entropy
        || rule.documented_examples.contains(secret)
        || is_placeholder(secret, rule.prefix_len(secret))
        || is_inside_base64_blob(blob, start, end)
        || (rule.fallback && is_code_name(secret))
    {
        return None;
    }
    Some(Match {
        rule: rule_index,
        start,
        end,
        entropy,
    })
}
