//! Embedded JSON Schemas, compiled once, and the binder that reads a spanned tree the way the
//! consuming service does (case-insensitive .NET keys, Gait's lower-trimmed enums) before the
//! schema validator sees it. Every issue keeps the span of the offending key or value.

mod bind;
mod view;

use std::sync::OnceLock;

pub use bind::{bind, close_names, suggest};

use crate::parse::{Node, pointer};
use crate::span::Span;

/// The schema files in `schemas/`, embedded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaFile {
    StellaOpsGates,
    StellaOpsDeterminization,
    GaitPolicy,
    GaitIntent,
    Fixtures,
    Config,
    Report,
}

impl SchemaFile {
    pub const ALL: [SchemaFile; 7] = [
        SchemaFile::StellaOpsGates,
        SchemaFile::StellaOpsDeterminization,
        SchemaFile::GaitPolicy,
        SchemaFile::GaitIntent,
        SchemaFile::Fixtures,
        SchemaFile::Config,
        SchemaFile::Report,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            SchemaFile::StellaOpsGates => "stellaops-gates.schema.json",
            SchemaFile::StellaOpsDeterminization => "stellaops-determinization.schema.json",
            SchemaFile::GaitPolicy => "gait-policy.schema.json",
            SchemaFile::GaitIntent => "gait-intent.schema.json",
            SchemaFile::Fixtures => "fixtures.schema.json",
            SchemaFile::Config => "gatelint-config.schema.json",
            SchemaFile::Report => "report.schema.json",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            SchemaFile::StellaOpsGates => include_str!("../../schemas/stellaops-gates.schema.json"),
            SchemaFile::StellaOpsDeterminization => {
                include_str!("../../schemas/stellaops-determinization.schema.json")
            }
            SchemaFile::GaitPolicy => include_str!("../../schemas/gait-policy.schema.json"),
            SchemaFile::GaitIntent => include_str!("../../schemas/gait-intent.schema.json"),
            SchemaFile::Fixtures => include_str!("../../schemas/fixtures.schema.json"),
            SchemaFile::Config => include_str!("../../schemas/gatelint-config.schema.json"),
            SchemaFile::Report => include_str!("../../schemas/report.schema.json"),
        }
    }
}

/// What one file (or one section of it) is validated against: a schema file, optionally one of
/// its `$defs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The sample-file style root (`version`, `trustLattice`, `gates`).
    StellaOpsSample,
    /// An appsettings `PolicyGates` or `Policy:Gates` section.
    StellaOpsGatesSection,
    StellaOpsDeterminization,
    GaitPolicy,
    GaitIntent,
    Fixtures,
    Config,
    Report,
}

impl Target {
    const COUNT: usize = 8;

    fn slot(self) -> usize {
        self as usize
    }

    pub fn schema_file(self) -> SchemaFile {
        match self {
            Target::StellaOpsSample | Target::StellaOpsGatesSection => SchemaFile::StellaOpsGates,
            Target::StellaOpsDeterminization => SchemaFile::StellaOpsDeterminization,
            Target::GaitPolicy => SchemaFile::GaitPolicy,
            Target::GaitIntent => SchemaFile::GaitIntent,
            Target::Fixtures => SchemaFile::Fixtures,
            Target::Config => SchemaFile::Config,
            Target::Report => SchemaFile::Report,
        }
    }

    /// For a target validated through another: its start definition, the other target, and
    /// the key it sits under there.
    fn nested(self) -> Option<(&'static str, Target, &'static str)> {
        match self {
            Target::StellaOpsGatesSection => {
                Some(("PolicyGatesSection", Target::StellaOpsSample, "gates"))
            }
            _ => None,
        }
    }
}

/// A schema compiled for one target.
pub struct Compiled {
    /// What the binder reads of the schema, from the subschema the target starts at.
    pub binding: bind::Plan,
    pub case_insensitive: bool,
    validation: Validation,
}

/// How a target's instances are validated.
enum Validation {
    Own(jsonschema::Validator<view::Tree>),
    /// Through another target's validator, the instance placed under `key` of an otherwise
    /// empty object: appsettings gate sections validate as the sample file's `gates`, so the
    /// large gate schema compiles once per run.
    Nested {
        via: Target,
        key: &'static str,
    },
}

/// An embedded schema that does not compile is a bug in gatelint, not in the user's input.
#[derive(Clone, Debug, thiserror::Error)]
#[error("embedded schema `{file}` is invalid: {message}")]
pub struct SchemaBug {
    pub file: &'static str,
    pub message: String,
}

static COMPILED: [OnceLock<Result<Compiled, SchemaBug>>; Target::COUNT] =
    [const { OnceLock::new() }; Target::COUNT];

/// The compiled schema of `target`, compiled on first use and shared afterwards.
pub fn compiled(target: Target) -> Result<&'static Compiled, SchemaBug> {
    let slot = COMPILED.get(target.slot()).ok_or_else(|| SchemaBug {
        file: target.schema_file().file_name(),
        message: "no slot".to_owned(),
    })?;
    slot.get_or_init(|| compile(target))
        .as_ref()
        .map_err(SchemaBug::clone)
}

fn compile(target: Target) -> Result<Compiled, SchemaBug> {
    let file = target.schema_file();
    let bug = |message: String| SchemaBug {
        file: file.file_name(),
        message,
    };
    let document: serde_json::Value =
        serde_json::from_str(file.text()).map_err(|error| bug(error.to_string()))?;
    let case_insensitive = document
        .get("x-gatelint-keys")
        .and_then(|value| value.as_str())
        == Some("case-insensitive");
    if let Some((name, via, key)) = target.nested() {
        let start = document
            .get("$defs")
            .and_then(|defs| defs.get(name))
            .cloned()
            .ok_or_else(|| bug(format!("missing `$defs/{name}`")))?;
        return Ok(Compiled {
            binding: bind::Plan::new(&document, &start, case_insensitive),
            case_insensitive,
            validation: Validation::Nested { via, key },
        });
    }
    let validator = jsonschema::options_for::<view::Tree>()
        .should_validate_formats(false)
        .build(&document)
        .map_err(|error| bug(error.to_string()))?;
    Ok(Compiled {
        binding: bind::Plan::new(&document, &document, case_insensitive),
        case_insensitive,
        validation: Validation::Own(validator),
    })
}

/// What is wrong with one key or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// A key the schema does not know (the service would silently ignore it).
    UnknownKey {
        suggestion: Option<String>,
        /// How sure renaming the key to `suggestion` is: safe when it is the only known key
        /// that close, unsafe when others are close too but it is the closest; `None` when no
        /// rename fits (a tie, no suggestion, or the mapping already holds the suggested key).
        rename: Option<crate::finding::Applicability>,
    },
    /// The same key twice, spelled with different case (one silently shadows the other).
    CaseDuplicate {
        first: Span,
        /// The repeated entry, from its key to the end of its value.
        entry: Span,
        /// Where the entry written just before the repeated one ends (its value's end).
        previous_end: u32,
        /// Whether both spellings bind the same value (removing the repeat changes nothing).
        same_value: bool,
    },
    /// A value of the wrong JSON type.
    WrongType,
    /// A value outside the allowed set.
    InvalidEnum,
    /// A number outside its documented range.
    OutOfRange,
    /// A required key is missing.
    MissingRequired { key: String },
    /// Any other schema violation.
    Other,
}

/// One schema finding, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaIssue {
    pub kind: IssueKind,
    pub span: Span,
    /// JSON pointer of the offending node (canonical key spelling).
    pub pointer: String,
    pub message: String,
}

/// The outcome of binding and validating one tree.
#[derive(Debug)]
pub struct Checked<'n> {
    /// The tree as the service binds it (canonical key spelling, unknown keys dropped); the
    /// input itself when binding changed nothing.
    pub bound: std::borrow::Cow<'n, Node>,
    pub issues: Vec<SchemaIssue>,
}

/// The schema violations one section reports one by one; the rest are counted in one issue.
pub const MAX_SCHEMA_ISSUES: usize = 10_000;

/// Values in a section above which an invalid section lists only its first violation. The
/// validator gathers every error of a section before the first is seen, at a few hundred bytes
/// each: a section of a million wrong values would hold them all. Below this size every
/// violation is gathered (and [`MAX_SCHEMA_ISSUES`] listed).
pub const MAX_GATHERED_VALUES: usize = 200_000;

/// Whether `node` holds more than `limit` values (stops counting there).
fn more_values_than(node: &Node, limit: usize) -> bool {
    let mut stack = vec![node];
    let mut count = 0usize;
    while let Some(node) = stack.pop() {
        count += 1;
        if count > limit {
            return true;
        }
        match &node.value {
            crate::parse::Value::Seq(items) => stack.extend(items),
            crate::parse::Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    false
}

/// Binds `node` (found at `base` in its document) and validates it against `target`.
pub fn check<'n>(node: &'n Node, base: &str, target: Target) -> Result<Checked<'n>, SchemaBug> {
    let compiled = compiled(target)?;
    let mut issues = Vec::new();
    let bound = bind(node, compiled, base, &mut issues);
    let instance: &Node = &bound;
    let mut resolver = pointer::Resolver::default();
    let mut unlisted = 0;
    match &compiled.validation {
        // Most files are valid: the cheap yes/no answer first, errors only when there are some.
        Validation::Own(validator) if validator.is_valid(instance) => {}
        Validation::Own(validator) => {
            gather(
                validator,
                instance,
                &bound,
                base,
                "",
                &mut resolver,
                &mut issues,
                &mut unlisted,
            );
        }
        Validation::Nested { via, key } => {
            let Validation::Own(validator) = &self::compiled(*via)?.validation else {
                return Err(SchemaBug {
                    file: target.schema_file().file_name(),
                    message: "nested validation chain".to_owned(),
                });
            };
            // Gate sections are small: the copy under the wrapper costs little.
            let wrapped = Node::new(
                instance.span,
                crate::parse::Value::Map(vec![crate::parse::Entry {
                    key: crate::parse::Key {
                        text: (*key).to_owned(),
                        span: instance.span,
                    },
                    value: instance.clone(),
                }]),
            );
            let prefix = format!("/{key}");
            if !validator.is_valid(&wrapped) {
                gather(
                    validator,
                    &wrapped,
                    &bound,
                    base,
                    &prefix,
                    &mut resolver,
                    &mut issues,
                    &mut unlisted,
                );
            }
        }
    }
    if unlisted > 0 {
        // Bounded output and memory for a file that breaks the schema a million times; the
        // run fails all the same.
        issues.push(SchemaIssue {
            kind: IssueKind::Other,
            span: Span::new(node.span.start as usize, node.span.start as usize),
            pointer: base.to_owned(),
            message: format!(
                "{unlisted} more schema violations in this section are not listed (at most {MAX_SCHEMA_ISSUES} are)"
            ),
        });
    }
    issues.sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
    issues.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    Ok(Checked { bound, issues })
}

/// The violations of an invalid `instance`, located in `bound`: every one of them (at most
/// [`MAX_SCHEMA_ISSUES`] listed, the rest counted in `unlisted`), or for a section of more than
/// [`MAX_GATHERED_VALUES`] values the first alone, with an issue saying so.
#[allow(clippy::too_many_arguments, reason = "the state of one `check` call")]
fn gather<'n>(
    validator: &jsonschema::Validator<view::Tree>,
    instance: &Node,
    bound: &'n Node,
    base: &str,
    strip: &str,
    resolver: &mut pointer::Resolver<'n>,
    issues: &mut Vec<SchemaIssue>,
    unlisted: &mut usize,
) {
    if more_values_than(instance, MAX_GATHERED_VALUES) {
        if let Err(error) = validator.validate(instance) {
            issues.push(locate(resolver, bound, base, &error, strip));
        }
        issues.push(SchemaIssue {
            kind: IssueKind::Other,
            span: Span::new(bound.span.start as usize, bound.span.start as usize),
            pointer: base.to_owned(),
            message: format!(
                "this section holds more than {MAX_GATHERED_VALUES} values: only its first schema violation is listed"
            ),
        });
        return;
    }
    let mut errors = validator.iter_errors(instance);
    for error in errors.by_ref().take(MAX_SCHEMA_ISSUES) {
        issues.push(locate(resolver, bound, base, &error, strip));
    }
    *unlisted += errors.count();
}

/// Turns a validator error into an issue at the offending key or value. `strip` is the pointer
/// prefix a nested validation added.
fn locate<'n>(
    resolver: &mut pointer::Resolver<'n>,
    bound: &'n Node,
    base: &str,
    error: &jsonschema::ValidationError<'_>,
    strip: &str,
) -> SchemaIssue {
    use jsonschema::error::ValidationErrorKind as Kind;
    let full = error.instance_path().as_str();
    let relative = full.strip_prefix(strip).unwrap_or(full).to_owned();
    let pointer = format!("{base}{relative}");
    let target = resolver.resolve_nearest(bound, &relative);
    let value_text = short_value(target.node);
    let path = display_path(&pointer);
    let (kind, span, message) = match error.kind() {
        Kind::Required { property } => {
            let key = property.as_str().unwrap_or_default().to_owned();
            let message = format!("`{path}` is missing the required key `{key}`");
            (
                IssueKind::MissingRequired { key },
                target.key.unwrap_or(target.node.span),
                message,
            )
        }
        Kind::Type { kind } => (
            IssueKind::WrongType,
            target.node.span,
            format!(
                "`{path}` must be {}, found {}",
                describe_type(kind),
                match &target.node.value {
                    crate::parse::Value::Seq(_) | crate::parse::Value::Map(_) => value_text.clone(),
                    _ => format!("{} {value_text}", target.node.type_name()),
                }
            ),
        ),
        Kind::Enum { options } => (
            IssueKind::InvalidEnum,
            target.node.span,
            format!(
                "`{path}` has invalid value {value_text}; expected one of {}",
                list_options(options)
            ),
        ),
        Kind::Constant { expected_value } => (
            IssueKind::InvalidEnum,
            target.node.span,
            format!("`{path}` must be {expected_value}, found {value_text}"),
        ),
        Kind::Minimum { limit } => range(target.node.span, &path, &value_text, ">=", limit),
        Kind::Maximum { limit } => range(target.node.span, &path, &value_text, "<=", limit),
        Kind::ExclusiveMinimum { limit } => range(target.node.span, &path, &value_text, ">", limit),
        Kind::ExclusiveMaximum { limit } => range(target.node.span, &path, &value_text, "<", limit),
        Kind::AdditionalProperties { unexpected } => {
            let key = unexpected.first().cloned().unwrap_or_default();
            let span = target
                .node
                .entry(&key)
                .map_or(target.node.span, |entry| entry.key.span);
            (
                IssueKind::UnknownKey {
                    suggestion: None,
                    rename: None,
                },
                span,
                format!("unknown key `{key}` in `{path}`"),
            )
        }
        _ => (
            IssueKind::Other,
            target.key.unwrap_or(target.node.span),
            format!("`{path}`: {}", first_line(&error.to_string())),
        ),
    };
    SchemaIssue {
        kind,
        span,
        pointer,
        message,
    }
}

fn range(
    span: Span,
    path: &str,
    value: &str,
    relation: &str,
    limit: &serde_json::Value,
) -> (IssueKind, Span, String) {
    (
        IssueKind::OutOfRange,
        span,
        format!("`{path}` is {value}, outside its range (must be {relation} {limit})"),
    )
}

fn describe_type(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    match kind {
        TypeKind::Single(single) => article(&single.to_string()),
        TypeKind::Multiple(set) => {
            let names: Vec<String> = set.iter().map(|single| single.to_string()).collect();
            names.join(" or ")
        }
    }
}

fn article(name: &str) -> String {
    match name {
        "array" | "object" | "integer" => format!("an {name}"),
        "null" => "null".to_owned(),
        _ => format!("a {name}"),
    }
}

fn list_options(options: &serde_json::Value) -> String {
    match options.as_array() {
        Some(items) => items
            .iter()
            .map(|item| match item.as_str() {
                Some(text) => format!("`{text}`"),
                None => format!("`{item}`"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => options.to_string(),
    }
}

/// A value quoted for a message, shortened.
pub fn short_value(node: &Node) -> String {
    let text = match &node.value {
        crate::parse::Value::String(text) => text.clone(),
        crate::parse::Value::Seq(_) => return "an array".to_owned(),
        crate::parse::Value::Map(_) => return "an object".to_owned(),
        _ => node.to_json().to_string(),
    };
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("`{short}`")
}

/// `/PolicyGates/VexTrust/Thresholds/production` → `PolicyGates.VexTrust.Thresholds.production`.
pub fn display_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(root)".to_owned();
    }
    let mut out = String::new();
    for token in pointer::tokens(pointer) {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
