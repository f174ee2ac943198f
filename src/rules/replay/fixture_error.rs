use crate::declare_rule;
use crate::finding::Location;
use crate::replay::runner::CaseStatus;
use crate::rules::{FileContext, ReplayContext, Rule, Sink};
use crate::source::ReadError;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a fixture suite or case that cannot be replayed: a `policy` file that does not
    /// exist or does not load, an input the evaluator cannot read, a Gait intent that does not
    /// normalise. A reference gatelint refuses to open is reported at the reference: one that
    /// resolves outside the scanned roots (the working directory, the paths given and the git
    /// repositories they lie in), a symbolic link, or anything but a regular file (a FIFO, a
    /// device, a directory).
    ///
    /// ## Why is this bad?
    /// A suite that cannot run tests nothing, and a green run would hide that. The run fails
    /// closed (exit 6).
    ///
    /// ## Example
    /// ```text
    /// kind: gatelint.fixtures/v1
    /// policy: ../config/policy-gates.yml      # the file is policy-gates.yaml
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// kind: gatelint.fixtures/v1
    /// policy: ../config/policy-gates.yaml
    /// ```
    pub struct FixtureError {
        id: "fixture-error",
        summary: "a fixture suite or case cannot be replayed",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

impl Rule for FixtureError {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        for reference in cx.refused {
            let problem = match &reference.problem {
                ReadError::Outside { .. } => format!(
                    "`{}` resolves outside the scanned roots (the working directory, the paths given and their repositories)",
                    reference.text
                ),
                other => format!("`{}`: {other}", reference.text),
            };
            out.push(Self::META.finding(
                Location::new(
                    cx.source.path.clone(),
                    reference.span,
                    reference.pointer.clone(),
                ),
                format!("suite reference {problem}; it is not read"),
            ));
        }
    }

    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        for scenario in cx.scenarios {
            if let crate::gait::command::ScenarioStatus::Invalid(problems) = &scenario.result.status
            {
                out.push(Self::META.finding(
                    super::scenario_location(&scenario.policy),
                    format!(
                        "scenario `{}` cannot be replayed: {}",
                        scenario.result.name,
                        problems.join("; ")
                    ),
                ));
            }
        }
        for (path, suite) in super::replayed_suites(cx) {
            if let Some(error) = &suite.error {
                out.push(Self::META.finding(
                    Location::new(path.clone(), Span::at(0), ""),
                    format!("suite cannot be replayed: {error}"),
                ));
            }
            for case in &suite.cases {
                if case.status != CaseStatus::Error {
                    continue;
                }
                out.push(Self::META.finding(
                    super::case_location(&path, case),
                    format!(
                        "case `{}` cannot be evaluated: {}",
                        case.name,
                        case.error.as_deref().unwrap_or("unknown error")
                    ),
                ));
            }
        }
    }
}
