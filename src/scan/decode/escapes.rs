//! JSON and JavaScript string escapes: `\u002d`, `\x2d`, `\/`, `\"`, `\'`, `\\`.
//!
//! Escapes that stand for a line break or a tab (`\n`, `\r`, `\t`) are kept as written, so
//! the view has the lines of the source; so is anything that is not a valid escape.

use super::percent::hex_value;
use super::view::View;

/// `source[from..to]` with its string escapes decoded, or `None` when there is none.
pub(crate) fn decode(source: &[u8], from: usize, to: usize) -> Option<View> {
    let mut view = View::with_capacity(to - from);
    decode_into(&mut view, source, from, to, false).then_some(view)
}

/// Appends to `view` the inside of a JSON string, `source[from..to]`, with every escape
/// decoded, line breaks and tabs too (a notebook's `source` lines).
pub(crate) fn append_json_string(view: &mut View, source: &[u8], from: usize, to: usize) {
    decode_into(view, source, from, to, true);
}

/// Appends `source[from..to]` to `view` with its escapes decoded (`breaks`: `\n`, `\r`
/// and `\t` too); returns whether there was any.
fn decode_into(view: &mut View, source: &[u8], from: usize, to: usize, breaks: bool) -> bool {
    let mut copied = from;
    let mut at = from;
    let mut decoded_any = false;
    while let Some(found) = memchr::memchr(b'\\', &source[at..to]) {
        let backslash = at + found;
        match escape(&source[backslash..to], breaks) {
            Some((len, decoded)) => {
                view.copy(source, copied, backslash);
                let mut utf8 = [0; 4];
                let bytes: &[u8] = match decoded {
                    Decoded::Byte(byte) => {
                        utf8[0] = byte;
                        &utf8[..1]
                    }
                    Decoded::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
                };
                view.push_decoded(bytes, backslash, backslash + len);
                decoded_any = true;
                at = backslash + len;
                copied = at;
            }
            None => {
                // An escape left as written (`\n`): its second byte starts nothing.
                at = (backslash + 2).min(to);
            }
        }
    }
    view.copy(source, copied, to);
    decoded_any
}

/// What one escape stands for.
enum Decoded {
    Byte(u8),
    Char(char),
}

/// The length and meaning of the escape that starts `text` (with its backslash); `breaks`
/// decodes the line break and tab escapes too.
fn escape(text: &[u8], breaks: bool) -> Option<(usize, Decoded)> {
    match *text.get(1)? {
        b'n' if breaks => Some((2, Decoded::Byte(b'\n'))),
        b'r' if breaks => Some((2, Decoded::Byte(b'\r'))),
        b't' if breaks => Some((2, Decoded::Byte(b'\t'))),
        c @ (b'/' | b'"' | b'\'' | b'\\' | b'`') => Some((2, Decoded::Byte(c))),
        b'x' => {
            let value = hex_value(*text.get(2)?)? << 4 | hex_value(*text.get(3)?)?;
            value.is_ascii().then_some((4, Decoded::Byte(value)))
        }
        b'u' => {
            let high = u16_at(text, 2)?;
            if (0xD800..0xDC00).contains(&high) {
                // A surrogate pair: `\uD83D\uDE00`.
                if text.get(6..8)? != b"\\u" {
                    return None;
                }
                let low = u16_at(text, 8)?;
                let c = char::decode_utf16([high, low]).next()?.ok()?;
                return Some((12, Decoded::Char(c)));
            }
            Some((6, Decoded::Char(char::from_u32(u32::from(high))?)))
        }
        _ => None,
    }
}

/// The four hex digits at `text[at..at + 4]` as a number.
fn u16_at(text: &[u8], at: usize) -> Option<u16> {
    text.get(at..at + 4)?
        .iter()
        .try_fold(0u16, |value, &digit| {
            Some(value << 4 | u16::from(hex_value(digit)?))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_string_escapes() {
        let source = br#"{"k": "ab\u002dcd\/e\"f\\u0041\x2d\u00e9\n\uD83D\uDE00"}"#;
        let view = decode(source, 0, source.len()).unwrap();
        assert_eq!(
            view.bytes(),
            "{\"k\": \"ab-cd/e\"f\\u0041-é\\n😀\"}".as_bytes()
        );
        let dash = view.bytes().iter().position(|&b| b == b'-').unwrap();
        let escaped = source.windows(6).position(|w| w == br"\u002d").unwrap();
        assert_eq!(view.source_span(dash, dash + 1), (escaped, escaped + 6));
        assert!(decode(br"line\nbreak", 0, 11).is_none());
        let mut json = View::default();
        append_json_string(&mut json, br"a\n\tb", 0, 6);
        assert_eq!(json.bytes(), b"a\n\tb");
    }
}
