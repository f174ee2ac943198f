use crate::classify::FileKind;
use crate::declare_rule;
use crate::finding::Location;
use crate::rules::{ReplayContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Warns about a Stella Ops or Gait policy file that no fixture suite in the scan refers
    /// to (through its `policy` or `determinization`); the `policy.yaml` of a Gait scenario
    /// directory counts as replayed by its scenario. It runs only when the scan holds at least
    /// one fixture suite or scenario, so repositories without fixtures are not flooded.
    ///
    /// ## Why is this bad?
    /// Replay and baseline diffs only see policies that fixtures exercise; a change to any
    /// other policy ships with no evidence of what it decides.
    ///
    /// ## Example
    /// ```text
    /// config/policy-gates.yaml          # no *.fixtures.yaml names it
    /// fixtures/staging.fixtures.yaml    # policy: ../config/staging-gates.yaml
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// fixtures/production.fixtures.yaml # policy: ../config/policy-gates.yaml
    /// ```
    pub struct PolicyNotExercised {
        id: "policy-not-exercised",
        summary: "a policy file no fixture suite exercises",
        severity: Warning,
        since: "0.1.0",
    }
}

/// The file kinds a fixture suite can replay.
const POLICY_KINDS: [FileKind; 3] = [
    FileKind::StellaOps,
    FileKind::Determinization,
    FileKind::GaitPolicy,
];

impl Rule for PolicyNotExercised {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        // A suite names it, or it is the policy of a replayed Gait scenario directory.
        let replayed: std::collections::HashSet<&str> = cx
            .files
            .iter()
            .flat_map(|file| file.references.iter().map(String::as_str))
            .chain(cx.scenarios.iter().map(|scenario| &*scenario.policy))
            .collect();
        for file in cx.files {
            if !POLICY_KINDS.contains(&file.kind) || replayed.contains(&*file.source.path) {
                continue;
            }
            out.push(Self::META.finding(
                Location::new(file.source.path.clone(), first_line(&file.source.text), ""),
                format!("no fixture suite replays `{}`", file.source.path),
            ));
        }
    }
}

fn first_line(text: &str) -> Span {
    Span::new(0, text.find('\n').unwrap_or(text.len()))
}
