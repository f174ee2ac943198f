//! `--statistics`: how many findings each rule has, most first, as ruff prints them.
//!
//! ```text
//!  3  unknown-key       [*] a key the schema does not know
//!  1  fixture-mismatch      a fixture case's decision differs from its expectation
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::finding::Applicability;
use crate::report::{CaseStatus, Report};

/// One rule's count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub count: usize,
    /// Whether some of them carry a safe fix (`check --fix` applies it).
    pub fixable: bool,
    pub summary: &'static str,
}

/// The counts, by count (highest first) then rule id. A failed fixture case that is not
/// already a finding (`test` reports cases) counts under the rule `check` would report it as:
/// `fixture-error` when it could not be decided, else `fixture-mismatch`.
pub fn counts(report: &Report) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    for finding in &report.findings {
        let entry = by_rule.entry(finding.rule.to_string()).or_default();
        entry.0 += 1;
        entry.1 |= finding
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe);
    }
    for case in &report.cases {
        if case.status != CaseStatus::Failed || report.case_reported(case) {
            continue;
        }
        let rule = if case.message.is_some() {
            "fixture-error"
        } else {
            "fixture-mismatch"
        };
        by_rule.entry(rule.to_owned()).or_default().0 += 1;
    }
    let mut counts: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|(rule, (count, fixable))| RuleCount {
            summary: crate::rules::registry::find(&rule).map_or("", |meta| meta.summary),
            rule,
            count,
            fixable,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    counts
}

/// The human table: count, rule, `[*]` when fixable, summary; nothing without findings.
pub fn render_human(report: &Report) -> String {
    let counts = counts(report);
    let count_width = counts
        .iter()
        .map(|count| count.count.to_string().len())
        .max()
        .unwrap_or(0);
    let rule_width = counts
        .iter()
        .map(|count| count.rule.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for count in &counts {
        let marker = if count.fixable { "[*]" } else { "   " };
        let line = format!(
            "{:>count_width$}  {:rule_width$}  {marker} {}",
            count.count, count.rule, count.summary
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The JSON array: `[{"rule", "count", "fixable", "summary"}]`, in the same order.
pub fn render_json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(&counts(report)).unwrap_or_default();
    out.push('\n');
    out
}
