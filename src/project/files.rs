//! One analysed file as the project-level rules see it, and the model queries they share:
//! where a gate is written, production against the other environments, VexTrust bypasses.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::strictness;
use crate::gait::policy::Policy;
use crate::parse::Node;
use crate::source::SourceFile;
use crate::stellaops::config::Loc;
use crate::stellaops::model::StellaConfig;

/// One analysed file as the project-level rules see it: its text and its typed models.
#[derive(Clone, Debug)]
pub struct ProjectFile {
    pub source: SourceFile,
    /// What the file was classified as.
    pub kind: crate::classify::FileKind,
    /// The bound Stella Ops model of this file alone (gate and determinization sections).
    pub stella: Option<StellaConfig>,
    /// The loaded Gait policy.
    pub gait: Option<Policy>,
    /// The spanned tree of a Gait policy (to point at keys the loaded policy keeps no span for).
    pub tree: Option<Node>,
}

/// Analysed files by repository-relative path.
pub type ProjectFiles = BTreeMap<Arc<str>, ProjectFile>;

impl ProjectFile {
    /// The span of a model location; `None` for class defaults or another file's values.
    pub fn span_of(loc: Option<Loc>) -> Option<crate::span::Span> {
        loc.filter(|loc| loc.file == 0).map(|loc| loc.span)
    }

    /// A location in this file at the first of `locs` configured here (else the file start).
    pub fn location(&self, locs: &[Option<Loc>], pointer: &str) -> crate::finding::Location {
        let span = locs
            .iter()
            .find_map(|loc| Self::span_of(*loc))
            .unwrap_or_else(|| crate::span::Span::at(0));
        crate::finding::Location::new(self.source.path.clone(), span, pointer)
    }

    /// Whether a model location was written in this file.
    pub fn here(loc: Option<Loc>) -> bool {
        Self::span_of(loc).is_some()
    }
}

/// Where a gate's section key is written (under the root the service binds).
pub fn gate_loc(model: &StellaConfig, gate: crate::stellaops::model::GateId) -> Option<Loc> {
    let section = model.sections.iter().find(|section| section.gate == gate)?;
    section
        .roots
        .iter()
        .find(|(root, _)| *root == section.bound)
        .and_then(|(_, loc)| *loc)
}

/// Whether the file configures a gate section at all.
pub fn configured(model: &StellaConfig, gate: crate::stellaops::model::GateId) -> bool {
    model.sections.iter().any(|section| section.gate == gate)
}

/// Production compared with a less critical environment on one numeric threshold.
#[derive(Clone, Debug)]
pub struct Weaker {
    /// The environment production is weaker than.
    pub other: &'static str,
    pub value: f64,
    pub reference: f64,
    pub loc: Option<Loc>,
    pub reference_loc: Option<Loc>,
}

/// The first environment (staging, then development) whose value of a threshold is stricter
/// than production's, when at least one of the two values is written in the file.
pub fn production_weaker(
    get: impl Fn(&str) -> Option<(f64, Option<Loc>)>,
    direction: strictness::Direction,
) -> Option<Weaker> {
    let (value, loc) = get("production")?;
    for other in ["staging", "development"] {
        let Some((reference, reference_loc)) = get(other) else {
            continue;
        };
        if !(ProjectFile::here(loc) || ProjectFile::here(reference_loc)) {
            continue;
        }
        if direction.weaker(value, reference) {
            return Some(Weaker {
                other,
                value,
                reference,
                loc,
                reference_loc,
            });
        }
    }
    None
}

/// A finding for production being weaker than another environment on `key` of `gate`.
pub fn weaker_finding(
    rule: crate::finding::RuleId,
    severity: crate::finding::Severity,
    file: &ProjectFile,
    weaker: &Weaker,
    gate: &str,
    key: &str,
) -> crate::finding::Finding {
    let pointer = format!("/{gate}/production/{key}");
    let mut finding = crate::finding::Finding::new(
        rule,
        severity,
        file.location(&[weaker.loc, weaker.reference_loc], &pointer),
        format!(
            "{gate} production `{key}` {} is weaker than {}'s {}; production must be at least as strict",
            strictness::num(weaker.value),
            weaker.other,
            strictness::num(weaker.reference)
        ),
    );
    if ProjectFile::here(weaker.loc) && ProjectFile::here(weaker.reference_loc) {
        finding = finding.with_related(
            file.location(&[weaker.reference_loc], ""),
            format!(
                "{} value {}",
                weaker.other,
                strictness::num(weaker.reference)
            ),
        );
    }
    finding
}

/// The location of a top-level key of a Gait policy (its value), else the file start.
pub fn gait_key(file: &ProjectFile, key: &str) -> crate::finding::Location {
    gait_path(file, &[key])
}

/// The location of the value at `path` (mapping keys from the top) of a Gait policy. Where
/// the path is not written in full: the key of its deepest written part (`fail_closed:` when
/// `enabled` is left out), else the policy's first key.
pub fn gait_path(file: &ProjectFile, path: &[&str]) -> crate::finding::Location {
    let mut span = file
        .tree
        .as_ref()
        .and_then(|tree| tree.as_map()?.first())
        .map_or_else(|| crate::span::Span::at(0), |entry| entry.key.span);
    let mut node = file.tree.as_ref();
    for (depth, key) in path.iter().enumerate() {
        let Some(entry) = node.and_then(|node| node.entry_ignore_case(key)) else {
            break;
        };
        span = if depth + 1 == path.len() {
            entry.value.span
        } else {
            entry.key.span
        };
        node = Some(&entry.value);
    }
    crate::finding::Location::new(
        file.source.path.clone(),
        span,
        format!("/{}", path.join("/")),
    )
}

/// The location of `key`'s value in the Gait rule written at `rule` (the rule's list item under
/// `rules`), else the rule itself; the pointer names the rule.
pub fn gait_rule_key(
    file: &ProjectFile,
    rule: &crate::gait::policy::Rule,
    key: &str,
) -> crate::finding::Location {
    let span = file
        .tree
        .as_ref()
        .and_then(|tree| tree.entry_ignore_case("rules"))
        .and_then(|rules| rules.value.as_seq())
        .and_then(|items| items.iter().find(|item| item.span == rule.span))
        .and_then(|item| item.entry_ignore_case(key))
        .map_or(rule.span, |entry| entry.value.span);
    crate::finding::Location::new(
        file.source.path.clone(),
        span,
        format!("/rules/{}/{key}", rule.name),
    )
}

/// A tenant override that bypasses VexTrust.
#[derive(Clone, Debug)]
pub struct Bypass {
    pub tenant: String,
    pub environment: String,
    pub what: String,
    pub loc: Option<Loc>,
}

/// A composite-score minimum at or below this accepts practically every statement.
pub const BYPASS_SCORE: f64 = 0.05;

/// Every bypassing tenant override of a model.
pub fn bypasses(model: &StellaConfig) -> Vec<Bypass> {
    let mut out = Vec::new();
    for tenant in &model.vex_trust.tenant_overrides {
        for (env, patch) in &tenant.environments {
            if let Some(score) = &patch.min_composite_score
                && score.value <= BYPASS_SCORE
            {
                out.push(Bypass {
                    tenant: tenant.tenant.clone(),
                    environment: env.clone(),
                    what: format!("`MinCompositeScore: {}`", strictness::num(score.value)),
                    loc: score.loc,
                });
                continue;
            }
            let critical =
                env.eq_ignore_ascii_case("production") || env.eq_ignore_ascii_case("default");
            if let Some(verified) = &patch.require_issuer_verified
                && !verified.value
                && critical
            {
                out.push(Bypass {
                    tenant: tenant.tenant.clone(),
                    environment: env.clone(),
                    what: "`RequireIssuerVerified: false`".to_owned(),
                    loc: verified.loc,
                });
            }
        }
    }
    out
}
