use crate::declare_rule;
use crate::finding::{Applicability, Edit, Fix};
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Notes the first line whose ending (CRLF or LF) differs from the file's first line ending.
    ///
    /// ## Why is this bad?
    /// Mixed endings usually come from an editor or a merge; they make diffs noisy and block scalars
    /// carry stray carriage returns.
    ///
    /// ## Example
    /// ```text
    /// Lines 1–10 end in `\r\n`, line 11 (pasted from another file) ends in `\n`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Normalise the file to one line ending (for example with `.gitattributes`: `*.yaml text eol=lf`).
    /// ```
    ///
    /// ## Fix
    /// A Gait policy is formatted as `gatelint fmt` does, which writes every line ending as
    /// `\n` (a safe fix). Any other file gets every line ending written like its first one, an
    /// unsafe fix: a carriage return inside a block scalar is part of its value.
    pub struct MixedLineEndings {
        id: "mixed-line-endings",
        summary: "file mixes CRLF and LF line endings",
        severity: Note,
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for MixedLineEndings {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let IssueKind::MixedLineEndings = &issue.kind else {
                continue;
            };
            let fix =
                crate::rules::gait::format_fix(cx).or_else(|| uniform_endings(&cx.source.text));
            out.push(
                Self::META
                    .finding(
                        cx.at(issue.span, ""),
                        "line ending differs from the rest of the file (CRLF and LF mixed)",
                    )
                    .with_fix_if(fix),
            );
        }
    }
}

/// Every line ending written like the first one: a `\r` inserted before each bare `\n` of a
/// CRLF file, or deleted before each `\n` of an LF file.
fn uniform_endings(text: &str) -> Option<Fix> {
    let first = text.find('\n')?;
    let crlf = text.get(..first)?.ends_with('\r');
    let bytes = text.as_bytes();
    let edits = text
        .match_indices('\n')
        .filter_map(|(at, _)| {
            let after_cr = at > 0 && bytes.get(at - 1) == Some(&b'\r');
            match (crlf, after_cr) {
                (true, false) => Some(Edit::replace(Span::at(at), "\r")),
                (false, true) => Some(Edit::delete(Span::new(at - 1, at))),
                _ => None,
            }
        })
        .collect();
    let ending = if crlf { "CRLF" } else { "LF" };
    Fix::new(
        Applicability::Unsafe,
        format!("end every line with {ending}, as the first line"),
        edits,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn writes_every_ending_like_the_first() {
        let fix = uniform_endings("a\r\nb\nc\r\nd\n").unwrap();
        let out = crate::finding::apply_fixes("a\r\nb\nc\r\nd\n", [&fix]);
        assert_eq!(out.text, "a\r\nb\r\nc\r\nd\r\n");
        let fix = uniform_endings("a\nb\r\n").unwrap();
        assert_eq!(
            crate::finding::apply_fixes("a\nb\r\n", [&fix]).text,
            "a\nb\n"
        );
        assert!(uniform_endings("a\nb\n").is_none());
    }
}
