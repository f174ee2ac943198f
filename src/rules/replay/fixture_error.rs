use crate::declare_rule;
use crate::rules::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a fixture suite or case that cannot be replayed: a `policy` file that does not
    /// exist or does not load, an input the evaluator cannot read, a Gait intent that does not
    /// normalise.
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

/// Reported by the replay pass of `check`.
impl Rule for FixtureError {}
