//! The exhaustive VexTrust boundary diff is exact: every sampled input whose decision changed
//! lies in exactly one reported region with the same change, and no reported region holds an
//! input whose decision did not change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use gatelint::diff::exhaustive::{self, OTHER_ENVIRONMENT, Region};
use gatelint::parse::{Format, parse};
use gatelint::stellaops::input::{CaseInput, VexTrustInput};
use gatelint::stellaops::model::{StellaConfig, build};
use gatelint::stellaops::semantics::SemanticsOptions;
use proptest::prelude::*;

fn model(text: &str) -> StellaConfig {
    let document = parse(text, Format::Yaml);
    let root = document.root.unwrap();
    build(&[("appsettings.yaml", &root)])
}

#[derive(Debug, Clone)]
struct Env {
    score: u8,
    accuracy: Option<u8>,
    verified: bool,
    block: bool,
    stale: bool,
}

fn env() -> impl Strategy<Value = Env> {
    (
        0u8..=20,
        proptest::option::of(0u8..=20),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(score, accuracy, verified, block, stale)| Env {
            score,
            accuracy,
            verified,
            block,
            stale,
        })
}

fn yaml(production: &Env, staging: &Env, tenant: Option<u8>, missing_block: bool) -> String {
    let set = |name: &str, e: &Env| {
        format!(
            "      {name}:\n        MinCompositeScore: {}\n        RequireIssuerVerified: {}\n        MinAccuracyRate: {}\n        AcceptableFreshness: [{}]\n        FailureAction: {}\n",
            f64::from(e.score) * 0.05,
            e.verified,
            e.accuracy
                .map_or("null".to_owned(), |a| (f64::from(a) * 0.05).to_string()),
            if e.stale { "fresh, stale" } else { "fresh" },
            if e.block { "Block" } else { "Warn" },
        )
    };
    let mut text = format!(
        "PolicyGates:\n  VexTrust:\n    MissingTrustBehavior: {}\n    Thresholds:\n{}{}",
        if missing_block { "Block" } else { "Warn" },
        set("production", production),
        set("staging", staging)
    );
    if let Some(score) = tenant {
        text.push_str(&format!(
            "    TenantOverrides:\n      t1:\n        production:\n          MinCompositeScore: {}\n",
            f64::from(score) * 0.05
        ));
    }
    text
}

fn config() -> impl Strategy<Value = String> {
    (env(), env(), proptest::option::of(0u8..=20), any::<bool>())
        .prop_map(|(p, s, t, m)| yaml(&p, &s, t, m))
}

fn region_of<'a>(
    regions: &'a [Region],
    input: &CaseInput,
    known_env: bool,
    known_tenant: bool,
) -> Vec<&'a Region> {
    // A tenant no configuration names decides like no tenant at all.
    let tenant = if known_tenant {
        input.tenant_id.clone()
    } else {
        None
    };
    let trust = input.vex_trust.as_ref();
    regions
        .iter()
        .filter(|r| {
            let env = if known_env {
                input.environment.as_str()
            } else {
                OTHER_ENVIRONMENT
            };
            r.environment == env
                && r.tenant == tenant
                && Some(&r.status) == input.requested_status.as_ref()
                && match trust {
                    None => r.freshness.is_none(),
                    Some(t) => {
                        r.freshness.as_deref() == t.freshness.as_deref()
                            && Some(r.issuer_verified) == t.signature_verified
                            && r.score.contains(t.trust_score.unwrap())
                            && r.accuracy.contains(t.accuracy_rate.unwrap())
                    }
                }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn matches_brute_force_sampling(
        old in config(),
        new in config(),
        samples in proptest::collection::vec(
            (0usize..4, any::<bool>(), 0usize..3, 0.0f64..=1.0, any::<bool>(), 0.0f64..=1.0, 0usize..4, any::<bool>()),
            200,
        ),
    ) {
        let (baseline, candidate) = (model(&old), model(&new));
        let options = SemanticsOptions::default();
        let regions = exhaustive::vex_trust(&baseline, &candidate, &options);
        for region in &regions {
            prop_assert_eq!(exhaustive::verdict(&baseline, &region.witness, &options), region.baseline);
            prop_assert_eq!(exhaustive::verdict(&candidate, &region.witness, &options), region.candidate);
        }
        let environments = ["production", "staging", "development", "qa"];
        let statuses = ["not_affected", "fixed", "affected"];
        let freshness = ["fresh", "stale", "superseded", "expired"];
        for (env, tenant, status, score, verified, accuracy, fresh, no_trust) in samples {
            // Snap half the scores onto the threshold grid, where boundaries are.
            let score = if verified { (score * 20.0).round() / 20.0 } else { score };
            let input = CaseInput {
                environment: environments[env].to_owned(),
                tenant_id: tenant.then(|| "t1".to_owned()),
                requested_status: Some(statuses[status].to_owned()),
                vex_trust: (!no_trust).then(|| VexTrustInput {
                    trust_score: Some(score),
                    signature_verified: Some(verified),
                    accuracy_rate: Some(accuracy),
                    freshness: Some(freshness[fresh].to_owned()),
                    ..VexTrustInput::default()
                }),
                ..CaseInput::default()
            };
            let before = exhaustive::verdict(&baseline, &input, &options);
            let after = exhaustive::verdict(&candidate, &input, &options);
            let known_tenant = old.contains("t1:") || new.contains("t1:");
            let hits = region_of(&regions, &input, env < 3, known_tenant);
            if before == after {
                prop_assert!(hits.is_empty(), "unchanged input {:?} lies in {:?}", input, hits);
            } else {
                prop_assert_eq!(hits.len(), 1, "changed input {:?}: {} -> {}", input, before, after);
                prop_assert_eq!(hits[0].baseline, before);
                prop_assert_eq!(hits[0].candidate, after);
            }
        }
    }
}

#[test]
fn describes_a_region_like_the_issue() {
    let old = model(
        "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        MinCompositeScore: 0.75\n        RequireIssuerVerified: false\n        MinAccuracyRate: null\n        AcceptableFreshness: [fresh]\n        FailureAction: Warn\n",
    );
    let new = model(
        "PolicyGates:\n  VexTrust:\n    Thresholds:\n      production:\n        MinCompositeScore: 0.80\n        RequireIssuerVerified: false\n        MinAccuracyRate: null\n        AcceptableFreshness: [fresh]\n        FailureAction: Warn\n",
    );
    let regions = exhaustive::vex_trust(&old, &new, &SemanticsOptions::default());
    let lines: Vec<String> = regions.iter().map(Region::describe).collect();
    assert!(
        lines.iter().any(|l| l
            .starts_with("production, not_affected, freshness fresh, issuer verified true")
            && l.ends_with("trustScore in [0.75, 0.8): Pass → Warned")),
        "{lines:#?}"
    );
    assert!(exhaustive::vex_trust(&old, &old, &SemanticsOptions::default()).is_empty());
}
