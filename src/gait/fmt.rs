//! `gatelint fmt`: a canonical layout for Gait policies that keeps comments.
//!
//! Gait's own `policy fmt` re-serialises the loaded struct, which drops comments and spells out
//! every default. This formatter edits the source text through the spans of the parsed tree:
//! - line endings become `\n`, trailing spaces go, the file ends with exactly one newline;
//! - enum-like values Gait lower-trims (`effect: BLOCK`) are written as Gait reads them;
//! - `rules` are put in Gait's evaluation order, `(priority, name)` (equal keys keep their file
//!   order): block-style rules move with the comment lines directly above them; in a flow-style
//!   list (`rules: [{...}, {...}]`) the items trade places and the separators stay, unless the
//!   list holds a comment (a comment in a flow list belongs to no item, so it is left alone).
//!
//! Every result is checked before it is returned: it must load, have the same policy digest as
//! the input, keep every comment line, and be a fixed point of the formatter. A transformation
//! that would break one of these is not applied.

use super::policy::{self, PolicyError};
use crate::exit::Exit;
use crate::parse::{self, Format, Node};
use crate::span::Span;

/// Why a file cannot be formatted.
#[derive(Debug, thiserror::Error)]
pub enum FmtError {
    /// The input is not a loadable Gait policy (exit 6).
    #[error("{0}")]
    Invalid(PolicyError),
}

/// Scalars Gait lower-trims, as `/`-separated paths (`*` = every rule).
const TOP_ENUMS: &[&str] = &["default_verdict", "default_action", "mcp_trust/action"];
const RULE_ENUMS: &[&str] = &[
    "effect",
    "action",
    "endpoint/action",
    "endpoint/destructive_action",
    "dataflow/action",
    "freeze_window/effect",
    "rate_limit/window",
    "rate_limit/scope",
    "destructive_budget/window",
    "destructive_budget/scope",
];

/// Formats one policy's text.
pub fn format_policy(text: &str) -> Result<String, FmtError> {
    let original = load(text).map_err(FmtError::Invalid)?;
    let digest = original.digest();
    let comments = comment_lines(text);
    let accept = |candidate: &str| {
        load(candidate).is_ok_and(|policy| policy.digest() == digest)
            && comment_lines(candidate) == comments
    };
    let mut current = text.to_owned();
    for step in [
        normalise_whitespace,
        normalise_enums,
        sort_rules,
        sort_flow_rules,
    ] {
        let Some(next) = step(&current) else {
            continue;
        };
        if next != current && accept(&next) {
            current = next;
        }
    }
    Ok(current)
}

fn load(text: &str) -> Result<policy::Policy, PolicyError> {
    policy::load_policy(text)
}

/// Comment lines (trimmed), sorted: formatting may move them but never drop or change them.
fn comment_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

fn normalise_whitespace(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    for line in text.replace("\r\n", "\n").lines() {
        out.push_str(line.trim_end_matches([' ', '\t', '\r']));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.trim().is_empty() {
        out.clear();
    }
    Some(out)
}

fn parse_tree(text: &str) -> Option<Node> {
    let document = parse::parse(text, Format::Yaml);
    if document.issues.iter().any(parse::ParseIssue::is_fatal) {
        return None;
    }
    document.root
}

fn node_at<'a>(node: &'a Node, path: &str) -> Option<&'a Node> {
    super::lint::node_at(node, path)
}

/// Rewrites plain scalars Gait lower-trims in their canonical spelling.
fn normalise_enums(text: &str) -> Option<String> {
    let root = parse_tree(text)?;
    let mut edits: Vec<(Span, String)> = Vec::new();
    let mut visit = |node: Option<&Node>| {
        let Some(node) = node else {
            return;
        };
        let Some(value) = node.as_str() else {
            return;
        };
        let canonical = value.trim().to_lowercase();
        let written = text.get(node.span.range()).unwrap_or_default();
        // Only plain scalars made of word characters: quoting rules never change.
        let plain = !canonical.is_empty()
            && canonical
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
        if plain && written != canonical {
            edits.push((node.span, canonical));
        }
    };
    for key in TOP_ENUMS {
        visit(node_at(&root, key));
    }
    for item in root.get("rules").and_then(Node::as_seq).unwrap_or_default() {
        for key in RULE_ENUMS {
            visit(node_at(item, key));
        }
    }
    Some(apply(text, edits))
}

fn apply(text: &str, mut edits: Vec<(Span, String)>) -> String {
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_owned();
    for (span, replacement) in edits {
        if out.get(span.range()).is_some() {
            out.replace_range(span.range(), &replacement);
        }
    }
    out
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |index| index + 1)
}

fn line_end(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|after| after.find('\n'))
        .map_or(text.len(), |index| offset + index + 1)
}

/// A rule's place in Gait's evaluation order (before the file-order tie-break).
fn rule_order(item: &Node) -> (i64, String) {
    let priority = match item.get("priority").map(|node| &node.value) {
        Some(parse::Value::Number(number)) => number.as_i64().unwrap_or(0),
        _ => 0,
    };
    let name = item
        .get("name")
        .map(|node| match &node.value {
            parse::Value::String(text) => text.trim().to_owned(),
            parse::Value::Number(number) => number.to_string(),
            _ => String::new(),
        })
        .unwrap_or_default();
    (priority, name)
}

/// Puts the items of a flow-style `rules: [...]` list in `(priority, name)` order: each item's
/// text moves to the slot of the item it is sorted into; commas, spacing and line breaks stay.
fn sort_flow_rules(text: &str) -> Option<String> {
    let root = parse_tree(text)?;
    let rules = root.get("rules")?;
    let items = rules.as_seq()?;
    if items.len() < 2 {
        return None;
    }
    let written = text.get(rules.span.range())?;
    // `#` may also sit in a quoted value; skipping those lists too is the safe side.
    if !written.starts_with('[') || written.contains('#') {
        return None;
    }
    let mut order: Vec<((i64, String), usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (rule_order(item), index))
        .collect();
    order.sort();
    let mut edits = Vec::with_capacity(items.len());
    for (slot, (_, from)) in items.iter().zip(&order) {
        let moved = text.get(items.get(*from)?.span.range())?;
        edits.push((slot.span, moved.to_owned()));
    }
    Some(apply(text, edits))
}

/// Puts block-style rules in `(priority, name)` order, each with its leading comments.
fn sort_rules(text: &str) -> Option<String> {
    let root = parse_tree(text)?;
    let items = root.get("rules").and_then(Node::as_seq)?;
    if items.len() < 2 {
        return None;
    }
    // Each item must start a line as `- ` (block style).
    let mut starts = Vec::with_capacity(items.len());
    for item in items {
        let item_start = item.span.start as usize;
        let start = line_start(text, item_start);
        let lead = text.get(start..item_start)?;
        if !lead.trim_start().starts_with('-')
            || lead.trim_start().trim_start_matches('-').trim() != ""
        {
            return None;
        }
        // Take the comment lines directly above the item with it.
        let mut block_start = start;
        while block_start > 0 {
            let previous = line_start(text, block_start - 1);
            let line = text.get(previous..block_start)?;
            if !line.trim_start().starts_with('#') {
                break;
            }
            block_start = previous;
        }
        starts.push(block_start);
    }
    let last = items.last()?;
    let end = line_end(
        text,
        last.span.end.saturating_sub(1).max(last.span.start) as usize,
    );
    let mut blocks: Vec<(i64, String, usize, String)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let start = *starts.get(index)?;
        let stop = starts.get(index + 1).copied().unwrap_or(end);
        if stop < start {
            return None;
        }
        let mut block = text.get(start..stop)?.to_owned();
        if !block.ends_with('\n') {
            block.push('\n');
        }
        let (priority, name) = rule_order(item);
        blocks.push((priority, name, index, block));
    }
    blocks.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let first = *starts.first()?;
    let mut out = text.get(..first)?.to_owned();
    for (_, _, _, block) in &blocks {
        out.push_str(block);
    }
    let rest = text.get(end..)?;
    if out.ends_with('\n') || rest.is_empty() {
        out.push_str(rest);
    } else {
        out.push('\n');
        out.push_str(rest);
    }
    Some(out)
}

/// What `gatelint fmt` does with each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Print the formatted policy.
    Print,
    /// Print a unified diff of what would change; exit 3 if anything would.
    Check,
    /// Rewrite changed files atomically.
    Write,
}

/// Runs `fmt` over `paths`: exit 6 if any file is invalid, else 3 if `--check` found a change,
/// else 0.
pub fn run(
    paths: &[std::path::PathBuf],
    mode: Mode,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Exit {
    let mut exit = Exit::Success;
    let reader = crate::source::Reader::new(paths);
    for path in paths {
        let display = path.display().to_string();
        // A link is refused here, so `--write` never replaces a link or formats its target.
        let text = match reader.read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    // Gait reads policies as UTF-8, and `--write` writes UTF-8: another
                    // encoding is refused rather than silently converted.
                    let (encoding, _) = crate::parse::Encoding::sniff(error.as_bytes());
                    let (text, _) = crate::parse::decode(error.as_bytes());
                    let at = error.utf8_error().valid_up_to();
                    let message = if encoding == crate::parse::Encoding::Utf8 {
                        let index = crate::span::LineIndex::new(&text);
                        let position = index.position(
                            &text,
                            u32::try_from(at).unwrap_or(u32::MAX),
                            crate::span::ColumnUnit::Chars,
                        );
                        format!(
                            "invalid UTF-8 at line {}, column {}",
                            position.line.get(),
                            position.column.get()
                        )
                    } else {
                        format!("{} text; Gait policies are UTF-8", encoding.name())
                    };
                    let _ = writeln!(err, "error: `{display}`: {message}");
                    exit = exit.max(Exit::InvalidInput);
                    continue;
                }
            },
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                exit = exit.max(Exit::InvalidInput);
                continue;
            }
        };
        let formatted = match format_policy(&text) {
            Ok(formatted) => formatted,
            Err(FmtError::Invalid(error)) => {
                let index = crate::span::LineIndex::new(&text);
                let at = index.position(&text, error.span.start, crate::span::ColumnUnit::Chars);
                let _ = writeln!(
                    err,
                    "error: {display}:{}:{}: {error}",
                    at.line.get(),
                    at.column.get()
                );
                exit = exit.max(Exit::InvalidInput);
                continue;
            }
        };
        match mode {
            Mode::Print => {
                let _ = out.write_all(formatted.as_bytes());
            }
            Mode::Check => {
                if formatted != text {
                    let diff = similar::TextDiff::from_lines(&text, &formatted);
                    let _ = write!(
                        out,
                        "{}",
                        diff.unified_diff()
                            .context_radius(3)
                            .header(&display, &display)
                    );
                    exit = exit.max(Exit::Blocked);
                }
            }
            Mode::Write => {
                if formatted == text {
                    continue;
                }
                match write_atomically(path, &formatted) {
                    Ok(()) => {
                        let _ = writeln!(err, "formatted {display}");
                    }
                    Err(error) => {
                        let _ = writeln!(err, "error: cannot write `{display}`: {error}");
                        exit = exit.max(Exit::Internal);
                    }
                }
            }
        }
    }
    exit
}

/// Writes `text` over `path` through the one writer: a new file under an unpredictable name
/// beside it (`O_EXCL`), keeping `path`'s permissions, renamed over it.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    crate::source::writer::replace(path, text.as_bytes()).map_err(|error| match error {
        crate::source::writer::WriteError::Io(error) => error,
        other => std::io::Error::other(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn sorts_rules_with_their_comments_and_lowercases_enums() {
        let input = "default_verdict: BLOCK   \r\nrules:\n  # second\n  - name: b\n    priority: 2\n    effect: Allow\n  # first\n  - name: a\n    priority: 1\n    effect: block\n";
        let out = format_policy(input).unwrap();
        assert_eq!(
            out,
            "default_verdict: block\nrules:\n  # first\n  - name: a\n    priority: 1\n    effect: block\n  # second\n  - name: b\n    priority: 2\n    effect: allow\n"
        );
        assert_eq!(format_policy(&out).unwrap(), out);
    }

    #[test]
    fn sorts_flow_style_rules_in_place() {
        let input = "rules: [{name: c, priority: 2, effect: allow}, {name: b, effect: Block},\n  {name: a, priority: 2, effect: block}]\n";
        let out = format_policy(input).unwrap();
        assert_eq!(
            out,
            "rules: [{name: b, effect: block}, {name: a, priority: 2, effect: block},\n  {name: c, priority: 2, effect: allow}]\n"
        );
        assert_eq!(format_policy(&out).unwrap(), out);
        let nested = "rules:\n  [\n    {name: z, effect: allow, match: {tool_names: [b, a]}},\n    {name: y, effect: block},\n  ]\n";
        assert_eq!(
            format_policy(nested).unwrap(),
            "rules:\n  [\n    {name: y, effect: block},\n    {name: z, effect: allow, match: {tool_names: [b, a]}},\n  ]\n"
        );
    }

    #[test]
    fn leaves_flow_rules_with_comments_in_file_order() {
        let input = "rules: [\n  # the catch-all\n  {name: b, effect: allow},\n  {name: a, effect: block}, # first\n]\n";
        assert_eq!(format_policy(input).unwrap(), input);
    }
}
