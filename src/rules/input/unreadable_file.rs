use crate::declare_rule;
use crate::finding::Location;
use crate::rules::{ReadContext, ReadResult, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a file gatelint was asked to check, or found under a name it reads, that it
    /// cannot or will not open: a directory it may not list, a file it may not read, a FIFO,
    /// socket or device, a symbolic link named on the command line (links are never followed;
    /// a link met while walking a directory is left alone, its target is checked where it
    /// lies), or a path that leaves the scanned roots.
    ///
    /// ## Why is this bad?
    /// What cannot be read is not checked; a green run would say otherwise. The run fails closed
    /// (exit 6).
    ///
    /// ## Example
    /// ```text
    /// deploy/ is mode 000: nothing under it can be listed, so its appsettings files are not checked.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Make the tree readable to the CI user, or leave the directory out with `exclude` in gatelint.toml.
    /// ```
    pub struct UnreadableFile {
        id: "unreadable-file",
        summary: "a file or directory to check cannot be read",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for UnreadableFile {
    fn check_read(&self, cx: &ReadContext<'_>, out: &mut Sink) {
        if let ReadResult::Unreadable(reason) = cx.read {
            out.push(Self::META.finding(
                Location::new(cx.path.clone(), Span::at(0), ""),
                format!("`{}` is not checked: {reason}", cx.path),
            ));
        }
    }
}
