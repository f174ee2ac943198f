//! The one exit-code enum. Codes follow the Gait convention; when several apply, the
//! highest-priority one wins: invalid input, then regression, then blocked. The verdicts of both
//! ecosystems map to it here.

use crate::gait::policy::Verdict;
use crate::stellaops::verdict::PolicyVerdictStatus;

/// How a run ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// No finding at or above `--fail-on`, fixtures match, verdict allow or dry_run.
    Success,
    /// A bug in gatelint; never caused by user input.
    Internal,
    /// Findings at or above `--fail-on` (`check`), verdict block (`eval`).
    Blocked,
    /// Verdict require_approval (`eval`).
    ApprovalRequired,
    /// Fixture expectations failed (`test`, `check`), disallowed verdict changes (`diff`).
    Regression,
    /// Unparseable or schema-invalid policy, fixture or config, or bad usage: fail closed.
    InvalidInput,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Internal => 1,
            Exit::Blocked => 3,
            Exit::ApprovalRequired => 4,
            Exit::Regression => 5,
            Exit::InvalidInput => 6,
        }
    }

    /// The outcome a verdict's exit code stands for (`eval`'s 0/3/4/5/6); unknown codes fail
    /// closed as invalid input.
    pub fn from_code(code: i64) -> Exit {
        match code {
            0 => Exit::Success,
            1 => Exit::Internal,
            3 => Exit::Blocked,
            4 => Exit::ApprovalRequired,
            5 => Exit::Regression,
            _ => Exit::InvalidInput,
        }
    }

    fn priority(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::ApprovalRequired => 1,
            Exit::Blocked => 2,
            Exit::Regression => 3,
            Exit::InvalidInput => 4,
            Exit::Internal => 5,
        }
    }

    /// The more important of two outcomes.
    #[must_use]
    pub fn max(self, other: Exit) -> Exit {
        if other.priority() > self.priority() {
            other
        } else {
            self
        }
    }
}

/// `gatelint eval` on a Gait policy (Gait's 0/3/4).
impl From<Verdict> for Exit {
    fn from(verdict: Verdict) -> Exit {
        match verdict {
            Verdict::Allow | Verdict::DryRun => Exit::Success,
            Verdict::Block => Exit::Blocked,
            Verdict::RequireApproval => Exit::ApprovalRequired,
        }
    }
}

/// `gatelint eval` on a Stella Ops configuration (Gait convention, product §7).
impl From<PolicyVerdictStatus> for Exit {
    fn from(verdict: PolicyVerdictStatus) -> Exit {
        match verdict {
            PolicyVerdictStatus::Pass
            | PolicyVerdictStatus::Ignored
            | PolicyVerdictStatus::Warned
            | PolicyVerdictStatus::GuardedPass => Exit::Success,
            PolicyVerdictStatus::Blocked => Exit::Blocked,
            PolicyVerdictStatus::Deferred
            | PolicyVerdictStatus::Escalated
            | PolicyVerdictStatus::RequiresVex => Exit::ApprovalRequired,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_follow_the_contract() {
        assert_eq!(Exit::Blocked.max(Exit::Regression), Exit::Regression);
        assert_eq!(Exit::InvalidInput.max(Exit::Regression), Exit::InvalidInput);
        assert_eq!(Exit::Success.max(Exit::Blocked), Exit::Blocked);
        assert_eq!(Exit::Blocked.max(Exit::Success).code(), 3);
    }
}
