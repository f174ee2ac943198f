//! The file stage every command shares: read a file through the reader, parse, classify,
//! bind and validate each section, run the file rules; then the project rules and inline
//! suppressions over all analysed files.

use std::path::Path;

use crate::classify::{self, Classified, FileKind};
use crate::config;
use crate::discover::{self, Candidate};
use crate::finding::Finding;
use crate::gait::policy::{self, Policy, PolicyError};
use crate::parse::{self, Document, Format, ParseIssue};
use crate::project::{ProjectFile, ProjectFiles};
use crate::report::{ScannedFile, Skipped};
use crate::rules::{
    BoundSection, FileContext, ProjectContext, RefusedReference, registry, suppress,
};
use crate::schema::{self, SchemaIssue, Target};
use crate::source::{ReadError, Reader, SourceFile, reader};
use crate::span::Span;

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
pub(super) fn analyze_candidate(
    candidate: &Candidate,
    reader: &Reader,
    validate_only: bool,
) -> FileOutcome {
    use crate::rules::{ReadContext, ReadResult, check_read};
    let unreadable = |reason: &str| FileOutcome {
        findings: check_read(&ReadContext {
            path: &std::sync::Arc::from(candidate.display.as_str()),
            read: ReadResult::Unreadable(reason),
        }),
        ..FileOutcome::default()
    };
    if let Some(reason) = &candidate.unreadable {
        return unreadable(reason);
    }
    let (bytes, oversize) = match read_candidate(reader, &candidate.path, &candidate.display) {
        Ok(read) => read,
        // Gone between the walk and the read: nothing to check.
        Err(error) if error.is_missing() => {
            return FileOutcome {
                skipped: Some(Skipped {
                    path: candidate.display.clone(),
                    reason: error.to_string(),
                }),
                ..FileOutcome::default()
            };
        }
        Err(error) => return unreadable(&error.reason()),
    };
    let (text, mut read_issue) = parse::decode(&bytes);
    if let Some(bytes) = oversize {
        // Not parsed at all: the prefix read serves only to classify the file.
        read_issue = Some(ParseIssue {
            kind: parse::IssueKind::TooLarge {
                bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            },
            span: Span::at(0),
        });
    }
    let mut outcome = analyze_read(
        &candidate.display,
        &text,
        read_issue,
        candidate.explicit,
        validate_only,
        Some((reader, &candidate.path)),
    );
    if let Some(scanned) = &outcome.scanned {
        let (encoding, _) = parse::Encoding::sniff(&bytes);
        outcome.findings.extend(check_read(&ReadContext {
            path: &scanned.source.path,
            read: ReadResult::Decoded(encoding),
        }));
    }
    outcome
}

/// Analyses the head of a JSONL fixture suite: its header and first case line, which is all the
/// file rules read of it (every line is read, and reported, by the replay itself). A suite
/// whose head is not within the first MiB is analysed whole.
pub(super) fn analyze_suite_head(candidate: &Candidate, reader: &Reader) -> FileOutcome {
    const HEAD_BYTES: u64 = 1024 * 1024;
    let head = reader
        .read_prefix(&candidate.path, HEAD_BYTES)
        .ok()
        .and_then(|(mut bytes, _)| {
            let end = jsonl_head_end(&bytes)?;
            bytes.truncate(end);
            Some(bytes)
        });
    let Some(bytes) = head else {
        return analyze_candidate(candidate, reader, true);
    };
    let (text, read_issue) = parse::decode(&bytes);
    analyze_read(
        &candidate.display,
        &text,
        read_issue,
        candidate.explicit,
        true,
        Some((reader, &candidate.path)),
    )
}

/// The end (after its newline) of the second non-blank line, if `bytes` hold one.
fn jsonl_head_end(bytes: &[u8]) -> Option<usize> {
    let mut lines = 0;
    let mut start = 0;
    for (at, byte) in bytes.iter().enumerate() {
        if *byte != b'\n' {
            continue;
        }
        if bytes
            .get(start..at)
            .is_some_and(|line| !line.trim_ascii().is_empty())
        {
            lines += 1;
            if lines == 2 {
                return Some(at + 1);
            }
        }
        start = at + 1;
    }
    None
}

/// A candidate's bytes: a document whole up to the document limit (of a larger one, the
/// prefix up to the limit, to classify it, and its real size), a JSONL file up to the JSONL
/// limit.
fn read_candidate(
    reader: &Reader,
    path: &Path,
    display: &str,
) -> Result<(Vec<u8>, Option<u64>), ReadError> {
    let jsonl = display.to_ascii_lowercase().ends_with(".jsonl");
    let limit = if jsonl {
        reader::MAX_JSONL_BYTES
    } else {
        reader::MAX_DOCUMENT_BYTES
    };
    match reader.read_capped(path, limit) {
        Err(ReadError::TooLarge { .. }) if !jsonl => reader
            .read_prefix(path, limit)
            .map(|(bytes, len)| (bytes, Some(len.max(limit + 1)))),
        other => other.map(|bytes| (bytes, None)),
    }
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
    /// `require-suppression-reason`: a suppression without a reason is an error.
    pub require_reason: bool,
    /// `[stellaops] default_environment_failure_action`; `None`: its default.
    pub default_failure_action: Option<crate::stellaops::bind::Action>,
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
            baseline: run.baseline,
            default_failure_action: run.default_failure_action.unwrap_or(
                crate::stellaops::semantics::SemanticsOptions::default()
                    .default_environment_failure_action,
            ),
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
    // A file named on the command line that is too large to read is reported as such, not
    // skipped for what its first bytes do not show.
    let oversize = explicit
        && utf8_issue
            .as_ref()
            .is_some_and(|issue| matches!(issue.kind, parse::IssueKind::TooLarge { .. }));
    if by_name.is_none()
        && !oversize
        && ((classify::is_scenario_bookkeeping(display)
            && !text.contains(classify::POLICY_SCHEMA_ID))
            || !classify::may_be_interesting(text))
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
            kind: classified.kind,
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
        kind: classified.kind,
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
