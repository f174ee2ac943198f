//! Text from bytes: UTF-8, or the UTF-16 and UTF-32 a byte-order mark announces.

use crate::span::Span;

/// A text encoding: UTF-8, or the UTF-16 and UTF-32 a byte-order mark announces (what .NET's
/// configuration reader accepts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Encoding {
    /// The encoding `bytes` announce with a byte-order mark, and the mark's length; UTF-8 (with
    /// the mark kept, for the parser to report) otherwise.
    pub fn sniff(bytes: &[u8]) -> (Encoding, usize) {
        match bytes {
            [0xFF, 0xFE, 0, 0, ..] => (Encoding::Utf32Le, 4),
            [0, 0, 0xFE, 0xFF, ..] => (Encoding::Utf32Be, 4),
            [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
            [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
            _ => (Encoding::Utf8, 0),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Utf32Le => "UTF-32LE",
            Encoding::Utf32Be => "UTF-32BE",
        }
    }
}

/// Where decoding met a sequence that is not text in the file's encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadText {
    pub encoding: Encoding,
    /// The first bad sequence, in the decoded text.
    pub span: Span,
}

/// Decodes bytes as text: UTF-8, or UTF-16 or UTF-32 after their byte-order mark (the mark
/// itself is dropped; spans are offsets into the decoded UTF-8 text). Invalid input yields the
/// lossy text (for snippets) and where the first bad sequence is.
pub fn decode(bytes: &[u8]) -> (String, Option<BadText>) {
    let (encoding, mark) = Encoding::sniff(bytes);
    let body = bytes.get(mark..).unwrap_or_default();
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), None),
            Err(error) => {
                let at = error.valid_up_to();
                let issue = BadText {
                    encoding,
                    span: Span::new(at, at + error.error_len().unwrap_or(1)),
                };
                (String::from_utf8_lossy(bytes).into_owned(), Some(issue))
            }
        },
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let pairs = body.chunks_exact(2);
            // A trailing odd byte is half a code unit: a bad sequence at the end.
            let odd = !pairs.remainder().is_empty();
            let units = pairs.map(|pair| {
                let pair: [u8; 2] = pair.try_into().unwrap_or_default();
                if encoding == Encoding::Utf16Le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            });
            let mut chars: Vec<Option<char>> = char::decode_utf16(units).map(Result::ok).collect();
            if odd {
                chars.push(None);
            }
            collect_decoded(encoding, chars)
        }
        Encoding::Utf32Le | Encoding::Utf32Be => {
            let chars = body.chunks(4).map(|quad| {
                let quad: [u8; 4] = quad.try_into().ok()?;
                let code = if encoding == Encoding::Utf32Le {
                    u32::from_le_bytes(quad)
                } else {
                    u32::from_be_bytes(quad)
                };
                char::from_u32(code)
            });
            collect_decoded(encoding, chars.collect())
        }
    }
}

/// The text of decoded characters, `None` standing for a bad sequence (shown as U+FFFD); the
/// issue points at the first one, in the decoded text.
fn collect_decoded(encoding: Encoding, chars: Vec<Option<char>>) -> (String, Option<BadText>) {
    let mut text = String::with_capacity(chars.len());
    let mut issue = None;
    for decoded in chars {
        match decoded {
            Some(ch) => text.push(ch),
            None => {
                if issue.is_none() {
                    let at = text.len();
                    issue = Some(BadText {
                        encoding,
                        span: Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
                    });
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    (text, issue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let pair = if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    #[test]
    fn utf16_and_utf32_with_a_mark_are_decoded() {
        let text = "{\"Policy\": \"Café 🚀\"}";
        for little in [true, false] {
            assert_eq!(decode(&utf16(text, little)), (text.to_owned(), None));
        }
        let mut le = vec![0xFF, 0xFE, 0, 0];
        let mut be = vec![0, 0, 0xFE, 0xFF];
        for ch in text.chars() {
            le.extend(u32::from(ch).to_le_bytes());
            be.extend(u32::from(ch).to_be_bytes());
        }
        assert_eq!(decode(&le), (text.to_owned(), None));
        assert_eq!(decode(&be), (text.to_owned(), None));
    }

    #[test]
    fn bad_utf16_is_located_in_the_decoded_text() {
        // "ab", a lone high surrogate, "c".
        let bytes = [0xFF, 0xFE, b'a', 0, b'b', 0, 0x00, 0xD8, b'c', 0];
        let (text, issue) = decode(&bytes);
        assert_eq!(text, "ab\u{FFFD}c");
        let issue = issue.expect("a lone surrogate is reported");
        assert_eq!(issue.encoding, Encoding::Utf16Le);
        assert_eq!((issue.span.start, issue.span.end), (2, 5));
        // An odd trailing byte is half a code unit.
        let (text, issue) = decode(&[0xFE, 0xFF, 0, b'a', 0]);
        assert_eq!(text, "a\u{FFFD}");
        assert!(issue.is_some());
    }

    #[test]
    fn utf8_with_a_mark_keeps_it_for_the_parser() {
        let (text, issue) = decode(b"\xEF\xBB\xBFa: 1\n");
        assert_eq!(text, "\u{feff}a: 1\n");
        assert!(issue.is_none());
    }
}
