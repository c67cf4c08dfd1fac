//! Decoders: secrets written encoded, escaped or split, found by the same matcher.
//!
//! The keyword pass reports, besides the rules' keywords, a few *trigger* literals (below):
//! a `%2`/`%3` of percent-encoding, a `\u00` or `\/` string escape, an `&#` or `&quot;`
//! character reference, a word after which base64 is usual (`Basic `, `auth`, `data:`,
//! `token`, …) or a base64 JSON object's `eyJ`, a quote or backslash at a line's end (a
//! value split over lines), a notebook's `"source": [`. Only where one occurs is anything
//! decoded, so a blob without them costs nothing more.
//!
//! Around each trigger the decoder makes a [`View`]: the line (or block) with the encoded
//! text replaced by what it decodes to, and the rest kept, so a rule that needs a context
//! word still sees it. The view goes through the whole matcher (prefilter, regex, checks);
//! a match maps back to the span of the encoded text in the blob, and the finding records
//! how it was decoded. Decoded text that holds triggers of its own (base64 of a percent-
//! encoded value) is decoded once more: at most [`MAX_DEPTH`] steps, and at most
//! [`MAX_DECODED`] bytes of views per blob.
//!
//! A secret is reported once: where a decoded match overlaps a plain one (or another
//! decoded one), the more specific rule wins, as in the plain scan, and between equals the
//! one that needed fewer decoding steps.

mod base64;
mod escapes;
mod html;
mod notebook;
mod percent;
mod split;
mod view;

use super::{is_placeholder, overlap, Match, Scanner, Stopped};
use crate::rules::triggers::{Trigger, TRIGGERS, TRIGGER_KINDS};
use crate::rules::{RuleSet, TriggerHit};
use std::cmp::Reverse;
use view::View;

/// Most decoding steps behind one secret (base64 of a percent-encoded value is two).
pub const MAX_DEPTH: usize = 2;
/// Most bytes of decoded views made for one blob; past it, the rest is not decoded.
pub const MAX_DECODED: usize = 1 << 20;
/// Bytes of a long line decoded on each side of a trigger.
const LINE_REACH: usize = 2048;
/// Most lines of a `data:` block (a Kubernetes Secret's) decoded.
const BLOCK_LINES: usize = 256;

/// One step of decoding between what a file holds and a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// `%XX` escapes (URLs, query strings, form bodies).
    Percent,
    /// JSON or JavaScript string escapes (`\u002d`, `\/`, `\"`).
    Escape,
    /// HTML character references (`&#45;`, `&quot;`).
    Html,
    /// Base64, standard or URL-safe.
    Base64,
    /// Pieces joined: string literals, continued lines, a YAML block.
    Split,
    /// A notebook cell's lines, a JSON array of strings, joined.
    Notebook,
}

impl Encoding {
    /// The name reports use: `percent`, `escape`, `html`, `base64`, `split`, `notebook`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Percent => "percent",
            Encoding::Escape => "escape",
            Encoding::Html => "html",
            Encoding::Base64 => "base64",
            Encoding::Split => "split",
            Encoding::Notebook => "notebook",
        }
    }

    /// The encoding a report names `name`, if any.
    pub fn from_name(name: &str) -> Option<Encoding> {
        [
            Encoding::Percent,
            Encoding::Escape,
            Encoding::Html,
            Encoding::Base64,
            Encoding::Split,
            Encoding::Notebook,
        ]
        .into_iter()
        .find(|encoding| encoding.as_str() == name)
    }
}

/// What a secret found by decoding is, besides its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The secret, decoded.
    pub secret: Vec<u8>,
    /// How it was decoded from what the blob holds, outermost step first.
    pub encodings: Vec<Encoding>,
}

/// A secret in a blob: where its text is, and, for a decoded one, what it decodes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The rule and the span of the text in the blob (the encoded text, for a decoded
    /// secret: from its first piece to its last).
    pub matched: Match,
    /// `None` when the secret is the blob's bytes at the span, as written.
    pub decoded: Option<Decoded>,
}

impl Found {
    /// The secret: the blob's bytes at the span, or the decoded bytes.
    pub fn secret<'a>(&'a self, blob: &'a [u8]) -> &'a [u8] {
        match &self.decoded {
            Some(decoded) => &decoded.secret,
            None => &blob[self.matched.start..self.matched.end],
        }
    }
}

/// Every secret in `blob`, written as it is or decoded, sorted by position, one per span;
/// in `stopped`, the catch-all rules that reached the scanner's limit (in the blob or in a
/// decoded view of it, placed in the blob).
///
/// ```
/// use leakward::{rules::RuleSet, scan::{decode, Scanner}};
/// let rules = RuleSet::builtin().unwrap();
/// let mut stopped = Vec::new();
/// let found = decode::scan(
///     &Scanner::new(&rules),
///     b"url = https://example.com/?q=%2Fhome\n",
///     &mut stopped,
/// );
/// assert!(found.is_empty() && stopped.is_empty());
/// ```
pub fn scan(scanner: &Scanner<'_>, blob: &[u8], stopped: &mut Vec<Stopped>) -> Vec<Found> {
    let mut triggers = Vec::new();
    let plain = scanner.scan_with_triggers(blob, |hit| triggers.push(hit), stopped);
    if triggers.is_empty() {
        return plain
            .into_iter()
            .map(|matched| Found {
                matched,
                decoded: None,
            })
            .collect();
    }
    let mut decoder = Decoder {
        scanner,
        budget: MAX_DECODED,
        found: Vec::new(),
        placeholder_runs: Vec::new(),
        stopped,
    };
    decoder.level(blob, &triggers, &[], &[]);
    // A catch-all rule's match on the base64 of a placeholder judged the encoding's look,
    // not the value: it is a placeholder too.
    let rules = scanner.rules();
    let plain = plain
        .into_iter()
        .filter(|m| {
            !(rules.rule(m.rule).fallback
                && decoder
                    .placeholder_runs
                    .iter()
                    .any(|&(start, end)| start <= m.start && m.end <= end))
        })
        .collect();
    merge(rules, blob, plain, decoder.found)
}

/// Decodes, scans and recurses, within a budget of view bytes.
struct Decoder<'s, 'r> {
    scanner: &'s Scanner<'r>,
    budget: usize,
    found: Vec<Found>,
    /// The base64 runs of the blob that decoded to a placeholder.
    placeholder_runs: Vec<(usize, usize)>,
    /// The catch-all rules that reached their limit, placed in the blob.
    stopped: &'s mut Vec<Stopped>,
}

impl Decoder<'_, '_> {
    /// Decodes what `triggers` point at in `source` and scans each view. `source` is the
    /// blob, or a view whose way back to the blob is `outer` (innermost last), reached by
    /// `steps`.
    fn level(
        &mut self,
        source: &[u8],
        triggers: &[TriggerHit],
        outer: &[&View],
        steps: &[Encoding],
    ) {
        // Each kind's hits, by start (the keyword pass reports them by end).
        let mut by_kind: [Vec<(usize, usize)>; TRIGGER_KINDS] = Default::default();
        for hit in triggers {
            let kind = TRIGGERS[usize::from(hit.trigger)].1;
            by_kind[kind as usize].push((hit.start, hit.end));
        }
        for hits in &mut by_kind {
            hits.sort_unstable();
        }
        let of = |kind: Trigger| by_kind[kind as usize].as_slice();
        for (kind, decode, encoding) in [
            (
                Trigger::Percent,
                percent::decode as LineDecoder,
                Encoding::Percent,
            ),
            (Trigger::Escape, escapes::decode, Encoding::Escape),
            (Trigger::Html, html::decode, Encoding::Html),
        ] {
            for (from, to) in line_regions(source, of(kind)) {
                if let Some(view) = decode(source, from, to) {
                    self.scan_view(&view, encoding, outer, steps);
                }
            }
        }
        // Base64 runs worth a look: the value assigned to a name with a context word, the
        // run right after `Basic `, a run that starts like a JSON object.
        let mut runs: Vec<(usize, usize)> = of(Trigger::Base64After)
            .iter()
            .filter_map(|&(_, end)| value_after_name(source, end))
            .chain(
                of(Trigger::Base64Right)
                    .iter()
                    .filter_map(|&(_, end)| value_after(source, end)),
            )
            .chain(of(Trigger::Base64At).iter().map(|&(start, _)| start))
            .filter_map(|at| base64::run_at(source, at))
            // Most runs after a name are hashes or random tokens, not encoded text: turned
            // away here, before their lines are looked up and copied into views.
            .filter(|&(start, end)| base64::may_be_text(&source[start..end]))
            .collect();
        // `data:` opens a block of values (a Kubernetes Secret's), or has one value.
        let mut blocks = Vec::new();
        for &(start, end) in of(Trigger::Base64Block) {
            if opens_block(source, start, end) {
                blocks.push(start);
            } else if let Some(run) = value_after(source, end)
                .and_then(|v| base64::run_at(source, v))
                .filter(|&(start, end)| base64::may_be_text(&source[start..end]))
            {
                runs.push(run);
            }
        }
        runs.sort_unstable();
        runs.dedup();
        let base64 = base64_regions(source, &runs, &blocks);
        for (from, to, runs) in base64 {
            if let Some((view, decoded)) = base64::decode_runs(source, from, to, &runs) {
                if outer.is_empty() {
                    let placeholders = decoded
                        .into_iter()
                        .filter(|&(_, (start, end))| is_placeholder(&view.bytes()[start..end], 0));
                    self.placeholder_runs
                        .extend(placeholders.map(|(run, _)| run));
                }
                self.scan_view(&view, Encoding::Base64, outer, steps);
            }
        }
        for view in split::views(source, of(Trigger::Split)) {
            self.scan_view(&view, Encoding::Split, outer, steps);
        }
        if outer.is_empty() {
            self.notebooks(source, of(Trigger::Notebook));
        }
    }

    /// Joins each notebook array at `arrays` and scans the values split in it.
    fn notebooks(&mut self, source: &[u8], arrays: &[(usize, usize)]) {
        let mut done_until = 0;
        for &(_, end) in arrays {
            if end < done_until || self.budget == 0 {
                continue;
            }
            let Some(array) = notebook::joined_array(source, end) else {
                continue;
            };
            done_until = array.source_span(0, array.len()).1;
            let positions = split::positions(array.bytes());
            for view in split::views(array.bytes(), &positions) {
                self.scan_view(&view, Encoding::Split, &[&array], &[Encoding::Notebook]);
            }
        }
    }

    /// Scans `view` (made by `encoding` from a source reached by `steps` through `outer`),
    /// keeps its matches placed in the blob, and decodes the triggers in its decoded bytes.
    fn scan_view(&mut self, view: &View, encoding: Encoding, outer: &[&View], steps: &[Encoding]) {
        if view.len() > self.budget {
            self.budget = 0;
            return;
        }
        self.budget -= view.len();
        let mut inner = Vec::new();
        let mut stopped = Vec::new();
        let matches =
            self.scanner
                .scan_with_triggers(view.bytes(), |hit| inner.push(hit), &mut stopped);
        for stop in stopped {
            let (from, to) = in_blob(view, outer, stop.from, stop.to.min(view.len()));
            self.stopped.push(Stopped { from, to, ..stop });
        }
        let mut encodings = steps.to_vec();
        encodings.push(encoding);
        for matched in matches {
            let (start, end) = in_blob(view, outer, matched.start, matched.end);
            self.found.push(Found {
                decoded: Some(Decoded {
                    secret: view.bytes()[matched.start..matched.end].to_vec(),
                    encodings: encodings.clone(),
                }),
                matched: Match {
                    start,
                    end,
                    ..matched
                },
            });
        }
        inner.retain(|hit| view.touches_decoded(hit.start, hit.end));
        if encodings.len() < MAX_DEPTH && !inner.is_empty() {
            let mut chain = outer.to_vec();
            chain.push(view);
            self.level(view.bytes(), &inner, &chain, &encodings);
        }
    }
}

/// The span of the blob that `start..end` of `view` was decoded from, through the views
/// `outer` (innermost last) that `view`'s source was decoded from.
fn in_blob(view: &View, outer: &[&View], start: usize, end: usize) -> (usize, usize) {
    let mut span = view.source_span(start, end);
    for parent in outer.iter().rev() {
        span = parent.source_span(span.0, span.1);
    }
    span
}

/// A decoder of the escapes in a span of a line.
type LineDecoder = fn(&[u8], usize, usize) -> Option<View>;

/// The start and end (without its line break) of the line that holds `at`, cut to `back`
/// bytes before `at` and `forward` bytes after it on a long line.
fn line_bounds(source: &[u8], at: usize, back: usize, forward: usize) -> (usize, usize) {
    let from = at.saturating_sub(back);
    let to = source.len().min(at.saturating_add(forward));
    let start = memchr::memrchr(b'\n', &source[from..at]).map_or(from, |i| from + i + 1);
    let end = memchr::memchr(b'\n', &source[at..to]).map_or(to, |i| at + i);
    (start, end)
}

/// The spans to decode for `hits` (sorted): each hit's line, cut to [`LINE_REACH`] bytes
/// on either side of it on a long line, overlapping spans merged.
fn line_regions(source: &[u8], hits: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut regions: Vec<(usize, usize)> = Vec::new();
    for &(start, end) in hits {
        if regions.last().is_some_and(|last| end <= last.1) {
            continue;
        }
        let (from, to) = line_bounds(source, start, LINE_REACH, end - start + LINE_REACH);
        match regions.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => regions.push((from, to)),
        }
    }
    regions
}

/// Where a value assigned to the name that holds the word ending at `end` starts: past
/// the rest of the name (`OPENAI_API_KEY_B64`, `client_secret`), then past `:`, `=`, `(`,
/// quotes and blanks (`": "`, `='`); `None` when no separator follows the name.
fn value_after_name(source: &[u8], end: usize) -> Option<usize> {
    let limit = source.len().min(end + 48);
    let mut at = end;
    while at < limit
        && (source[at].is_ascii_alphanumeric() || matches!(source[at], b'_' | b'-' | b'.'))
    {
        at += 1;
    }
    let value = value_after(source, at)?;
    (value > at).then_some(value)
}

/// Where a value starts after `at`: past at most eight quotes, blanks, `:`, `=`, `(`, `,`.
fn value_after(source: &[u8], mut at: usize) -> Option<usize> {
    let limit = source.len().min(at + 8);
    while at < limit
        && matches!(
            source[at],
            b' ' | b'\t' | b'"' | b'\'' | b'`' | b':' | b'=' | b'(' | b','
        )
    {
        at += 1;
    }
    (at < source.len()).then_some(at)
}

/// A span to decode (a line or a block) and the base64 runs in it: `(from, to, runs)`.
type Base64Region = (usize, usize, Vec<(usize, usize)>);

/// Whether the `data:` (or JSON `"data":`) at `start..end` ends its line, opening a block
/// of values (JSON: with a `{`).
fn opens_block(source: &[u8], start: usize, end: usize) -> bool {
    let json = source[start..end].ends_with(b"\":");
    source[end..]
        .iter()
        .take(16)
        .take_while(|&&b| b != b'\n')
        .all(|&b| matches!(b, b' ' | b'\t' | b'\r') || (json && b == b'{'))
}

/// The spans to decode around base64 `runs` (each on its line) and around the values of
/// the blocks opened on the lines at `blocks` (`data:`); overlapping spans merged.
fn base64_regions(source: &[u8], runs: &[(usize, usize)], blocks: &[usize]) -> Vec<Base64Region> {
    let mut regions: Vec<Base64Region> = Vec::new();
    let mut add = |from: usize, to: usize, runs: Vec<(usize, usize)>| {
        if !runs.is_empty() {
            regions.push((from, to, runs));
        }
    };
    // A run may be long (a base64 JSON file): the line is searched that far after its start.
    let line_of = |at: usize| line_bounds(source, at, LINE_REACH, base64::MAX_RUN + 1);
    for &run in runs {
        // The run's end is known: its line is read no further than LINE_REACH past it (not
        // MAX_RUN past its start, which on a long line of short runs read 64 KiB per run).
        let (line, line_end) = line_bounds(source, run.0, LINE_REACH, run.1 - run.0 + LINE_REACH);
        add(line, line_end.max(run.1), vec![run]);
    }
    for &start in blocks {
        let (line, line_end) = line_of(start);
        let indent = source[line..line_end]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let block_start = (line_end + 1).min(source.len());
        let mut next = block_start;
        let mut runs = Vec::new();
        for _ in 0..BLOCK_LINES {
            if next >= source.len() {
                break;
            }
            let (_, value_end) = line_of(next);
            let text = &source[next..value_end];
            let depth = text
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            if depth <= indent || depth == text.len() {
                break;
            }
            let value =
                memchr::memchr(b':', text).and_then(|colon| value_after(source, next + colon + 1));
            runs.extend(value.and_then(|value| base64::run_at(source, value)));
            next = value_end + 1;
        }
        add(block_start, next.min(source.len()), runs);
    }
    regions.sort_unstable_by_key(|region| (region.0, region.1));
    let mut merged: Vec<Base64Region> = Vec::new();
    for (from, to, runs) in regions {
        match merged.last_mut() {
            Some(last) if from < last.1 => {
                last.1 = last.1.max(to);
                last.2.extend(runs);
            }
            _ => merged.push((from, to, runs)),
        }
    }
    for region in &mut merged {
        region.2.sort_unstable();
        region.2.dedup();
    }
    merged
}

/// The plain and decoded matches of a blob, one per span: among overlapping ones the most
/// specific rule wins (as in [`Scanner::scan`]), then the one that needed fewer steps.
///
/// Before that, a plain match that holds the whole encoded text of a decoded match of
/// another, specific (not fallback) rule gives way to it: the plain rule saw only the
/// wrapping (a Docker `auth` value, a random-looking base64 value), the decoded match names
/// the key inside.
fn merge(rules: &RuleSet, blob: &[u8], plain: Vec<Match>, decoded: Vec<Found>) -> Vec<Found> {
    if decoded.is_empty() {
        return plain
            .into_iter()
            .map(|matched| Found {
                matched,
                decoded: None,
            })
            .collect();
    }
    let wraps_a_decoded_key = |plain: &Match| {
        decoded.iter().any(|found| {
            found.matched.rule != plain.rule
                && !rules.rule(found.matched.rule).fallback
                && plain.start <= found.matched.start
                && found.matched.end <= plain.end
        })
    };
    let mut all: Vec<Found> = plain
        .into_iter()
        .filter(|matched| !wraps_a_decoded_key(matched))
        .map(|matched| Found {
            matched,
            decoded: None,
        })
        .collect();
    all.extend(decoded);
    all.sort_by_cached_key(|found| {
        let secret = found.secret(blob);
        let rule = rules.rule(found.matched.rule);
        let prefix_len = rule.prefix_len(secret);
        (
            rule.fallback,
            Reverse(prefix_len > 0),
            Reverse(secret.len()),
            Reverse(prefix_len),
            found.decoded.as_ref().map_or(0, |d| d.encodings.len()),
            found.matched.rule,
            found.matched.start,
        )
    });
    overlap::keep_first_of_overlapping(all, |found| (found.matched.start, found.matched.end))
}
