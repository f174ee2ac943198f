//! `gait.gate.intent_request`: decoding with Go `encoding/json` rules (case-insensitive keys, last
//! duplicate wins, unknown keys ignored, `null` = absent), normalisation and the digests.

mod decode;
mod digest;
mod fields;
mod model;

pub use decode::{decode_intent, load_intent, load_intent_file, load_intent_value};
pub use model::{
    AgentIdentity, ArgProvenance, CONTEXT_STRING_FIELDS, Context, Delegation, DelegationLink,
    Intent, IntentError, IntentErrorKind, MAX_SCRIPT_STEPS, SandboxContext, SkillProvenance, Step,
    Target,
};

#[cfg(test)]
mod tests;
