//! A scanned file's text, shared by every stage that needs to quote or locate it.

use std::sync::{Arc, OnceLock};

use crate::span::{ColumnUnit, LineIndex, Region, Span};

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Repository-relative, `/`-separated path as reported.
    pub path: Arc<str>,
    pub text: Arc<str>,
    /// Built on first use: most files have no finding and never need it.
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            lines: Arc::new(OnceLock::new()),
        }
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn region(&self, span: Span, unit: ColumnUnit) -> Region {
        self.lines().region(&self.text, span, unit)
    }

    /// The source text of `span` (empty when it is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}
