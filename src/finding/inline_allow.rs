//! Inline allow comments: a marker on the line of a finding suppresses it.
//!
//! `leakward:allow` suppresses every finding on its line; `leakward:allow rule-id[,rule-id]`
//! only those rules. The markers users bring from other scanners work too:
//! `gitleaks:allow` and detect-secrets' `pragma: allowlist secret`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use std::sync::OnceLock;

const LEAKWARD_MARKER: &str = "leakward:allow";
const FOREIGN_MARKERS: &[&str] = &["gitleaks:allow", "pragma: allowlist secret"];

/// An allow marker found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineAllow {
    /// The rule ids it names; empty means every rule.
    pub rules: Vec<String>,
}

impl InlineAllow {
    /// Looks for an allow marker in `line`.
    ///
    /// ```
    /// use leakward::finding::InlineAllow;
    /// let allow = InlineAllow::find(b"KEY=abc # leakward:allow groq-api-key").unwrap();
    /// assert!(allow.allows("groq-api-key") && !allow.allows("openai-project-key"));
    /// assert!(InlineAllow::find(b"token = x  // gitleaks:allow").unwrap().allows("any"));
    /// assert!(InlineAllow::find(b"nothing here").is_none());
    /// ```
    pub fn find(line: &[u8]) -> Option<InlineAllow> {
        // Every marker has a colon; a line without one (a long line of minified code or of
        // assignments) is passed over at memchr's speed.
        memchr::memchr(b':', line)?;
        let found = markers().find(line)?;
        if found.pattern().as_usize() > 0 {
            return Some(InlineAllow { rules: Vec::new() });
        }
        let rest = &line[found.end()..];
        if rest
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return None; // `leakward:allowed` is a different word
        }
        let rules = match rest.first() {
            Some(b' ' | b'\t' | b'=' | b':') => {
                let names = rest[1..]
                    .iter()
                    .skip_while(|b| **b == b' ')
                    .take_while(|&&b| is_rule_char(b) || b == b',');
                String::from_utf8_lossy(&names.copied().collect::<Vec<u8>>())
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            _ => Vec::new(),
        };
        Some(InlineAllow { rules })
    }

    /// Whether this marker suppresses a finding of `rule_id`.
    pub fn allows(&self, rule_id: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule_id)
    }
}

fn is_rule_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

fn markers() -> &'static AhoCorasick {
    static MARKERS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let all: Vec<&str> = std::iter::once(LEAKWARD_MARKER)
            .chain(FOREIGN_MARKERS.iter().copied())
            .collect();
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(all)
            .expect("the markers are valid literals")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_has_the_colon_a_line_is_first_searched_for() {
        for marker in std::iter::once(LEAKWARD_MARKER).chain(FOREIGN_MARKERS.iter().copied()) {
            assert!(marker.contains(':'), "{marker}");
        }
    }

    #[test]
    fn markers_and_rule_lists() {
        let allow =
            InlineAllow::find(b"x = 1  # leakward:allow a-rule,b-rule trailing words").unwrap();
        assert_eq!(allow.rules, ["a-rule", "b-rule"]);
        assert!(InlineAllow::find(b"# leakward:allow")
            .unwrap()
            .rules
            .is_empty());
        assert!(InlineAllow::find(b"# LEAKWARD:ALLOW")
            .unwrap()
            .rules
            .is_empty());
        assert!(InlineAllow::find(b"secret = 'x'  # pragma: allowlist secret").is_some());
        assert!(InlineAllow::find(b"leakward:allowed? no, a different word").is_none());
    }
}
