//! Which way each threshold tightens. Rules compare environments of one configuration and the
//! baseline with the candidate through these, so "weaker" means one thing everywhere.

use crate::gait::policy::Verdict;
use crate::stellaops::model::{Action, ConflictAction};

/// How a numeric threshold tightens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A minimum: a higher value is stricter (`MinCompositeScore`).
    HigherIsStricter,
    /// A maximum or a trigger level: a lower value is stricter (`MaxEntropy`, `Threshold`).
    LowerIsStricter,
}

impl Direction {
    /// Whether `value` is strictly weaker than `reference`.
    pub fn weaker(self, value: f64, reference: f64) -> bool {
        match self {
            Direction::HigherIsStricter => value < reference,
            Direction::LowerIsStricter => value > reference,
        }
    }
}

/// Rank of a failure action: `Allow` < `Warn` < `Block`.
pub fn action_rank(action: Action) -> u8 {
    match action {
        Action::Allow => 0,
        Action::Warn => 1,
        Action::Block => 2,
    }
}

/// Rank of a Gait verdict: allow < dry_run < require_approval < block.
pub fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Allow => 0,
        Verdict::DryRun => 1,
        Verdict::RequireApproval => 2,
        Verdict::Block => 3,
    }
}

/// Whether a conflict action settles a contradiction without a human or a block.
pub fn auto_resolves(action: ConflictAction) -> bool {
    action == ConflictAction::AutoResolve
}

/// Freshness classes from most to least fresh.
pub const FRESHNESS: [&str; 4] = ["fresh", "stale", "superseded", "expired"];

/// Freshness classes accepted by `accepted` that `reference` does not accept.
pub fn extra_freshness(accepted: &[String], reference: &[String]) -> Vec<String> {
    accepted
        .iter()
        .filter(|class| !reference.iter().any(|r| r.eq_ignore_ascii_case(class)))
        .map(|class| class.to_ascii_lowercase())
        .collect()
}

/// A number for a message: `0.8`, not `0.8000000000000000444`.
pub fn num(value: f64) -> String {
    crate::stellaops::chain::num(value)
}
