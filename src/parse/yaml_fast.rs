//! A fast reader for the plain shape most configuration files have: block mappings and
//! sequences, one-line plain and quoted scalars, one-line flow collections and comments, in
//! ASCII. It produces exactly the events (and spans) the full YAML parser would; anything
//! outside that shape (anchors, tags, block or multi-line scalars, several documents, tabs,
//! non-ASCII text, anything that might be an error) makes it give up, and the full parser reads
//! the file instead. `tests/yaml_fast.rs` holds it to the full parser's output.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, ScalarStyle};

/// The events of `text` (spans relative to its start), or `None` when `text` is not of the
/// plain shape this reader handles.
pub fn events(text: &str) -> Option<Vec<(Event<'_>, Range<usize>)>> {
    // Printable ASCII and line feeds only: tabs, CR, control characters (which YAML rejects)
    // and non-ASCII text are the full parser's.
    let unprintable = |byte: u8| byte != b'\n' && !(b' '..=b'~').contains(&byte);
    // Whole chunks at a time (no early exit inside one), which the compiler vectorises.
    if text.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, &byte| found | unprintable(byte))
    }) {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        events: Vec::with_capacity(text.len() / 8),
        depth: 0,
    };
    reader.document()?;
    Some(reader.events)
}

/// Nesting beyond this is left to the full parser (which reports it).
const MAX_FAST_DEPTH: usize = 64;

/// YAML limits an implicit key to 1,024 characters up to its `:`; a longer key (counted in
/// bytes, which never undercounts characters) is left to the full parser, which rejects it.
const MAX_IMPLICIT_KEY: usize = 1024;

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// The next byte to read.
    pos: usize,
    events: Vec<(Event<'t>, Range<usize>)>,
    depth: usize,
}

/// A block collection: the column its entries start at.
#[derive(Clone, Copy)]
struct Block {
    column: usize,
}

impl<'t> Reader<'t> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn emit(&mut self, event: Event<'t>, start: usize, end: usize) {
        self.events.push((event, start..end));
    }

    fn document(&mut self) -> Option<()> {
        self.emit(Event::StreamStart, 0, 0);
        self.emit(Event::DocumentStart(false), 0, 0);
        let column = self.next_content_line()?;
        self.block_node(column, false)?;
        // Nothing may follow the root node but blank lines and comments.
        if self.next_content_line().is_some() {
            return None;
        }
        let end = self.bytes.len();
        self.emit(Event::DocumentEnd, end, end);
        self.emit(Event::StreamEnd, end, end);
        Some(())
    }

    /// Moves to the first content byte of the next line that has content (skipping blank and
    /// comment-only lines) and returns its column; `None` at the end of the text. `pos` must
    /// be at the start of a line.
    fn next_content_line(&mut self) -> Option<usize> {
        loop {
            let line_start = self.pos;
            let mut at = line_start;
            while self.byte(at) == Some(b' ') {
                at += 1;
            }
            match self.byte(at) {
                None => {
                    self.pos = at;
                    return None;
                }
                Some(b'\n') => self.pos = at + 1,
                Some(b'#') => self.pos = self.line_end(at) + 1,
                Some(_) => {
                    self.pos = at;
                    return Some(at - line_start);
                }
            }
        }
    }

    /// The offset of the `\n` ending the line `at` is on (or the text's end).
    fn line_end(&self, at: usize) -> usize {
        self.bytes
            .get(at..)
            .and_then(|rest| rest.iter().position(|&byte| byte == b'\n'))
            .map_or(self.bytes.len(), |offset| at + offset)
    }

    /// After a value on a line: allows spaces and a comment, then moves to the next line.
    fn finish_line(&mut self) -> Option<()> {
        let mut at = self.pos;
        while self.byte(at) == Some(b' ') {
            at += 1;
        }
        match self.byte(at) {
            None => self.pos = at,
            Some(b'\n') => self.pos = at + 1,
            Some(b'#') if at > self.pos => self.pos = (self.line_end(at) + 1).min(self.bytes.len()),
            Some(_) => return None,
        }
        Some(())
    }

    /// The column of `pos`.
    fn column(&self) -> usize {
        let line_start = self
            .bytes
            .get(..self.pos)
            .and_then(|before| before.iter().rposition(|&byte| byte == b'\n'))
            .map_or(0, |newline| newline + 1);
        self.pos - line_start
    }

    /// Peeks at the next content line: its column, and where its content starts, without
    /// moving. `pos` must be at the start of a line.
    fn peek_line(&mut self) -> Option<(usize, usize)> {
        let saved = self.pos;
        let column = self.next_content_line();
        let content = self.pos;
        self.pos = saved;
        column.map(|column| (column, content))
    }

    /// A block node whose first token is at `pos` (column `column`); `indentless` marks a
    /// sequence that is a mapping value at its key's column.
    fn block_node(&mut self, column: usize, indentless: bool) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_FAST_DEPTH {
            return None;
        }
        let result = if self.is_sequence_entry(self.pos) {
            self.block_sequence(Block { column }, indentless)
        } else {
            self.block_mapping(Block { column })
        };
        self.depth -= 1;
        result
    }

    fn is_sequence_entry(&self, at: usize) -> bool {
        self.byte(at) == Some(b'-') && matches!(self.byte(at + 1), Some(b' ' | b'\n') | None)
    }

    fn block_sequence(&mut self, block: Block, indentless: bool) -> Option<()> {
        let start_index = self.events.len();
        self.emit(Event::SequenceStart(0, None), self.pos, self.pos);
        let mut first = true;
        loop {
            // At a `-` in the block's column.
            let mut at = self.pos + 1;
            while self.byte(at) == Some(b' ') {
                at += 1;
            }
            match self.byte(at) {
                None | Some(b'\n' | b'#') => return None, // an empty or next-line item
                Some(_) => {}
            }
            self.pos = at;
            if first && indentless {
                // The full parser places an indentless sequence at its first item's content.
                if let Some((_, span)) = self.events.get_mut(start_index) {
                    *span = at..at;
                }
            }
            first = false;
            let column = self.column();
            if self.is_sequence_entry(at) || self.starts_mapping_entry(at) {
                self.block_node(column, false)?;
            } else {
                self.inline_value()?;
            }
            match self.peek_line() {
                Some((next, content))
                    if next == block.column && self.is_sequence_entry(content) =>
                {
                    self.pos = content;
                }
                Some((next, _)) if next > block.column => return None,
                _ => break,
            }
        }
        let end = self.end_of_block();
        self.emit(Event::SequenceEnd, end, end);
        Some(())
    }

    fn block_mapping(&mut self, block: Block) -> Option<()> {
        self.emit(Event::MappingStart(0, None), self.pos, self.pos);
        loop {
            let key_start = self.pos;
            let colon = self.key(key_start)?;
            self.pos = colon + 1;
            let mut at = self.pos;
            while self.byte(at) == Some(b' ') {
                at += 1;
            }
            let value_on_line = match self.byte(at) {
                None | Some(b'\n') => false,
                Some(b'#') => false,
                Some(_) => true,
            };
            if value_on_line {
                self.pos = at;
                if self.starts_mapping_entry(at) || self.is_sequence_entry(at) {
                    return None; // `a: b: c`, `a: - b`
                }
                self.inline_value()?;
            } else {
                self.pos = (self.line_end(at) + 1).min(self.bytes.len());
                match self.peek_line() {
                    Some((next, content)) if next > block.column => {
                        self.pos = content;
                        self.block_node(next, false)?;
                    }
                    Some((next, content))
                        if next == block.column && self.is_sequence_entry(content) =>
                    {
                        self.pos = content;
                        self.block_node(next, true)?;
                    }
                    _ => self.emit(
                        Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                        colon,
                        colon,
                    ),
                }
            }
            match self.peek_line() {
                Some((next, content)) if next == block.column => {
                    if self.is_sequence_entry(content) {
                        return None;
                    }
                    self.pos = content;
                }
                Some((next, _)) if next > block.column => return None,
                _ => break,
            }
        }
        let end = self.end_of_block();
        self.emit(Event::MappingEnd, end, end);
        Some(())
    }

    /// Where a block collection's end event sits: the next content, or the text's end.
    fn end_of_block(&mut self) -> usize {
        self.peek_line()
            .map_or(self.bytes.len(), |(_, content)| content)
    }

    /// Whether a mapping entry (`key:` followed by a space or the line's end) starts at `at`.
    fn starts_mapping_entry(&mut self, at: usize) -> bool {
        let saved = self.events.len();
        let found = self.key(at).is_some();
        self.events.truncate(saved);
        found
    }

    /// Reads a block mapping key at `at`, emits it, and returns the offset of its `:`.
    fn key(&mut self, at: usize) -> Option<usize> {
        match self.byte(at)? {
            b'"' | b'\'' => {
                let end = self.quoted(at)?;
                if self.byte(end) != Some(b':')
                    || !self.separates(end + 1)
                    || end - at > MAX_IMPLICIT_KEY
                {
                    return None;
                }
                Some(end)
            }
            _ => {
                let end = self.plain_end(at, false)?;
                if self.byte(end) != Some(b':') || end - at > MAX_IMPLICIT_KEY {
                    return None;
                }
                self.emit_plain(at, end)?;
                Some(end)
            }
        }
    }

    /// Whether the byte at `at` ends a token (a space, the line's end or the text's end).
    fn separates(&self, at: usize) -> bool {
        matches!(self.byte(at), None | Some(b' ' | b'\n'))
    }

    /// A value on the current line (scalar or flow collection) followed by the line's end.
    fn inline_value(&mut self) -> Option<()> {
        let at = self.pos;
        match self.byte(at)? {
            b'[' | b'{' => {
                self.flow(at, 0)?;
            }
            b'"' | b'\'' => {
                self.pos = self.quoted(at)?;
            }
            _ => {
                let end = self.plain_end(at, false)?;
                if self.byte(end) == Some(b':') {
                    return None;
                }
                self.emit_plain(at, end)?;
                self.pos = end;
            }
        }
        // A more indented line after it would continue a plain scalar: the callers leave that
        // to the full parser.
        self.finish_line()
    }

    /// The end of a plain scalar starting at `at` (trailing spaces excluded): it ends before
    /// `: `, ` #` or the line's end; in flow context also before `,`, `[`, `]`, `{`, `}` and
    /// `:` followed by one of those.
    fn plain_end(&self, at: usize, flow: bool) -> Option<usize> {
        let first = self.byte(at)?;
        let next_is_safe = |offset: usize| match self.byte(offset) {
            None | Some(b' ' | b'\n') => false,
            Some(b',' | b'[' | b']' | b'{' | b'}') => !flow,
            Some(_) => true,
        };
        match first {
            b'-' | b'?' | b':' if !next_is_safe(at + 1) => return None,
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => return None,
            _ => {}
        }
        let mut end = at + 1;
        let mut last = at + 1;
        // Bytes that may end the scalar or need a look; runs of other bytes are skipped whole.
        let stops: fn(&u8) -> bool = if flow {
            |byte| matches!(byte, b' ' | b':' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
        } else {
            |byte| matches!(byte, b' ' | b':' | b'\n')
        };
        loop {
            let rest = self.bytes.get(end..).unwrap_or_default();
            let run = rest.iter().position(stops).unwrap_or(rest.len());
            if run > 0 {
                end += run;
                last = end;
            }
            match self.byte(end) {
                None | Some(b'\n') => break,
                Some(b' ') => {
                    match self.byte(end + 1) {
                        Some(b'#') => break,
                        // The full parser treats these as a token's start even inside a
                        // scalar (and may reject them): left to it.
                        Some(b'-' | b'?' | b':') if !next_is_safe(end + 2) => return None,
                        _ => {}
                    }
                    end += 1;
                }
                Some(b':') => {
                    if !next_is_safe(end + 1) {
                        break;
                    }
                    end += 1;
                    last = end;
                }
                Some(b',' | b'[' | b']' | b'{' | b'}') if flow => break,
                Some(_) => {
                    end += 1;
                    last = end;
                }
            }
        }
        Some(last)
    }

    fn emit_plain(&mut self, start: usize, end: usize) -> Option<()> {
        let text = self.text.get(start..end)?;
        if text == "---" || text == "..." || text.starts_with("--- ") || text.starts_with("... ") {
            return None;
        }
        self.emit(
            Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
            start,
            end,
        );
        Some(())
    }

    /// Reads a one-line quoted scalar at `at`, emits it and returns the offset after its
    /// closing quote.
    fn quoted(&mut self, at: usize) -> Option<usize> {
        let quote = self.byte(at)?;
        let mut cursor = at + 1;
        let mut owned: Option<String> = None;
        let mut run_start = cursor;
        loop {
            let byte = self.byte(cursor)?;
            match byte {
                b'\n' => return None,
                b'\'' if quote == b'\'' => {
                    if self.byte(cursor + 1) == Some(b'\'') {
                        let buffer = owned.get_or_insert_with(String::new);
                        buffer.push_str(self.text.get(run_start..=cursor)?);
                        cursor += 2;
                        run_start = cursor;
                        continue;
                    }
                    break;
                }
                b'"' if quote == b'"' => break,
                b'\\' if quote == b'"' => {
                    let escaped = match self.byte(cursor + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'0' => '\0',
                        _ => return None,
                    };
                    let buffer = owned.get_or_insert_with(String::new);
                    buffer.push_str(self.text.get(run_start..cursor)?);
                    buffer.push(escaped);
                    cursor += 2;
                    run_start = cursor;
                    continue;
                }
                _ => {}
            }
            cursor += 1;
        }
        let tail = self.text.get(run_start..cursor)?;
        let value = match owned {
            Some(mut buffer) => {
                buffer.push_str(tail);
                Cow::Owned(buffer)
            }
            None => Cow::Borrowed(tail),
        };
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        let end = cursor + 1;
        let span_end = self.token_end(end);
        self.emit(Event::Scalar(value, style, 0, None), at, span_end);
        Some(end)
    }

    /// Where the span of a quoted scalar or flow indicator ending at `at` ends: the full
    /// parser's spans of these tokens run on over the spaces after them, and over a comment
    /// those spaces introduce (never over the line break).
    fn token_end(&self, at: usize) -> usize {
        let after = self.skip_spaces(at);
        match self.byte(after) {
            Some(b'#') if after > at => self.line_end(after),
            _ => after,
        }
    }

    /// Skips spaces on the current line.
    fn skip_spaces(&self, mut at: usize) -> usize {
        while self.byte(at) == Some(b' ') {
            at += 1;
        }
        at
    }

    /// Reads a one-line flow collection at `at` and leaves `pos` after it.
    fn flow(&mut self, at: usize, depth: usize) -> Option<()> {
        if depth + self.depth > MAX_FAST_DEPTH {
            return None;
        }
        let open = self.byte(at)?;
        let (close, is_map) = if open == b'[' {
            (b']', false)
        } else {
            (b'}', true)
        };
        self.emit(
            if is_map {
                Event::MappingStart(0, None)
            } else {
                Event::SequenceStart(0, None)
            },
            at,
            self.token_end(at + 1),
        );
        let mut cursor = self.skip_spaces(at + 1);
        loop {
            if self.byte(cursor)? == close {
                break;
            }
            if is_map {
                let key = cursor;
                cursor = self.flow_scalar(cursor)?;
                cursor = self.skip_spaces(cursor);
                if self.byte(cursor)? != b':'
                    || !self.separates(cursor + 1)
                    || cursor - key > MAX_IMPLICIT_KEY
                {
                    return None;
                }
                cursor = self.skip_spaces(cursor + 1);
                cursor = self.flow_item(cursor, depth)?;
            } else {
                cursor = self.flow_item(cursor, depth)?;
            }
            cursor = self.skip_spaces(cursor);
            match self.byte(cursor)? {
                b',' => {
                    cursor = self.skip_spaces(cursor + 1);
                    // After a trailing comma the full parser's closing span is not the
                    // bracket's: left to it.
                    if self.byte(cursor)? == close {
                        return None;
                    }
                }
                byte if byte == close => break,
                _ => return None,
            }
        }
        let end = self.token_end(cursor + 1);
        self.emit(
            if is_map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            },
            cursor,
            end,
        );
        self.pos = cursor + 1;
        Some(())
    }

    /// A flow sequence item or flow mapping value at `at`; returns the offset after it.
    fn flow_item(&mut self, at: usize, depth: usize) -> Option<usize> {
        match self.byte(at)? {
            b'[' | b'{' => {
                self.flow(at, depth + 1)?;
                Some(self.pos)
            }
            _ => {
                let end = self.flow_scalar(at)?;
                if self.byte(end) == Some(b':') {
                    return None; // an implicit single-pair mapping
                }
                Some(end)
            }
        }
    }

    /// A scalar in a flow collection; returns the offset after it.
    fn flow_scalar(&mut self, at: usize) -> Option<usize> {
        match self.byte(at)? {
            b'"' | b'\'' => self.quoted(at),
            _ => {
                let end = self.plain_end(at, true)?;
                self.emit_plain(at, end)?;
                Some(end)
            }
        }
    }
}
