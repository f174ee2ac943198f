//! The gates of the chain and the roots their sections are found under.

use serde::Serialize;

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
    pub(super) fn section_names(self) -> &'static [&'static str] {
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
