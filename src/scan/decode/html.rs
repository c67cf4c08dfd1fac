//! HTML character references: `&#45;`, `&#x2D;`, and the named ones for ASCII punctuation
//! (`&quot;`, `&amp;`, `&sol;`, …).

use super::percent::hex_value;
use super::view::View;

/// Named references that stand for an ASCII character, as HTML5 names them.
const NAMED: &[(&[u8], u8)] = &[
    (b"quot", b'"'),
    (b"amp", b'&'),
    (b"apos", b'\''),
    (b"lt", b'<'),
    (b"gt", b'>'),
    (b"sol", b'/'),
    (b"bsol", b'\\'),
    (b"plus", b'+'),
    (b"equals", b'='),
    (b"colon", b':'),
    (b"semi", b';'),
    (b"lowbar", b'_'),
    (b"period", b'.'),
    (b"comma", b','),
    (b"num", b'#'),
    (b"percnt", b'%'),
    (b"quest", b'?'),
    (b"excl", b'!'),
    (b"dollar", b'$'),
    (b"ast", b'*'),
    (b"commat", b'@'),
    (b"tilde", b'~'),
    (b"grave", b'`'),
    (b"verbar", b'|'),
    (b"lpar", b'('),
    (b"rpar", b')'),
    (b"lsqb", b'['),
    (b"rsqb", b']'),
    (b"lcub", b'{'),
    (b"rcub", b'}'),
    (b"nbsp", b' '),
];

/// `source[from..to]` with its character references decoded, or `None` when there is none.
pub(crate) fn decode(source: &[u8], from: usize, to: usize) -> Option<View> {
    let mut view = View::with_capacity(to - from);
    let mut copied = from;
    let mut at = from;
    let mut decoded_any = false;
    while let Some(found) = memchr::memchr(b'&', &source[at..to]) {
        let ampersand = at + found;
        match reference(&source[ampersand..to]) {
            Some((len, c)) => {
                view.copy(source, copied, ampersand);
                let mut utf8 = [0; 4];
                view.push_decoded(
                    c.encode_utf8(&mut utf8).as_bytes(),
                    ampersand,
                    ampersand + len,
                );
                decoded_any = true;
                at = ampersand + len;
                copied = at;
            }
            None => at = ampersand + 1,
        }
    }
    view.copy(source, copied, to);
    decoded_any.then_some(view)
}

/// The length and character of the reference that starts `text` (with its `&`).
fn reference(text: &[u8]) -> Option<(usize, char)> {
    // Longest reference read: `&#x10FFFF;` and `&equals;` fit in 12 bytes.
    let end = text.iter().take(12).position(|&b| b == b';')?;
    let body = &text[1..end];
    let c = match body {
        [b'#', b'x' | b'X', digits @ ..] if !digits.is_empty() => {
            let value = digits.iter().try_fold(0u32, |v, &d| {
                v.checked_mul(16)?.checked_add(u32::from(hex_value(d)?))
            })?;
            char::from_u32(value)?
        }
        [b'#', digits @ ..] if !digits.is_empty() => {
            let value = digits.iter().try_fold(0u32, |v, &d| {
                d.is_ascii_digit()
                    .then(|| v.checked_mul(10)?.checked_add(u32::from(d - b'0')))
                    .flatten()
            })?;
            char::from_u32(value)?
        }
        name => char::from(NAMED.iter().find(|(n, _)| *n == name)?.1),
    };
    Some((end + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_references() {
        let source = b"<meta content=\"sk&#45;a&#x2d;b&quot;&amp;c&sol;&bogus;&#;&#99999999999;\">";
        let view = decode(source, 0, source.len()).unwrap();
        assert_eq!(
            view.bytes(),
            b"<meta content=\"sk-a-b\"&c/&bogus;&#;&#99999999999;\">".as_slice()
        );
        assert_eq!(view.source_span(17, 18), (17, 22));
        assert!(decode(b"a && b", 0, 6).is_none());
    }
}
