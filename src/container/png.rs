//! PNG text chunks: `tEXt` (Latin-1, as written), `zTXt` (zlib-compressed) and `iTXt`
//! (UTF-8, compressed or not). Each is a member named by its chunk type and keyword
//! (`zTXt:Comment`); image data is not read.

use super::{Members, Skip};
use flate2::read::ZlibDecoder;

/// Hands each text chunk of the PNG `bytes` to `members`.
pub(super) fn members(bytes: &[u8], members: &mut Members<'_, '_>) {
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let kind = &bytes[at + 4..at + 8];
        let data_start = at + 8;
        let Some(data_end) = data_start
            .checked_add(len as usize)
            .filter(|&end| end <= bytes.len())
        else {
            members.skip("", Skip::Damaged("a PNG chunk runs past the end".into()));
            return;
        };
        let data = &bytes[data_start..data_end];
        match kind {
            b"tEXt" | b"zTXt" | b"iTXt" if members.admit() => text_chunk(kind, data, members),
            b"IEND" => return,
            _ => {}
        }
        // Length, type, data, CRC.
        at = data_end + 4;
    }
}

/// Reads one text chunk's text.
fn text_chunk(kind: &[u8], data: &[u8], members: &mut Members<'_, '_>) {
    let Some(keyword_end) = memchr::memchr(0, data) else {
        return members.skip(
            &String::from_utf8_lossy(kind),
            Skip::Damaged("a text chunk without a keyword".into()),
        );
    };
    let name = format!(
        "{}:{}",
        String::from_utf8_lossy(kind),
        String::from_utf8_lossy(&data[..keyword_end])
    );
    let rest = &data[keyword_end + 1..];
    match kind {
        b"tEXt" => members.read(name, None, None, &mut &rest[..]),
        b"zTXt" => {
            // Compression method (0: zlib), then the compressed text.
            let Some(compressed) = rest.get(1..) else {
                return members.skip(&name, Skip::Damaged("no compressed text".into()));
            };
            inflate(name, compressed, members);
        }
        _ => {
            // iTXt: compressed flag, method, language tag\0, translated keyword\0, text.
            let (Some(&flag), Some(tail)) = (rest.first(), rest.get(2..)) else {
                return members.skip(&name, Skip::Damaged("a short iTXt chunk".into()));
            };
            let Some(text) = memchr::memchr(0, tail).and_then(|lang| {
                let after = &tail[lang + 1..];
                memchr::memchr(0, after).map(|keyword| &after[keyword + 1..])
            }) else {
                return members.skip(&name, Skip::Damaged("a damaged iTXt chunk".into()));
            };
            if flag == 0 {
                members.read(name, None, None, &mut &text[..]);
            } else {
                inflate(name, text, members);
            }
        }
    }
}

/// Inflates a zlib stream as a member's text.
fn inflate(name: String, compressed: &[u8], members: &mut Members<'_, '_>) {
    let mut reader = ZlibDecoder::new(compressed);
    members.read(name, None, Some(compressed.len() as u64), &mut reader);
}
