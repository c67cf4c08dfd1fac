//! Inline allow comments: a marker on the line of a finding suppresses it.
//!
//! `leakward:allow` suppresses every finding on its line; `leakward:allow rule-id[,rule-id]`
//! only those rules. The markers users bring from other scanners work too:
//! `gitleaks:allow` and detect-secrets' `pragma: allowlist secret`.

/// The markers whole, as users write them: what [`MARKER_HALVES`] is held to.
#[cfg(test)]
const LEAKWARD_MARKER: &str = "leakward:allow";
#[cfg(test)]
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
        let (marker, end) = first_marker(line)?;
        if marker > 0 {
            return Some(InlineAllow { rules: Vec::new() });
        }
        let rest = &line[end..];
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

/// The first marker on `line` (ASCII case ignored): its index (0 for leakward's, then the
/// foreign ones) and where it ends.
///
/// Every marker holds a colon, so only the colons of the line are looked at, each found by
/// memchr: a long line of minified code or of keywords is passed over at its speed, not
/// byte by byte.
fn first_marker(line: &[u8]) -> Option<(usize, usize)> {
    memchr::memchr_iter(b':', line).find_map(|colon| {
        // The byte before the colon rules out nearly every colon of code (`://`, `a: b`).
        let last = line.get(colon.checked_sub(1)?)?.to_ascii_lowercase();
        MARKER_HALVES
            .iter()
            .enumerate()
            .find_map(|(index, &(before, after))| {
                let start = colon.checked_sub(before.len())?;
                let end = colon + after.len();
                let fits = before.last() == Some(&last)
                    && end <= line.len()
                    && line[start..colon].eq_ignore_ascii_case(before)
                    && line[colon..end].eq_ignore_ascii_case(after);
                fits.then_some((index, end))
            })
    })
}

/// Every marker (leakward's first), cut before its colon.
const MARKER_HALVES: [(&[u8], &[u8]); 3] = [
    (b"leakward", b":allow"),
    (b"gitleaks", b":allow"),
    (b"pragma", b": allowlist secret"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_marker_is_the_one_a_plain_search_finds_first() {
        let all: Vec<&str> = std::iter::once(LEAKWARD_MARKER)
            .chain(FOREIGN_MARKERS.iter().copied())
            .collect();
        let plain = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&all)
            .unwrap();
        let pieces = [
            "leakward:allow",
            "LeakWard:Allow",
            "gitleaks:allow",
            "pragma: allowlist secret",
            "PRAGMA: ALLOWLIST SECRET",
            "leakward",
            ":allow",
            "pragma:",
            ": allowlist",
            "x",
            "://",
            " ",
            ":",
            "gitleaks:",
        ];
        let mut state = 0x2545_F491_u64;
        for _ in 0..5000 {
            let mut line = String::new();
            for _ in 0..6 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                line += pieces[(state % pieces.len() as u64) as usize];
            }
            let expected = plain
                .find(line.as_bytes())
                .map(|m| (m.pattern().as_usize(), m.end()));
            assert_eq!(first_marker(line.as_bytes()), expected, "{line}");
        }
    }

    #[test]
    fn the_halves_are_the_markers_cut_at_their_colon() {
        let markers: Vec<&str> = std::iter::once(LEAKWARD_MARKER)
            .chain(FOREIGN_MARKERS.iter().copied())
            .collect();
        assert_eq!(markers.len(), MARKER_HALVES.len());
        for (marker, (before, after)) in markers.iter().zip(MARKER_HALVES) {
            assert_eq!([before, after].concat(), marker.as_bytes());
            assert!(after.starts_with(b":") && !before.contains(&b':'));
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
