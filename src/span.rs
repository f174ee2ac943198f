//! Source locations: byte ranges are canonical; lines and columns are computed only by reporters,
//! through one [`LineIndex`], as 1-based newtypes.

use std::num::NonZeroU32;

/// A half-open byte range `[start, end)` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line or column number. Zero cannot be represented, so an off-by-one between 0- and
/// 1-based numbering does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OneBased(NonZeroU32);

impl OneBased {
    pub const ONE: OneBased = OneBased(NonZeroU32::MIN);

    /// From a 0-based index.
    pub fn from_zero_based(index: usize) -> Self {
        let value = u32::try_from(index)
            .unwrap_or(u32::MAX - 1)
            .saturating_add(1);
        OneBased(NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN))
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }
}

impl std::fmt::Display for OneBased {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How columns are counted: GitHub annotations and the terminal count Unicode scalar values,
/// SARIF (with `columnKind: utf16CodeUnits`) counts UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Chars,
    Utf16,
}

/// A resolved position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: OneBased,
    pub column: OneBased,
}

/// Start and end of a span, both resolved. `end` is exclusive (the column after the last
/// character), as SARIF and GitHub expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: Position,
    pub end: Position,
}

/// Byte offsets of line starts of one text. A line ends at `\n`, `\r\n` or a lone `\r` (as YAML
/// and the old Mac convention have it), so a file with CR-only line endings is not one line.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    /// For a text that is not ASCII, the chars and UTF-16 units before every
    /// [`CHECKPOINT_BYTES`]th byte, so a column on a long line is counted from a nearby
    /// checkpoint, never from the line's start (an ASCII text's columns are byte offsets).
    checkpoints: Option<Vec<Checkpoint>>,
}

#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    offset: usize,
    chars: usize,
    utf16: usize,
}

const CHECKPOINT_BYTES: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        let mut bytes = text.bytes().enumerate().peekable();
        while let Some((i, byte)) = bytes.next() {
            let lone_cr = byte == b'\r' && bytes.peek().is_none_or(|(_, next)| *next != b'\n');
            if byte == b'\n' || lone_cr {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex {
            line_starts,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            checkpoints: (!text.is_ascii()).then(|| checkpoints(text)),
        }
    }

    /// Chars or UTF-16 units of `text` before `offset` (a char boundary).
    fn units_before(&self, text: &str, offset: usize, unit: ColumnUnit) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return offset;
        };
        let at = checkpoints.partition_point(|checkpoint| checkpoint.offset <= offset);
        let base = at
            .checked_sub(1)
            .and_then(|at| checkpoints.get(at))
            .copied()
            .unwrap_or(Checkpoint {
                offset: 0,
                chars: 0,
                utf16: 0,
            });
        let rest = text.get(base.offset..offset).unwrap_or("");
        match unit {
            ColumnUnit::Chars => base.chars + rest.chars().count(),
            ColumnUnit::Utf16 => base.utf16 + rest.encode_utf16().count(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte range of 0-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len) as usize;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len as usize, |next| *next as usize);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        start..end
    }

    pub fn position(&self, text: &str, offset: u32, unit: ColumnUnit) -> Position {
        let offset = clamp_to_char_boundary(text, offset.min(self.len) as usize);
        let line = self.line_of(offset as u32);
        let line_start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let column = self.units_before(text, offset, unit)
            - self.units_before(text, line_start.min(offset), unit);
        Position {
            line: OneBased::from_zero_based(line),
            column: OneBased::from_zero_based(column),
        }
    }

    pub fn region(&self, text: &str, span: Span, unit: ColumnUnit) -> Region {
        Region {
            start: self.position(text, span.start, unit),
            end: self.position(text, span.end, unit),
        }
    }
}

fn checkpoints(text: &str) -> Vec<Checkpoint> {
    let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_BYTES + 1);
    let (mut chars, mut utf16) = (0, 0);
    let mut next = CHECKPOINT_BYTES;
    for (offset, ch) in text.char_indices() {
        if offset >= next {
            checkpoints.push(Checkpoint {
                offset,
                chars,
                utf16,
            });
            next = offset + CHECKPOINT_BYTES;
        }
        chars += 1;
        utf16 += ch.len_utf16();
    }
    checkpoints
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_units() {
        let text = "a: 1\nb: \"é😀x\"\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default() as u32;
        let chars = index.position(text, x, ColumnUnit::Chars);
        let utf16 = index.position(text, x, ColumnUnit::Utf16);
        assert_eq!((chars.line.get(), chars.column.get()), (2, 7));
        assert_eq!(utf16.column.get(), 8);
        assert_eq!(
            index.position(text, 0, ColumnUnit::Chars).line,
            OneBased::ONE
        );
    }

    #[test]
    fn columns_far_along_a_long_non_ascii_line_are_exact() {
        let text = format!("{}x\n{}y", "é😀a".repeat(5_000), "ü".repeat(3_000));
        let index = LineIndex::new(&text);
        for (target, prefix) in [('x', "é😀a".repeat(5_000)), ('y', "ü".repeat(3_000))] {
            let offset = text.find(target).unwrap_or_default() as u32;
            let chars = index.position(&text, offset, ColumnUnit::Chars);
            let utf16 = index.position(&text, offset, ColumnUnit::Utf16);
            assert_eq!(chars.column.get() as usize, prefix.chars().count() + 1);
            assert_eq!(
                utf16.column.get() as usize,
                prefix.encode_utf16().count() + 1
            );
        }
    }

    #[test]
    fn line_range_strips_terminators() {
        let text = "one\r\ntwo\n";
        let index = LineIndex::new(text);
        assert_eq!(&text[index.line_range(text, 0)], "one");
        assert_eq!(&text[index.line_range(text, 1)], "two");
    }

    #[test]
    fn a_lone_cr_ends_a_line_and_crlf_is_one_break() {
        let text = "a: 1\rb: 2\r\nc: 3\r\rd: 4\ne\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 7);
        let lines: Vec<&str> = (0..index.line_count())
            .map(|line| &text[index.line_range(text, line)])
            .collect();
        assert_eq!(lines, ["a: 1", "b: 2", "c: 3", "", "d: 4", "e", ""]);
        let d = text.find('d').unwrap_or_default() as u32;
        let position = index.position(text, d, ColumnUnit::Chars);
        assert_eq!((position.line.get(), position.column.get()), (5, 1));
        let cr = text.find('\r').unwrap_or_default() as u32;
        let position = index.position(text, cr, ColumnUnit::Chars);
        assert_eq!((position.line.get(), position.column.get()), (1, 5));
    }
}
