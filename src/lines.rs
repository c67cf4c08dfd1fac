//! Byte offsets to 1-based lines and columns, computed only for blobs that have matches.

/// Line starts of one buffer, plus where the buffer sits in its whole file.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offsets (in the buffer) where each line after the first starts.
    line_starts: Vec<usize>,
    /// Lines of the file before the buffer's first byte.
    lines_before: u64,
    /// Characters of the first line that lie before the buffer (when a chunk starts mid-line).
    first_line_columns_before: u64,
}

/// A 1-based line and column (columns count Unicode scalar values; an invalid byte counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl LineIndex {
    /// Indexes `buffer`, the whole file.
    pub fn new(buffer: &[u8]) -> LineIndex {
        LineIndex::for_chunk(buffer, 0, 0)
    }

    /// Indexes `buffer`, a chunk of a file that has `lines_before` newlines before it and
    /// `first_line_columns_before` characters of its first line before it.
    pub fn for_chunk(
        buffer: &[u8],
        lines_before: u64,
        first_line_columns_before: u64,
    ) -> LineIndex {
        let line_starts = memchr::memchr_iter(b'\n', buffer).map(|i| i + 1).collect();
        LineIndex {
            line_starts,
            lines_before,
            first_line_columns_before,
        }
    }

    /// The position of byte `offset` of `buffer` (the same buffer the index was built on).
    pub fn position(&self, buffer: &[u8], offset: usize) -> Position {
        let line_in_buffer = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = if line_in_buffer == 0 {
            0
        } else {
            self.line_starts[line_in_buffer - 1]
        };
        let mut column = count_chars(&buffer[line_start..offset]) + 1;
        if line_in_buffer == 0 {
            column += self.first_line_columns_before;
        }
        Position {
            line: self.lines_before + line_in_buffer as u64 + 1,
            column,
        }
    }

    /// The byte range of the line that holds `offset`, without its line ending.
    pub fn line_bounds(&self, buffer: &[u8], offset: usize) -> (usize, usize) {
        let line_in_buffer = self.line_starts.partition_point(|&start| start <= offset);
        let start = if line_in_buffer == 0 {
            0
        } else {
            self.line_starts[line_in_buffer - 1]
        };
        let mut end = self
            .line_starts
            .get(line_in_buffer)
            .map_or(buffer.len(), |&next| next - 1);
        if end > start && buffer[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end.max(start))
    }
}

/// Positions of a buffer's offsets asked for in increasing order, each counted on from the
/// one before when it is on the same line: many findings on one long line (a minified file)
/// cost the line's length once, not once per finding.
#[derive(Debug)]
pub struct Positions<'a> {
    index: &'a LineIndex,
    buffer: &'a [u8],
    /// The last offset asked for, its line in the buffer and its position.
    last: Option<(usize, usize, Position)>,
}

impl<'a> Positions<'a> {
    /// Positions in `buffer`, which `index` was built on.
    pub fn new(index: &'a LineIndex, buffer: &'a [u8]) -> Positions<'a> {
        Positions {
            index,
            buffer,
            last: None,
        }
    }

    /// The position of byte `offset`; the same as [`LineIndex::position`].
    pub fn at(&mut self, offset: usize) -> Position {
        let line_in_buffer = self
            .index
            .line_starts
            .partition_point(|&start| start <= offset);
        let position = match self.last {
            Some((last_offset, last_line, last))
                if last_line == line_in_buffer && last_offset <= offset =>
            {
                Position {
                    line: last.line,
                    column: last.column + count_chars(&self.buffer[last_offset..offset]),
                }
            }
            _ => self.index.position(self.buffer, offset),
        };
        self.last = Some((offset, line_in_buffer, position));
        position
    }
}

/// Counts characters: every byte that does not continue a UTF-8 sequence.
///
/// Summed in runs of 255 bytes into one byte each, which the compiler turns into wide
/// vector adds: on a long minified line the column of every finding is counted this way.
pub fn count_chars(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|run| {
            let starts: u8 = run.iter().map(|&b| u8::from((b & 0xC0) != 0x80)).sum();
            u64::from(starts)
        })
        .sum()
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_at_every_length_and_mix() {
        let text = "aé€😀\u{7f}\n".repeat(300);
        let bytes = text.as_bytes();
        for len in [0, 1, 2, 254, 255, 256, 510, 511, 1000, bytes.len()] {
            // Every cut, on a character boundary or not, counts what the bytes start.
            let cut = &bytes[..len];
            let expected = cut.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64;
            assert_eq!(count_chars(cut), expected, "{len} bytes");
        }
        assert_eq!(count_chars(text.as_bytes()), text.chars().count() as u64);
    }

    #[test]
    fn positions_are_one_based() {
        let text = "ab\ncd\r\né=x\n".as_bytes();
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 4), Position { line: 2, column: 2 });
        // 'é' is two bytes but one column.
        assert_eq!(index.position(text, 10), Position { line: 3, column: 3 });
        assert_eq!(index.line_bounds(text, 4), (3, 5));
    }

    #[test]
    fn positions_counted_on_agree_with_positions_counted_afresh() {
        let text = "aé b\r\nc dé\né\n\nxyz é q".as_bytes();
        let index = LineIndex::for_chunk(text, 3, 2);
        let offsets: Vec<usize> = (0..=text.len()).collect();
        // In order, out of order, and repeated.
        for order in [
            offsets.clone(),
            offsets.iter().rev().copied().collect(),
            vec![5, 5, 2, 9, 9, 1],
        ] {
            let mut positions = Positions::new(&index, text);
            for offset in order {
                assert_eq!(
                    positions.at(offset),
                    index.position(text, offset),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn chunks_continue_lines_and_columns() {
        let text = b"xyz\nabc";
        let index = LineIndex::for_chunk(text, 10, 5);
        assert_eq!(
            index.position(text, 1),
            Position {
                line: 11,
                column: 7
            }
        );
        assert_eq!(
            index.position(text, 5),
            Position {
                line: 12,
                column: 2
            }
        );
    }
}
