use crate::declare_rule;
use crate::rules::Rule;

declare_rule! {
    /// ## What it does
    /// Warns about a Stella Ops or Gait policy file that no fixture suite in the scan refers
    /// to (through its `policy` or `determinization`). It runs only when the scan holds at
    /// least one fixture suite, so repositories without fixtures are not flooded.
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

/// Reported by the replay pass of `check`.
impl Rule for PolicyNotExercised {}
