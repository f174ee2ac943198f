use crate::declare_rule;
use crate::finding::Location;
use crate::gait::command::ScenarioStatus;
use crate::replay::runner::CaseStatus;
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
    pub struct FixtureMismatch {
        id: "fixture-mismatch",
        summary: "a fixture case's decision differs from its expectation",
        severity: Error,
        since: "0.1.0",
        regression: true,
    }
}

impl Rule for FixtureMismatch {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        for (path, suite) in super::replayed_suites(cx) {
            for case in &suite.cases {
                if case.status != CaseStatus::Failed {
                    continue;
                }
                let mut finding = Self::META.finding(
                    super::case_location(&path, case),
                    format!("case `{}`: {}", case.name, case.mismatches.join("; ")),
                );
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
                out.push(finding);
            }
        }
        for scenario in cx.scenarios {
            if let ScenarioStatus::Failed(reasons) = &scenario.result.status {
                out.push(
                    Self::META
                        .finding(
                            Location::new(scenario.policy.clone(), Span::at(0), ""),
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
