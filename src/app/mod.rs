//! The orchestrator: the one place that knows every stage.

mod diff_run;
mod gait_replay;
mod replay;
mod script_registry;
mod verdict_diff;

pub use diff_run::{DiffOptions, run_diff};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::classify::{self, Classified, FileKind};
use crate::config::{self, Config};
use crate::discover::{self, Candidate, Excludes};
use crate::exit::Exit;
use crate::finding::{Finding, Location, Severity, sort_findings};
use crate::gait::policy::{self, Policy, PolicyError};
use crate::parse::{self, Document, Format, ParseIssue};
use crate::project::{ProjectFile, ProjectFiles};
use crate::report::{Report, ScannedFile, Skipped};
use crate::rules::{
    BoundSection, FileContext, ProjectContext, RefusedReference, RuleMeta, registry, suppress,
};
use crate::schema::{self, SchemaIssue, Target};
use crate::source::{ReadError, Reader, SourceFile, reader};
use crate::span::Span;

/// What `check` and `validate` are asked to do.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` = the config's `fail-on`, else `error`.
    pub fail_on: Option<FailOn>,
    pub allow_empty: bool,
    pub exit_zero: bool,
    /// `validate`: parse and schema rules only.
    pub validate_only: bool,
    /// `--baseline-ref`: the git commit whose versions of the scanned files are the baseline.
    pub baseline_ref: Option<String>,
    /// `--shard K/N`: replay only this shard of the fixture cases.
    pub shard: Option<crate::replay::runner::Shard>,
}

/// The least severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(text: &str) -> Option<FailOn> {
        match text {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }
}

/// Errors that end a run before any report (bad usage, unreadable config): exit 6.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("unknown rule `{id}`{}", .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownRule {
        id: String,
        suggestion: Option<String>,
    },
    #[error(
        "nothing to check under `{0}` (no Stella Ops, Gait or fixture files found; pass --allow-empty to accept)"
    )]
    NothingToCheck(String),
    #[error("nothing to test under `{0}` (no fixture suites or Gait scenario directories found)")]
    NothingToTest(String),
    #[error("cannot read config `{path}`: {message}")]
    Config { path: String, message: String },
    #[error(transparent)]
    Schema(#[from] schema::SchemaBug),
    #[error(transparent)]
    Baseline(#[from] crate::diff::git::GitError),
    #[error("{0}")]
    Diff(String),
}

/// The outcome of checking one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub scanned: Option<ScannedFile>,
    pub findings: Vec<Finding>,
    pub skipped: Option<Skipped>,
    /// The bound sections (canonical key spelling), for the passes that need the tree again.
    pub sections: Vec<BoundSection<'static>>,
    /// For a fixture suite: the display paths of the policy files it replays against.
    pub references: Vec<String>,
    /// The same references as written in the suite, located.
    pub reference_spans: Vec<Reference>,
    /// The file's models for the project-level rules (taken by [`finish`]).
    pub project: Option<ProjectFile>,
}

fn format_of(display: &str) -> Option<Format> {
    let lower = display.to_ascii_lowercase();
    let lower = lower.strip_suffix(".sample").unwrap_or(&lower);
    if lower.ends_with(".json") || lower.ends_with(".jsonl") {
        Some(Format::Json)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(Format::Yaml)
    } else {
        None
    }
}

/// Reads and analyses one candidate file.
fn analyze_candidate(candidate: &Candidate, reader: &Reader, validate_only: bool) -> FileOutcome {
    let bytes = match read_candidate(reader, &candidate.path, &candidate.display) {
        Ok(bytes) => bytes,
        Err(error) => {
            return FileOutcome {
                skipped: Some(Skipped {
                    path: candidate.display.clone(),
                    reason: error.to_string(),
                }),
                ..FileOutcome::default()
            };
        }
    };
    let (text, utf8_issue) = parse::decode(&bytes);
    analyze_read(
        &candidate.display,
        &text,
        utf8_issue,
        candidate.explicit,
        validate_only,
        Some((reader, &candidate.path)),
    )
}

/// A candidate's bytes: a document whole up to the document limit (a larger one is read up
/// to one byte past it, so the parser reports it as too large), a JSONL file up to the JSONL
/// limit.
fn read_candidate(reader: &Reader, path: &Path, display: &str) -> Result<Vec<u8>, ReadError> {
    let jsonl = display.to_ascii_lowercase().ends_with(".jsonl");
    let limit = if jsonl {
        reader::MAX_JSONL_BYTES
    } else {
        reader::MAX_DOCUMENT_BYTES
    };
    match reader.read_capped(path, limit) {
        Err(ReadError::TooLarge { .. }) if !jsonl => {
            reader.read_prefix(path, limit + 1).map(|(bytes, _)| bytes)
        }
        other => other,
    }
}

/// Reads a file the user named (a config) through `reader`.
pub(crate) fn read_bounded(reader: &Reader, path: &Path) -> Result<Vec<u8>, ReadError> {
    reader.read(path)
}

/// Analyses one file's text: parse, classify, bind and validate each section, run the file
/// rules, apply inline suppressions.
pub fn analyze_text(
    display: &str,
    text: &str,
    utf8_issue: Option<ParseIssue>,
    explicit: bool,
    validate_only: bool,
) -> FileOutcome {
    let raw = analyze_unsuppressed(display, text, utf8_issue, explicit, validate_only);
    let run = ProjectRun {
        validate_only,
        ..ProjectRun::default()
    };
    let (mut outcomes, _) = finish(vec![raw], &run);
    outcomes.pop().unwrap_or_default()
}

/// Analyses one file's text against its baseline version: [`analyze_text`] with the transition
/// rules seeing `baseline` as the same file at the baseline.
pub fn analyze_pair(display: &str, text: &str, baseline: Option<&str>) -> FileOutcome {
    let baseline_files = baseline
        .map(|old| baseline_files(vec![analyze_unsuppressed(display, old, None, true, false)]));
    let raw = analyze_unsuppressed(display, text, None, true, false);
    let run = ProjectRun {
        baseline: baseline_files.as_ref(),
        ..ProjectRun::default()
    };
    let (mut outcomes, _) = finish(vec![raw], &run);
    outcomes.pop().unwrap_or_default()
}

/// The project files of baseline outcomes (their findings are not reported).
pub fn baseline_files(outcomes: Vec<FileOutcome>) -> ProjectFiles {
    outcomes
        .into_iter()
        .filter_map(|outcome| outcome.project)
        .map(|file| (file.source.path.clone(), file))
        .collect()
}

/// How the project-level stage runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProjectRun<'a> {
    pub validate_only: bool,
    pub baseline: Option<&'a ProjectFiles>,
    pub replay: Option<&'a crate::replay::runner::TestOutcome>,
    /// `require-suppression-reason`: a suppression without a reason is an error.
    pub require_reason: bool,
}

/// Runs the project rules over every analysed file, then applies each file's inline
/// suppressions to its file and project findings together. Returns the outcomes and the
/// project files taken out of them.
pub fn finish(
    mut outcomes: Vec<FileOutcome>,
    run: &ProjectRun<'_>,
) -> (Vec<FileOutcome>, ProjectFiles) {
    let mut files = ProjectFiles::new();
    for outcome in &mut outcomes {
        if let Some(file) = outcome.project.take() {
            files.insert(file.source.path.clone(), file);
        }
    }
    let mut project_findings = Vec::new();
    if !run.validate_only {
        let cx = ProjectContext {
            files: &files,
            replay: run.replay,
            baseline: run.baseline,
        };
        for rule in registry::RULES {
            rule.check_project(&cx, &mut project_findings);
        }
    }
    for outcome in &mut outcomes {
        let Some(scanned) = &outcome.scanned else {
            continue;
        };
        let path = scanned.source.path.clone();
        let mut findings = std::mem::take(&mut outcome.findings);
        let (mine, rest): (Vec<Finding>, Vec<Finding>) = project_findings
            .into_iter()
            .partition(|finding| finding.primary.path == path);
        project_findings = rest;
        findings.extend(mine);
        outcome.findings = suppress::apply_with(
            &scanned.source,
            findings,
            |id| registry::find(id).is_some(),
            run.require_reason,
        );
    }
    (outcomes, files)
}

/// [`analyze_text`] without the suppression pass (`check` suppresses once, after the
/// project-wide passes have added their findings).
pub fn analyze_unsuppressed(
    display: &str,
    text: &str,
    utf8_issue: Option<ParseIssue>,
    explicit: bool,
    validate_only: bool,
) -> FileOutcome {
    analyze_read(display, text, utf8_issue, explicit, validate_only, None)
}

/// [`analyze_unsuppressed`] of a file read through `read` (the reader and the file's path): the
/// files a suite refers to are checked through the same reader, so the rules can report a
/// reference that leaves the workspace, is a link or is not a regular file.
fn analyze_read(
    display: &str,
    text: &str,
    utf8_issue: Option<ParseIssue>,
    explicit: bool,
    validate_only: bool,
    read: Option<(&Reader, &Path)>,
) -> FileOutcome {
    let skip = |reason: &str| FileOutcome {
        skipped: explicit.then(|| Skipped {
            path: display.to_owned(),
            reason: reason.to_owned(),
        }),
        ..FileOutcome::default()
    };
    let by_name = classify::by_name(display);
    if by_name.is_none()
        && (classify::is_scenario_bookkeeping(display) || !classify::may_be_interesting(text))
    {
        return skip("not a policy-gate file");
    }
    let source = SourceFile::new(display, text);
    let mut parse_issues: Vec<ParseIssue> = utf8_issue.into_iter().collect();
    let mut schema_issues: Vec<SchemaIssue> = Vec::new();
    let mut sections: Vec<BoundSection> = Vec::new();
    let mut references: Vec<String> = Vec::new();
    let mut reference_spans: Vec<Reference> = Vec::new();
    let classified: Option<Classified>;
    // The Gait model stage: a Gait policy is loaded once, from the tree parsed above.
    let mut gait_loaded: Option<Result<Policy, Vec<PolicyError>>> = None;
    // The parsed tree, and what of it to bind and validate (pointer, target, section).
    let mut tree: Option<parse::Node> = None;
    let mut to_check: Vec<(String, Target, Option<classify::Section>)> = Vec::new();

    if by_name == Some(FileKind::Config) {
        let document = config::parse_toml(text);
        parse_issues.extend(document.issues);
        tree = document.root;
        to_check.push((String::new(), Target::Config, None));
        classified = Some(Classified {
            kind: FileKind::Config,
            sections: Vec::new(),
        });
    } else if display.to_ascii_lowercase().ends_with(".jsonl") {
        let kind = by_name.or_else(|| jsonl_kind(text));
        let Some(kind) = kind else {
            return skip("not a policy-gate file");
        };
        for (index, (start, line)) in jsonl_lines(text).enumerate() {
            let document = parse::json::parse(line, start);
            parse_issues.extend(document.issues);
            if index == 0
                && kind == FileKind::FixtureSuite
                && let Some(header) = &document.root
            {
                (references, reference_spans) = suite_references(display, header);
            }
            if kind == FileKind::GaitIntents
                && let Some(root) = document.root
            {
                check_section(
                    &root,
                    "",
                    Target::GaitIntent,
                    &mut schema_issues,
                    &mut Vec::new(),
                    None,
                );
            }
        }
        classified = Some(Classified {
            kind,
            sections: Vec::new(),
        });
    } else {
        let Some(format) = format_of(display) else {
            return skip("not a YAML or JSON file");
        };
        let Document { root, issues } = if parse_issues.is_empty() {
            parse::parse(text, format)
        } else {
            Document::default()
        };
        parse_issues.extend(issues);
        classified = match &root {
            Some(root) => classify::by_content(display, root),
            // Unparseable: report it when its name says it is ours, or it mentions our keys.
            None => Some(Classified {
                kind: by_name.unwrap_or(FileKind::StellaOps),
                sections: Vec::new(),
            }),
        };
        let Some(found) = &classified else {
            return skip("not a policy-gate file");
        };
        let usable = !parse_issues.iter().any(ParseIssue::is_fatal);
        if let (Some(root), FileKind::FixtureSuite) = (&root, found.kind) {
            (references, reference_spans) = suite_references(display, root);
        }
        if usable {
            for section in &found.sections {
                to_check.push((
                    section.pointer.clone(),
                    section.target,
                    Some(section.clone()),
                ));
            }
        }
        if usable && found.kind == FileKind::GaitPolicy {
            gait_loaded = Some(policy::load_policy_tree(root.as_ref(), &parse_issues));
        }
        tree = root;
    }
    if let Some(root) = &tree {
        for (pointer, target, section) in to_check {
            let Some(node) = parse::pointer::resolve(root, &pointer) else {
                continue;
            };
            check_section(
                node.node,
                &pointer,
                target,
                &mut schema_issues,
                &mut sections,
                section,
            );
        }
    }
    let raw_root = tree.as_ref();
    let Some(classified) = classified else {
        return skip("not a policy-gate file");
    };
    let refused = match read {
        Some((reader, path)) => refused_references(reader, path, &reference_spans),
        None => Vec::new(),
    };
    let cx = FileContext {
        refused: &refused,
        source: &source,
        parse_issues: &parse_issues,
        schema_issues: &schema_issues,
        classified: Some(&classified),
        sections: &sections,
        tree: raw_root,
        gait_policy: gait_loaded.as_ref().and_then(|loaded| loaded.as_ref().ok()),
        gait_errors: match &gait_loaded {
            Some(Err(errors)) => errors,
            _ => &[],
        },
    };
    let mut findings = Vec::new();
    for rule in registry::RULES {
        if validate_only && !rule.meta().invalid_input {
            continue;
        }
        rule.check_file(&cx, &mut findings);
    }
    // `validate` runs no project rules and no replay: nothing after this needs the trees.
    let project = if validate_only {
        sections.clear();
        None
    } else {
        let gait_policy = gait_loaded.and_then(Result::ok);
        project_file(&source, &classified, &sections, gait_policy, raw_root)
    };
    FileOutcome {
        scanned: Some(ScannedFile {
            source,
            kind: classified.kind.name(),
        }),
        findings,
        skipped: None,
        sections: sections.into_iter().map(BoundSection::into_owned).collect(),
        references,
        reference_spans,
        project,
    }
}

/// The models of one file for the project rules: the Stella Ops model built from the bound
/// sections (each laid back at its pointer), or the loaded Gait policy.
fn project_file(
    source: &SourceFile,
    classified: &Classified,
    sections: &[BoundSection<'_>],
    gait_policy: Option<Policy>,
    raw_root: Option<&parse::Node>,
) -> Option<ProjectFile> {
    let mut file = ProjectFile {
        source: source.clone(),
        kind: classified.kind.name(),
        stella: None,
        gait: None,
        tree: None,
    };
    match classified.kind {
        FileKind::StellaOps | FileKind::Determinization => {
            let root = section_root(sections)?;
            file.tree = raw_root.cloned();
            file.stella = Some(crate::stellaops::model::build(&[(
                source.path.as_ref(),
                &root,
            )]));
        }
        FileKind::GaitPolicy => {
            file.gait = Some(gait_policy?);
            file.tree = sections
                .first()
                .map(|bound| bound.node.clone().into_owned());
        }
        _ => return None,
    }
    Some(file)
}

/// One document holding every bound section at its pointer.
fn section_root(sections: &[BoundSection<'_>]) -> Option<parse::Node> {
    use parse::{Entry, Key, Node, Value};
    let mut entries: Vec<Entry> = Vec::new();
    for bound in sections {
        let pointer = &bound.section.pointer;
        if pointer.is_empty() {
            return Some(bound.node.clone().into_owned());
        }
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut node = bound.node.clone().into_owned();
        let mut top = None;
        for segment in segments.iter().rev() {
            let entry = Entry {
                key: Key {
                    text: segment.clone(),
                    span: bound.node.span,
                },
                value: node,
            };
            node = Node::new(bound.node.span, Value::Map(vec![entry.clone()]));
            top = Some(entry);
        }
        entries.extend(top);
    }
    if entries.is_empty() {
        return None;
    }
    Some(Node::new(Span::at(0), Value::Map(entries)))
}

/// The references of a suite at `path` the reader refuses to read (outside the workspace, a
/// link, not a regular file). A missing file is the replay's to report.
fn refused_references(
    reader: &Reader,
    path: &Path,
    references: &[Reference],
) -> Vec<RefusedReference> {
    let dir = path.parent().unwrap_or_else(|| Path::new(""));
    references
        .iter()
        .filter_map(|reference| match reader.check(&dir.join(&reference.text)) {
            Ok(_) | Err(ReadError::Missing { .. }) => None,
            Err(problem) => Some(RefusedReference {
                text: reference.text.clone(),
                span: reference.span,
                pointer: reference.pointer.clone(),
                problem,
            }),
        })
        .collect()
}

/// A file a suite's header names, as written, with where it is written.
#[derive(Clone, Debug)]
pub struct Reference {
    pub text: String,
    pub span: Span,
    pub pointer: String,
}

/// The policy and determinization files a suite's header names: as display paths, and as
/// written with their locations.
fn suite_references(display: &str, header: &parse::Node) -> (Vec<String>, Vec<Reference>) {
    let dir = Path::new(display).parent().unwrap_or_else(|| Path::new(""));
    let mut out = Vec::new();
    let mut written = Vec::new();
    for key in ["policy", "determinization"] {
        let items: Vec<(String, &parse::Node)> = match header.get(key) {
            Some(node) => match node.as_seq() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .map(|(at, item)| (format!("/{key}/{at}"), item))
                    .collect(),
                None => vec![(format!("/{key}"), node)],
            },
            None => Vec::new(),
        };
        for (pointer, item) in items {
            let Some(text) = item.as_str() else {
                continue;
            };
            out.push(discover::normalize_display(&dir.join(text)));
            written.push(Reference {
                text: text.to_owned(),
                span: item.span,
                pointer,
            });
        }
    }
    (out, written)
}

fn check_section<'n>(
    node: &'n parse::Node,
    pointer: &str,
    target: Target,
    issues: &mut Vec<SchemaIssue>,
    sections: &mut Vec<BoundSection<'n>>,
    section: Option<classify::Section>,
) {
    match schema::check(node, pointer, target) {
        Ok(checked) => {
            issues.extend(checked.issues);
            if let Some(section) = section {
                sections.push(BoundSection {
                    section,
                    node: checked.bound,
                });
            }
        }
        Err(bug) => issues.push(SchemaIssue {
            kind: schema::IssueKind::Other,
            span: Span::at(0),
            pointer: pointer.to_owned(),
            message: bug.to_string(),
        }),
    }
}

/// Non-empty lines of a JSONL text with their byte offsets.
fn jsonl_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        (!trimmed.trim().is_empty()).then_some((start, trimmed))
    })
}

/// A `.jsonl` of Gait intents: its first object has a `tool_name`.
fn jsonl_kind(text: &str) -> Option<FileKind> {
    let (start, line) = jsonl_lines(text).next()?;
    let document = parse::json::parse(line, start);
    let root = document.root?;
    root.get("tool_name").map(|_| FileKind::GaitIntents)
}

/// Resolves the configuration: `--config`, else `gatelint.toml` in the working directory.
pub fn load_config(explicit: Option<&Path>) -> Result<(Config, Option<FileOutcome>), UsageError> {
    let path = match explicit {
        Some(path) => Some(path),
        None => config::default_path(),
    };
    let Some(path) = path else {
        return Ok((Config::default(), None));
    };
    let display = discover::display_path(path);
    let reader = Reader::new(std::slice::from_ref(&path.to_path_buf()));
    let bytes = read_bounded(&reader, path).map_err(|error| UsageError::Config {
        path: display.clone(),
        message: error.to_string(),
    })?;
    let (text, utf8) = parse::decode(&bytes);
    let mut outcome = analyze_text(&display, &text, utf8, true, true);
    if outcome.scanned.is_none() {
        // A config under another name: analyse it as a config all the same.
        outcome = analyze_text("gatelint.toml", &text, None, true, true);
        if let Some(scanned) = &mut outcome.scanned {
            scanned.source.path = Arc::from(display.as_str());
        }
        for finding in &mut outcome.findings {
            finding.primary.path = Arc::from(display.as_str());
        }
    }
    let invalid = outcome
        .findings
        .iter()
        .any(|finding| finding.severity == Severity::Error);
    let config = if invalid {
        Config::default()
    } else {
        let document = config::parse_toml(&text);
        document
            .root
            .as_ref()
            .map(config::from_node)
            .transpose()
            .map_err(|message| UsageError::Config {
                path: display.clone(),
                message,
            })?
            .unwrap_or_default()
    };
    Ok((config, Some(outcome)))
}

fn check_rule_ids(ids: &[String]) -> Result<(), UsageError> {
    for id in ids {
        if id == "all" || registry::find(id).is_some() {
            continue;
        }
        let suggestion = crate::schema::suggest(id, registry::all().map(|meta| meta.id.as_str()));
        return Err(UsageError::UnknownRule {
            id: id.clone(),
            suggestion,
        });
    }
    Ok(())
}

/// Runs `check` (or `validate`) and builds the report.
pub fn run_check(options: &CheckOptions) -> Result<Report, UsageError> {
    let (config, config_outcome) = load_config(options.config.as_deref())?;
    let select: Vec<String> = options
        .select
        .iter()
        .chain(&config.select)
        .cloned()
        .collect();
    let ignore: Vec<String> = options
        .ignore
        .iter()
        .chain(&config.ignore)
        .cloned()
        .collect();
    check_rule_ids(&select)?;
    check_rule_ids(&ignore)?;
    for id in config.severity.keys() {
        check_rule_ids(std::slice::from_ref(id))?;
    }
    for entry in &config.overrides {
        check_rule_ids(&entry.select)?;
        check_rule_ids(&entry.ignore)?;
        for id in entry.severity.keys() {
            check_rule_ids(std::slice::from_ref(id))?;
        }
    }
    let fail_on = options
        .fail_on
        .or_else(|| config.fail_on.as_deref().and_then(FailOn::parse))
        .unwrap_or(FailOn::At(Severity::Error));
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let excludes = Excludes::new(&config.exclude)?;
    let candidates = discover::discover(&paths, &excludes)?;
    let reader = Reader::new(&paths);
    let validate_run = ProjectRun {
        validate_only: true,
        require_reason: config.require_suppression_reason,
        ..ProjectRun::default()
    };
    let mut outcomes: Vec<FileOutcome> = candidates
        .par_iter()
        .map(|candidate| {
            let outcome = analyze_candidate(candidate, &reader, options.validate_only);
            if !options.validate_only {
                return outcome;
            }
            // `validate` has no project stage: each file is finished where it was analysed,
            // and a file without findings gives its text back at once.
            let (mut finished, _) = finish(vec![outcome], &validate_run);
            let mut outcome = finished.pop().unwrap_or_default();
            let quoted = quoted_paths(&outcome.findings);
            release_unquoted(&mut outcome, &quoted);
            outcome
        })
        .collect();
    let mut replay_cases = Vec::new();
    if !options.validate_only {
        replay::check_fixtures(
            &reader,
            &candidates,
            &mut outcomes,
            &config,
            options.shard,
            &mut replay_cases,
        );
    }
    let baseline = match &options.baseline_ref {
        Some(reference) if !options.validate_only => Some(read_git_baseline(reference, &outcomes)?),
        _ => None,
    };
    let mut verdict_diff = None;
    if let (Some(reference), Some(baseline)) = (&options.baseline_ref, &baseline) {
        let suites: Vec<verdict_diff::SuiteInput> = outcomes
            .iter()
            .filter_map(|outcome| outcome.scanned.as_ref())
            .filter(|scanned| scanned.kind == "fixture-suite")
            .map(|scanned| verdict_diff::SuiteInput {
                path: PathBuf::from(scanned.source.path.as_ref()),
                display: scanned.source.path.to_string(),
            })
            .collect();
        let candidate_files: Vec<&ProjectFile> = outcomes
            .iter()
            .filter_map(|outcome| outcome.project.as_ref())
            .collect();
        let (summary, found) = diff_run::check_diff(
            &reader,
            reference,
            &suites,
            &config,
            &candidate_files,
            baseline,
        )?;
        for finding in found {
            if let Some(outcome) = outcomes.iter_mut().find(|outcome| {
                outcome
                    .scanned
                    .as_ref()
                    .is_some_and(|scanned| scanned.source.path == finding.primary.path)
            }) {
                outcome.findings.push(finding);
            }
        }
        verdict_diff = Some(summary);
    }
    let run = ProjectRun {
        validate_only: options.validate_only,
        baseline: baseline.as_ref(),
        replay: None,
        require_reason: config.require_suppression_reason,
    };
    let outcomes = if options.validate_only {
        outcomes
    } else {
        let (mut outcomes, _project) = finish(outcomes, &run);
        let quoted = quoted_paths(outcomes.iter().flat_map(|outcome| &outcome.findings));
        for outcome in &mut outcomes {
            release_unquoted(outcome, &quoted);
        }
        outcomes
    };

    let mut files = BTreeMap::new();
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for outcome in config_outcome.into_iter().chain(outcomes) {
        if let Some(scanned) = outcome.scanned {
            files.insert(scanned.source.path.clone(), scanned);
        }
        findings.extend(outcome.findings);
        skipped.extend(outcome.skipped);
    }
    let walked_dirs: Vec<&PathBuf> = paths.iter().filter(|path| path.is_dir()).collect();
    if files.is_empty() && !walked_dirs.is_empty() && !options.allow_empty {
        let names: Vec<String> = walked_dirs
            .iter()
            .map(|path| discover::display_path(path))
            .collect();
        return Err(UsageError::NothingToCheck(names.join("`, `")));
    }

    let findings = filter_findings(findings, &select, &ignore, &config);
    let mut rules = BTreeMap::new();
    for meta in registry::all() {
        rules.insert(meta.id, meta);
    }
    let mut exit = Exit::Success;
    for finding in &findings {
        let meta = registry::find(finding.rule.as_str());
        let invalid = meta.is_some_and(|meta| meta.invalid_input);
        let regression = meta.is_some_and(|meta| meta.regression);
        if invalid && finding.severity == Severity::Error {
            exit = exit.max(Exit::InvalidInput);
        } else if regression && finding.severity == Severity::Error {
            exit = exit.max(Exit::Regression);
        } else if let FailOn::At(threshold) = fail_on
            && finding.severity >= threshold
        {
            exit = exit.max(Exit::Blocked);
        }
    }
    if options.exit_zero {
        exit = Exit::Success;
    }
    skipped.sort();
    Ok(Report {
        command: if options.validate_only {
            "validate"
        } else {
            "check"
        },
        files,
        findings,
        rules,
        skipped,
        cases: replay_cases,
        passed_omitted: 0,
        fail_on: match fail_on {
            FailOn::At(severity) => Some(severity),
            FailOn::Never => None,
        },
        exit,
        diff: verdict_diff,
    })
}

/// Every file a finding locates something in (primary or related).
fn quoted_paths<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> BTreeSet<Arc<str>> {
    findings
        .into_iter()
        .flat_map(|finding| {
            std::iter::once(&finding.primary.path)
                .chain(finding.related.iter().map(|related| &related.location.path))
        })
        .cloned()
        .collect()
}

/// Releases the text of a file no finding locates anything in: only findings are rendered
/// from it, so a large scan need not hold every file until the report.
fn release_unquoted(outcome: &mut FileOutcome, quoted: &BTreeSet<Arc<str>>) {
    if let Some(scanned) = &mut outcome.scanned
        && !quoted.contains(&scanned.source.path)
    {
        scanned.source.release_text();
    }
}

/// The baseline versions (at git `reference`) of every analysed file with a model.
fn read_git_baseline(
    reference: &str,
    outcomes: &[FileOutcome],
) -> Result<ProjectFiles, UsageError> {
    let paths: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| outcome.project.as_ref())
        .map(|file| file.source.path.to_string())
        .collect();
    let texts = crate::diff::git::read_baseline(Path::new("."), reference, &paths)?;
    let raw: Vec<FileOutcome> = texts
        .iter()
        .filter_map(|(path, text)| {
            text.as_ref()
                .map(|text| analyze_unsuppressed(path, text, None, true, false))
        })
        .collect();
    Ok(baseline_files(raw))
}

/// Applies `--select`/`--ignore`, config ignores and severity overrides, then sorts.
fn filter_findings(
    findings: Vec<Finding>,
    select: &[String],
    ignore: &[String],
    config: &Config,
) -> Vec<Finding> {
    let selected = |id: &str| {
        let chosen = select.is_empty() || select.iter().any(|rule| rule == id || rule == "all");
        let dropped = ignore.iter().any(|rule| rule == id || rule == "all");
        chosen && !dropped
    };
    let overrides: Vec<(globset::GlobMatcher, &config::Override)> = config
        .overrides
        .iter()
        .filter_map(|entry| {
            globset::Glob::new(&entry.path)
                .ok()
                .map(|glob| (glob.compile_matcher(), entry))
        })
        .collect();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            let id = finding.rule.as_str();
            let mut keep = selected(id);
            if let Some(severity) = config.severity_override(id) {
                finding.severity = severity;
            }
            // Per-path settings, after the top-level ones; later overrides win.
            for (matcher, entry) in &overrides {
                if !matcher.is_match(finding.primary.path.as_ref()) {
                    continue;
                }
                if !entry.select.is_empty() {
                    keep = entry.select.iter().any(|rule| rule == id || rule == "all")
                        && !ignore.iter().any(|rule| rule == id || rule == "all");
                }
                if entry.ignore.iter().any(|rule| rule == id || rule == "all") {
                    keep = false;
                }
                if let Some(severity) = entry
                    .severity
                    .get(id)
                    .and_then(|name| Severity::parse(name))
                {
                    finding.severity = severity;
                }
            }
            (keep && !ignored_by_config(config, &finding.primary, id)).then_some(finding)
        })
        .collect();
    sort_findings(&mut out);
    out
}

fn ignored_by_config(config: &Config, location: &Location, rule: &str) -> bool {
    config.ignores.iter().any(|entry| {
        if entry.rule != rule && entry.rule != "all" {
            return false;
        }
        let path_matches = globset::Glob::new(&entry.path)
            .map(|glob| glob.compile_matcher().is_match(location.path.as_ref()))
            .unwrap_or(false);
        let key_matches = entry.key.as_deref().is_none_or(|key| {
            location.pointer == key || location.pointer.starts_with(&format!("{key}/"))
        });
        path_matches && key_matches
    })
}

/// Rule metadata by id, for `gatelint rule ID`.
pub fn rule(id: &str) -> Result<&'static RuleMeta, UsageError> {
    registry::find(id).ok_or_else(|| UsageError::UnknownRule {
        id: id.to_owned(),
        suggestion: crate::schema::suggest(id, registry::all().map(|meta| meta.id.as_str())),
    })
}

/// What `test` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    pub paths: Vec<PathBuf>,
    /// `--policy P INTENT...`: evaluate bare Gait intents against one policy.
    pub policy: Option<PathBuf>,
    pub gait: crate::gait::command::EvalOptions,
    pub shard: Option<crate::replay::runner::Shard>,
    pub config: Option<PathBuf>,
    /// Keep passing cases in the report (JUnit lists every case); otherwise only failures
    /// are kept and passing ones are counted, so a huge suite replays in constant memory.
    pub keep_passed: bool,
}

/// Runs `test`: Gait scenario directories, and bare intents against `--policy`.
pub fn run_test(options: &TestOptions) -> Result<Report, UsageError> {
    use crate::gait::command;
    use crate::report::{CaseOutcome, CaseStatus};
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut cases = Vec::new();
    let mut passed_omitted = 0;
    let mut exit = Exit::Success;
    let mut files = BTreeMap::new();
    let mut findings = Vec::new();
    if let Some(policy) = &options.policy {
        let suite: Arc<str> = Arc::from(discover::display_path(policy));
        let mut named = options.gait.named_paths();
        named.push(policy.clone());
        named.extend(paths.iter().cloned());
        let reader = Reader::new(&named);
        for intent in &paths {
            let evaluation = command::evaluate_files(&reader, policy, intent, &options.gait);
            let code = command::exit_code(&evaluation);
            let verdict = evaluation
                .as_ref()
                .ok()
                .map(|outcome| outcome.verdict.as_str().to_owned());
            let message = evaluation.as_ref().err().map(ToString::to_string);
            exit = exit.max(Exit::from_code(i64::from(code)));
            cases.push(CaseOutcome {
                suite: suite.clone(),
                name: discover::display_path(intent),
                status: if code == 6 {
                    CaseStatus::Failed
                } else {
                    CaseStatus::Passed
                },
                message,
                expected: None,
                actual: verdict,
            });
        }
    } else {
        for path in &paths {
            if !path.exists() {
                return Err(discover::DiscoverError::Missing(path.display().to_string()).into());
            }
        }
        let (config, _) = load_config(options.config.as_deref())?;
        let reader = Reader::new(&paths);
        let gait = gait_replay::GaitCases::default();
        let (suites_exit, omitted) = replay_suites(
            &reader,
            &paths,
            options.shard,
            &config,
            options.keep_passed,
            &gait,
            &mut cases,
        );
        passed_omitted = omitted;
        exit = exit.max(suites_exit);
        let mut registries = gait.registry_uses();
        exit = exit.max(replay_scenarios(
            &reader,
            &paths,
            &mut cases,
            &mut registries,
        ));
        // The registries the replays read are reported beside the cases; as advice they leave
        // the exit code to the cases.
        let mut outcomes = Vec::new();
        script_registry::add_findings(&reader, &registries, &mut outcomes);
        let run = ProjectRun {
            validate_only: true,
            require_reason: config.require_suppression_reason,
            ..ProjectRun::default()
        };
        for outcome in finish(outcomes, &run).0 {
            if let Some(scanned) = outcome.scanned {
                files.insert(scanned.source.path.clone(), scanned);
            }
            findings.extend(outcome.findings);
        }
    }
    if cases.is_empty() && passed_omitted == 0 {
        let names: Vec<String> = paths
            .iter()
            .map(|path| discover::display_path(path))
            .collect();
        return Err(UsageError::NothingToTest(names.join("`, `")));
    }
    sort_findings(&mut findings);
    let rules = findings
        .iter()
        .filter_map(|finding| registry::find(finding.rule.as_str()))
        .map(|meta| (meta.id, meta))
        .collect();
    Ok(Report {
        command: "test",
        files,
        findings,
        rules,
        skipped: Vec::new(),
        cases,
        passed_omitted,
        fail_on: None,
        exit,
        diff: None,
    })
}

/// Semantics options from the config's `[stellaops]` table.
pub(crate) fn semantics(config: &Config) -> crate::stellaops::semantics::SemanticsOptions {
    config
        .stellaops
        .clone()
        .and_then(|table| serde_json::from_value(table).ok())
        .unwrap_or_default()
}

/// Replays the fixture suites under `paths` into `cases` (passing cases only when
/// `keep_passed`); returns the exit and how many passing cases were not kept.
fn replay_suites(
    reader: &Reader,
    paths: &[PathBuf],
    shard: Option<crate::replay::runner::Shard>,
    config: &Config,
    keep_passed: bool,
    gait: &gait_replay::GaitCases,
    cases: &mut Vec<crate::report::CaseOutcome>,
) -> (Exit, usize) {
    use crate::replay::runner::{self, CaseStatus as Replayed, TestOptions as ReplayOptions};
    use crate::report::{CaseOutcome, CaseStatus};
    let options = ReplayOptions {
        shard,
        semantics: semantics(config),
        keep_passed,
        gait: Some(gait),
        files: Some(reader),
        ..ReplayOptions::default()
    };
    let outcome = runner::test_command(paths, &options);
    let kept_passed: usize = outcome
        .suites
        .iter()
        .flat_map(|suite| &suite.cases)
        .filter(|case| case.status == Replayed::Passed)
        .count();
    let omitted = outcome.passed.saturating_sub(kept_passed);
    for suite in &outcome.suites {
        let name: Arc<str> = Arc::from(discover::display_path(Path::new(&suite.path)));
        if let Some(error) = &suite.error {
            cases.push(CaseOutcome {
                suite: name.clone(),
                name: "(suite)".to_owned(),
                status: CaseStatus::Failed,
                message: Some(error.clone()),
                expected: None,
                actual: None,
            });
        }
        for case in &suite.cases {
            let message = match case.status {
                Replayed::Passed => None,
                Replayed::Failed => Some(case.mismatches.join("; ")),
                Replayed::Error => case.error.clone(),
            };
            cases.push(CaseOutcome {
                suite: name.clone(),
                name: case.name.clone(),
                status: if case.status == Replayed::Passed {
                    CaseStatus::Passed
                } else {
                    CaseStatus::Failed
                },
                message,
                expected: case.expected.as_ref().map(|expect| expect.verdict.clone()),
                actual: case.actual.as_ref().map(|actual| actual.verdict.clone()),
            });
        }
    }
    (outcome.exit(), omitted)
}

/// Runs the Gait scenario directories under `paths` into `cases`, noting the approved-script
/// registries they read in `registries`.
fn replay_scenarios(
    reader: &Reader,
    paths: &[PathBuf],
    cases: &mut Vec<crate::report::CaseOutcome>,
    registries: &mut BTreeMap<PathBuf, Vec<crate::gait::registry::RegistryUse>>,
) -> Exit {
    use crate::gait::command::{self, ScenarioStatus};
    use crate::report::{CaseOutcome, CaseStatus};
    let mut dirs = Vec::new();
    for path in paths.iter().filter(|path| path.is_dir()) {
        dirs.extend(discover::scenario_dirs(path));
    }
    for dir in &dirs {
        if let Some((path, usage)) = command::scenario_registry_use(reader, dir) {
            registries.entry(path).or_default().push(usage);
        }
    }
    let results: Vec<(PathBuf, command::ScenarioResult)> = dirs
        .par_iter()
        .map(|dir| (dir.clone(), command::run_scenario_dir(reader, dir)))
        .collect();
    let mut exit = Exit::Success;
    for (dir, result) in results {
        let (status, message) = match result.status {
            ScenarioStatus::Passed => (CaseStatus::Passed, None),
            ScenarioStatus::Failed(reasons) => (CaseStatus::Failed, Some(reasons.join("; "))),
            ScenarioStatus::Skipped(reason) => (CaseStatus::Skipped, Some(reason)),
        };
        if status == CaseStatus::Failed {
            exit = exit.max(Exit::Regression);
        }
        let actual = result
            .runs
            .first()
            .and_then(|run| run.as_ref().ok())
            .map(|outcome| outcome.verdict.as_str().to_owned());
        cases.push(CaseOutcome {
            suite: Arc::from(discover::display_path(&dir)),
            name: result.name,
            status,
            message,
            expected: None,
            actual,
        });
    }
    exit
}

/// Why `eval --input` gave no decision (exit 6).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Usage(#[from] UsageError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{path}` is {found}, not a Stella Ops configuration; {hint}")]
    NotStellaOps {
        path: String,
        found: String,
        hint: &'static str,
    },
    #[error("{location}: {message} ({rule})")]
    Invalid {
        location: String,
        message: String,
        rule: String,
    },
    #[error(transparent)]
    Replay(#[from] crate::replay::runner::ReplayError),
}

/// `eval --input`: one Stella Ops decision, explained. Every policy file must be a valid Stella
/// Ops gate or determinization configuration: anything else would evaluate the built-in
/// defaults without a word.
pub fn run_stellaops_eval(
    policies: &[PathBuf],
    input: &Path,
    determinization: &[PathBuf],
    config: Option<&Path>,
) -> Result<crate::replay::runner::EvalOutcome, EvalError> {
    let (config, _) = load_config(config)?;
    let named: Vec<PathBuf> = policies
        .iter()
        .chain(determinization)
        .cloned()
        .chain(std::iter::once(input.to_path_buf()))
        .collect();
    let reader = Reader::new(&named);
    for path in policies.iter().chain(determinization) {
        let display = discover::display_path(path);
        let candidate = Candidate {
            display: display.clone(),
            path: path.clone(),
            explicit: true,
        };
        reader.check(path)?;
        let outcome = analyze_candidate(&candidate, &reader, true);
        let kind = outcome.scanned.as_ref().map(|scanned| scanned.kind);
        let stella = [FileKind::StellaOps.name(), FileKind::Determinization.name()];
        match kind {
            Some(kind) if stella.contains(&kind) => {}
            Some(kind) => {
                return Err(EvalError::NotStellaOps {
                    path: display,
                    found: FileKind::describe(kind),
                    hint: if kind == FileKind::GaitPolicy.name() {
                        "evaluate a Gait intent with `--intent`"
                    } else {
                        "`--policy` names Stella Ops gate configurations (`policy-gates.yaml`, appsettings)"
                    },
                });
            }
            None => {
                let reason = outcome
                    .skipped
                    .map(|skipped| skipped.reason)
                    .unwrap_or_else(|| "not a policy-gate file".to_owned());
                return Err(EvalError::NotStellaOps {
                    path: display,
                    found: format!(
                        "not a policy-gate file ({reason}: no Stella Ops gate, determinization or `Policy:Gates` settings)"
                    ),
                    hint: "`--policy` names Stella Ops gate configurations (`policy-gates.yaml`, appsettings)",
                });
            }
        }
        if let (Some(scanned), Some(finding)) = (
            &outcome.scanned,
            outcome.findings.iter().find(|finding| {
                finding.severity == Severity::Error
                    && registry::find(finding.rule.as_str()).is_some_and(|meta| meta.invalid_input)
            }),
        ) {
            let start = scanned
                .source
                .region(finding.primary.span, crate::span::ColumnUnit::Chars)
                .start;
            return Err(EvalError::Invalid {
                location: format!("{display}:{}:{}", start.line, start.column),
                message: finding.message.clone(),
                rule: finding.rule.to_string(),
            });
        }
    }
    crate::replay::runner::eval_command(
        &reader,
        policies,
        input,
        determinization,
        &semantics(&config),
    )
    .map_err(EvalError::from)
}
