//! A scanned file's text, shared by every stage that needs to quote or locate it, and the one
//! [`Reader`] every file is read through.

pub mod reader;
pub mod text;
pub mod writer;

use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use reader::{Files, Overlay, ReadError, Reader};

use crate::span::{ColumnUnit, LineIndex, Region, Span};

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Repository-relative, `/`-separated path as reported.
    pub path: Arc<str>,
    pub text: Arc<str>,
    /// The text's length in bytes, kept when the text itself is released.
    len: usize,
    /// Built on first use: most files have no finding and never need it.
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        SourceFile {
            path: path.into(),
            len: text.len(),
            text,
            lines: Arc::new(OnceLock::new()),
        }
    }

    /// The length of the file in bytes (also after [`SourceFile::release_text`]).
    pub fn byte_len(&self) -> usize {
        self.len
    }

    /// Drops the text of a file nothing will quote or locate any more (a file without
    /// findings), so a large scan does not hold every file in memory until the report.
    pub fn release_text(&mut self) {
        self.text = Arc::from("");
        self.lines = Arc::new(OnceLock::new());
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

/// A `/`-separated display form of `path`, relative to the working directory when it lies
/// below it (reports never carry an absolute path they can avoid).
/// `path` with its components joined by `/`. Only the platform's separator becomes `/`: on Unix
/// a backslash is part of a file name and is kept, so two files never collide in a report.
pub fn slashed(path: &Path) -> String {
    let mut text = String::new();
    for component in path.components() {
        match component {
            std::path::Component::RootDir => text.push('/'),
            std::path::Component::CurDir => {}
            other => {
                if !text.is_empty() && !text.ends_with('/') {
                    text.push('/');
                }
                text.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    text
}

pub fn display(path: &Path) -> String {
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let text = slashed(&relative);
    let trimmed = text.trim_start_matches("./");
    if trimmed.is_empty() {
        ".".to_owned()
    } else {
        trimmed.to_owned()
    }
}
