//! A view: bytes made by decoding part of a source, with the way back to the source.
//!
//! A view is a list of pieces. A *verbatim* piece is a run of source bytes copied one for one;
//! a *decoded* piece is what one escape, one base64 quad or one entity became, and every byte
//! of it maps back to the whole of the encoded text. A span of the view maps back to the
//! source span from the start of its first byte's piece to the end of its last byte's piece,
//! so a secret found in a view is reported where its encoded form is written.

/// Decoded bytes and the source span of each piece of them.
#[derive(Debug, Default, Clone)]
pub(crate) struct View {
    bytes: Vec<u8>,
    pieces: Vec<Piece>,
}

/// A run of view bytes and where in the source it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Offset of the piece's first byte in the view.
    at: usize,
    /// Source span the piece came from.
    from: usize,
    to: usize,
    /// Whether the piece's bytes are the source's, one for one.
    verbatim: bool,
}

impl View {
    /// An empty view with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> View {
        View {
            bytes: Vec::with_capacity(capacity),
            pieces: Vec::new(),
        }
    }

    /// The decoded bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes in the view.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Appends `source[from..to]` as it is.
    pub(crate) fn copy(&mut self, source: &[u8], from: usize, to: usize) {
        if from >= to {
            return;
        }
        let at = self.bytes.len();
        self.bytes.extend_from_slice(&source[from..to]);
        if let Some(last) = self.pieces.last_mut() {
            if last.verbatim && last.to == from && last.at + (last.to - last.from) == at {
                last.to = to;
                return;
            }
        }
        self.pieces.push(Piece {
            at,
            from,
            to,
            verbatim: true,
        });
    }

    /// Appends `decoded`, what the source's `from..to` decodes to.
    pub(crate) fn push_decoded(&mut self, decoded: &[u8], from: usize, to: usize) {
        if decoded.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            at: self.bytes.len(),
            from,
            to,
            verbatim: false,
        });
        self.bytes.extend_from_slice(decoded);
    }

    /// The piece that holds view byte `offset` (which must be inside the view).
    fn piece_at(&self, offset: usize) -> &Piece {
        let index = self.pieces.partition_point(|piece| piece.at <= offset);
        &self.pieces[index.saturating_sub(1)]
    }

    /// The source span of view bytes `start..end` (a non-empty span inside the view).
    pub(crate) fn source_span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.piece_at(start);
        let source_start = if first.verbatim {
            first.from + (start - first.at)
        } else {
            first.from
        };
        let last_byte = end.max(start + 1) - 1;
        let last = self.piece_at(last_byte);
        let source_end = if last.verbatim {
            last.from + (last_byte - last.at) + 1
        } else {
            last.to
        };
        (source_start, source_end.max(source_start))
    }

    /// Whether any byte of view bytes `start..end` was decoded (is not a source byte).
    pub(crate) fn touches_decoded(&self, start: usize, end: usize) -> bool {
        let first = self.pieces.partition_point(|piece| piece.at <= start);
        self.pieces[first.saturating_sub(1)..]
            .iter()
            .take_while(|piece| piece.at < end.max(start + 1))
            .any(|piece| !piece.verbatim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_map_back_to_the_encoded_text() {
        // "a%2Db" decoded: "a-b"; view byte 1 came from source 1..4.
        let source = b"xa%2Dbx";
        let mut view = View::default();
        view.copy(source, 1, 2);
        view.push_decoded(b"-", 2, 5);
        view.copy(source, 5, 6);
        assert_eq!(view.bytes(), b"a-b");
        assert_eq!(view.source_span(0, 3), (1, 6));
        assert_eq!(view.source_span(1, 2), (2, 5));
        assert_eq!(view.source_span(2, 3), (5, 6));
        assert!(view.touches_decoded(0, 2));
        assert!(!view.touches_decoded(2, 3));
    }

    #[test]
    fn contiguous_copies_join_and_gaps_do_not() {
        let source = b"\"ab\" + \"cd\"";
        let mut view = View::default();
        view.copy(source, 1, 2);
        view.copy(source, 2, 3);
        view.copy(source, 8, 10);
        assert_eq!(view.bytes(), b"abcd");
        assert!(!view.touches_decoded(0, 4));
        assert_eq!(view.source_span(1, 4), (2, 10));
    }
}
