//! Loading a `gait.gate.policy` file the way Gait's loader does: strict keys, normalisation,
//! defaults, force-enabled sub-objects, validation, rule ordering and the policy digest.
//!
//! Every error carries the byte span of the value (or key) that caused it.

mod digest;
mod duration;
mod load;
mod model;
mod normalize;
mod read;
mod shape;

pub use digest::DigestedPolicy;
pub use duration::{format_go_duration, parse_go_duration};
pub use load::{load_policy, load_policy_file, load_policy_tree};
pub use model::{
    CREDENTIAL_ACCESS_TYPES, CREDENTIAL_SOURCES, DISCOVERY_METHODS, Dataflow, ENDPOINT_CLASSES,
    Endpoint, FailClosed, FreezeWindow, FreezeWindowSpan, LEGACY_FIELDS, Match, McpTrust,
    POLICY_SCHEMA_ID, POLICY_SCHEMA_VERSION, Policy, PolicyError, PolicyErrorKind, RateLimit, Rule,
    Sandbox, Scripts, ToolAnnotations, Verdict,
};
pub use normalize::{
    clean_path, looks_like_env_assignment, lower_trim, lower_uniq_sort, uniq_sort,
};

#[cfg(test)]
mod tests;
