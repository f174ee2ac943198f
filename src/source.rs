//! A scanned file's text, shared by every stage that needs to quote or locate it.

use std::sync::Arc;

use crate::span::{ColumnUnit, LineIndex, Region, Span};

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Repository-relative, `/`-separated path as reported.
    pub path: Arc<str>,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let lines = Arc::new(LineIndex::new(&text));
        SourceFile {
            path: path.into(),
            text,
            lines,
        }
    }

    pub fn region(&self, span: Span, unit: ColumnUnit) -> Region {
        self.lines.region(&self.text, span, unit)
    }

    /// The source text of `span` (empty when it is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}
