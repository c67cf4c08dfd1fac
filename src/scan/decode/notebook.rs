//! Jupyter notebooks: a cell's `source` (and an output's `text`) is a JSON array of strings,
//! one per line. Joined and unescaped, the array is the cell's code again, in which a key
//! split over lines (Python's implicit concatenation) is found as in any source file.

use super::escapes::append_json_string;
use super::view::View;

/// Longest array joined, in bytes of the notebook.
const MAX_ARRAY: usize = 256 * 1024;

/// The array of JSON strings whose `[` is the last byte before `at` (a trigger such as
/// `"source": [` ends there), unescaped and joined; `None` when it is not such an array.
pub(crate) fn joined_array(source: &[u8], at: usize) -> Option<View> {
    let limit = source.len().min(at.saturating_add(MAX_ARRAY));
    let mut view = View::with_capacity(1024);
    let mut pos = at;
    loop {
        pos = skip_white(source, pos, limit);
        match source.get(pos)? {
            b']' => break,
            b'"' => {}
            _ => return None,
        }
        let end = string_end(source, pos + 1, limit)?;
        append_json_string(&mut view, source, pos + 1, end);
        pos = skip_white(source, end + 1, limit);
        match source.get(pos)? {
            b',' => pos += 1,
            b']' => break,
            _ => return None,
        }
    }
    (view.len() > 0).then_some(view)
}

/// The first byte of `from..to` that is not JSON white space.
fn skip_white(source: &[u8], mut from: usize, to: usize) -> usize {
    while from < to && matches!(source[from], b' ' | b'\t' | b'\r' | b'\n') {
        from += 1;
    }
    from
}

/// The closing quote of the JSON string whose content starts at `from`.
fn string_end(source: &[u8], mut from: usize, to: usize) -> Option<usize> {
    while from < to {
        match source[from] {
            b'"' => return Some(from),
            b'\\' => from += 2,
            b'\n' => return None,
            _ => from += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_a_source_array() {
        let notebook = br#"{"source": [
    "key = (\n",
    "    \"abc\"\n",
    "    \"def\"\n",
    ")"
   ]}"#;
        let at = notebook.iter().position(|&b| b == b'[').unwrap() + 1;
        let view = joined_array(notebook, at).unwrap();
        assert_eq!(view.bytes(), b"key = (\n    \"abc\"\n    \"def\"\n)");
        let a = view.bytes().iter().position(|&b| b == b'a').unwrap();
        let in_source = notebook.windows(3).position(|w| w == b"abc").unwrap();
        assert_eq!(view.source_span(a, a + 3), (in_source, in_source + 3));
        assert!(joined_array(b"[1, 2]", 1).is_none());
    }
}
