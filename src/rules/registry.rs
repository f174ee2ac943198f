//! Every rule, in order. A test checks this list against the files in `src/rules/`.

use super::RuleMeta;

/// All rules, in documentation order.
pub static RULES: &[&RuleMeta] = &[];

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|rule| rule.id.as_str() == id)
}
