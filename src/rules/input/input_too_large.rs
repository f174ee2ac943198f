use crate::declare_rule;
use crate::parse::IssueKind;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a file larger than 16 MiB, which is not parsed, or one that holds more than two
    /// million values, which is not read further.
    ///
    /// ## Why is this bad?
    /// Policy-gate configuration is small. A file this large is generated or misplaced, and reading
    /// it whole would take memory without bound.
    ///
    /// ## Example
    /// ```text
    /// A 40 MiB `appsettings.json` produced by a build step and committed by mistake.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Keep generated files out of the scanned tree (add them to `.gitignore` or to `exclude` in `gatelint.toml`).
    /// ```
    pub struct InputTooLarge {
        id: "input-too-large",
        summary: "file is too large to check",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for InputTooLarge {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for issue in cx.parse_issues {
            let message = match &issue.kind {
                IssueKind::TooLarge { bytes } => format!(
                    "file of {} is over the {} limit and was not checked",
                    size(*bytes),
                    size(crate::parse::MAX_INPUT_BYTES)
                ),
                IssueKind::TooManyNodes => format!(
                    "file holds more than {} values and was not read further",
                    crate::parse::MAX_NODES
                ),
                _ => continue,
            };
            out.push(Self::META.finding(cx.at(issue.span, ""), message));
        }
    }
}

/// A size as people read it: bytes below 1 KiB, otherwise KiB or MiB with one decimal (whole
/// MiB without one), and the exact byte count beside it.
fn size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let exact = format!("{bytes} bytes");
    if bytes.is_multiple_of(MIB) {
        return format!("{} MiB ({exact})", bytes / MIB);
    }
    #[allow(clippy::cast_precision_loss)]
    let (value, unit) = if bytes < MIB {
        (bytes as f64 / 1024.0, "KiB")
    } else {
        (bytes as f64 / MIB as f64, "MiB")
    };
    format!("{value:.1} {unit} ({exact})")
}
