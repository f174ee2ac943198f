use crate::declare_rule;
use crate::finding::Location;
use crate::gait::command::ScenarioStatus;
use crate::replay::runner::{CaseStatus, expectation_fixes};
use crate::rules::{ReplayContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a fixture case whose replayed decision differs from its `expect` (verdict,
    /// deciding gate, rule, reason codes, message or exit code), on the case's line in the
    /// suite. `check` replays every fixture suite it discovers through the evaluators.
    ///
    /// ## Why is this bad?
    /// A fixture states what the policy must decide. When the policy no longer decides that,
    /// either the policy change is a regression or the fixture is out of date — both must be
    /// looked at before the change ships. The run exits 5.
    ///
    /// ## Example
    /// ```text
    /// release.fixtures.yaml, against a policy whose production MinCompositeScore is 0.80:
    ///   - name: production trust 0.75 passes
    ///     input: {environment: production, requestedStatus: not_affected,
    ///             vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}
    ///     expect: {verdict: Pass}        # the policy decides Blocked
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Fix the policy, or update the expectation when the new decision is intended:
    ///     expect: {verdict: Blocked, gate: VexTrust, reasons: [composite_score]}
    /// ```
    ///
    /// ## Fix
    /// `gatelint test --update` (or `check --update`) rewrites the failed fields of the case's
    /// `expect` in place to the decision replayed, comments and layout kept; `--update --diff`
    /// on `check` shows the change first. `--fix` never applies it: accepting a new decision
    /// is a choice, not the correction of a mistake.
    pub struct FixtureMismatch {
        id: "fixture-mismatch",
        summary: "a fixture case's decision differs from its expectation",
        severity: Error,
        since: "0.1.0",
        regression: true,
        fix: Update,
    }
}

impl Rule for FixtureMismatch {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        for (path, suite) in super::replayed_suites(cx) {
            let file = cx.files.iter().find(|file| file.source.path == path);
            let failed: Vec<_> = suite
                .cases
                .iter()
                .filter(|case| case.status == CaseStatus::Failed)
                .collect();
            let updates = file.map_or_else(Vec::new, |file| {
                expectation_fixes(&path, &file.source.text, &failed)
            });
            for (at, case) in failed.iter().enumerate() {
                let location = super::case_location(&path, case);
                let field = case
                    .mismatches
                    .first()
                    .and_then(|mismatch| mismatch.split_once(':'))
                    .map_or("verdict", |(field, _)| field);
                let expectation =
                    file.and_then(|file| expectation_line(&file.source.text, location.span, field));
                let mut finding = Self::META.finding(
                    location,
                    format!("case `{}`: {}", case.name, case.mismatches.join("; ")),
                );
                if let Some(span) = expectation {
                    finding = finding.with_related(
                        Location::new(path.clone(), span, format!("/cases/{}/expect", case.index)),
                        "expected here",
                    );
                }
                if let Some(actual) = &case.actual {
                    finding = finding.with_help(format!(
                        "the evaluator decided `{}`{}{}",
                        actual.verdict,
                        actual
                            .gate
                            .as_deref()
                            .map(|gate| format!(" at gate `{gate}`"))
                            .unwrap_or_default(),
                        if actual.reasons.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", actual.reasons.join(", "))
                        }
                    ));
                }
                if let Some(Some(update)) = updates.get(at) {
                    finding = finding.with_fix(update.clone());
                }
                out.push(finding);
            }
        }
        for scenario in cx.scenarios {
            if let ScenarioStatus::Failed(reasons) = &scenario.result.status {
                out.push(
                    Self::META
                        .finding(
                            super::scenario_location(&scenario.policy),
                            format!(
                                "scenario `{}`: {}",
                                scenario.result.name,
                                reasons.join("; ")
                            ),
                        )
                        .with_help("the scenario's expectation is in its `expected.yaml` or `expected-verdicts.jsonl`"),
                );
            }
        }
    }
}

/// In a case that spans several lines, the line of its `expect` that states `field` (or the
/// `expect:` line itself): the line a reader must look at. `None` for a one-line case (a JSONL
/// line or a flow mapping), whose snippet already shows everything.
fn expectation_line(text: &str, case: Span, field: &str) -> Option<Span> {
    let body = text.get(case.range())?;
    if !body.trim_end().contains('\n') {
        return None;
    }
    let base = case.range().start;
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let key = |line: &str| {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        let line = line.trim_start_matches(['"', '\'']);
        line.split_once([':', '"', '\''])
            .map(|(key, _)| key.trim().to_owned())
    };
    let expect = lines
        .iter()
        .position(|(_, line)| key(line).as_deref() == Some("expect"))?;
    let (start, line) = lines
        .get(expect..)?
        .iter()
        .find(|(_, line)| key(line).as_deref() == Some(field))
        .or_else(|| lines.get(expect))?;
    let content = line.trim_end();
    let indent = content.len() - content.trim_start().len();
    let from = u32::try_from(base + start + indent).ok()?;
    let to = u32::try_from(base + start + content.len()).ok()?;
    Some(Span {
        start: from,
        end: to,
    })
}
