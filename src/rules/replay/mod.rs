//! Replay rules: the fixture replay of `check` (cases that disagree with their expectation or
//! cannot run, policies, gates, environments and tenants no case exercises) and the verdict diff
//! of `diff` and `check --baseline-ref` (cases whose verdict loosened or tightened).

pub mod environment_not_exercised;
pub mod fixture_error;
pub mod fixture_mismatch;
pub mod gate_not_exercised;
pub mod policy_not_exercised;
pub mod tenant_not_exercised;
pub mod verdict_loosened;
pub mod verdict_tightened;
