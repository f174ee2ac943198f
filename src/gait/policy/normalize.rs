//! Normalisation helpers shared with the intent: case, order, duplicates and paths.

use std::borrow::Cow;

use super::model::{PolicyError, PolicyErrorKind};
use super::read::scalar_text;
use super::shape::err;
use crate::parse::Node;
use crate::span::Span;

pub fn lower_trim(text: &str) -> String {
    lower_trim_cow(text).into_owned()
}

/// [`lower_trim`] without a copy when the trimmed text has nothing to lower-case.
pub(super) fn lower_trim_cow(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    if trimmed
        .bytes()
        .any(|byte| byte.is_ascii_uppercase() || !byte.is_ascii())
    {
        Cow::Owned(trimmed.to_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// Sorts by bytes and drops repeats, skipping both when the items already are strictly ordered.
fn sort_dedup(items: &mut Vec<String>) {
    if !items.is_sorted_by(|a, b| a < b) {
        items.sort_unstable();
        items.dedup();
    }
}

/// Room for every item when the iterator knows how many there can be (a filtered slice does).
fn capacity_for(items: &impl Iterator) -> usize {
    let (low, high) = items.size_hint();
    high.unwrap_or(low)
}

/// Trim, drop empty, de-duplicate, sort by bytes.
pub fn uniq_sort<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let items = items.into_iter();
    let mut out: Vec<String> = Vec::with_capacity(capacity_for(&items));
    for item in items {
        let trimmed = item.as_ref().trim();
        if !trimmed.is_empty() {
            out.push(trimmed.to_owned());
        }
    }
    sort_dedup(&mut out);
    out
}

pub fn lower_uniq_sort<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let items = items.into_iter();
    let mut out: Vec<String> = Vec::with_capacity(capacity_for(&items));
    for item in items {
        match lower_trim_cow(item.as_ref()) {
            Cow::Borrowed(text) => {
                if !text.is_empty() {
                    out.push(text.to_owned());
                }
            }
            // Lower-casing may (in principle) expose new surrounding white space: trim again, as
            // `uniq_sort(lower_trim(..))` did.
            Cow::Owned(text) => {
                let trimmed = text.trim();
                if trimmed.len() == text.len() {
                    if !text.is_empty() {
                        out.push(text);
                    }
                } else if !trimmed.is_empty() {
                    out.push(trimmed.to_owned());
                }
            }
        }
    }
    sort_dedup(&mut out);
    out
}

/// Lower-uniq-sort the items' texts and check each against `allowed`; the error names the first
/// bad value (in sorted order) at the first item that normalises to it.
pub(super) fn lower_enum_list<'a, I>(
    items: I,
    allowed: &[&str],
    on_bad: impl Fn(String) -> PolicyErrorKind,
) -> Result<Vec<String>, PolicyError>
where
    I: Iterator<Item = &'a Node> + Clone,
{
    let normalised = lower_uniq_sort(items.clone().map(scalar_text));
    let Some(bad) = normalised
        .iter()
        .find(|value| !allowed.contains(&value.as_str()))
    else {
        return Ok(normalised);
    };
    let span = first_span_of(items, bad).unwrap_or_default();
    Err(err(on_bad(bad.clone()), span))
}

/// The span of the first item whose [`lower_trim`] is `value`.
pub(super) fn first_span_of<'a>(
    mut items: impl Iterator<Item = &'a Node>,
    value: &str,
) -> Option<Span> {
    items
        .find(|item| lower_trim_cow(&scalar_text(item)) == value)
        .map(|item| item.span)
}

/// Go's `path.Clean` for slash-separated paths.
pub fn clean_path(path: &str) -> String {
    if is_clean_path(path) {
        return path.to_owned();
    }
    clean_path_slowly(path)
}

pub(super) fn clean_path_slowly(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Whether `path.Clean` would return `path` unchanged, judged conservatively: `/`, or segments
/// that are neither empty, `.` nor `..` (after the leading `/` of a rooted path).
pub(super) fn is_clean_path(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let relative = path.strip_prefix('/').unwrap_or(path);
    !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !matches!(part, "" | "." | ".."))
}

/// Whether `text` looks like `NAME=value` (a raw environment assignment).
pub fn looks_like_env_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// `text` with backslashes turned into slashes, borrowed when it has none.
pub(super) fn slashed(text: &str) -> Cow<'_, str> {
    if text.contains('\\') {
        Cow::Owned(text.replace('\\', "/"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Sandbox path lists: trim, clean, slash-convert, drop `.`, reject env assignments, sort.
/// An empty result is `None` (Go keeps a nil slice).
pub(super) fn clean_path_list<'a>(
    items: impl Iterator<Item = &'a Node>,
    on_env: impl Fn(String) -> PolicyErrorKind,
) -> Result<Option<Vec<String>>, PolicyError> {
    let mut out = Vec::with_capacity(capacity_for(&items));
    for item in items {
        let text = scalar_text(item);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        if looks_like_env_assignment(trimmed) {
            return Err(err(on_env(trimmed.to_owned()), item.span));
        }
        let cleaned = clean_path(&slashed(trimmed));
        if cleaned == "." {
            continue;
        }
        out.push(cleaned);
    }
    sort_dedup(&mut out);
    Ok(if out.is_empty() { None } else { Some(out) })
}
