//! The typed model of a bound Stella Ops configuration.
//!
//! Built from the merged [`ConfigNode`] tree the way .NET's `ConfigurationBinder` fills an
//! options class: keys ignore case, an absent key keeps the class default, `null` binds to `None`
//! where the property is nullable (documented as "check disabled"), per-environment overrides
//! are laid over the base field by field. The builder never reports unknown keys (the schema
//! stage does) and never fails: a value of the wrong type keeps the default and is recorded as a
//! [`BindIssue`].

use serde::Serialize;

use super::config::{ConfigNode, Loc, Scalar};
use crate::parse::Node;

/// A bound value and where it was configured (`None`: the class default).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loc: Option<Loc>,
}

impl<T> Spanned<T> {
    pub fn default_value(value: T) -> Self {
        Spanned { value, loc: None }
    }
}

/// A value that could not be bound; the default stays in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BindIssue {
    pub path: String,
    pub loc: Option<Loc>,
    pub message: String,
}

/// `FailureAction`, `MissingTrustBehavior`, `MissingEvidenceAction`, … (bound case-insensitively).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum Action {
    Allow,
    Warn,
    Block,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        match text.trim().to_ascii_lowercase().as_str() {
            "allow" => Some(Action::Allow),
            "warn" => Some(Action::Warn),
            "block" => Some(Action::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "Allow",
            Action::Warn => "Warn",
            Action::Block => "Block",
        }
    }
}

/// Where a gate section was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Root {
    /// `PolicyGates:<Gate>` (rollout guide, runtime-evidence gates).
    PolicyGates,
    /// `Policy:Gates:<Gate>` (CVE gates, VexTrust feature card).
    PolicyColonGates,
    /// `gates.<gate>` of the sample file.
    SampleGates,
}

impl Root {
    pub fn as_str(self) -> &'static str {
        match self {
            Root::PolicyGates => "PolicyGates",
            Root::PolicyColonGates => "Policy:Gates",
            Root::SampleGates => "gates",
        }
    }
}

/// Every gate of the chain, in chain order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GateId {
    EvidenceCompleteness,
    LatticeState,
    VexTrust,
    UncertaintyTier,
    Confidence,
    ExecutionEvidence,
    BeaconRate,
    UnknownsBudget,
    SourceQuota,
    ReachabilityRequirement,
    EpssThreshold,
    KevBlocker,
    ReachableCve,
    CveDelta,
    ReleaseAggregateCve,
    Determinization,
}

impl GateId {
    pub const ALL: [GateId; 16] = [
        GateId::EvidenceCompleteness,
        GateId::LatticeState,
        GateId::VexTrust,
        GateId::UncertaintyTier,
        GateId::Confidence,
        GateId::ExecutionEvidence,
        GateId::BeaconRate,
        GateId::UnknownsBudget,
        GateId::SourceQuota,
        GateId::ReachabilityRequirement,
        GateId::EpssThreshold,
        GateId::KevBlocker,
        GateId::ReachableCve,
        GateId::CveDelta,
        GateId::ReleaseAggregateCve,
        GateId::Determinization,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GateId::EvidenceCompleteness => "EvidenceCompleteness",
            GateId::LatticeState => "LatticeState",
            GateId::VexTrust => "VexTrust",
            GateId::UncertaintyTier => "UncertaintyTier",
            GateId::Confidence => "Confidence",
            GateId::ExecutionEvidence => "ExecutionEvidence",
            GateId::BeaconRate => "BeaconRate",
            GateId::UnknownsBudget => "UnknownsBudget",
            GateId::SourceQuota => "SourceQuota",
            GateId::ReachabilityRequirement => "ReachabilityRequirement",
            GateId::EpssThreshold => "EpssThreshold",
            GateId::KevBlocker => "KevBlocker",
            GateId::ReachableCve => "ReachableCve",
            GateId::CveDelta => "CveDelta",
            GateId::ReleaseAggregateCve => "ReleaseAggregateCve",
            GateId::Determinization => "Determinization",
        }
    }

    /// Accepts the gate name, its sample-file spelling and its kebab-case id, ignoring case.
    pub fn parse(text: &str) -> Option<GateId> {
        let wanted: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let wanted = match wanted.as_str() {
            "minimumconfidence" => "confidence",
            other => other,
        };
        GateId::ALL
            .into_iter()
            .find(|gate| gate.name().eq_ignore_ascii_case(wanted))
    }

    /// Chain order: documented for the first five, chosen (docs/semantics/stellaops.md) after.
    pub fn order(self) -> u32 {
        match self {
            GateId::EvidenceCompleteness => 100,
            GateId::LatticeState => 200,
            GateId::VexTrust => 250,
            GateId::UncertaintyTier => 300,
            GateId::Confidence => 400,
            GateId::ExecutionEvidence => 500,
            GateId::BeaconRate => 510,
            GateId::UnknownsBudget => 600,
            GateId::SourceQuota => 610,
            GateId::ReachabilityRequirement => 620,
            GateId::EpssThreshold => 700,
            GateId::KevBlocker => 710,
            GateId::ReachableCve => 720,
            GateId::CveDelta => 730,
            GateId::ReleaseAggregateCve => 740,
            GateId::Determinization => 800,
        }
    }

    /// Section names the gate may appear under (compared ignoring case).
    fn section_names(self) -> &'static [&'static str] {
        match self {
            GateId::Confidence => &["MinimumConfidence", "Confidence"],
            GateId::UnknownsBudget => &["UnknownsBudget"],
            _ => &[],
        }
    }

    /// Roots in the order of preference when a gate is configured under several: the root the
    /// docs name for the gate family first.
    pub fn root_preference(self) -> [Root; 3] {
        if self.is_cve_gate() {
            [Root::PolicyColonGates, Root::PolicyGates, Root::SampleGates]
        } else {
            [Root::PolicyGates, Root::PolicyColonGates, Root::SampleGates]
        }
    }

    pub fn is_cve_gate(self) -> bool {
        matches!(
            self,
            GateId::EpssThreshold
                | GateId::KevBlocker
                | GateId::ReachableCve
                | GateId::CveDelta
                | GateId::ReleaseAggregateCve
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Binding helpers

struct Binder<'a> {
    issues: &'a mut Vec<BindIssue>,
}

trait FromScalar: Sized {
    const EXPECTED: &'static str;
    fn from_scalar(scalar: &Scalar) -> Option<Self>;
}

impl FromScalar for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_f64()
    }
}

impl FromScalar for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_bool()
    }
}

impl FromScalar for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        let number = scalar.as_f64()?;
        (number.fract() == 0.0 && number.abs() < 9.0e15).then_some(number as i64)
    }
}

impl FromScalar for Action {
    const EXPECTED: &'static str = "`Allow`, `Warn` or `Block`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        match scalar {
            Scalar::String(text) => Action::parse(text),
            _ => None,
        }
    }
}

impl FromScalar for String {
    const EXPECTED: &'static str = "a string";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        scalar.as_text()
    }
}

impl<T: FromScalar> FromScalar for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        if scalar.is_null() {
            return Some(None);
        }
        T::from_scalar(scalar).map(Some)
    }
}

impl Binder<'_> {
    fn issue(&mut self, node: &ConfigNode, path: &str, message: String) {
        self.issues.push(BindIssue {
            path: path.to_owned(),
            loc: node.loc(),
            message,
        });
    }

    /// Reads `key` under `node`: `None` when absent (or unbindable, recorded).
    fn read<T: FromScalar>(
        &mut self,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) -> Option<Spanned<T>> {
        let child = node.child(key)?;
        let (scalar, loc) = child.value.as_ref()?;
        // A `null` for a non-nullable property leaves the default, as the binder does.
        match T::from_scalar(scalar) {
            Some(value) => Some(Spanned {
                value,
                loc: Some(*loc),
            }),
            None if scalar.is_null() => None,
            None => {
                self.issue(
                    child,
                    &format!("{path}:{key}"),
                    format!("`{key}` should be {}", T::EXPECTED),
                );
                None
            }
        }
    }

    fn set<T: FromScalar>(
        &mut self,
        slot: &mut Spanned<T>,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) {
        if let Some(value) = self.read(node, key, path) {
            *slot = value;
        }
    }

    /// A string list, bound item by item (index children).
    fn read_list(
        &mut self,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) -> Option<Spanned<Vec<String>>> {
        let child = node.child(key)?;
        let items = child.items();
        if items.is_empty() {
            if let Some((Scalar::String(text), loc)) = &child.value {
                // A comma-free single string is read as a one-item list, like an env var.
                return Some(Spanned {
                    value: vec![text.clone()],
                    loc: Some(*loc),
                });
            }
            return None;
        }
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            match item.scalar().and_then(Scalar::as_text) {
                Some(text) => values.push(text),
                None => self.issue(
                    item,
                    &format!("{path}:{key}"),
                    format!("items of `{key}` should be strings"),
                ),
            }
        }
        Some(Spanned {
            value: values,
            loc: child.key_loc,
        })
    }

    fn set_list(
        &mut self,
        slot: &mut Spanned<Vec<String>>,
        node: &ConfigNode,
        key: &str,
        path: &str,
    ) {
        if let Some(value) = self.read_list(node, key, path) {
            *slot = value;
        }
    }
}

fn strings(values: &[&str]) -> Spanned<Vec<String>> {
    Spanned::default_value(values.iter().map(|v| (*v).to_owned()).collect())
}

fn d<T>(value: T) -> Spanned<T> {
    Spanned::default_value(value)
}

/// Looks a dictionary key up ignoring case (the configuration keys themselves ignore case).
pub fn lookup<'a, T>(entries: &'a [(String, T)], key: &str) -> Option<&'a T> {
    entries
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| value)
}

fn upsert<'a, T>(
    entries: &'a mut Vec<(String, T)>,
    key: &str,
    make: impl FnOnce() -> T,
) -> &'a mut T {
    let index = match entries
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case(key))
    {
        Some(index) => index,
        None => {
            entries.push((key.to_owned(), make()));
            entries.len() - 1
        }
    };
    #[expect(
        clippy::indexing_slicing,
        reason = "the index was just found or pushed"
    )]
    &mut entries[index].1
}

// ---------------------------------------------------------------------------------------------
// VexTrust

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
            _ => (0.70, true, None, &["fresh"], Action::Block),
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

impl VexTrustOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
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
            for env_node in &thresholds.children {
                let env = env_node.key.clone();
                let entry = upsert(&mut self.thresholds, &env, || {
                    VexTrustThresholds::class_default("default")
                });
                entry.bind(binder, env_node, &format!("{path}:Thresholds:{env}"));
            }
        }
        if let Some(tenants) = node.child("TenantOverrides") {
            for tenant_node in &tenants.children {
                let tenant = tenant_node.key.clone();
                let position = self
                    .tenant_overrides
                    .iter()
                    .position(|t| t.tenant.eq_ignore_ascii_case(&tenant));
                let mut entry = match position {
                    Some(index) => self.tenant_overrides.remove(index),
                    None => TenantOverride {
                        tenant: tenant.clone(),
                        loc: tenant_node.key_loc,
                        environments: Vec::new(),
                    },
                };
                for env_node in &tenant_node.children {
                    let patch = ThresholdPatch::bind(
                        binder,
                        env_node,
                        &format!("{path}:TenantOverrides:{tenant}:{}", env_node.key),
                    );
                    let slot = upsert(
                        &mut entry.environments,
                        &env_node.key,
                        ThresholdPatch::default,
                    );
                    *slot = patch;
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

// ---------------------------------------------------------------------------------------------
// Trust-lattice gates of the sample file, and the core gates

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimpleGateOptions {
    pub enabled: Spanned<bool>,
}

impl Default for SimpleGateOptions {
    fn default() -> Self {
        SimpleGateOptions { enabled: d(true) }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfidenceOptions {
    pub enabled: Spanned<bool>,
    pub thresholds: Vec<(String, Spanned<f64>)>,
    pub apply_to_statuses: Spanned<Vec<String>>,
}

impl Default for ConfidenceOptions {
    fn default() -> Self {
        ConfidenceOptions {
            enabled: d(true),
            thresholds: vec![
                ("production".to_owned(), d(0.75)),
                ("staging".to_owned(), d(0.60)),
                ("development".to_owned(), d(0.40)),
            ],
            apply_to_statuses: strings(&["not_affected", "fixed"]),
        }
    }
}

impl ConfidenceOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set_list(&mut self.apply_to_statuses, node, "ApplyToStatuses", path);
        if let Some(thresholds) = node.child("Thresholds") {
            for env_node in &thresholds.children {
                if let Some(value) =
                    binder.read::<f64>(thresholds, &env_node.key, &format!("{path}:Thresholds"))
                {
                    *upsert(&mut self.thresholds, &env_node.key, || d(0.0)) = value;
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownsBudgetOptions {
    pub enabled: Spanned<bool>,
    pub max_unknown_count: Spanned<i64>,
    pub max_cumulative_uncertainty: Spanned<f64>,
    pub escalate_on_fail: Spanned<bool>,
}

impl Default for UnknownsBudgetOptions {
    fn default() -> Self {
        UnknownsBudgetOptions {
            enabled: d(true),
            max_unknown_count: d(5),
            max_cumulative_uncertainty: d(2.0),
            escalate_on_fail: d(true),
        }
    }
}

impl UnknownsBudgetOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.max_unknown_count, node, "MaxUnknownCount", path);
        binder.set(
            &mut self.max_cumulative_uncertainty,
            node,
            "MaxCumulativeUncertainty",
            path,
        );
        binder.set(&mut self.escalate_on_fail, node, "EscalateOnFail", path);
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceQuotaOptions {
    pub enabled: Spanned<bool>,
    pub max_influence_percent: Spanned<f64>,
    pub corroboration_delta: Spanned<f64>,
    pub require_corroboration_for: Spanned<Vec<String>>,
}

impl Default for SourceQuotaOptions {
    fn default() -> Self {
        SourceQuotaOptions {
            enabled: d(true),
            max_influence_percent: d(60.0),
            corroboration_delta: d(0.10),
            require_corroboration_for: strings(&["not_affected", "fixed"]),
        }
    }
}

impl SourceQuotaOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.max_influence_percent,
            node,
            "MaxInfluencePercent",
            path,
        );
        binder.set(
            &mut self.corroboration_delta,
            node,
            "CorroborationDelta",
            path,
        );
        binder.set_list(
            &mut self.require_corroboration_for,
            node,
            "RequireCorroborationFor",
            path,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachabilityRequirementOptions {
    pub enabled: Spanned<bool>,
    pub severity_threshold: Spanned<String>,
    pub required_for_statuses: Spanned<Vec<String>>,
    pub bypass_reasons: Spanned<Vec<String>>,
}

impl Default for ReachabilityRequirementOptions {
    fn default() -> Self {
        ReachabilityRequirementOptions {
            enabled: d(true),
            severity_threshold: d("CRITICAL".to_owned()),
            required_for_statuses: strings(&["not_affected"]),
            bypass_reasons: strings(&["component_not_present", "vulnerable_configuration_unused"]),
        }
    }
}

impl ReachabilityRequirementOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.severity_threshold,
            node,
            "SeverityThreshold",
            path,
        );
        binder.set_list(
            &mut self.required_for_statuses,
            node,
            "RequiredForStatuses",
            path,
        );
        binder.set_list(&mut self.bypass_reasons, node, "BypassReasons", path);
    }
}

// ---------------------------------------------------------------------------------------------
// Runtime-evidence gates

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
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BeaconRateOptions {
    pub enabled: Spanned<bool>,
    pub below_threshold_action: Spanned<Action>,
    pub missing_beacon_action: Spanned<Action>,
    pub min_verification_rate: Spanned<f64>,
    pub required_environments: Spanned<Vec<String>>,
    pub min_beacon_count: Spanned<i64>,
}

impl Default for BeaconRateOptions {
    fn default() -> Self {
        BeaconRateOptions {
            enabled: d(false),
            below_threshold_action: d(Action::Warn),
            missing_beacon_action: d(Action::Warn),
            min_verification_rate: d(0.8),
            required_environments: strings(&["production"]),
            min_beacon_count: d(10),
        }
    }
}

impl BeaconRateOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.below_threshold_action,
            node,
            "BelowThresholdAction",
            path,
        );
        binder.set(
            &mut self.missing_beacon_action,
            node,
            "MissingBeaconAction",
            path,
        );
        binder.set(
            &mut self.min_verification_rate,
            node,
            "MinVerificationRate",
            path,
        );
        binder.set_list(
            &mut self.required_environments,
            node,
            "RequiredEnvironments",
            path,
        );
        binder.set(&mut self.min_beacon_count, node, "MinBeaconCount", path);
    }
}

// ---------------------------------------------------------------------------------------------
// CVE-aware gates (`Policy:Gates`, with partial `Environments` overrides)

/// A gate's base options and its per-environment effective options (base + override).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerEnvironment<T> {
    pub base: T,
    pub environments: Vec<(String, T)>,
}

impl<T: Clone> PerEnvironment<T> {
    /// The effective options for `environment` and whether an override applied.
    pub fn for_environment(&self, environment: &str) -> (&T, bool) {
        match lookup(&self.environments, environment) {
            Some(options) => (options, true),
            None => (&self.base, false),
        }
    }
}

impl<T: Clone + Default> Default for PerEnvironment<T> {
    fn default() -> Self {
        PerEnvironment {
            base: T::default(),
            environments: Vec::new(),
        }
    }
}

impl<T: Clone> PerEnvironment<T> {
    fn bind(
        &mut self,
        binder: &mut Binder<'_>,
        node: &ConfigNode,
        path: &str,
        bind: fn(&mut T, &mut Binder<'_>, &ConfigNode, &str),
    ) {
        bind(&mut self.base, binder, node, path);
        // Environment overrides are recomputed over the final base, field by field.
        let Some(environments) = node.child("Environments") else {
            return;
        };
        for env_node in &environments.children {
            let mut effective = self.base.clone();
            bind(
                &mut effective,
                binder,
                env_node,
                &format!("{path}:Environments:{}", env_node.key),
            );
            let fallback = effective.clone();
            *upsert(&mut self.environments, &env_node.key, || fallback) = effective;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EpssMode {
    Any,
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpssThresholdOptions {
    pub enabled: Spanned<bool>,
    pub threshold: Spanned<f64>,
    pub mode: Spanned<String>,
    pub grace_period_days: Spanned<Option<i64>>,
    pub require_reachability: Spanned<bool>,
}

impl Default for EpssThresholdOptions {
    fn default() -> Self {
        EpssThresholdOptions {
            enabled: d(true),
            threshold: d(0.6),
            mode: d("any".to_owned()),
            grace_period_days: d(None),
            require_reachability: d(false),
        }
    }
}

impl EpssThresholdOptions {
    pub fn mode(&self) -> EpssMode {
        if self.mode.value.eq_ignore_ascii_case("all") {
            EpssMode::All
        } else {
            EpssMode::Any
        }
    }

    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.threshold, node, "Threshold", path);
        binder.set(&mut self.mode, node, "Mode", path);
        binder.set(&mut self.grace_period_days, node, "GracePeriodDays", path);
        binder.set(
            &mut self.require_reachability,
            node,
            "RequireReachability",
            path,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KevBlockerOptions {
    pub enabled: Spanned<bool>,
    pub allow_grace_period: Spanned<bool>,
    pub grace_period_days: Spanned<i64>,
    pub block_past_due_date: Spanned<bool>,
    pub warn_before_due_date: Spanned<bool>,
    pub warn_days_before_due: Spanned<i64>,
    pub require_reachability: Spanned<bool>,
}

impl Default for KevBlockerOptions {
    fn default() -> Self {
        KevBlockerOptions {
            enabled: d(true),
            allow_grace_period: d(true),
            grace_period_days: d(14),
            block_past_due_date: d(true),
            warn_before_due_date: d(true),
            warn_days_before_due: d(7),
            require_reachability: d(false),
        }
    }
}

impl KevBlockerOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.allow_grace_period, node, "AllowGracePeriod", path);
        binder.set(&mut self.grace_period_days, node, "GracePeriodDays", path);
        binder.set(
            &mut self.block_past_due_date,
            node,
            "BlockPastDueDate",
            path,
        );
        binder.set(
            &mut self.warn_before_due_date,
            node,
            "WarnBeforeDueDate",
            path,
        );
        binder.set(
            &mut self.warn_days_before_due,
            node,
            "WarnDaysBeforeDue",
            path,
        );
        binder.set(
            &mut self.require_reachability,
            node,
            "RequireReachability",
            path,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReachableCveOptions {
    pub enabled: Spanned<bool>,
    pub severity_threshold: Spanned<f64>,
    pub require_complete_reachability: Spanned<bool>,
    pub treat_unknown_as_reachable: Spanned<bool>,
    pub block_on_reachability_error: Spanned<bool>,
}

impl Default for ReachableCveOptions {
    fn default() -> Self {
        ReachableCveOptions {
            enabled: d(true),
            severity_threshold: d(7.0),
            require_complete_reachability: d(false),
            treat_unknown_as_reachable: d(false),
            block_on_reachability_error: d(false),
        }
    }
}

impl ReachableCveOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.severity_threshold,
            node,
            "SeverityThreshold",
            path,
        );
        binder.set(
            &mut self.require_complete_reachability,
            node,
            "RequireCompleteReachability",
            path,
        );
        binder.set(
            &mut self.treat_unknown_as_reachable,
            node,
            "TreatUnknownAsReachable",
            path,
        );
        binder.set(
            &mut self.block_on_reachability_error,
            node,
            "BlockOnReachabilityError",
            path,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CveDeltaOptions {
    pub enabled: Spanned<bool>,
    pub new_cve_severity_threshold: Spanned<f64>,
    pub only_block_reachable: Spanned<bool>,
    pub remediation_sla_days: Spanned<Option<i64>>,
    pub allow_first_release: Spanned<bool>,
}

impl Default for CveDeltaOptions {
    fn default() -> Self {
        CveDeltaOptions {
            enabled: d(true),
            new_cve_severity_threshold: d(7.0),
            only_block_reachable: d(false),
            remediation_sla_days: d(None),
            allow_first_release: d(true),
        }
    }
}

impl CveDeltaOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(
            &mut self.new_cve_severity_threshold,
            node,
            "NewCveSeverityThreshold",
            path,
        );
        binder.set(
            &mut self.only_block_reachable,
            node,
            "OnlyBlockReachable",
            path,
        );
        binder.set(
            &mut self.remediation_sla_days,
            node,
            "RemediationSlaDays",
            path,
        );
        binder.set(
            &mut self.allow_first_release,
            node,
            "AllowFirstRelease",
            path,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseAggregateCveOptions {
    pub enabled: Spanned<bool>,
    pub max_critical: Spanned<Option<i64>>,
    pub max_high: Spanned<Option<i64>>,
    pub max_medium: Spanned<Option<i64>>,
    pub max_low: Spanned<Option<i64>>,
    pub max_total: Spanned<Option<i64>>,
    pub count_suppressed: Spanned<bool>,
    pub only_count_reachable: Spanned<bool>,
}

impl Default for ReleaseAggregateCveOptions {
    fn default() -> Self {
        ReleaseAggregateCveOptions {
            enabled: d(true),
            max_critical: d(Some(0)),
            max_high: d(Some(3)),
            max_medium: d(Some(20)),
            max_low: d(None),
            max_total: d(None),
            count_suppressed: d(false),
            only_count_reachable: d(false),
        }
    }
}

impl ReleaseAggregateCveOptions {
    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        binder.set(&mut self.enabled, node, "Enabled", path);
        binder.set(&mut self.max_critical, node, "MaxCritical", path);
        binder.set(&mut self.max_high, node, "MaxHigh", path);
        binder.set(&mut self.max_medium, node, "MaxMedium", path);
        binder.set(&mut self.max_low, node, "MaxLow", path);
        binder.set(&mut self.max_total, node, "MaxTotal", path);
        binder.set(&mut self.count_suppressed, node, "CountSuppressed", path);
        binder.set(
            &mut self.only_count_reachable,
            node,
            "OnlyCountReachable",
            path,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Determinization configuration (seed 003 §12)

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConflictAction {
    AutoResolve,
    RequireManualReview,
    RequestVendorClarification,
    Escalate,
    Block,
}

impl ConflictAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictAction::AutoResolve => "AutoResolve",
            ConflictAction::RequireManualReview => "RequireManualReview",
            ConflictAction::RequestVendorClarification => "RequestVendorClarification",
            ConflictAction::Escalate => "Escalate",
            ConflictAction::Block => "Block",
        }
    }
}

impl FromScalar for ConflictAction {
    const EXPECTED: &'static str =
        "`AutoResolve`, `RequireManualReview`, `RequestVendorClarification`, `Escalate` or `Block`";
    fn from_scalar(scalar: &Scalar) -> Option<Self> {
        let Scalar::String(text) = scalar else {
            return None;
        };
        [
            ConflictAction::AutoResolve,
            ConflictAction::RequireManualReview,
            ConflictAction::RequestVendorClarification,
            ConflictAction::Escalate,
            ConflictAction::Block,
        ]
        .into_iter()
        .find(|action| action.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReanalysisTriggers {
    pub epss_delta_threshold: Spanned<f64>,
    pub trigger_on_threshold_crossing: Spanned<bool>,
    pub trigger_on_rekor_entry: Spanned<bool>,
    pub trigger_on_vex_status_change: Spanned<bool>,
    pub trigger_on_runtime_telemetry_change: Spanned<bool>,
    pub trigger_on_patch_proof_added: Spanned<bool>,
    pub trigger_on_dsse_validation_change: Spanned<bool>,
    pub trigger_on_tool_version_change: Spanned<bool>,
}

impl Default for ReanalysisTriggers {
    fn default() -> Self {
        ReanalysisTriggers {
            epss_delta_threshold: d(0.2),
            trigger_on_threshold_crossing: d(true),
            trigger_on_rekor_entry: d(true),
            trigger_on_vex_status_change: d(true),
            trigger_on_runtime_telemetry_change: d(true),
            trigger_on_patch_proof_added: d(true),
            trigger_on_dsse_validation_change: d(true),
            trigger_on_tool_version_change: d(false),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConflictHandling {
    pub vex_reachability_contradiction: Spanned<ConflictAction>,
    pub static_runtime_contradiction: Spanned<ConflictAction>,
    pub vex_status_conflict: Spanned<ConflictAction>,
    pub backport_status_conflict: Spanned<ConflictAction>,
    pub escalation_severity_threshold: Spanned<f64>,
    pub conflict_ttl_hours: Spanned<f64>,
}

impl Default for ConflictHandling {
    fn default() -> Self {
        ConflictHandling {
            vex_reachability_contradiction: d(ConflictAction::RequireManualReview),
            static_runtime_contradiction: d(ConflictAction::RequireManualReview),
            vex_status_conflict: d(ConflictAction::RequestVendorClarification),
            backport_status_conflict: d(ConflictAction::RequireManualReview),
            escalation_severity_threshold: d(0.85),
            conflict_ttl_hours: d(48.0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentThresholds {
    pub min_confidence: Spanned<f64>,
    pub max_entropy: Spanned<f64>,
    pub epss_threshold: Spanned<f64>,
    pub require_reachability: Spanned<bool>,
}

impl EnvironmentThresholds {
    /// The preset for an environment; any other name gets the strict (production) preset.
    pub fn preset(environment: &str) -> EnvironmentThresholds {
        let (confidence, entropy, epss, reachability) =
            match environment.to_ascii_lowercase().as_str() {
                "staging" => (0.60, 0.5, 0.4, true),
                "development" => (0.40, 0.7, 0.6, false),
                _ => (0.75, 0.3, 0.3, true),
            };
        EnvironmentThresholds {
            min_confidence: d(confidence),
            max_entropy: d(entropy),
            epss_threshold: d(epss),
            require_reachability: d(reachability),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeterminizationConfig {
    /// Whether any determinization section was configured.
    pub configured: bool,
    pub enabled: Spanned<bool>,
    pub reanalysis_triggers: ReanalysisTriggers,
    pub conflict_handling: ConflictHandling,
    pub environment_thresholds: Vec<(String, EnvironmentThresholds)>,
}

impl Default for DeterminizationConfig {
    fn default() -> Self {
        DeterminizationConfig {
            configured: false,
            enabled: d(true),
            reanalysis_triggers: ReanalysisTriggers::default(),
            conflict_handling: ConflictHandling::default(),
            environment_thresholds: ["production", "staging", "development"]
                .into_iter()
                .map(|env| (env.to_owned(), EnvironmentThresholds::preset(env)))
                .collect(),
        }
    }
}

impl DeterminizationConfig {
    /// Thresholds for an environment (ignoring case); unknown names get the production preset.
    pub fn thresholds(&self, environment: &str) -> (EnvironmentThresholds, String) {
        match lookup(&self.environment_thresholds, environment) {
            Some(set) => (set.clone(), environment.to_ascii_lowercase()),
            None => (
                lookup(&self.environment_thresholds, "production")
                    .cloned()
                    .unwrap_or_else(|| EnvironmentThresholds::preset("production")),
                "production".to_owned(),
            ),
        }
    }

    fn bind(&mut self, binder: &mut Binder<'_>, node: &ConfigNode, path: &str) {
        self.configured = true;
        binder.set(&mut self.enabled, node, "Enabled", path);
        if let Some(t) = node.child("ReanalysisTriggers") {
            let p = format!("{path}:ReanalysisTriggers");
            let r = &mut self.reanalysis_triggers;
            binder.set(&mut r.epss_delta_threshold, t, "EpssDeltaThreshold", &p);
            binder.set(
                &mut r.trigger_on_threshold_crossing,
                t,
                "TriggerOnThresholdCrossing",
                &p,
            );
            binder.set(&mut r.trigger_on_rekor_entry, t, "TriggerOnRekorEntry", &p);
            binder.set(
                &mut r.trigger_on_vex_status_change,
                t,
                "TriggerOnVexStatusChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_runtime_telemetry_change,
                t,
                "TriggerOnRuntimeTelemetryChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_patch_proof_added,
                t,
                "TriggerOnPatchProofAdded",
                &p,
            );
            binder.set(
                &mut r.trigger_on_dsse_validation_change,
                t,
                "TriggerOnDsseValidationChange",
                &p,
            );
            binder.set(
                &mut r.trigger_on_tool_version_change,
                t,
                "TriggerOnToolVersionChange",
                &p,
            );
        }
        if let Some(c) = node.child("ConflictHandling") {
            let p = format!("{path}:ConflictHandling");
            let h = &mut self.conflict_handling;
            binder.set(
                &mut h.vex_reachability_contradiction,
                c,
                "VexReachabilityContradiction",
                &p,
            );
            binder.set(
                &mut h.static_runtime_contradiction,
                c,
                "StaticRuntimeContradiction",
                &p,
            );
            binder.set(&mut h.vex_status_conflict, c, "VexStatusConflict", &p);
            binder.set(
                &mut h.backport_status_conflict,
                c,
                "BackportStatusConflict",
                &p,
            );
            binder.set(
                &mut h.escalation_severity_threshold,
                c,
                "EscalationSeverityThreshold",
                &p,
            );
            binder.set(&mut h.conflict_ttl_hours, c, "ConflictTtlHours", &p);
        }
        if let Some(envs) = node.child("EnvironmentThresholds") {
            for env_node in &envs.children {
                let p = format!("{path}:EnvironmentThresholds:{}", env_node.key);
                let key = env_node.key.clone();
                let set = upsert(&mut self.environment_thresholds, &key, || {
                    EnvironmentThresholds::preset(&key)
                });
                binder.set(&mut set.min_confidence, env_node, "MinConfidence", &p);
                binder.set(&mut set.max_entropy, env_node, "MaxEntropy", &p);
                binder.set(&mut set.epss_threshold, env_node, "EpssThreshold", &p);
                binder.set(
                    &mut set.require_reachability,
                    env_node,
                    "RequireReachability",
                    &p,
                );
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustLattice {
    pub provenance_weight: Spanned<f64>,
    pub coverage_weight: Spanned<f64>,
    pub replayability_weight: Spanned<f64>,
    pub freshness_half_life_days: Spanned<f64>,
    pub freshness_floor: Spanned<f64>,
    pub conflict_penalty: Spanned<f64>,
}

impl Default for TrustLattice {
    fn default() -> Self {
        TrustLattice {
            provenance_weight: d(0.45),
            coverage_weight: d(0.35),
            replayability_weight: d(0.20),
            freshness_half_life_days: d(90.0),
            freshness_floor: d(0.35),
            conflict_penalty: d(0.25),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The whole configuration

/// Which roots a gate was configured under (several is a finding for the rules stage).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateSection {
    pub gate: GateId,
    pub roots: Vec<(Root, Option<Loc>)>,
    /// The root whose section is bound.
    pub bound: Root,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StellaConfig {
    /// The layered files, in provider order (index = [`Loc::file`]).
    pub files: Vec<String>,
    pub version: Option<Spanned<String>>,
    pub trust_lattice: Option<TrustLattice>,
    pub evidence_completeness: SimpleGateOptions,
    pub lattice_state: SimpleGateOptions,
    pub vex_trust: VexTrustOptions,
    pub uncertainty_tier: SimpleGateOptions,
    pub confidence: ConfidenceOptions,
    pub execution_evidence: ExecutionEvidenceOptions,
    pub beacon_rate: BeaconRateOptions,
    pub unknowns_budget: UnknownsBudgetOptions,
    pub source_quota: SourceQuotaOptions,
    pub reachability_requirement: ReachabilityRequirementOptions,
    pub epss_threshold: PerEnvironment<EpssThresholdOptions>,
    pub kev_blocker: PerEnvironment<KevBlockerOptions>,
    pub reachable_cve: PerEnvironment<ReachableCveOptions>,
    pub cve_delta: PerEnvironment<CveDeltaOptions>,
    pub release_aggregate_cve: PerEnvironment<ReleaseAggregateCveOptions>,
    pub determinization: DeterminizationConfig,
    /// Gates that were configured at all, with their roots.
    pub sections: Vec<GateSection>,
    pub issues: Vec<BindIssue>,
}

impl StellaConfig {
    /// Whether the gate's own `Enabled` option is on.
    pub fn gate_enabled(&self, gate: GateId) -> bool {
        match gate {
            GateId::EvidenceCompleteness => self.evidence_completeness.enabled.value,
            GateId::LatticeState => self.lattice_state.enabled.value,
            GateId::VexTrust => self.vex_trust.enabled.value,
            GateId::UncertaintyTier => self.uncertainty_tier.enabled.value,
            GateId::Confidence => self.confidence.enabled.value,
            GateId::ExecutionEvidence => self.execution_evidence.enabled.value,
            GateId::BeaconRate => self.beacon_rate.enabled.value,
            GateId::UnknownsBudget => self.unknowns_budget.enabled.value,
            GateId::SourceQuota => self.source_quota.enabled.value,
            GateId::ReachabilityRequirement => self.reachability_requirement.enabled.value,
            GateId::EpssThreshold => self.epss_threshold.base.enabled.value,
            GateId::KevBlocker => self.kev_blocker.base.enabled.value,
            GateId::ReachableCve => self.reachable_cve.base.enabled.value,
            GateId::CveDelta => self.cve_delta.base.enabled.value,
            GateId::ReleaseAggregateCve => self.release_aggregate_cve.base.enabled.value,
            GateId::Determinization => self.determinization.enabled.value,
        }
    }

    /// Whether the files hold any Stella Ops gate or determinization section.
    pub fn is_stellaops(&self) -> bool {
        !self.sections.is_empty() || self.determinization.configured || self.trust_lattice.is_some()
    }
}

/// The gate sections under each root of the merged tree.
fn gate_roots(tree: &ConfigNode) -> Vec<(Root, &ConfigNode)> {
    let mut roots = Vec::new();
    if let Some(node) = tree.child("PolicyGates") {
        roots.push((Root::PolicyGates, node));
    }
    if let Some(node) = tree.path("Policy:Gates") {
        roots.push((Root::PolicyColonGates, node));
    }
    if let Some(node) = tree.child("gates") {
        roots.push((Root::SampleGates, node));
    }
    roots
}

fn find_section<'a>(roots: &[(Root, &'a ConfigNode)], gate: GateId) -> Vec<(Root, &'a ConfigNode)> {
    let names = gate.section_names();
    let own = [gate.name()];
    let names: &[&str] = if names.is_empty() { &own } else { names };
    let mut found = Vec::new();
    for root in gate.root_preference() {
        for (candidate, node) in roots {
            if *candidate != root {
                continue;
            }
            if let Some(section) = names.iter().find_map(|name| node.child(name)) {
                found.push((root, section));
            }
        }
    }
    found
}

/// Builds the model from layered documents (provider order; later wins).
pub fn build(files: &[(&str, &Node)]) -> StellaConfig {
    let tree = super::config::merge(
        files
            .iter()
            .enumerate()
            .map(|(index, (_, node))| (u32::try_from(index).unwrap_or(u32::MAX), *node)),
    );
    let mut config = StellaConfig {
        files: files.iter().map(|(path, _)| (*path).to_owned()).collect(),
        ..StellaConfig::default()
    };
    let mut issues = Vec::new();
    {
        let mut binder = Binder {
            issues: &mut issues,
        };
        config.version = binder.read(&tree, "version", "");
        if let Some(node) = tree.child("trustLattice") {
            let mut lattice = TrustLattice::default();
            let p = "trustLattice";
            if let Some(w) = node.child("weights") {
                binder.set(
                    &mut lattice.provenance_weight,
                    w,
                    "provenance",
                    "trustLattice:weights",
                );
                binder.set(
                    &mut lattice.coverage_weight,
                    w,
                    "coverage",
                    "trustLattice:weights",
                );
                binder.set(
                    &mut lattice.replayability_weight,
                    w,
                    "replayability",
                    "trustLattice:weights",
                );
            }
            if let Some(f) = node.child("freshness") {
                binder.set(
                    &mut lattice.freshness_half_life_days,
                    f,
                    "halfLifeDays",
                    "trustLattice:freshness",
                );
                binder.set(
                    &mut lattice.freshness_floor,
                    f,
                    "floor",
                    "trustLattice:freshness",
                );
            }
            binder.set(&mut lattice.conflict_penalty, node, "conflictPenalty", p);
            config.trust_lattice = Some(lattice);
        }
        let roots = gate_roots(&tree);
        for gate in GateId::ALL {
            if gate == GateId::Determinization {
                continue;
            }
            let found = find_section(&roots, gate);
            let Some((bound, section)) = found.first().copied() else {
                continue;
            };
            config.sections.push(GateSection {
                gate,
                roots: found
                    .iter()
                    .map(|(root, node)| (*root, node.key_loc))
                    .collect(),
                bound,
            });
            let path = format!("{}:{}", bound.as_str(), section.key);
            let b = &mut binder;
            match gate {
                GateId::EvidenceCompleteness => b.set(
                    &mut config.evidence_completeness.enabled,
                    section,
                    "Enabled",
                    &path,
                ),
                GateId::LatticeState => {
                    b.set(&mut config.lattice_state.enabled, section, "Enabled", &path)
                }
                GateId::UncertaintyTier => b.set(
                    &mut config.uncertainty_tier.enabled,
                    section,
                    "Enabled",
                    &path,
                ),
                GateId::VexTrust => config.vex_trust.bind(b, section, &path),
                GateId::Confidence => config.confidence.bind(b, section, &path),
                GateId::ExecutionEvidence => config.execution_evidence.bind(b, section, &path),
                GateId::BeaconRate => config.beacon_rate.bind(b, section, &path),
                GateId::UnknownsBudget => config.unknowns_budget.bind(b, section, &path),
                GateId::SourceQuota => config.source_quota.bind(b, section, &path),
                GateId::ReachabilityRequirement => {
                    config.reachability_requirement.bind(b, section, &path)
                }
                GateId::EpssThreshold => {
                    config
                        .epss_threshold
                        .bind(b, section, &path, EpssThresholdOptions::bind)
                }
                GateId::KevBlocker => {
                    config
                        .kev_blocker
                        .bind(b, section, &path, KevBlockerOptions::bind)
                }
                GateId::ReachableCve => {
                    config
                        .reachable_cve
                        .bind(b, section, &path, ReachableCveOptions::bind)
                }
                GateId::CveDelta => config
                    .cve_delta
                    .bind(b, section, &path, CveDeltaOptions::bind),
                GateId::ReleaseAggregateCve => config.release_aggregate_cve.bind(
                    b,
                    section,
                    &path,
                    ReleaseAggregateCveOptions::bind,
                ),
                GateId::Determinization => {}
            }
        }
        // The documented JSON (top-level sections), then the appsettings spelling over it.
        let top_level = [
            "reanalysisTriggers",
            "conflictHandling",
            "environmentThresholds",
        ]
        .iter()
        .any(|key| tree.child(key).is_some());
        if top_level {
            config.determinization.bind(&mut binder, &tree, "");
        }
        if let Some(node) = tree.path("Policy:Determinization") {
            config
                .determinization
                .bind(&mut binder, node, "Policy:Determinization");
        }
    }
    config.issues = issues;
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    fn model(texts: &[&str]) -> StellaConfig {
        let docs: Vec<_> = texts
            .iter()
            .map(|t| {
                let format = if t.trim_start().starts_with('{') {
                    Format::Json
                } else {
                    Format::Yaml
                };
                parse(t, format)
            })
            .collect();
        let files: Vec<(&str, &Node)> = docs
            .iter()
            .map(|d| ("f", d.root.as_ref().unwrap()))
            .collect();
        build(&files)
    }

    #[test]
    fn sample_root_binds_camel_case() {
        let config = model(&[
            "version: \"1.0\"\ngates:\n  vexTrust:\n    thresholds:\n      production:\n        minCompositeScore: 0.9\n        minAccuracyRate: null\n",
        ]);
        let resolved = config.vex_trust.resolve("production", None, false);
        assert_eq!(resolved.thresholds.min_composite_score.value, 0.9);
        assert_eq!(resolved.thresholds.min_accuracy_rate.value, None);
        // untouched fields keep the class default
        assert_eq!(resolved.thresholds.failure_action.value, Action::Block);
    }

    #[test]
    fn layered_files_merge_field_by_field() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    Thresholds:\n      staging:\n        MinCompositeScore: 0.65\n",
            "PolicyGates:\n  VexTrust:\n    Thresholds:\n      staging:\n        FailureAction: Block\n",
        ]);
        let staging = config.vex_trust.resolve("staging", None, false).thresholds;
        assert_eq!(staging.min_composite_score.value, 0.65);
        assert_eq!(staging.failure_action.value, Action::Block);
    }

    #[test]
    fn tenant_override_laid_over_environment() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    TenantOverrides:\n      t1:\n        production:\n          MinCompositeScore: 0.7\n",
        ]);
        let resolved = config.vex_trust.resolve("production", Some("T1"), false);
        assert_eq!(resolved.thresholds.min_composite_score.value, 0.7);
        assert!(resolved.thresholds.require_issuer_verified.value);
        assert_eq!(resolved.tenant.as_deref(), Some("T1"));
    }

    #[test]
    fn cve_environment_overrides_are_partial() {
        let config = model(&[
            r#"{"Policy":{"Gates":{"EpssThreshold":{"Threshold":0.5,"Environments":{"production":{"Mode":"all"}}}}}}"#,
        ]);
        let (prod, overridden) = config.epss_threshold.for_environment("Production");
        assert!(overridden);
        assert_eq!(prod.threshold.value, 0.5);
        assert_eq!(prod.mode(), EpssMode::All);
    }

    #[test]
    fn bad_types_keep_defaults_and_are_recorded() {
        let config = model(&[
            "PolicyGates:\n  VexTrust:\n    Enabled: [1]\n    MissingTrustBehavior: Sometimes\n    Thresholds: 3\n",
        ]);
        assert!(config.vex_trust.enabled.value);
        assert_eq!(config.vex_trust.missing_trust_behavior.value, Action::Warn);
        assert!(!config.issues.is_empty());
    }

    #[test]
    fn determinization_appsettings_spelling() {
        let config = model(&[
            "Policy:\n  Determinization:\n    EnvironmentThresholds:\n      Production:\n        MaxEntropy: 0.25\n",
        ]);
        assert!(config.determinization.configured);
        let (prod, _) = config.determinization.thresholds("production");
        assert_eq!(prod.max_entropy.value, 0.25);
        assert_eq!(prod.epss_threshold.value, 0.3);
    }
}
