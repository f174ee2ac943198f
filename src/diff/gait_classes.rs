//! The exhaustive diff of two Gait policies: intents partitioned by the literals both policies
//! mention (tool names, risk classes, target kinds, endpoint classes, environments), every
//! class evaluated on both sides with a witness intent, the classes whose verdict changed
//! reported. Rules match these fields by exact equality, so a value no policy names behaves
//! like any other such value: one `(other)` member per dimension stands for all of them.

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use crate::gait::gate::IntentDigest;
use crate::gait::inputs::GateInputs;
use crate::gait::intent;
use crate::gait::policy::{DigestedPolicy, Policy};
use crate::replay::runner::{Evaluator, Gait};

/// The member of a dimension that stands for every value no policy names.
pub const OTHER: &str = "(other)";

/// The concrete value a witness uses for [`OTHER`].
const OTHER_VALUE: &str = "gatelint.unlisted";

/// The fixed evaluation time of every witness: 2026-01-01T00:00:00Z.
const WITNESS_TIME: jiff::Timestamp = jiff::Timestamp::constant(1_767_225_600, 0);

/// At most this many classes are evaluated (the product of the dimensions).
pub const MAX_CLASSES: usize = 50_000;

/// One class of intents: a value per dimension (`(other)`, or `-` for an absent environment).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Class {
    pub tool: String,
    pub risk: String,
    pub target_kind: String,
    pub endpoint_class: String,
    pub environment: String,
}

/// A class whose verdict changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassChange {
    pub class: Class,
    pub environment: String,
    pub baseline: String,
    pub candidate: String,
    pub witness: Json,
}

impl ClassChange {
    /// "tool tool.write, risk high, target path, endpoint fs.write".
    pub fn describe(&self) -> String {
        format!(
            "environment {}, tool {}, risk {}, target {}, endpoint {}",
            self.class.environment,
            self.class.tool,
            self.class.risk,
            self.class.target_kind,
            self.class.endpoint_class
        )
    }
}

/// The dimensions' members: every tool name, risk class and environment either policy
/// mentions, plus [`OTHER`]; every target kind and endpoint class.
pub fn dimensions(policies: &[&Policy]) -> [BTreeSet<String>; 5] {
    let mut tools = BTreeSet::new();
    let mut risks: BTreeSet<String> = ["high", "critical"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut environments = BTreeSet::new();
    for policy in policies {
        risks.extend(policy.fail_closed.risk_classes.iter().cloned());
        risks.extend(policy.mcp_trust.required_risk_classes.iter().cloned());
        for rule in &policy.rules {
            let m = &rule.matcher;
            tools.extend(m.tool_names.iter().cloned());
            risks.extend(m.risk_classes.iter().cloned());
            risks.extend(rule.freeze_window.risk_classes.iter().cloned());
            environments.extend(rule.freeze_window.environments.iter().cloned());
        }
    }
    for set in [&mut tools, &mut risks] {
        set.retain(|value| !value.is_empty());
        set.insert(OTHER.to_owned());
    }
    // Target kinds and endpoint classes are closed sets: an intent outside them is invalid,
    // so every member is a class of its own.
    let kinds: BTreeSet<String> = crate::gait::lint::TARGET_KINDS
        .iter()
        .map(|kind| (*kind).to_owned())
        .collect();
    let endpoints: BTreeSet<String> = crate::gait::policy::ENDPOINT_CLASSES
        .iter()
        .map(|class| (*class).to_owned())
        .collect();
    environments.retain(|value| !value.is_empty());
    environments.insert(OTHER.to_owned());
    environments.insert("-".to_owned());
    [tools, risks, kinds, endpoints, environments]
}

fn concrete(value: &str) -> &str {
    if value == OTHER { OTHER_VALUE } else { value }
}

/// The class an intent's values fall in, given the dimensions.
pub fn class_of(dimensions: &[BTreeSet<String>; 5], values: [&str; 5]) -> Class {
    let pick = |set: &BTreeSet<String>, value: &str, absent: &str| -> String {
        if value.is_empty() {
            absent.to_owned()
        } else if set.contains(value) {
            value.to_owned()
        } else {
            OTHER.to_owned()
        }
    };
    let [tools, risks, kinds, endpoints, environments] = dimensions;
    let [tool, risk, kind, endpoint, environment] = values;
    Class {
        tool: pick(tools, tool, OTHER),
        risk: pick(risks, risk, OTHER),
        target_kind: pick(kinds, kind, OTHER),
        endpoint_class: pick(endpoints, endpoint, OTHER),
        environment: if environment.is_empty() {
            "-".to_owned()
        } else if environments.contains(environment) {
            environment.to_owned()
        } else {
            OTHER.to_owned()
        },
    }
}

/// A witness intent of the class.
pub fn witness(class: &Class) -> Json {
    let mut context = json!({
        "identity": "gatelint.witness",
        "workspace": "/workspace",
        "risk_class": concrete(&class.risk),
    });
    if class.environment != "-"
        && let Some(map) = context.as_object_mut()
    {
        map.insert(
            "environment".to_owned(),
            json!(concrete(&class.environment)),
        );
    }
    json!({
        "schema_id": "gait.gate.intent_request",
        "schema_version": "1.0.0",
        "created_at": "2026-01-01T00:00:00Z",
        "producer_version": "gatelint",
        "tool_name": concrete(&class.tool),
        "args": {"path": "/workspace/file"},
        "targets": [{
            "kind": concrete(&class.target_kind),
            "value": "/workspace/file",
            "operation": "write",
            "endpoint_class": concrete(&class.endpoint_class),
        }],
        "arg_provenance": [{"arg_path": "$.path", "source": "user"}],
        "context": context,
    })
}

/// The verdict of `intent` under `policy` at a fixed time (`error` when it cannot be
/// evaluated).
pub fn verdict_of(policy: &Policy, intent: &Json) -> String {
    verdict_under(&DigestedPolicy::new(policy.clone()), intent)
}

/// [`verdict_of`] under a policy digested once for every class.
fn verdict_under(policy: &DigestedPolicy, intent: &Json) -> String {
    let Ok(loaded) = intent::load_intent_value(intent) else {
        return crate::diff::verdicts::ERROR_VERDICT.to_owned();
    };
    let inputs = GateInputs::at(WITNESS_TIME);
    let gait = Gait {
        intent_digest: IntentDigest::WhenChecked,
    };
    match gait.decide(policy, (loaded, &inputs)) {
        Ok(outcome) => outcome.verdict.as_str().to_owned(),
        Err(_) => crate::diff::verdicts::ERROR_VERDICT.to_owned(),
    }
}

/// Every class whose verdict differs between `baseline` and `candidate`, sorted. Empty when
/// the product of the dimensions exceeds [`MAX_CLASSES`].
pub fn changed_classes(baseline: &Policy, candidate: &Policy) -> Vec<ClassChange> {
    let dims = dimensions(&[baseline, candidate]);
    let size = dims
        .iter()
        .map(BTreeSet::len)
        .try_fold(1usize, usize::checked_mul);
    if size.is_none_or(|size| size > MAX_CLASSES) {
        return Vec::new();
    }
    let [tools, risks, kinds, endpoints, environments] = &dims;
    let (baseline, candidate) = (
        DigestedPolicy::new(baseline.clone()),
        DigestedPolicy::new(candidate.clone()),
    );
    let mut out = Vec::new();
    for tool in tools {
        for risk in risks {
            for kind in kinds {
                for endpoint in endpoints {
                    for environment in environments {
                        let class = Class {
                            tool: tool.clone(),
                            risk: risk.clone(),
                            target_kind: kind.clone(),
                            endpoint_class: endpoint.clone(),
                            environment: environment.clone(),
                        };
                        let intent = witness(&class);
                        let old = verdict_under(&baseline, &intent);
                        let new = verdict_under(&candidate, &intent);
                        if old != new {
                            out.push(ClassChange {
                                environment: class.environment.clone(),
                                class,
                                baseline: old,
                                candidate: new,
                                witness: intent,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// Changed classes merged by [`crate::diff::collapse`]: the classes of one environment that
/// change alike and differ in one dimension only become one, described by the members it
/// spans (a dimension it spans whole is left out).
#[derive(Clone, Debug, PartialEq)]
pub struct CollapsedClass {
    pub environment: String,
    /// "environment -, tool tool.write|tool.delete, risk high".
    pub description: String,
    pub baseline: String,
    pub candidate: String,
    /// An intent of the region.
    pub witness: Json,
}

/// Collapses the classes [`changed_classes`] found between `baseline` and `candidate`.
pub fn collapse(
    changes: Vec<ClassChange>,
    baseline: &Policy,
    candidate: &Policy,
) -> Vec<CollapsedClass> {
    let [tools, risks, kinds, endpoints, environments] = dimensions(&[baseline, candidate]);
    // Axes in the order of the description, the environment first (never merged).
    let domains: [Vec<String>; 5] =
        [environments, tools, risks, kinds, endpoints].map(|set| set.into_iter().collect());
    let labels = ["environment", "tool", "risk", "target", "endpoint"];
    let cells: Vec<(Vec<usize>, (String, String))> = changes
        .iter()
        .map(|change| {
            let class = &change.class;
            let values = [
                &class.environment,
                &class.tool,
                &class.risk,
                &class.target_kind,
                &class.endpoint_class,
            ];
            let members = values
                .iter()
                .zip(&domains)
                .map(|(value, domain)| {
                    domain
                        .iter()
                        .position(|member| member == *value)
                        .unwrap_or(0)
                })
                .collect();
            (members, (change.baseline.clone(), change.candidate.clone()))
        })
        .collect();
    let mut out = Vec::new();
    for region in crate::diff::collapse::collapse(cells, &[4, 3, 2, 1]) {
        let Some(change) = changes.get(region.first) else {
            continue;
        };
        let mut parts = Vec::new();
        for (axis, (label, domain)) in labels.iter().zip(&domains).enumerate() {
            let Some(members) = region.members.get(axis) else {
                continue;
            };
            if axis > 0 && members.len() >= domain.len() {
                continue;
            }
            parts.push(crate::diff::collapse::members_phrase(
                label, domain, members,
            ));
        }
        if parts.len() == 1 {
            parts.push("every intent".to_owned());
        }
        out.push(CollapsedClass {
            environment: change.environment.clone(),
            description: parts.join(", "),
            baseline: change.baseline.clone(),
            candidate: change.candidate.clone(),
            witness: change.witness.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        let document = crate::parse::parse(text, crate::parse::Format::Yaml);
        crate::gait::policy::load_policy_tree(document.root.as_ref(), &document.issues).unwrap()
    }

    #[test]
    fn a_tool_moved_to_block_is_one_changed_class_per_other_dimension() {
        let old = policy(
            "default_verdict: allow\nrules:\n  - name: w\n    priority: 10\n    effect: require_approval\n    match:\n      tool_names: [tool.write]\n",
        );
        let new = policy(
            "default_verdict: allow\nrules:\n  - name: w\n    priority: 1\n    effect: block\n    match:\n      tool_names: [tool.write]\n",
        );
        let witness = witness(&Class {
            tool: "tool.write".into(),
            risk: OTHER.into(),
            target_kind: "path".into(),
            endpoint_class: "fs.write".into(),
            environment: "-".into(),
        });
        assert_eq!(verdict_of(&new, &witness), "block", "{witness}");
        let changed = changed_classes(&old, &new);
        assert!(!changed.is_empty());
        assert!(
            changed
                .iter()
                .all(|change| change.class.tool == "tool.write")
        );
    }
}
