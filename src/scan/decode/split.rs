//! Split keys: a secret written as pieces that the language joins.
//!
//! - adjacent string literals, with or without an operator between them, on one line or a
//!   few: Python's `("sk-ant-" "api03-…")`, `+` in JavaScript, TypeScript, Java, C# and Go,
//!   `.` in PHP, `&` in Visual Basic;
//! - a backslash before a line break, inside a string or not (shell, Python, YAML's double-
//!   quoted scalars), which joins the line with the next;
//! - YAML block scalars (`key: >-` or `key: |` and the lines below).
//!
//! Only pieces that look like parts of one token are joined (no white space inside, at
//! least [`MIN_JOINED`] bytes together), over at most [`MAX_LINES`] lines. The view keeps
//! the text before the first piece on its line (or on the line above, for a piece that
//! starts its line), so a rule that needs a context word still has it, and the joined
//! pieces stand on one line.

use super::view::View;

/// Fewest bytes the joined pieces must have (no key is shorter).
const MIN_JOINED: usize = 16;
/// Most lines one joined value may span.
const MAX_LINES: usize = 12;
/// Most string literals joined into one value.
const MAX_FRAGMENTS: usize = 16;
/// Longest line a split value starts on, and most bytes of context kept around it: a
/// trigger on a longer line (minified code) is not followed, so no line is read twice.
const MAX_LINE: usize = 1024;

/// One string literal: its opening quote, the ranges of its content (more than one when a
/// backslash continues it on the next line) and its closing quote.
#[derive(Debug, Clone)]
struct Literal {
    open: usize,
    parts: Vec<(usize, usize)>,
    close: usize,
}

impl Literal {
    /// Bytes of content.
    fn len(&self) -> usize {
        self.parts.iter().map(|(from, to)| to - from).sum()
    }

    /// Whether the content could be part of a token: no white space, not empty.
    fn is_token_part(&self, source: &[u8]) -> bool {
        self.len() > 0
            && self
                .parts
                .iter()
                .all(|&(from, to)| source[from..to].iter().all(|&b| !b.is_ascii_whitespace()))
    }
}

/// The views that join split values near `hits` (split trigger hits, `(start, end)`, in
/// order).
pub(crate) fn views(source: &[u8], hits: &[(usize, usize)]) -> Vec<View> {
    let mut out = Vec::new();
    let mut done_until = 0;
    for &(at, end) in hits {
        if at < done_until || !worth_following(source, at, end) {
            continue;
        }
        let Some(line) = short_line(source, at) else {
            continue;
        };
        let joined = yaml_block(source, line)
            .or_else(|| literal_chain(source, line))
            .or_else(|| continuation(source, line));
        if let Some((view, end)) = joined {
            done_until = end;
            out.push(view);
        }
    }
    out
}

/// Where split values may start in `text` (which no keyword pass has read): every line
/// break after a quote or a backslash, and every `+` after a quote, as trigger hits.
pub(crate) fn positions(text: &[u8]) -> Vec<(usize, usize)> {
    memchr::memchr2_iter(b'\n', b'+', text)
        .filter_map(|at| {
            let before = text[..at]
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t' && b != b'\r')?;
            let wanted = match text[at] {
                b'\n' => matches!(text[before], b'"' | b'\'' | b'`' | b'\\'),
                _ => matches!(text[before], b'"' | b'\'' | b'`'),
            };
            wanted.then_some((before, at + 1))
        })
        .collect()
}

/// A cheap look at a trigger hit `start..end` before any line is read: what follows a
/// quote at a line's end, or a `+`, must be another literal or an operator; a backslash at
/// a line's end must follow a byte of a token or a quote.
fn worth_following(source: &[u8], start: usize, end: usize) -> bool {
    let next_token = |from: usize| {
        source[from.min(source.len())..]
            .iter()
            .take(64)
            .find(|&&b| !b.is_ascii_whitespace())
            .copied()
    };
    match source.get(end.wrapping_sub(1)) {
        Some(b'\n') if source[start] == b'\\' => {
            start > 0 && (is_token_byte(source[start - 1]) || is_quote(source[start - 1]))
        }
        Some(b'\n') | Some(b'+') => next_token(end)
            .is_some_and(|b| is_quote(b) || is_prefix(b) || matches!(b, b'+' | b'.' | b'&')),
        _ => true,
    }
}

/// The start of the line that holds `at`.
fn line_start(source: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &source[..at.min(source.len())]).map_or(0, |i| i + 1)
}

/// The start of the line that holds `at`, if that line is at most [`MAX_LINE`] bytes long.
fn short_line(source: &[u8], at: usize) -> Option<usize> {
    let at = at.min(source.len());
    let from = at.saturating_sub(MAX_LINE);
    let start = match memchr::memrchr(b'\n', &source[from..at]) {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let limit = source.len().min(start + MAX_LINE);
    (memchr::memchr(b'\n', &source[at..limit]).is_some() || limit == source.len()).then_some(start)
}

/// The end of the line at or after `from`, or `from + max` if it is longer; without a `\r`.
fn end_within(source: &[u8], from: usize, max: usize) -> usize {
    let to = source.len().min(from + max);
    let end = memchr::memchr(b'\n', &source[from..to]).map_or(to, |i| from + i);
    if end > from && source[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The end of the line that starts at or holds `at` (its `\n`, or the end of the source).
fn line_end(source: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &source[at.min(source.len())..]).map_or(source.len(), |i| at + i)
}

/// `line_end` without a `\r` before the `\n`.
fn content_end(source: &[u8], line: usize) -> usize {
    let end = line_end(source, line);
    if end > line && source[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The first byte of `from..to` that is not a space or a tab.
fn skip_blanks(source: &[u8], mut from: usize, to: usize) -> usize {
    while from < to && matches!(source[from], b' ' | b'\t') {
        from += 1;
    }
    from
}

/// A byte a secret can hold next to a line continuation.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'=' | b'.' | b'~')
}

/// `key: >-` (or `|`, with a chomping or indentation indicator) on the line at `line`,
/// then the more indented lines below, each one piece of a token: joined, with `key: ` as
/// context.
fn yaml_block(source: &[u8], line: usize) -> Option<(View, usize)> {
    let end = content_end(source, line);
    let text = &source[line..end];
    let colon = memchr::memrchr(b':', text)?;
    let indicator = skip_blanks(source, line + colon + 1, end);
    if indicator == line + colon + 1
        || indicator >= end
        || !matches!(source[indicator], b'>' | b'|')
    {
        return None;
    }
    let rest = &source[indicator + 1..end];
    if !rest
        .iter()
        .all(|&b| matches!(b, b'-' | b'+' | b'0'..=b'9' | b' ' | b'\t'))
    {
        return None;
    }
    let key_indent = skip_blanks(source, line, end) - line;
    let mut pieces = Vec::new();
    let mut next = end + 1;
    let mut last_end = end;
    while next < source.len() && pieces.len() < MAX_LINES {
        let piece_end = end_within(source, next, MAX_LINE);
        if piece_end - next >= MAX_LINE - 1 {
            return None;
        }
        let first = skip_blanks(source, next, piece_end);
        if first == piece_end || first - next <= key_indent {
            break;
        }
        let mut trimmed_end = piece_end;
        while trimmed_end > first && matches!(source[trimmed_end - 1], b' ' | b'\t') {
            trimmed_end -= 1;
        }
        if source[first..trimmed_end]
            .iter()
            .any(u8::is_ascii_whitespace)
        {
            return None;
        }
        pieces.push((first, trimmed_end));
        last_end = piece_end;
        next = line_end(source, next) + 1;
    }
    let joined: usize = pieces.iter().map(|(from, to)| to - from).sum();
    if pieces.len() < 2 || joined < MIN_JOINED {
        return None;
    }
    let mut view = View::with_capacity(indicator - line + joined + 1);
    view.copy(source, line, indicator);
    for (from, to) in pieces {
        view.copy(source, from, to);
    }
    Some((view, last_end))
}

/// String literals on the line at `line` and the ones joined to them, the first run of
/// token pieces that is long enough: joined into one literal, with the line's text before
/// it as context.
fn literal_chain(source: &[u8], line: usize) -> Option<(View, usize)> {
    let end = content_end(source, line);
    let mut at = line;
    while let Some(first) = next_literal(source, at, end) {
        at = first.close + 1;
        let chain = chain_from(source, first);
        if let Some(joined) = join(source, &chain) {
            return Some(joined);
        }
        // A chain's later literals are not the start of another chain on this line.
        if let Some(last) = chain.last() {
            if last.close >= end {
                break;
            }
            at = at.max(last.close + 1);
        }
    }
    None
}

/// The literals joined to `first`, `first` included.
fn chain_from(source: &[u8], first: Literal) -> Vec<Literal> {
    let mut chain = vec![first];
    let mut lines = 0;
    while chain.len() < MAX_FRAGMENTS {
        let after = chain[chain.len() - 1].close + 1;
        let Some((open, crossed)) = joiner(source, after) else {
            break;
        };
        lines += crossed;
        if lines > MAX_LINES {
            break;
        }
        match literal_at(source, open) {
            Some(next) => chain.push(next),
            None => break,
        }
    }
    chain
}

/// The view of the first run of token pieces in `chain` that joins into enough bytes.
fn join(source: &[u8], chain: &[Literal]) -> Option<(View, usize)> {
    let mut start = 0;
    while start < chain.len() {
        if !chain[start].is_token_part(source) {
            start += 1;
            continue;
        }
        let mut stop = start;
        while stop + 1 < chain.len() && chain[stop + 1].is_token_part(source) {
            stop += 1;
        }
        let run = &chain[start..=stop];
        let pieces: usize = run.iter().map(|l| l.parts.len()).sum();
        let joined: usize = run.iter().map(Literal::len).sum();
        if pieces >= 2 && joined >= MIN_JOINED {
            return Some((view_of(source, run), run[run.len() - 1].close));
        }
        start = stop + 1;
    }
    None
}

/// The joined literal: context, the first literal's opening quote, every piece, then the
/// last literal's closing quote and the rest of its line.
fn view_of(source: &[u8], run: &[Literal]) -> View {
    let first = &run[0];
    let last = &run[run.len() - 1];
    let mut view = View::with_capacity(256);
    let line = line_start(source, first.open);
    let lead = &source[line..first.open];
    let bare = lead
        .iter()
        .all(|&b| matches!(b, b' ' | b'\t' | b'(' | b'+' | b'.' | b'&'));
    if bare && line > 0 {
        // A literal that starts its line: the line above holds the context (`KEY = (`).
        let above = line_start(source, line - 1).max((line - 1).saturating_sub(MAX_LINE));
        view.copy(source, above, end_within(source, above, MAX_LINE));
        view.copy(source, first.open, first.parts[0].0);
    } else {
        view.copy(source, line, first.parts[0].0);
    }
    for literal in run {
        for &(from, to) in &literal.parts {
            view.copy(source, from, to);
        }
    }
    view.copy(source, last.close, end_within(source, last.close, MAX_LINE));
    view
}

/// What lies between two joined literals: blanks, line breaks, at most one operator (`+`,
/// `.`, `..`, `&`) and backslash continuations. Returns where the next literal (or its
/// prefix) starts and the line breaks crossed, or `None` if anything else comes first.
fn joiner(source: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut operator = false;
    let mut lines = 0;
    while at < source.len() {
        match source[at] {
            b' ' | b'\t' | b'\r' => at += 1,
            b'\n' => {
                lines += 1;
                at += 1;
            }
            b'\\' if matches!(source.get(at + 1), Some(b'\n' | b'\r')) => {
                at += 1;
            }
            b'+' | b'&' if !operator => {
                operator = true;
                at += 1;
            }
            b'.' if !operator => {
                operator = true;
                at += if source.get(at + 1) == Some(&b'.') {
                    2
                } else {
                    1
                };
            }
            _ => return Some((at, lines)),
        }
        if lines > MAX_LINES {
            return None;
        }
    }
    None
}

/// Whether `b` opens a string literal.
fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Letters that may come before a quote as a string prefix (`f"…"`, `rb'…'`, `@"…"`, `$"…"`).
fn is_prefix(b: u8) -> bool {
    matches!(
        b,
        b'f' | b'F' | b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'@' | b'$'
    )
}

/// The literal that starts at `at` (its quote, or a string prefix of at most two letters).
fn literal_at(source: &[u8], at: usize) -> Option<Literal> {
    let mut quote = at;
    while quote < source.len() && quote - at < 2 && is_prefix(source[quote]) {
        quote += 1;
    }
    if quote >= source.len() || !is_quote(source[quote]) {
        return None;
    }
    read_literal(source, quote)
}

/// The next literal whose opening quote is in `from..to` and does not follow a letter or
/// digit (an apostrophe in a word), other than a string prefix.
fn next_literal(source: &[u8], mut from: usize, to: usize) -> Option<Literal> {
    while from < to {
        let quote = from + source[from..to].iter().position(|&b| is_quote(b))?;
        let mut word = quote;
        while word > 0 && quote - word < 2 && is_prefix(source[word - 1]) {
            word -= 1;
        }
        let glued = word > 0 && source[word - 1].is_ascii_alphanumeric();
        if !glued {
            if let Some(literal) = read_literal(source, quote) {
                return Some(literal);
            }
            return None;
        }
        from = quote + 1;
    }
    None
}

/// The literal whose opening quote is at `open`: its content up to the same quote on the
/// same line, skipping escaped characters, and across a backslash line continuation.
fn read_literal(source: &[u8], open: usize) -> Option<Literal> {
    let quote = source[open];
    let mut parts = Vec::new();
    let mut part_start = open + 1;
    let mut at = open + 1;
    let mut lines = 0;
    while at < source.len() {
        match source[at] {
            b if b == quote => {
                parts.push((part_start, at));
                return Some(Literal {
                    open,
                    parts,
                    close: at,
                });
            }
            b'\\' => {
                let next = at + 1;
                let crlf = source.get(next) == Some(&b'\r') && source.get(next + 1) == Some(&b'\n');
                if source.get(next) == Some(&b'\n') || crlf {
                    // A continuation: the line break is not part of the value, nor (in YAML)
                    // the next line's indentation.
                    lines += 1;
                    if lines > MAX_LINES {
                        return None;
                    }
                    parts.push((part_start, at));
                    let next_line = next + if crlf { 2 } else { 1 };
                    at = skip_blanks(source, next_line, source.len());
                    part_start = at;
                    continue;
                }
                at += 2;
            }
            b'\n' => return None,
            _ => at += 1,
        }
    }
    None
}

/// A value continued on the next lines by a backslash at the end of the line at `line`,
/// outside any string (`export KEY=sk-…\`): the lines joined, each next one without its
/// indentation.
fn continuation(source: &[u8], line: usize) -> Option<(View, usize)> {
    let mut view = View::with_capacity(256);
    let mut from = line;
    let mut lines = 0;
    loop {
        let end = end_within(source, from, MAX_LINE);
        if end - from >= MAX_LINE - 1 {
            return None;
        }
        let continued = end > from
            && source[end - 1] == b'\\'
            && end - 1 > from
            && is_token_byte(source[end - 2])
            && lines < MAX_LINES;
        if !continued {
            if lines == 0 {
                return None;
            }
            view.copy(source, from, end);
            return Some((view, end));
        }
        view.copy(source, from, end - 1);
        lines += 1;
        let next = line_end(source, from) + 1;
        if next >= source.len() {
            return Some((view, end));
        }
        from = skip_blanks(source, next, source.len());
        if !source.get(from).copied().is_some_and(is_token_byte) {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> Vec<String> {
        let source = text.as_bytes();
        let mut positions = positions(source);
        for indicator in [b": >", b": |"] {
            positions.extend(memchr::memmem::find_iter(source, indicator).map(|at| (at, at + 3)));
        }
        positions.sort_unstable();
        views(source, &positions)
            .iter()
            .map(|v| String::from_utf8_lossy(v.bytes()).into_owned())
            .collect()
    }

    #[test]
    fn joins_literals_across_languages() {
        assert_eq!(
            joined("key = (\n    \"abcdefghij\"\n    \"klmnopqrst\"\n)\n"),
            ["key = (\"abcdefghijklmnopqrst\""]
        );
        assert_eq!(
            joined("const k = \"abcdefghij\" +\n  'klmnopqrst';\n"),
            ["const k = \"abcdefghijklmnopqrst';"]
        );
        assert_eq!(
            joined("String k = \"abcdefghij\"\n    + \"klmnopqrst\";\n"),
            ["String k = \"abcdefghijklmnopqrst\";"]
        );
        assert_eq!(
            joined("export K=\"abcdefghij\\\nklmnopqrst\"\n"),
            ["export K=\"abcdefghijklmnopqrst\""]
        );
        assert_eq!(
            joined("export K=abcdefghij\\\n  klmnopqrst\n"),
            ["export K=abcdefghijklmnopqrst"]
        );
        assert_eq!(
            joined("k:\n  api_key: >-\n    abcdefghij\n    klmnopqrst\n  other: 1\n"),
            ["  api_key: abcdefghijklmnopqrst"]
        );
    }

    #[test]
    fn prose_and_short_pieces_are_not_joined() {
        assert!(joined("msg = \"You are a helpful \" +\n  \"assistant.\";\n").is_empty());
        assert!(joined("x = \"ab\" + \"cd\"\n").is_empty());
        assert!(joined("run: |\n  npm ci\n  npm test\n").is_empty());
        assert!(joined("items = [\"abcdefghij\",\n  \"klmnopqrst\"]\n").is_empty());
        assert!(joined("RUN apt-get update \\\n  && apt-get install -y curl\n").is_empty());
    }

    #[test]
    fn joined_text_maps_back_to_its_pieces() {
        let text = "k = \"abcdefghij\" + \"klmnopqrst\"\n";
        let source = text.as_bytes();
        let views = views(source, &positions(source));
        let view = &views[0];
        let start = view.bytes().iter().position(|&b| b == b'a').unwrap();
        let end = start + 20;
        assert_eq!(
            view.source_span(start, end),
            (text.find('a').unwrap(), text.find('t').unwrap() + 1)
        );
    }
}
