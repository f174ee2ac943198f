//! ExecutionEvidence (`execution-evidence`): an artifact must have been observed running, with
//! sufficient trace quality, before promotion to a required environment. Messages are seed 001's.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Action, Binder, Spanned, d, strings};
use crate::stellaops::config::ConfigNode;
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::{QualityOutcome, SemanticsOptions};
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionEvidenceOptions {
    pub enabled: Spanned<bool>,
    pub missing_evidence_action: Spanned<Action>,
    pub required_environments: Spanned<Vec<String>>,
    pub min_hot_symbol_count: Spanned<i64>,
    pub min_unique_call_paths: Spanned<i64>,
}

impl Default for ExecutionEvidenceOptions {
    fn default() -> Self {
        ExecutionEvidenceOptions {
            enabled: d(false),
            missing_evidence_action: d(Action::Warn),
            required_environments: strings(&["production"]),
            min_hot_symbol_count: d(3),
            min_unique_call_paths: d(1),
        }
    }
}

impl ExecutionEvidenceOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.missing_evidence_action,
            node,
            "MissingEvidenceAction",
            path,
        );
        binder.set_list(
            &mut self.required_environments,
            node,
            "RequiredEnvironments",
            path,
        );
        binder.set(
            &mut self.min_hot_symbol_count,
            node,
            "MinHotSymbolCount",
            path,
        );
        binder.set(
            &mut self.min_unique_call_paths,
            node,
            "MinUniqueCallPaths",
            path,
        );
    }
}

const GATE: GateId = GateId::ExecutionEvidence;

fn count(input: &CaseInput, key: &str) -> i64 {
    input
        .metadata
        .get(key)
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .map_or(0, |n| n as i64)
}

pub fn evaluate(
    gate: &ExecutionEvidenceOptions,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let env = input.environment.as_str();
    if !contains_ignore_case(&gate.required_environments.value, env) {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("Execution evidence not required for environment '{env}'"),
        )
        .details(detail, || json!({ "environment": env, "requiredEnvironments": gate.required_environments.value }));
    }
    let has_evidence = input
        .metadata
        .get("has_execution_evidence")
        .is_some_and(|flag| flag.trim().eq_ignore_ascii_case("true"));
    let missing_action = gate.missing_evidence_action.value;
    if !has_evidence {
        let message = match missing_action {
            Action::Block => {
                "No execution evidence found for this artifact in required environment"
            }
            Action::Warn => "No execution evidence found for this artifact (warn mode)",
            Action::Allow => "No execution evidence found for this artifact (allowed)",
        };
        return GateResult::new(GATE, GateOutcome::from_action(missing_action), message)
            .reason("missing_execution_evidence")
            .details(
                detail,
                || json!({ "environment": env, "missingEvidenceAction": missing_action.as_str() }),
            );
    }
    let hot = count(input, "execution_evidence_hot_symbol_count");
    let paths = count(input, "execution_evidence_unique_call_paths");
    let min_hot = gate.min_hot_symbol_count.value;
    let min_paths = gate.min_unique_call_paths.value;
    let details = || {
        json!({
            "environment": env,
            "hotSymbols": hot, "minHotSymbolCount": min_hot,
            "callPaths": paths, "minUniqueCallPaths": min_paths,
        })
    };
    if hot >= min_hot && paths >= min_paths {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!("Execution evidence meets quality thresholds (hot symbols: {hot}, call paths: {paths})"),
        )
        .details(detail, details);
    }
    let outcome = match options.execution_evidence_insufficient_quality {
        QualityOutcome::Block => GateOutcome::Block,
        QualityOutcome::MissingEvidenceAction => GateOutcome::from_action(missing_action),
    };
    GateResult::new(
        GATE,
        outcome,
        format!(
            "Execution evidence trace quality is insufficient: hot symbols {hot} < {min_hot} or call paths {paths} < {min_paths}"
        ),
    )
    .reason("insufficient_trace_quality")
    .details(detail, details)
}
