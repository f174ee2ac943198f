//! The Stella Ops case input of a fixture (product.md §4), camelCase.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CaseInput {
    pub environment: String,
    pub tenant_id: Option<String>,
    pub requested_status: Option<String>,
    pub vex_trust: Option<VexTrustInput>,
    pub lattice_state: Option<String>,
    pub uncertainty_tier: Option<String>,
    pub confidence: Option<f64>,
    /// The VEX justification of the request (LatticeState, ReachabilityRequirement).
    pub justification: Option<String>,
    /// `PolicyGateContext.Metadata`: a string map (numbers and booleans are read as their text).
    #[serde(deserialize_with = "string_map")]
    pub metadata: BTreeMap<String, String>,
    pub observation: Option<Observation>,
    /// Evaluation time (RFC 3339 or `YYYY-MM-DD`), for grace periods and due dates.
    pub now: Option<String>,
    /// EvidenceCompleteness: the evidence kinds the finding lacks.
    pub evidence: Option<EvidenceInput>,
    /// UnknownsBudget.
    pub unknowns: Option<UnknownsInput>,
    /// SourceQuota: the sources behind the merged claim.
    pub sources: Option<Vec<SourceInput>>,
    /// ReachabilityRequirement: the finding's severity (`LOW`..`CRITICAL`).
    pub severity: Option<String>,
    /// ReachabilityRequirement: whether reachability evidence accompanies the claim.
    pub reachability_evidence: Option<bool>,
    /// CVE gates: the release's findings.
    pub cves: Option<Vec<CveInput>>,
    /// CveDelta: the baseline release's findings (absent: first release).
    pub baseline_cves: Option<Vec<CveInput>>,
}

impl CaseInput {
    /// The JSON keys of the fields, in declaration order; bit `i` of a key set is `FIELDS[i]`.
    pub const FIELDS: [&'static str; 18] = [
        "environment",
        "tenantId",
        "requestedStatus",
        "vexTrust",
        "latticeState",
        "uncertaintyTier",
        "confidence",
        "justification",
        "metadata",
        "observation",
        "now",
        "evidence",
        "unknowns",
        "sources",
        "severity",
        "reachabilityEvidence",
        "cves",
        "baselineCves",
    ];

    /// The bit of a JSON key in a key set (`None`: not a field).
    pub fn field_bit(key: &str) -> Option<u32> {
        let index = CaseInput::FIELDS.iter().position(|field| *field == key)?;
        Some(1 << index)
    }

    /// `self` with every field whose key is absent from `present` taken from `defaults`: the
    /// typed form of merging defaults under an input whose keys the defaults do not nest into.
    pub fn with_defaults(self, present: u32, defaults: &CaseInput) -> CaseInput {
        // Exhaustive on purpose: a new field must be given its bit here.
        let CaseInput {
            environment,
            tenant_id,
            requested_status,
            vex_trust,
            lattice_state,
            uncertainty_tier,
            confidence,
            justification,
            metadata,
            observation,
            now,
            evidence,
            unknowns,
            sources,
            severity,
            reachability_evidence,
            cves,
            baseline_cves,
        } = self;
        macro_rules! field {
            ($index:expr, $own:ident) => {
                if present & (1 << $index) != 0 {
                    $own
                } else {
                    defaults.$own.clone()
                }
            };
        }
        CaseInput {
            environment: field!(0, environment),
            tenant_id: field!(1, tenant_id),
            requested_status: field!(2, requested_status),
            vex_trust: field!(3, vex_trust),
            lattice_state: field!(4, lattice_state),
            uncertainty_tier: field!(5, uncertainty_tier),
            confidence: field!(6, confidence),
            justification: field!(7, justification),
            metadata: field!(8, metadata),
            observation: field!(9, observation),
            now: field!(10, now),
            evidence: field!(11, evidence),
            unknowns: field!(12, unknowns),
            sources: field!(13, sources),
            severity: field!(14, severity),
            reachability_evidence: field!(15, reachability_evidence),
            cves: field!(16, cves),
            baseline_cves: field!(17, baseline_cves),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VexTrustInput {
    pub trust_score: Option<f64>,
    pub signature_verified: Option<bool>,
    pub accuracy_rate: Option<f64>,
    pub freshness: Option<String>,
    pub issuer_id: Option<String>,
    pub issuer_name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EvidenceInput {
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UnknownsInput {
    pub count: Option<i64>,
    pub cumulative_uncertainty: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SourceInput {
    pub name: String,
    pub influence_percent: f64,
    pub score: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CveInput {
    pub id: String,
    pub epss: Option<f64>,
    pub cvss: Option<f64>,
    pub kev: Option<bool>,
    pub kev_due_date: Option<String>,
    pub kev_added_date: Option<String>,
    pub published_date: Option<String>,
    /// `Reachable`, `NotReachable`, `Unknown`, `Partial` or `Error`.
    pub reachability: Option<String>,
    pub suppressed: Option<bool>,
}

/// The Determinization gate's observation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Observation {
    #[serde(deserialize_with = "score_or_object")]
    pub epss: Option<f64>,
    pub kev: Option<bool>,
    pub vex: Option<VexSignal>,
    pub reachability: Option<ReachabilitySignal>,
    pub runtime: Option<RuntimeSignal>,
    pub backport: Option<BackportSignal>,
    pub sbom_lineage: Option<serde_json::Value>,
    pub evidence_age_days: Option<f64>,
    /// Overrides the computed entropy.
    pub entropy: Option<f64>,
    /// Overrides the computed trust score.
    pub trust: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VexSignal {
    pub status: Option<String>,
    pub issuer_trusted: Option<bool>,
    #[serde(deserialize_with = "anchor")]
    pub anchor: Option<Anchor>,
    /// Statuses claimed by several providers (a disagreement is a `VexStatusConflict`).
    pub provider_statuses: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReachabilitySignal {
    pub state: Option<String>,
    pub confidence: Option<f64>,
    #[serde(deserialize_with = "anchor")]
    pub anchor: Option<Anchor>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimeSignal {
    pub observed_loaded: Option<bool>,
    #[serde(deserialize_with = "anchor")]
    pub anchor: Option<Anchor>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackportSignal {
    pub detected: Option<bool>,
    #[serde(deserialize_with = "anchor")]
    pub anchor: Option<Anchor>,
}

/// Evidence anchoring (DSSE-signed, optionally in Rekor); snake_case as in seed 003.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anchor {
    pub anchored: bool,
    pub verified: Option<bool>,
    #[serde(alias = "envelopeDigest")]
    pub envelope_digest: Option<String>,
    #[serde(alias = "rekorLogIndex")]
    pub rekor_log_index: Option<i64>,
}

impl Anchor {
    /// Anchored and not explicitly unverified.
    pub fn holds(anchor: Option<&Anchor>) -> bool {
        anchor.is_some_and(|a| a.anchored && a.verified != Some(false))
    }
}

fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => return None,
                other => other.to_string(),
            };
            Some((key, text))
        })
        .collect())
}

fn score_or_object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        Plain(f64),
        Object { score: f64 },
    }
    Ok(
        Option::<Score>::deserialize(deserializer)?.map(|score| match score {
            Score::Plain(value) | Score::Object { score: value } => value,
        }),
    )
}

fn anchor<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Anchor>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Flag(bool),
        Full(Anchor),
    }
    Ok(
        Option::<Raw>::deserialize(deserializer)?.map(|raw| match raw {
            Raw::Flag(anchored) => Anchor {
                anchored,
                ..Anchor::default()
            },
            Raw::Full(anchor) => anchor,
        }),
    )
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (an RFC 3339 timestamp's date part).
pub fn epoch_days(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_keys_are_the_serialized_keys() {
        let json = serde_json::to_value(CaseInput::default()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, CaseInput::FIELDS);
    }

    #[test]
    fn epoch_days_known_dates() {
        assert_eq!(epoch_days("1970-01-01"), Some(0));
        assert_eq!(epoch_days("2024-02-15T00:00:00Z"), Some(19_768));
        assert_eq!(epoch_days("nope"), None);
    }

    #[test]
    fn input_reads_metadata_numbers_and_anchor_flags() {
        let input: CaseInput = serde_json::from_value(serde_json::json!({
            "environment": "production",
            "metadata": {"execution_evidence_hot_symbol_count": 4, "has_execution_evidence": true},
            "observation": {"epss": {"score": 0.5}, "vex": {"status": "not_affected", "anchor": true}}
        }))
        .unwrap();
        assert_eq!(input.metadata["execution_evidence_hot_symbol_count"], "4");
        assert_eq!(input.metadata["has_execution_evidence"], "true");
        let obs = input.observation.unwrap();
        assert_eq!(obs.epss, Some(0.5));
        assert!(Anchor::holds(obs.vex.unwrap().anchor.as_ref()));
    }
}
