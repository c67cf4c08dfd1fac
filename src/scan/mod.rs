//! The matcher: keyword prefilter, regex confirmation near each hit, then entropy and
//! look-alike checks. Pure: bytes in, matches out; no I/O and no knowledge of files.
//! [`decode`] runs the same matcher again over encoded, escaped and split text.

mod bigrams;
mod by_rule;
mod context;
pub mod decode;
mod entropy;
mod jwt;
mod lookalike;
mod overlap;
mod pairs;
mod randomness;
mod typed;

pub use context::{is_format_template, is_public_value, is_quoted_fragment, is_signed_token_value};
pub use entropy::shannon_entropy;
pub use jwt::is_plausible_jwt;
pub use lookalike::{is_code_name, is_inside_base64_blob, is_placeholder};
pub use randomness::{
    basic_auth_password_looks_random, judge, looks_random, signals, Signals, Verdict,
};
pub use typed::{has_typed_run, is_edited_hex};

use crate::rules::{CompiledPattern, Rule, RuleSet, TriggerHit, ValueCheck};
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

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
    /// Other parts of the same credential found near the secret (see [`crate::rules::Pair`]).
    pub parts: Vec<Part>,
}

/// A part of a multi-part credential, found near a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Index of the pair in the [`RuleSet`].
    pub pair: usize,
    /// Byte offset where the part starts.
    pub start: usize,
    /// Byte offset just past the part.
    pub end: usize,
}

/// Finds secrets in byte slices with a compiled [`RuleSet`]; cheap to share across threads.
#[derive(Debug, Clone, Copy)]
pub struct Scanner<'r> {
    rules: &'r RuleSet,
    /// The most secrets a catch-all rule reports in one scanned text; `None`: no limit.
    generic_limit: Option<usize>,
}

/// The most secrets the command line lets a catch-all rule (`fallback = true`: a generic
/// assignment, any JWT, a password in a URL) report in one file unless told otherwise: a
/// file with more is data (a token list, a fixture, a minified bundle), and the rest of its
/// candidates would cost the time of every one of them for guesses nobody reads one by one.
pub const DEFAULT_GENERIC_LIMIT: usize = 100;

/// A catch-all rule that stopped in one scanned text: it had reported its limit of secrets,
/// and the places after them that its keywords pointed at were not examined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// Byte offset where the first place not examined starts.
    pub from: usize,
    /// Byte offset where the last place not examined ends.
    pub to: usize,
}

/// A byte range of a blob in which one rule's pattern is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    rule: usize,
    start: usize,
    end: usize,
}

/// One keyword occurrence of a rule that starts at its keywords: where the rule's pattern is
/// tried anchored.
#[derive(Debug, Clone, Copy)]
struct KeywordStart {
    rule: usize,
    start: usize,
    /// Just past the keyword; the search reaches the rule's window past it.
    end: usize,
}

/// The least a search widens by when a match reaches the end of what it saw; each further
/// widening doubles.
const MIN_WIDENING: usize = 4096;

/// The longest match a widened search follows: past it, a match that still reaches the end of
/// what the search saw is dropped (the patterns' open-ended runs stop at a boundary, and no
/// credential is 64 KiB long).
const MAX_MATCH_LEN: usize = 64 * 1024;

impl<'r> Scanner<'r> {
    /// A scanner over `rules`, with no limit on any rule's secrets.
    pub fn new(rules: &'r RuleSet) -> Scanner<'r> {
        Scanner {
            rules,
            generic_limit: None,
        }
    }

    /// This scanner, with catch-all rules (`fallback = true`) stopping after `limit` secrets
    /// in one scanned text (`None` or `Some(0)`: no limit); each stop is reported by
    /// [`Scanner::scan_with_triggers`].
    pub fn with_generic_limit(self, limit: Option<usize>) -> Scanner<'r> {
        Scanner {
            generic_limit: limit.filter(|&n| n > 0),
            ..self
        }
    }

    /// The limit of [`Scanner::with_generic_limit`], if there is one.
    pub fn generic_limit(&self) -> Option<usize> {
        self.generic_limit
    }

    /// The limit on `rule`'s secrets in one scanned text, if it has one.
    fn limit_of(&self, rule: &Rule) -> Option<usize> {
        self.generic_limit.filter(|_| rule.fallback)
    }

    /// The rules this scanner applies.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Every secret in `blob`, sorted by position, at most one per overlapping span; with a
    /// [`Scanner::with_generic_limit`], where the catch-all rules stopped is not told (use
    /// [`Scanner::scan_with_triggers`]).
    ///
    /// ```
    /// use leakward::{rules::RuleSet, scan::Scanner};
    /// let rules = RuleSet::builtin().unwrap();
    /// let found = Scanner::new(&rules).scan(b"nothing to see here\n");
    /// assert!(found.is_empty());
    /// ```
    pub fn scan(&self, blob: &[u8]) -> Vec<Match> {
        self.scan_with_triggers(blob, |_| {}, &mut Vec::new())
    }

    /// [`Scanner::scan`], `on_trigger` for every decoder trigger literal in `blob`, found
    /// in the same keyword pass, and in `stopped` each catch-all rule that reached its limit.
    pub fn scan_with_triggers(
        &self,
        blob: &[u8],
        on_trigger: impl FnMut(TriggerHit),
        stopped: &mut Vec<Stopped>,
    ) -> Vec<Match> {
        let (windows, starts) = self.windows(blob, on_trigger);
        let mut matches = Vec::new();
        self.confirm_anchored(blob, starts, &mut matches, stopped);
        // Windows come sorted by rule: one set of capture slots serves all of a rule's.
        let mut captures: Option<(usize, Captures)> = None;
        // The rule of the latest window, and how many more secrets it may report.
        let mut allowance: (usize, Option<usize>) = (usize::MAX, None);
        for window in windows {
            let rule = self.rules.rule(window.rule);
            if allowance.0 != window.rule {
                allowance = (window.rule, self.limit_of(rule));
            }
            if allowance.1 == Some(0) {
                note_left(stopped, window.rule, window.start, window.end);
                continue;
            }
            let Ok(regex) = rule.regex() else {
                // Only a pattern over the size limit; RuleSet::compile_now reports it for user rules.
                continue;
            };
            let slots = match &mut captures {
                Some((for_rule, slots)) if *for_rule == window.rule => slots,
                _ => &mut captures.insert((window.rule, regex.create_captures())).1,
            };
            let before = matches.len();
            let cut = self.confirm(blob, window, regex, slots, &mut matches, allowance.1);
            if let Some(left) = &mut allowance.1 {
                *left -= matches.len() - before;
                if let Some(at) = cut {
                    note_left(stopped, window.rule, at, window.end);
                }
            }
        }
        let matches = overlap::keep_most_specific(matches, self.rules, blob);
        pairs::attach(matches, self.rules, blob)
    }

    /// Merged search windows, per rule, around every keyword occurrence: from the rule's
    /// `lookbehind` bytes before the keyword to its `window` bytes after it; and for rules
    /// that start at a keyword, the keyword occurrences themselves (sorted by rule and start).
    fn windows(
        &self,
        blob: &[u8],
        on_trigger: impl FnMut(TriggerHit),
    ) -> (Vec<Window>, Vec<KeywordStart>) {
        let mut windows: Vec<Window> = Vec::new();
        let mut starts: Vec<KeywordStart> = Vec::new();
        // Per rule, the index in `windows` of its latest window. Keywords like `://`, `token`
        // and `github` occur every few hundred bytes, so most hits start inside the window
        // before them: extending it leaves the union (and so the merge below) unchanged, and
        // keeps the sort small.
        let mut latest = vec![usize::MAX; self.rules.rules().len()];
        let on_hit = |hit: crate::rules::KeywordHit| {
            let rule = self.rules.rule(hit.rule);
            if rule.starts_at_keyword {
                starts.push(KeywordStart {
                    rule: hit.rule,
                    start: hit.start,
                    end: hit.end,
                });
                return;
            }
            let start = hit.start.saturating_sub(rule.lookbehind);
            let end = (hit.end + rule.window).min(blob.len());
            if let Some(last) = windows.get_mut(latest[hit.rule]) {
                if (last.start..=last.end).contains(&start) {
                    last.end = last.end.max(end);
                    return;
                }
            }
            latest[hit.rule] = windows.len();
            windows.push(Window {
                rule: hit.rule,
                start,
                end,
            });
        };
        self.rules
            .keywords()
            .for_each_hit_and_trigger(blob, on_hit, on_trigger);
        let rule_count = self.rules.rules().len();
        by_rule::sort_by_rule_and_place(&mut windows, rule_count, |w| (w.rule, w.start));
        // Merged in place: a window that starts within the one kept before it joins that one.
        windows.dedup_by(|window, kept| {
            let joins = window.rule == kept.rule && window.start <= kept.end;
            if joins {
                kept.end = kept.end.max(window.end);
            }
            joins
        });
        by_rule::sort_by_rule_and_place(&mut starts, rule_count, |s| (s.rule, s.start));
        // Two keywords of one rule at one place (`fb_`, `fb_token`): the longer one reaches
        // further.
        starts.dedup_by(|later, kept| {
            let same = later.rule == kept.rule && later.start == kept.start;
            if same {
                kept.end = kept.end.max(later.end);
            }
            same
        });
        (windows, starts)
    }

    /// Tries each rule that starts at a keyword anchored at each of its keyword occurrences
    /// (`starts`, sorted), skipping the occurrences inside a match: the matches an
    /// unanchored search through the merged windows finds, since every match starts at an
    /// occurrence, but without a lazy-DFA state for each mix of overlapping starts and without
    /// searching the bytes between the occurrences.
    ///
    /// Each search sees the text up to the rule's window past the keyword, as a window does,
    /// widened when a match reaches that end, so that a pattern with an open-ended run does
    /// not search to the end of a long line from every occurrence.
    ///
    /// A rule with a limit ([`Scanner::with_generic_limit`]) stops at it; the span of its
    /// occurrences after that is noted in `stopped`.
    fn confirm_anchored(
        &self,
        blob: &[u8],
        starts: Vec<KeywordStart>,
        out: &mut Vec<Match>,
        stopped: &mut Vec<Stopped>,
    ) {
        let mut current: Option<(usize, &CompiledPattern, Captures)> = None;
        let mut next_free = 0;
        // How many more secrets the current rule may report, if it has a limit.
        let mut allowance: Option<usize> = None;
        for KeywordStart {
            rule: rule_index,
            start,
            end: keyword_end,
        } in starts
        {
            let (regex, captures) = match &mut current {
                Some((for_rule, regex, captures)) if *for_rule == rule_index => {
                    if allowance == Some(0) {
                        note_left(stopped, rule_index, start, keyword_end);
                        continue;
                    }
                    if start < next_free {
                        continue;
                    }
                    (*regex, captures)
                }
                _ => {
                    let Ok(regex) = self.rules.rule(rule_index).regex() else {
                        continue;
                    };
                    next_free = 0;
                    allowance = self.limit_of(self.rules.rule(rule_index));
                    let slot = current.insert((rule_index, regex, regex.create_captures()));
                    (slot.1, &mut slot.2)
                }
            };
            let rule = self.rules.rule(rule_index);
            let reach = rule.window;
            let mut end = (keyword_end + reach).min(blob.len());
            let mut growth = reach.max(MIN_WIDENING);
            let whole = loop {
                let input = Input::new(&blob[..end])
                    .range(start..)
                    .anchored(Anchored::Yes);
                regex.search_captures(&input, captures);
                match captures.get_match() {
                    Some(whole) if whole.end() == end && end < blob.len() => {
                        if end - start >= MAX_MATCH_LEN {
                            break None;
                        }
                        end = (end + growth).min(blob.len());
                        growth *= 2;
                    }
                    found => break found,
                }
            };
            let Some(whole) = whole else {
                continue;
            };
            next_free = whole.end().max(whole.start() + 1);
            if let Some(secret) = captures.get_group(1) {
                if let Some(found) =
                    check(self.rules, rule, rule_index, blob, secret.start, secret.end)
                {
                    out.push(found);
                    if let Some(left) = &mut allowance {
                        *left -= 1;
                    }
                }
            }
        }
    }

    /// Runs one rule's pattern (`regex`, with `captures` made by it) over one window and keeps
    /// the secrets that pass the checks, at most `allowance` of them; when that many are kept
    /// before the window's end, returns where the rest of it starts.
    fn confirm(
        &self,
        blob: &[u8],
        window: Window,
        regex: &CompiledPattern,
        captures: &mut Captures,
        out: &mut Vec<Match>,
        mut allowance: Option<usize>,
    ) -> Option<usize> {
        let rule = self.rules.rule(window.rule);
        let mut end = window.end;
        let mut growth = rule.window.max(MIN_WIDENING);
        let mut at = window.start;
        while at < window.end {
            if allowance == Some(0) {
                return Some(at);
            }
            // The haystack ends at the window; it starts at the blob's start, so that `\b` and
            // other look-behind see the bytes before `at`.
            regex.search_captures(&Input::new(&blob[..end]).range(at..), captures);
            let Some(whole) = captures.get_match() else {
                break;
            };
            if whole.end() == end && end < blob.len() {
                if end - whole.start() >= MAX_MATCH_LEN {
                    // No credential is this long: a run of token characters the length of
                    // the blob (a minified bundle, a base64 dump) would be searched to its end.
                    break;
                }
                // The window edge may have cut a longer token short: widen and retry, twice as
                // far each time.
                end = (end + growth).min(blob.len());
                growth *= 2;
                continue;
            }
            if whole.start() >= window.end {
                break;
            }
            if let Some(secret) = captures.get_group(1) {
                if let Some(found) = check(
                    self.rules,
                    rule,
                    window.rule,
                    blob,
                    secret.start,
                    secret.end,
                ) {
                    out.push(found);
                    if let Some(left) = &mut allowance {
                        *left -= 1;
                    }
                }
            }
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.start() + 1
            };
        }
        None
    }
}

/// Notes a place of `rule` (`from..to`) that was not examined: in the rule's latest entry of
/// `stopped`, or in a new one.
fn note_left(stopped: &mut Vec<Stopped>, rule: usize, from: usize, to: usize) {
    match stopped.last_mut() {
        Some(last) if last.rule == rule => last.to = last.to.max(to),
        _ => stopped.push(Stopped { rule, from, to }),
    }
}

/// Applies the entropy, placeholder, documented-example and base64-blob checks, and for
/// generic rules the randomness and context checks.
fn check(
    rules: &RuleSet,
    rule: &Rule,
    rule_index: usize,
    blob: &[u8],
    start: usize,
    end: usize,
) -> Option<Match> {
    let secret = &blob[start..end];
    if secret.is_empty() {
        return None;
    }
    let entropy = shannon_entropy(secret);
    if entropy < rule.min_entropy
        || rule.documented_examples.contains(secret)
        || is_placeholder(secret, rule.prefix_len(secret))
        || is_inside_base64_blob(blob, start, end)
        // The randomness check of `value_check` knows names from code better.
        || (rule.fallback && rule.value_check.is_none() && is_code_name(secret))
        || !value_check_passes(rule, blob, start, end)
        || (rule.fallback && rules.starts_with_provider_prefix(secret))
        || (rule.value_check == Some(ValueCheck::Random)
            && rules.names_a_provider_of_another_shape(
                &context::name_words(context::assigned_name(blob, start)),
                secret,
            ))
    {
        return None;
    }
    Some(Match {
        rule: rule_index,
        start,
        end,
        entropy,
        parts: Vec::new(),
    })
}

/// Whether the secret passes its rule's `value_check`, if it has one.
fn value_check_passes(rule: &Rule, blob: &[u8], start: usize, end: usize) -> bool {
    match rule.value_check {
        None => true,
        Some(ValueCheck::Random) => {
            looks_random(&blob[start..end])
                && !is_public_value(blob, start, end)
                && !is_quoted_fragment(blob, start, end)
                && !is_format_template(&blob[start..end])
                && !is_signed_token_value(blob, start, end)
        }
        Some(ValueCheck::BasicAuth) => basic_auth_password_looks_random(&blob[start..end]),
        Some(ValueCheck::Jwt) => is_plausible_jwt(&blob[start..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The windows as first written: one per hit, sorted, then merged.
    fn windows_one_per_hit(scanner: &Scanner<'_>, blob: &[u8]) -> Vec<Window> {
        let mut windows = Vec::new();
        scanner.rules.keywords().for_each_hit(blob, |hit| {
            let rule = scanner.rules.rule(hit.rule);
            if rule.starts_at_keyword {
                return;
            }
            windows.push(Window {
                rule: hit.rule,
                start: hit.start.saturating_sub(rule.lookbehind),
                end: (hit.end + rule.window).min(blob.len()),
            });
        });
        windows.sort_unstable_by_key(|w| (w.rule, w.start));
        let mut merged: Vec<Window> = Vec::new();
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

    /// `count` lines of `line(i)`, each with a value of random letters and digits.
    fn lines_of(count: usize, line: impl Fn(&str) -> String) -> String {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut random_value = || -> String {
            (0..28)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        [(state % 62) as usize] as char
                })
                .collect()
        };
        (0..count).map(|_| line(&random_value()) + "\n").collect()
    }

    #[test]
    fn a_catch_all_rule_stops_at_its_limit_and_counts_what_it_left() {
        let rules = RuleSet::builtin().unwrap();
        let index = |id: &str| rules.rules().iter().position(|r| r.id == id).unwrap();
        // One rule tried anchored at its keywords, one searched through windows.
        for (id, text) in [
            (
                "generic-secret-assignment",
                lines_of(12, |value| format!("token = \"{value}\"")),
            ),
            (
                "url-embedded-credentials",
                lines_of(12, |value| {
                    format!("db: https://app:{value}@db.example.com/x")
                }),
            ),
        ] {
            let rule = index(id);
            let of_rule = |found: &[Match]| found.iter().filter(|m| m.rule == rule).count();
            let unlimited = Scanner::new(&rules);
            let mut stopped = Vec::new();
            let all = unlimited.scan_with_triggers(text.as_bytes(), |_| {}, &mut stopped);
            assert_eq!(of_rule(&all), 12, "{id}");
            assert!(stopped.is_empty());

            let limited = Scanner::new(&rules).with_generic_limit(Some(5));
            let some = limited.scan_with_triggers(text.as_bytes(), |_| {}, &mut stopped);
            assert_eq!(of_rule(&some), 5, "{id}");
            assert_eq!(some[..], all[..5]);
            assert_eq!(stopped.len(), 1, "{id}: {stopped:?}");
            assert_eq!(stopped[0].rule, rule);
            // The places left run from the fifth secret's end (a window's rest) or the sixth
            // line's keyword to the last line.
            let sixth_line = text.match_indices('\n').nth(4).unwrap().0 + 1;
            let last_line = text[..text.len() - 1].rfind('\n').unwrap() + 1;
            assert!(
                (all[4].end..sixth_line + 40).contains(&stopped[0].from),
                "{id}: {stopped:?}"
            );
            assert!(stopped[0].to > last_line, "{id}: {stopped:?}");
        }
        // No limit on a provider's rule, and none at 0.
        let keys = lines_of(12, |value| {
            format!("ghp_{value}{}", value[20..].to_ascii_lowercase())
        });
        let mut stopped = Vec::new();
        let limited = Scanner::new(&rules).with_generic_limit(Some(5));
        assert_eq!(
            limited
                .scan_with_triggers(keys.as_bytes(), |_| {}, &mut stopped)
                .len(),
            12
        );
        assert!(stopped.is_empty());
        assert_eq!(
            Scanner::new(&rules)
                .with_generic_limit(Some(0))
                .generic_limit(),
            None
        );
    }

    #[test]
    fn extending_the_latest_window_merges_like_one_window_per_hit() {
        // The built-in rules and two whose keywords nest, so a later hit of the same rule can
        // start before an earlier one, with the default lookbehind and with none.
        let nested = r#"
            [[rule]]
            id = "nested-keywords"
            name = "Nested keywords"
            provider = "Test"
            keywords = ["auth", "x-auth-key"]
            pattern = '(zzz)'
            severity = "low"
            revoke = "https://example.com/"
            window = 1

            [[rule]]
            id = "nested-keywords-no-lookbehind"
            name = "Nested keywords, no lookbehind"
            provider = "Test"
            keywords = ["auth", "x-auth-key"]
            pattern = '(zzz)'
            severity = "low"
            revoke = "https://example.com/"
            window = 1
            lookbehind = 0
        "#;
        let mut definitions = crate::rules::builtin_definitions().unwrap();
        for definition in crate::rules::parse_rule_file("nested.toml", nested).unwrap() {
            definitions.push(("nested.toml".to_string(), definition));
        }
        let rules = RuleSet::compile(definitions).unwrap();
        let scanner = Scanner::new(&rules);
        // Every rule's examples and negatives, packed tight and spread out, so keywords
        // overlap, nest (`auth_token` over `token`) and sit near each other's window edges.
        let mut lines: Vec<&str> = rules
            .rules()
            .iter()
            .flat_map(|rule| rule.examples.iter().chain(&rule.negatives))
            .map(String::as_str)
            .collect();
        lines.push("headers = {'X-Auth-Key': key}");
        for gap in [0, 1, 30, 31, 32, 100, 255, 256, 257, 600, 5000] {
            let separator = format!("\n{}", " ".repeat(gap));
            let blob = lines.join(&separator);
            assert_eq!(
                scanner.windows(blob.as_bytes(), |_| {}).0,
                windows_one_per_hit(&scanner, blob.as_bytes()),
                "gap {gap}"
            );
        }
    }

    /// The matches of a rule that starts at a keyword, searched unanchored through merged
    /// windows from each keyword occurrence, as before such rules were tried anchored.
    /// `hits` are all keyword occurrences in `blob`.
    fn unanchored_matches(
        scanner: &Scanner<'_>,
        rule: usize,
        blob: &[u8],
        hits: &[crate::rules::KeywordHit],
    ) -> Vec<Match> {
        let mut windows: Vec<Window> = hits
            .iter()
            .filter(|hit| hit.rule == rule)
            .map(|hit| Window {
                rule,
                start: hit.start,
                end: (hit.end + scanner.rules.rule(rule).window).min(blob.len()),
            })
            .collect();
        windows.sort_unstable_by_key(|w| w.start);
        windows.dedup_by(|window, kept| {
            let joins = window.start <= kept.end;
            if joins {
                kept.end = kept.end.max(window.end);
            }
            joins
        });
        let regex = scanner.rules.rule(rule).regex().unwrap();
        let mut captures = regex.create_captures();
        let mut out = Vec::new();
        for window in windows {
            scanner.confirm(blob, window, regex, &mut captures, &mut out, None);
        }
        out
    }

    #[test]
    fn rules_that_start_at_a_keyword_find_what_a_search_through_windows_finds() {
        let rules = RuleSet::builtin().unwrap();
        let scanner = Scanner::new(&rules);
        let anchored: Vec<usize> = (0..rules.rules().len())
            .filter(|&i| rules.rule(i).starts_at_keyword)
            .collect();
        assert!(!anchored.is_empty(), "the generic rule starts at a keyword");
        let mut lines: Vec<String> = rules
            .rules()
            .iter()
            .flat_map(|rule| rule.examples.iter().chain(&rule.negatives))
            .cloned()
            .collect();
        // Keywords inside names and values, nested (`api_key` holds `_key`), back to back
        // and overlapping a value, the shapes where an anchored try could differ.
        // The values are random fakes.
        lines.extend(
            [
                "token=secret:api_key=Zx8Kq2Lm9Vb4Nc7Rt5Yw secret_token = 'Qw3Er5Ty7Ui9Op1As2Df'", // leakward:allow
                "auth_token=authZx8Kq2Lm9Vb4Nc7Rt5Yw password=Pwd_Zx8Kq2Lm9Vb4Nc7", // leakward:allow
                "_key=_keyQ9w8E7r6T5y4U3i2", // leakward:allow
            ]
            .map(String::from),
        );
        let mut rng = 0x2545F4914F6CDD1Du64;
        let mut line = String::new();
        for _ in 0..4000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let pieces = [
                "token", "secret", "api_key", "=", ":", " ", "_key", "Zx8", "Kq2Lm", "9Vb4", "'",
                "pwd", "auth", "\\",
            ];
            line.push_str(pieces[(rng % pieces.len() as u64) as usize]);
        }
        lines.push(line);
        for separator in ["\n", " ", ""] {
            let blob = lines.join(separator);
            let (_, all_starts) = scanner.windows(blob.as_bytes(), |_| {});
            let mut hits = Vec::new();
            rules
                .keywords()
                .for_each_hit(blob.as_bytes(), |hit| hits.push(hit));
            for &rule in &anchored {
                let mut expected = unanchored_matches(&scanner, rule, blob.as_bytes(), &hits);
                let starts = all_starts
                    .iter()
                    .filter(|s| s.rule == rule)
                    .copied()
                    .collect();
                let mut found = Vec::new();
                scanner.confirm_anchored(blob.as_bytes(), starts, &mut found, &mut Vec::new());
                expected.sort_by_key(|m| m.start);
                found.sort_by_key(|m| m.start);
                // Each rule's examples, one per line, give it something to find.
                assert!(!found.is_empty() || separator != "\n", "rule {rule}");
                assert_eq!(found, expected, "rule {rule}, separator {separator:?}");
            }
        }
    }

    #[test]
    fn windows_reach_lookbehind_bytes_before_and_window_bytes_after_a_keyword() {
        let file = r#"
            [[rule]]
            id = "default-lookbehind"
            name = "Default lookbehind"
            provider = "Test"
            keywords = ["acme_"]
            pattern = '(zzz)'
            severity = "low"
            revoke = "https://example.com/"

            [[rule]]
            id = "short-lookbehind"
            name = "Short lookbehind"
            provider = "Test"
            keywords = ["acme_"]
            pattern = '(zzz)'
            severity = "low"
            revoke = "https://example.com/"
            lookbehind = 3
            window = 10
        "#;
        let definitions = crate::rules::parse_rule_file("test.toml", file)
            .unwrap()
            .into_iter()
            .map(|d| ("test.toml".to_string(), d))
            .collect();
        let rules = RuleSet::compile(definitions).unwrap();
        let blob = format!("{}acme_{}", " ".repeat(300), " ".repeat(300));
        let window = |rule, start, end| Window { rule, start, end };
        assert_eq!(
            Scanner::new(&rules).windows(blob.as_bytes(), |_| {}).0,
            [
                window(0, 300 - 256, 305 + 256),
                window(1, 300 - 3, 305 + 10)
            ]
        );
    }
}
