//! The one sample report every reporter test renders: several files (a tab-indented JSON file, a
//! YAML line with non-ASCII text, a multi-line span), findings of every severity with related
//! locations and help, a skipped path and replayed fixture cases in two suites.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use gatelint::classify::FileKind;
use gatelint::declare_rule;
use gatelint::exit::Exit;
use gatelint::finding::{Location, Severity, sort_findings};
use gatelint::report::{CaseOutcome, CaseStatus, Report, ScannedFile, Skipped};
use gatelint::rules::RuleMeta;
use gatelint::source::SourceFile;
use gatelint::span::Span;

declare_rule! {
    /// ## What it does
    /// Flags keys that are not options of the section they appear in.
    ///
    /// ## Why is this bad?
    /// .NET configuration binding ignores unknown keys, so a typo silently keeps the default.
    ///
    /// ## Example
    /// ```yaml
    /// MinCompositScore: 0.8
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// MinCompositeScore: 0.8
    /// ```
    pub struct UnknownKey {
        id: "unknown-key",
        summary: "key is not a known option",
        severity: Error,
        since: "0.1.0",
    }
}

declare_rule! {
    /// ## What it does
    /// Flags scores outside `0..1`.
    ///
    /// ## Why is this bad?
    /// A threshold above 1 can never be met, so the gate blocks everything.
    pub struct ScoreOutOfRange {
        id: "score-out-of-range",
        summary: "score is outside 0..1",
        severity: Error,
        since: "0.1.0",
        security_severity: "7.5",
    }
}

declare_rule! {
    /// ## What it does
    /// Flags a gate configured under two configuration roots.
    pub struct DuplicateGate {
        id: "duplicate-gate",
        summary: "gate is configured twice",
        severity: Warning,
        since: "0.1.0",
    }
}

declare_rule! {
    /// ## What it does
    /// Flags enum values that are not accepted.
    pub struct BadEnum {
        id: "bad-enum",
        summary: "value is not one of the accepted values",
        severity: Error,
        since: "0.1.0",
    }
}

declare_rule! {
    /// ## What it does
    /// Points out names that are hard to type.
    pub struct NonAsciiName {
        id: "non-ascii-name",
        summary: "name contains non-ASCII characters",
        severity: Note,
        since: "0.1.0",
    }
}

pub const GATES: &str = "policies/stellaops/gates.yaml";
pub const GATES_TEXT: &str = "\
Policy:
  Gates:
    VexTrust:
      MinCompositScore: 0.8
      Thresholds:
        production:
          MinCompositeScore: 1.5
    ExecutionEvidence:
      Enabled: true
";

pub const APPSETTINGS: &str = "config/appsettings.json";
pub const APPSETTINGS_TEXT: &str = "{\n\t\"Policy\": {\n\t\t\"Gates\": {\n\t\t\t\"ExecutionEvidence\": {\n\t\t\t\t\"Enabled\": true\n\t\t\t}\n\t\t}\n\t}\n}\n";

pub const POLICY: &str = "policies/gait/policy.yaml";
pub const POLICY_TEXT: &str = "\
schema_id: gait.gate.policy
rules:
  - name: \"Prüfung 😀 für Käufer\"
    effect: allw
";

pub const FIXTURES: &str = "fixtures/gait.fixtures.yaml";
pub const FIXTURES_TEXT: &str = "cases: []\n";

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len())
}

fn location(path: &str, text: &str, needle: &str, pointer: &str) -> Location {
    Location::new(Arc::from(path), span_of(text, needle), pointer)
}

fn file(path: &str, text: &str, kind: FileKind) -> (Arc<str>, ScannedFile) {
    (
        Arc::from(path),
        ScannedFile {
            source: SourceFile::new(path, text),
            kind,
        },
    )
}

fn rules() -> BTreeMap<gatelint::finding::RuleId, &'static RuleMeta> {
    let metas: [&'static RuleMeta; 5] = [
        &UnknownKey::META,
        &ScoreOutOfRange::META,
        &DuplicateGate::META,
        &BadEnum::META,
        &NonAsciiName::META,
    ];
    metas.into_iter().map(|meta| (meta.id, meta)).collect()
}

/// The sample report.
pub fn sample() -> Report {
    let evidence_start = APPSETTINGS_TEXT.find("{\n\t\t\t\t\"Enabled\"").unwrap();
    let evidence_end = APPSETTINGS_TEXT.find("}\n\t\t}").unwrap() + 1;
    let mut findings = vec![
        UnknownKey::META
            .finding(
                location(
                    GATES,
                    GATES_TEXT,
                    "MinCompositScore",
                    "/Policy/Gates/VexTrust/MinCompositScore",
                ),
                "unknown key `MinCompositScore` in `VexTrust`",
            )
            .with_help("did you mean `MinCompositeScore`?"),
        ScoreOutOfRange::META.finding(
            location(
                GATES,
                GATES_TEXT,
                "1.5",
                "/Policy/Gates/VexTrust/Thresholds/production/MinCompositeScore",
            ),
            "`MinCompositeScore` must be between 0 and 1, got `1.5`",
        ),
        DuplicateGate::META
            .finding(
                Location::new(
                    Arc::from(APPSETTINGS),
                    Span::new(evidence_start, evidence_end),
                    "/Policy/Gates/ExecutionEvidence",
                ),
                "gate `ExecutionEvidence` is configured under two roots",
            )
            .with_related(
                location(
                    GATES,
                    GATES_TEXT,
                    "ExecutionEvidence",
                    "/Policy/Gates/ExecutionEvidence",
                ),
                "also configured here",
            )
            .with_help("keep one of the two"),
        BadEnum::META
            .finding(
                location(POLICY, POLICY_TEXT, "allw", "/rules/0/effect"),
                "`allw` is not a valid effect",
            )
            .with_help("expected one of `allow`, `block`, `dry_run`, `require_approval`"),
        NonAsciiName::META
            .finding(
                location(
                    POLICY,
                    POLICY_TEXT,
                    "\"Prüfung 😀 für Käufer\"",
                    "/rules/0/name",
                ),
                "name has non-ASCII characters | 100% sure: a,b\nsecond line <b>*x*</b>",
            )
            .with_related(
                location(POLICY, POLICY_TEXT, "effect", "/rules/0/effect"),
                "the rule's effect",
            ),
    ];
    sort_findings(&mut findings);

    let suite: Arc<str> = Arc::from(FIXTURES);
    let other: Arc<str> = Arc::from("fixtures/a.fixtures.yaml");
    let cases = vec![
        CaseOutcome {
            suite: suite.clone(),
            name: "allows read".to_owned(),
            status: CaseStatus::Passed,
            message: None,
            expected: Some("allow".to_owned()),
            actual: Some("allow".to_owned()),
            location: None,
            line: None,
        },
        CaseOutcome {
            suite: suite.clone(),
            name: "blocks shell <rm -rf> & \"friends\"".to_owned(),
            status: CaseStatus::Failed,
            message: Some("verdict mismatch".to_owned()),
            expected: Some("block".to_owned()),
            actual: Some("allow".to_owned()),
            location: None,
            line: None,
        },
        CaseOutcome {
            suite,
            name: "needs approval".to_owned(),
            status: CaseStatus::Skipped,
            message: Some("requires `--simulate`".to_owned()),
            expected: None,
            actual: None,
            location: None,
            line: None,
        },
        CaseOutcome {
            suite: other,
            name: "dry run".to_owned(),
            status: CaseStatus::Passed,
            message: None,
            expected: Some("dry_run".to_owned()),
            actual: Some("dry_run".to_owned()),
            location: None,
            line: None,
        },
    ];

    Report {
        command: "check",
        files: [
            file(GATES, GATES_TEXT, FileKind::StellaOps),
            file(APPSETTINGS, APPSETTINGS_TEXT, FileKind::StellaOps),
            file(POLICY, POLICY_TEXT, FileKind::GaitPolicy),
            file(FIXTURES, FIXTURES_TEXT, FileKind::FixtureSuite),
        ]
        .into_iter()
        .collect(),
        findings,
        rules: rules(),
        skipped: vec![Skipped {
            path: "README.md".to_owned(),
            reason: "not a policy file".to_owned(),
        }],
        cases,
        passed_omitted: 0,
        fail_on: Some(Severity::Warning),
        exit: Exit::Regression,
        diff: None,
        fixed: None,
        config: None,
        shard: None,
    }
}

/// A run that found nothing.
pub fn empty() -> Report {
    Report {
        command: "check",
        files: [file(GATES, "Policy: {}\n", FileKind::StellaOps)]
            .into_iter()
            .collect(),
        findings: Vec::new(),
        rules: BTreeMap::new(),
        skipped: Vec::new(),
        cases: Vec::new(),
        passed_omitted: 0,
        fail_on: Some(Severity::Error),
        exit: Exit::Success,
        diff: None,
        fixed: None,
        config: None,
        shard: None,
    }
}
