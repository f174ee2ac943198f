use crate::declare_rule;
use crate::diff::verdicts::Direction;
use crate::rules::{DiffContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a fixture case (or a bare Gait intent) that the candidate policies decide less
    /// strictly than the baseline policies, on the case's line (`gatelint diff`, `gatelint
    /// check --baseline-ref`). Verdicts are ordered `Pass`/`GuardedPass`/`Ignored` < `Warned` <
    /// `Deferred`/`RequiresVex`/`Escalated` < `Blocked` (Gait: `allow` < `dry_run` <
    /// `require_approval` < `block`); `[diff] verdict-order` changes the order. The finding is an
    /// error, and the run exits 5, when `[diff] fail-on` disallows the change (default: any
    /// loosening in a production environment); a warning otherwise.
    ///
    /// ## Why is this bad?
    /// A loosened decision lets through what the gate used to stop. In production that is the
    /// change a rollout must make deliberately, after an observe phase, never as a side effect
    /// of an unrelated edit.
    ///
    /// ## Example
    /// ```text
    /// Baseline production MinCompositeScore 0.80, candidate 0.70; the case
    ///   - name: production trust 0.75
    ///     input: {environment: production, requestedStatus: not_affected,
    ///             vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}
    /// goes from `Blocked` to `Pass`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Keep production's threshold, or loosen it in a reviewed change that says so (and accept
    /// the finding there with `# gatelint: ignore[verdict-loosened] reason` on the case).
    /// ```
    pub struct VerdictLoosened {
        id: "verdict-loosened",
        summary: "a fixture case is decided less strictly than at the baseline",
        severity: Warning,
        since: "0.1.0",
        regression: true,
    }
}

impl Rule for VerdictLoosened {
    fn check_diff(&self, cx: &DiffContext<'_>, out: &mut Sink) {
        for case in cx.changed {
            if case.direction != Direction::Loosening {
                continue;
            }
            out.push(super::verdict_finding(&Self::META, case));
        }
    }
}
