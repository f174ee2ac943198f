//! VexTrust (order 250): a VEX-based risk reduction is accepted only when the statement's
//! signature trust meets the thresholds of the environment (tenant override, then the
//! environment, then `default`). Checks: composite score `>=`, issuer verified, accuracy rate,
//! freshness; any failure applies the threshold set's `FailureAction`.

use serde::Serialize;
use serde_json::json;

use crate::stellaops::bind::{Action, Binder, Spanned, Upsert, d, lookup, strings};
use crate::stellaops::config::{ConfigNode, Loc};
use crate::stellaops::gate_id::GateId;
use crate::stellaops::input::CaseInput;
use crate::stellaops::semantics::{SemanticsOptions, TenantMerge};
use crate::stellaops::verdict::{Detail, GateOutcome, GateResult, contains_ignore_case, num};

/// One per-environment threshold set of `VexTrustGateOptions.Thresholds`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VexTrustThresholds {
    pub min_composite_score: Spanned<f64>,
    pub require_issuer_verified: Spanned<bool>,
    /// `None`: accuracy is not checked.
    pub min_accuracy_rate: Spanned<Option<f64>>,
    pub acceptable_freshness: Spanned<Vec<String>>,
    pub failure_action: Spanned<Action>,
}

impl VexTrustThresholds {
    /// The class default for an environment name (`default` for any other name).
    pub fn class_default(environment: &str) -> VexTrustThresholds {
        let (score, verified, accuracy, freshness, action): (
            f64,
            bool,
            Option<f64>,
            &[&str],
            Action,
        ) = match environment.to_ascii_lowercase().as_str() {
            "production" => (0.80, true, Some(0.85), &["fresh"], Action::Block),
            "staging" => (0.60, true, None, &["fresh", "stale"], Action::Warn),
            "development" => (
                0.40,
                false,
                None,
                &["fresh", "stale", "superseded"],
                Action::Warn,
            ),
            // The class `default` set's action is `default_environment_failure_action`
            // (Warn unless configured): see `ResolvedThresholds::failure_action`.
            _ => (0.70, true, None, &["fresh"], Action::Warn),
        };
        VexTrustThresholds {
            min_composite_score: d(score),
            require_issuer_verified: d(verified),
            min_accuracy_rate: d(accuracy),
            acceptable_freshness: strings(freshness),
            failure_action: d(action),
        }
    }

    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(
            &mut self.min_composite_score,
            node,
            "MinCompositeScore",
            path,
        );
        binder.set(
            &mut self.require_issuer_verified,
            node,
            "RequireIssuerVerified",
            path,
        );
        binder.set(&mut self.min_accuracy_rate, node, "MinAccuracyRate", path);
        binder.set_list(
            &mut self.acceptable_freshness,
            node,
            "AcceptableFreshness",
            path,
        );
        binder.set(&mut self.failure_action, node, "FailureAction", path);
    }
}

/// The fields a tenant override sets for one environment (the rest come from the environment).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThresholdPatch {
    pub min_composite_score: Option<Spanned<f64>>,
    pub require_issuer_verified: Option<Spanned<bool>>,
    pub min_accuracy_rate: Option<Spanned<Option<f64>>>,
    pub acceptable_freshness: Option<Spanned<Vec<String>>>,
    pub failure_action: Option<Spanned<Action>>,
}

impl ThresholdPatch {
    fn bind(binder: &mut Binder<'_>, node: &ConfigNode, path: &str) -> ThresholdPatch {
        ThresholdPatch {
            min_composite_score: binder.read(node, "MinCompositeScore", path),
            require_issuer_verified: binder.read(node, "RequireIssuerVerified", path),
            min_accuracy_rate: binder.read(node, "MinAccuracyRate", path),
            acceptable_freshness: binder.read_list(node, "AcceptableFreshness", path),
            failure_action: binder.read(node, "FailureAction", path),
        }
    }

    pub fn apply_to(&self, base: &mut VexTrustThresholds) {
        if let Some(value) = &self.min_composite_score {
            base.min_composite_score = value.clone();
        }
        if let Some(value) = &self.require_issuer_verified {
            base.require_issuer_verified = value.clone();
        }
        if let Some(value) = &self.min_accuracy_rate {
            base.min_accuracy_rate = value.clone();
        }
        if let Some(value) = &self.acceptable_freshness {
            base.acceptable_freshness = value.clone();
        }
        if let Some(value) = &self.failure_action {
            base.failure_action = value.clone();
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantOverride {
    pub tenant: String,
    pub loc: Option<Loc>,
    /// Environment name → the fields this tenant changes there.
    pub environments: Vec<(String, ThresholdPatch)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VexTrustOptions {
    pub enabled: Spanned<bool>,
    pub apply_to_statuses: Spanned<Vec<String>>,
    /// Environment name → thresholds; always holds the four class-default entries.
    pub thresholds: Vec<(String, VexTrustThresholds)>,
    pub missing_trust_behavior: Spanned<Action>,
    pub emit_metrics: Spanned<bool>,
    pub tenant_overrides: Vec<TenantOverride>,
}

impl Default for VexTrustOptions {
    fn default() -> Self {
        VexTrustOptions {
            enabled: d(true),
            apply_to_statuses: strings(&["not_affected", "fixed"]),
            thresholds: ["production", "staging", "development", "default"]
                .into_iter()
                .map(|env| (env.to_owned(), VexTrustThresholds::class_default(env)))
                .collect(),
            missing_trust_behavior: d(Action::Warn),
            emit_metrics: d(true),
            tenant_overrides: Vec::new(),
        }
    }
}

/// The thresholds that apply to one request, and how they were chosen.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedThresholds {
    pub thresholds: VexTrustThresholds,
    /// The `Thresholds` entry used (`default` when the environment has none).
    pub environment_entry: String,
    /// The tenant whose override was applied.
    pub tenant: Option<String>,
}

impl ResolvedThresholds {
    /// Whether the `FailureAction` that applies is the class `default` set's, configured
    /// nowhere: the choice `default_environment_failure_action` makes.
    pub fn rests_on_class_default(&self) -> bool {
        self.environment_entry == "default" && self.thresholds.failure_action.loc.is_none()
    }

    /// The `FailureAction` that applies, `class_default` standing for the class `default`
    /// set's unconfigured one.
    pub fn failure_action(&self, class_default: Action) -> Action {
        if self.rests_on_class_default() {
            class_default
        } else {
            self.thresholds.failure_action.value
        }
    }
}

impl VexTrustOptions {
    pub(in crate::stellaops) fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
    ) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set_list(&mut self.apply_to_statuses, node, "ApplyToStatuses", path);
        binder.set(
            &mut self.missing_trust_behavior,
            node,
            "MissingTrustBehavior",
            path,
        );
        binder.set(&mut self.emit_metrics, node, "EmitMetrics", path);
        if let Some(thresholds) = node.child("Thresholds") {
            let mut sets = Upsert::new(&mut self.thresholds);
            for env_node in &thresholds.children {
                // A number, string or boolean where a threshold set belongs binds no set (the
                // schema reports it): a million of them must not become a million default sets.
                // `null` still names the environment, as before.
                if env_node.children.is_empty()
                    && env_node.value.as_ref().is_some_and(|(scalar, _)| {
                        !matches!(scalar, crate::stellaops::config::Scalar::Null)
                    })
                {
                    continue;
                }
                let env = env_node.key.clone();
                let entry = sets.slot(&env, || VexTrustThresholds::class_default("default"));
                entry.bind(binder, env_node, &format!("{path}:Thresholds:{env}"));
            }
        }
        if let Some(tenants) = node.child("TenantOverrides") {
            // The merged tree holds each tenant once (keys ignore case), so each is new here.
            for tenant_node in &tenants.children {
                let tenant = tenant_node.key.clone();
                let mut entry = TenantOverride {
                    tenant: tenant.clone(),
                    loc: tenant_node.key_loc,
                    environments: Vec::new(),
                };
                let mut slots = Upsert::new(&mut entry.environments);
                for env_node in &tenant_node.children {
                    let patch = ThresholdPatch::bind(
                        binder,
                        env_node,
                        &format!("{path}:TenantOverrides:{tenant}:{}", env_node.key),
                    );
                    *slots.slot(&env_node.key, ThresholdPatch::default) = patch;
                }
                self.tenant_overrides.push(entry);
            }
        }
    }

    /// Thresholds for `environment`, falling back to `default`, with the tenant's override laid
    /// over them field by field (or replacing them, per `tenant_merge`).
    pub fn resolve(
        &self,
        environment: &str,
        tenant: Option<&str>,
        replace_tenant: bool,
    ) -> ResolvedThresholds {
        let (entry, base) = match lookup(&self.thresholds, environment) {
            Some(set) => (environment.to_owned(), set.clone()),
            None => (
                "default".to_owned(),
                lookup(&self.thresholds, "default")
                    .cloned()
                    .unwrap_or_else(|| VexTrustThresholds::class_default("default")),
            ),
        };
        let mut thresholds = base;
        let mut applied = None;
        if let Some(tenant) = tenant {
            let patch = self
                .tenant_overrides
                .iter()
                .find(|t| t.tenant.eq_ignore_ascii_case(tenant))
                .and_then(|t| {
                    lookup(&t.environments, environment)
                        .or_else(|| lookup(&t.environments, "default"))
                });
            if let Some(patch) = patch {
                if replace_tenant {
                    thresholds = VexTrustThresholds::class_default("default");
                }
                patch.apply_to(&mut thresholds);
                applied = Some(tenant.to_owned());
            }
        }
        ResolvedThresholds {
            thresholds,
            environment_entry: entry,
            tenant: applied,
        }
    }
}

impl AsRef<VexTrustOptions> for VexTrustOptions {
    fn as_ref(&self) -> &VexTrustOptions {
        self
    }
}

const GATE: GateId = GateId::VexTrust;

/// The gate with its details ([`Detail::Full`]).
pub fn evaluate(
    config: &impl AsRef<VexTrustOptions>,
    input: &CaseInput,
    options: &SemanticsOptions,
) -> GateResult {
    evaluate_with(config.as_ref(), input, options, Detail::Full)
}

pub fn evaluate_with(
    gate: &VexTrustOptions,
    input: &CaseInput,
    options: &SemanticsOptions,
    detail: Detail,
) -> GateResult {
    let Some(status) = &input.requested_status else {
        return GateResult::skip(GATE, "no requested status in the case");
    };
    if !contains_ignore_case(&gate.apply_to_statuses.value, status) {
        return GateResult::skip(
            GATE,
            format!("requested status `{status}` is not in ApplyToStatuses"),
        );
    }
    let env = input.environment.as_str();
    let resolved = gate.resolve(
        env,
        input.tenant_id.as_deref(),
        options.tenant_override_merge == TenantMerge::Replace,
    );
    let thresholds = &resolved.thresholds;
    let failure_action = resolved.failure_action(options.default_environment_failure_action);
    let details = || {
        json!({
            "environment": env,
            "thresholdsEntry": resolved.environment_entry,
            "tenant": resolved.tenant,
            "minCompositeScore": thresholds.min_composite_score.value,
            "requireIssuerVerified": thresholds.require_issuer_verified.value,
            "minAccuracyRate": thresholds.min_accuracy_rate.value,
            "acceptableFreshness": thresholds.acceptable_freshness.value,
            "failureAction": failure_action.as_str(),
            "trust": input.vex_trust,
        })
    };
    let Some((trust, score)) = input
        .vex_trust
        .as_ref()
        .and_then(|trust| trust.trust_score.map(|score| (trust, score)))
    else {
        let behavior = if gate.missing_trust_behavior.loc.is_none() {
            options.missing_trust_behavior_default
        } else {
            gate.missing_trust_behavior.value
        };
        let message = match behavior {
            Action::Allow => "No VEX trust data available; allowed by MissingTrustBehavior",
            Action::Warn => "No VEX trust data available for this VEX statement (warn mode)",
            Action::Block => {
                "No VEX trust data available for this VEX statement; blocked by MissingTrustBehavior"
            }
        };
        return GateResult::new(GATE, GateOutcome::from_action(behavior), message)
            .reason("missing_vex_trust_data")
            .details(detail, details);
    };
    let mut failures: Vec<(&str, String)> = Vec::new();
    let min_score = thresholds.min_composite_score.value;
    if score < min_score {
        failures.push((
            "composite_score",
            format!("composite score {} < {}", num(score), num(min_score)),
        ));
    }
    if thresholds.require_issuer_verified.value && trust.signature_verified != Some(true) {
        failures.push((
            "issuer_verified",
            "issuer signature not verified".to_owned(),
        ));
    }
    if let Some(min_accuracy) = thresholds.min_accuracy_rate.value {
        match trust.accuracy_rate {
            Some(rate) if rate < min_accuracy => failures.push((
                "accuracy_rate",
                format!("issuer accuracy rate {} < {}", num(rate), num(min_accuracy)),
            )),
            None if options.absent_trust_fields_fail => {
                failures.push(("accuracy_rate", "issuer accuracy rate unknown".to_owned()))
            }
            _ => {}
        }
    }
    let acceptable = &thresholds.acceptable_freshness.value;
    match trust.freshness.as_deref() {
        Some(freshness) if !contains_ignore_case(acceptable, freshness) => failures.push((
            "freshness",
            format!("freshness `{freshness}` not in [{}]", acceptable.join(", ")),
        )),
        None if options.absent_trust_fields_fail => {
            failures.push(("freshness", "freshness unknown".to_owned()))
        }
        _ => {}
    }
    if failures.is_empty() {
        return GateResult::new(
            GATE,
            GateOutcome::Pass,
            format!(
                "VEX trust score {} meets thresholds for environment '{env}'",
                num(score)
            ),
        )
        .details(detail, details);
    }
    let summary: Vec<&str> = failures.iter().map(|(_, text)| text.as_str()).collect();
    let mut result = GateResult::new(
        GATE,
        GateOutcome::from_action(failure_action),
        format!(
            "VEX trust insufficient for environment '{env}': {}",
            summary.join("; ")
        ),
    )
    .details(detail, details);
    for (reason, _) in &failures {
        result = result.reason(reason);
    }
    result
}
