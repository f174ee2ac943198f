use crate::declare_rule;
use crate::finding::Location;
use crate::parse::Encoding;
use crate::rules::{ReadContext, ReadResult, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Notes a file written in UTF-16 or UTF-32 (announced by its byte-order mark). gatelint
    /// decodes it, as .NET's configuration reader does, and checks it like any other; this note
    /// only says which encoding it read.
    ///
    /// ## Why is this bad?
    /// It is not, for .NET. But many tools read UTF-8 only: `git diff` shows the file as binary,
    /// and YAML loaders in other languages reject it, so a review may not see what changed.
    ///
    /// ## Example
    /// ```text
    /// appsettings.Production.json saved as "Unicode" (UTF-16LE) by a Windows editor.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// The same file saved as UTF-8.
    /// ```
    pub struct TextEncoding {
        id: "text-encoding",
        summary: "file is UTF-16 or UTF-32, not UTF-8",
        severity: Note,
        since: "0.1.0",
    }
}

/// The rules after it see only the decoded text: the encoding is judged when the file is read.
impl Rule for TextEncoding {
    fn check_read(&self, cx: &ReadContext<'_>, out: &mut Sink) {
        if let ReadResult::Decoded(encoding) = cx.read
            && encoding != Encoding::Utf8
        {
            out.push(Self::META.finding(
                Location::new(cx.path.clone(), Span::at(0), ""),
                format!(
                    "read as {}, as its byte-order mark says; checked like UTF-8",
                    encoding.name()
                ),
            ));
        }
    }
}
