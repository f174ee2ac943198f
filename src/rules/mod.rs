//! Rules turn what the earlier stages found into findings. One rule per file; the rule's doc
//! comment is its documentation (sections *What it does*, *Why is this bad?*, *Example*, *Use
//! instead*), rendered to `rules/<id>.md` and shown by `gatelint rule <id>`.
//!
//! Rule files are grouped by what they read, one folder per group:
//! - [`input`]: the reader, parser and schema of one file (syntax, encoding, keys, values);
//! - [`stellaops`]: one Stella Ops configuration;
//! - [`gait`]: one Gait policy;
//! - [`transition`]: a file against its baseline version;
//! - [`replay`]: the fixture replay (mismatches, errors, coverage) and the verdict diff;
//! - [`suppression`]: the inline suppression comments.
//!
//! [`registry`] lists every rule in documentation order; [`suppress`] parses and applies the
//! suppression comments.

pub mod gait;
pub mod input;
pub mod registry;
pub mod replay;
pub mod stellaops;
pub mod suppress;
pub mod suppression;
pub mod transition;

use std::sync::Arc;

use crate::classify::{Classified, Section};
use crate::finding::{Finding, Location, RuleId, Severity};
use crate::parse::{Node, ParseIssue};
use crate::project::{ProjectFile, ProjectFiles};
use crate::schema::SchemaIssue;
use crate::source::SourceFile;
use crate::span::Span;
use crate::stellaops::model::StellaConfig;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: RuleId,
    pub summary: &'static str,
    pub severity: Severity,
    /// The version that introduced the rule.
    pub since: &'static str,
    /// The doc comment, as written (each line keeps its leading space).
    pub docs: &'static str,
    /// Extra SARIF `security-severity` (0.0–10.0) where the rule guards a security decision.
    pub security_severity: Option<&'static str>,
    /// Whether a finding of this rule (at error severity) means the input is invalid (exit 6)
    /// rather than merely unsafe (exit 3).
    pub invalid_input: bool,
    /// Whether a finding of this rule (at error severity) is a fixture regression (exit 5).
    pub regression: bool,
    /// Whether the rule's findings carry a fix (`gatelint check --fix`).
    pub fix: FixAvailability,
    /// Whether the rule compares a file with its baseline version (a transition rule): it
    /// reports only with a baseline, and `gatelint diff` runs it as `check --baseline-ref` does.
    pub transition: bool,
}

/// Whether a rule's findings carry a fix, as the rule pages say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// The rule never proposes an edit.
    None,
    /// Some findings carry a fix (the rule's *Fix* section says which).
    Sometimes,
    /// Every finding carries a fix.
    Always,
    /// Findings carry the update of a fixture's expectation, applied only by `--update`.
    Update,
}

impl FixAvailability {
    /// The rule page's wording.
    pub fn describe(self) -> &'static str {
        match self {
            FixAvailability::None => "no",
            FixAvailability::Sometimes => "for some findings (`gatelint check --fix`)",
            FixAvailability::Always => "yes (`gatelint check --fix`)",
            FixAvailability::Update => {
                "an expectation update for a failed case, applied only by `gatelint test --update` or `gatelint check --update`"
            }
        }
    }
}

impl RuleMeta {
    /// The documentation with the doc-comment indentation removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// A finding of this rule, with its default severity.
    pub fn finding(&self, location: Location, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, location, message)
    }

    /// The page `rules/<id>.md`, generated from the doc comment.
    pub fn markdown(&self) -> String {
        let mut out = format!("# `{}`\n\n{}\n\n", self.id, capitalise(self.summary));
        out.push_str(&format!(
            "- Default severity: **{}**\n- Since: {}\n- Invalid input (exit 6) when reported as an error: {}\n- Fix: {}\n\n",
            self.severity,
            self.since,
            if self.invalid_input { "yes" } else { "no" },
            self.fix.describe()
        ));
        out.push_str(&self.documentation());
        out.push_str("\n## Suppressing\n\n```yaml\nkey: value # gatelint: ignore[");
        out.push_str(self.id.as_str());
        out.push_str("] reason\n```\n\nThis page is generated from the rule's source; edit the doc comment there.\n");
        out
    }

    pub fn help_uri(&self) -> String {
        format!("{}/{}.md", DOCS_BASE, self.id)
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// Where rule documentation is published.
pub const DOCS_BASE: &str = "https://github.com/gatelint/gatelint/blob/main/rules";

/// Declares a rule: its doc comment is its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct UnknownKey {
///         id: "unknown-key",
///         summary: "key is not a known option",
///         severity: Error,
///         since: "0.1.0",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            severity: $severity:ident,
            since: $since:literal
            $(, invalid_input: $invalid:literal)?
            $(, regression: $regression:literal)?
            $(, security_severity: $security:literal)?
            $(, fix: $fix:ident)?
            $(, transition: $transition:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $crate::finding::RuleId($id),
                summary: $summary,
                severity: $crate::finding::Severity::$severity,
                since: $since,
                docs: concat!($($doc, "\n"),*),
                security_severity: $crate::declare_rule!(@security $($security)?),
                invalid_input: $crate::declare_rule!(@invalid $($invalid)?),
                regression: $crate::declare_rule!(@invalid $($regression)?),
                fix: $crate::declare_rule!(@fix $($fix)?),
                transition: $crate::declare_rule!(@invalid $($transition)?),
            };
        }

        impl $crate::rules::Declared for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
    (@invalid) => { false };
    (@invalid $invalid:literal) => { $invalid };
    (@fix) => { $crate::rules::FixAvailability::None };
    (@fix $fix:ident) => { $crate::rules::FixAvailability::$fix };
    (@security) => { None };
    (@security $security:literal) => { Some($security) };
}

/// Collects the findings of one rule run.
pub type Sink = Vec<Finding>;

/// Implemented by [`declare_rule!`].
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule's checks. Each hook defaults to nothing, so a rule implements only what it reads.
pub trait Rule: Declared + Sync {
    /// Checks how one file was read: refused or unreadable, or decoded from its bytes. Runs
    /// before anything is parsed.
    fn check_read(&self, _cx: &ReadContext<'_>, _out: &mut Sink) {}

    /// Checks one scanned file.
    fn check_file(&self, _cx: &FileContext<'_>, _out: &mut Sink) {}

    /// Checks the whole run: every analysed file with its models, and the baseline side when
    /// there is one. Runs after the file rules.
    fn check_project(&self, _cx: &ProjectContext<'_>, _out: &mut Sink) {}

    /// Checks the fixture replay of `check`: each suite and case result, and the coverage of
    /// each replayed policy. Runs after the replay, before suppressions apply.
    fn check_replay(&self, _cx: &ReplayContext<'_>, _out: &mut Sink) {}

    /// Checks the verdict changes of `diff` and `check --baseline-ref`.
    fn check_diff(&self, _cx: &DiffContext<'_>, _out: &mut Sink) {}

    /// Checks the inline suppression comments of one file, once every other finding of the
    /// file is known.
    fn check_suppressions(&self, _cx: &SuppressionContext<'_>, _out: &mut Sink) {}
}

/// How one file was read, as the read rules see it.
#[derive(Clone, Copy, Debug)]
pub struct ReadContext<'a> {
    /// The file as reports show it.
    pub path: &'a std::sync::Arc<str>,
    pub read: ReadResult<'a>,
}

/// What reading a file gave.
#[derive(Clone, Copy, Debug)]
pub enum ReadResult<'a> {
    /// The file was not read, for this reason (words without the path).
    Unreadable(&'a str),
    /// The file's bytes were decoded as this encoding.
    Decoded(crate::parse::Encoding),
}

/// Runs every rule's [`Rule::check_read`] hook, in registry order.
pub fn check_read(cx: &ReadContext<'_>) -> Vec<Finding> {
    let mut out = Sink::new();
    for rule in registry::RULES {
        rule.check_read(cx, &mut out);
    }
    out
}

/// Runs every rule's [`Rule::check_replay`] hook, in registry order.
pub fn check_replay(cx: &ReplayContext<'_>) -> Vec<Finding> {
    let mut out = Sink::new();
    for rule in registry::RULES {
        rule.check_replay(cx, &mut out);
    }
    out
}

/// Runs every rule's [`Rule::check_diff`] hook, in registry order.
pub fn check_diff(cx: &DiffContext<'_>) -> Vec<Finding> {
    let mut out = Sink::new();
    for rule in registry::RULES {
        rule.check_diff(cx, &mut out);
    }
    out
}

/// Runs every rule's [`Rule::check_suppressions`] hook, in registry order.
pub fn check_suppressions(cx: &SuppressionContext<'_>) -> Vec<Finding> {
    let mut out = Sink::new();
    for rule in registry::RULES {
        rule.check_suppressions(cx, &mut out);
    }
    out
}

/// What the replay rules see of the fixture replay of `check`.
#[derive(Clone, Copy, Debug)]
pub struct ReplayContext<'a> {
    /// The replay of every discovered suite.
    pub outcome: &'a crate::replay::runner::TestOutcome,
    /// The replay of every Gait scenario directory among the checked files.
    pub scenarios: &'a [ScenarioReplay],
    /// The checked files, in discovery order.
    pub files: &'a [ReplayFile<'a>],
    /// The environments each replayed policy configures (by display path; coverage's
    /// `configured_environments`), also under `--shard`, where coverage itself is dropped.
    pub configured_environments:
        &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

/// One Gait scenario directory replayed by `check`, reported on its `policy.yaml` (the
/// scenario's one checked file).
#[derive(Clone, Debug)]
pub struct ScenarioReplay {
    /// The display path of the scenario's `policy.yaml`.
    pub policy: Arc<str>,
    pub result: crate::gait::command::ScenarioResult,
}

/// One checked file as the replay rules see it.
#[derive(Clone, Copy, Debug)]
pub struct ReplayFile<'a> {
    pub source: &'a SourceFile,
    /// What the file was classified as.
    pub kind: crate::classify::FileKind,
    /// The bound sections, to point at the keys coverage names.
    pub sections: &'a [BoundSection<'static>],
    /// For a fixture suite: the display paths of the policy files it replays against.
    pub references: &'a [String],
}

impl<'a> ReplayContext<'a> {
    /// The checked file at a path the replay names (normalised like a discovered path).
    pub fn file(&self, path: &str) -> Option<(Arc<str>, &'a ReplayFile<'a>)> {
        let display = crate::discover::normalize_display(std::path::Path::new(path));
        let file = self
            .files
            .iter()
            .find(|file| *file.source.path == *display)?;
        Some((Arc::from(display.as_str()), file))
    }
}

/// What the verdict rules see of a verdict diff.
#[derive(Clone, Copy, Debug)]
pub struct DiffContext<'a> {
    /// The replayed cases whose verdict changed, in suite order.
    pub changed: &'a [crate::diff::verdicts::ChangedCase],
    /// The `[diff]` settings the changes were classified under.
    pub policy: &'a crate::diff::verdicts::DiffPolicy,
}

/// What the suppression rules see of one file.
#[derive(Clone, Copy)]
pub struct SuppressionContext<'a> {
    pub source: &'a SourceFile,
    /// The file's suppression comments, in file order.
    pub suppressions: &'a [suppress::Suppression],
    /// For each suppression, whether it covered a finding.
    pub used: &'a [bool],
    /// Whether a rule id exists.
    pub known: &'a dyn Fn(&str) -> bool,
    /// `require-suppression-reason`: a suppression without a reason is an error.
    pub require_reason: bool,
}

impl std::fmt::Debug for SuppressionContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuppressionContext")
            .field("source", &self.source.path)
            .field("suppressions", &self.suppressions)
            .field("used", &self.used)
            .field("require_reason", &self.require_reason)
            .finish_non_exhaustive()
    }
}

/// What the project-level rules see of a run.
#[derive(Clone, Copy, Debug)]
pub struct ProjectContext<'a> {
    /// Every analysed file, by path.
    pub files: &'a ProjectFiles,
    /// The same files at the baseline (`--baseline-ref`, `diff --baseline`), keyed by path.
    pub baseline: Option<&'a ProjectFiles>,
    /// The class `default` VexTrust set's `FailureAction` where no file configures it
    /// (`[stellaops] default_environment_failure_action`).
    pub default_failure_action: crate::stellaops::bind::Action,
}

impl ProjectContext<'_> {
    /// Each candidate file with its Stella Ops model.
    pub fn stella(&self) -> impl Iterator<Item = (&ProjectFile, &StellaConfig)> {
        self.files
            .values()
            .filter_map(|file| file.stella.as_ref().map(|model| (file, model)))
    }
}

impl<'a> ProjectContext<'a> {
    /// Each candidate file that has a baseline version (the same path at the baseline), with
    /// the model `model` reads from both sides, when both sides have one. Empty without a
    /// baseline. The transition rules read the run through this.
    pub fn pairs<M: 'a>(
        &self,
        model: impl Fn(&'a ProjectFile) -> Option<&'a M> + 'a,
    ) -> impl Iterator<Item = Pair<'a, M>> + 'a {
        let baseline = self.baseline;
        self.files.values().filter_map(move |file| {
            let old = baseline?.get(&file.source.path)?;
            Some(Pair {
                file,
                candidate: model(file)?,
                baseline: model(old)?,
            })
        })
    }

    /// [`Self::pairs`] of the Stella Ops models.
    pub fn stella_pairs(&self) -> impl Iterator<Item = Pair<'a, StellaConfig>> + 'a {
        self.pairs(|file| file.stella.as_ref())
    }

    /// [`Self::pairs`] of the Gait policies.
    pub fn gait_pairs(&self) -> impl Iterator<Item = Pair<'a, crate::gait::policy::Policy>> + 'a {
        self.pairs(|file| file.gait.as_ref())
    }
}

/// A candidate file with one model of it and the same model at the baseline.
#[derive(Debug)]
pub struct Pair<'a, M> {
    /// The candidate file (findings point into it).
    pub file: &'a ProjectFile,
    pub candidate: &'a M,
    pub baseline: &'a M,
}

/// What the rules see of one scanned file.
#[derive(Clone, Copy, Debug)]
pub struct FileContext<'a> {
    pub source: &'a SourceFile,
    /// The files a fixture suite names that the reader refused to open.
    pub refused: &'a [RefusedReference],
    pub parse_issues: &'a [ParseIssue],
    pub schema_issues: &'a [SchemaIssue],
    pub classified: Option<&'a Classified>,
    /// The bound tree of each section (canonical key spelling), in section order.
    pub sections: &'a [BoundSection<'a>],
    /// The parsed tree as written, for kinds read without a schema section (approved-script
    /// registries); `None` for JSONL and unparseable files.
    pub tree: Option<&'a Node>,
    /// The Gait policy as Gait's loader reads it, when the file is a usable Gait policy.
    pub gait_policy: Option<&'a crate::gait::policy::Policy>,
    /// What Gait's loader rejected, in file order (the first is what Gait reports).
    pub gait_errors: &'a [crate::gait::policy::PolicyError],
}

/// A file a suite names that the reader refuses to read, where the suite names it.
#[derive(Clone, Debug)]
pub struct RefusedReference {
    /// As written in the suite.
    pub text: String,
    pub span: crate::span::Span,
    pub pointer: String,
    pub problem: crate::source::ReadError,
}

/// One section of a file after binding.
#[derive(Clone, Debug)]
pub struct BoundSection<'n> {
    pub section: Section,
    /// The parsed tree itself when binding changed nothing, else the bound copy.
    pub node: std::borrow::Cow<'n, Node>,
}

impl BoundSection<'_> {
    /// A copy that owns its tree, to outlive the parse.
    pub fn into_owned(self) -> BoundSection<'static> {
        BoundSection {
            section: self.section,
            node: std::borrow::Cow::Owned(self.node.into_owned()),
        }
    }
}

impl FileContext<'_> {
    /// A location in this file.
    pub fn at(&self, span: Span, pointer: impl Into<String>) -> Location {
        Location::new(self.source.path.clone(), span, pointer)
    }
}
