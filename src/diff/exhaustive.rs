//! Exhaustive boundary diff of the VexTrust gate: every region of the input space (environment,
//! tenant, requested status, freshness class, issuer verified, accuracy interval, trust-score
//! interval, or no trust data) whose decision differs between two configurations, each with a
//! witness input. Exact by construction: the decision only changes at a threshold value (`>=`
//! comparisons), so it is constant on every half-open interval between consecutive critical
//! points, and evaluating the interval's lower end decides the whole interval.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::stellaops::chain::GateOutcome;
use crate::stellaops::gates::vex_trust;
use crate::stellaops::input::{CaseInput, VexTrustInput};
use crate::stellaops::model::StellaConfig;
use crate::stellaops::semantics::SemanticsOptions;

/// An environment name no configuration uses: stands for every unlisted name (`default`).
pub const OTHER_ENVIRONMENT: &str = "(any other environment)";

/// An interval `[low, high)` of a score in [0, 1], or `[low, high]` when `closed` (the last
/// one; a threshold of exactly 1 makes `[1, 1]` a region of its own).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    pub closed: bool,
}

impl Interval {
    pub const WHOLE: Interval = Interval {
        low: 0.0,
        high: 1.0,
        closed: true,
    };

    pub fn contains(self, value: f64) -> bool {
        value >= self.low && (value < self.high || (self.closed && value == self.high))
    }
}

/// One region whose decision changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Region {
    pub environment: String,
    pub tenant: Option<String>,
    pub status: String,
    /// `None`: no trust data at all (`MissingTrustBehavior`).
    pub freshness: Option<String>,
    pub issuer_verified: bool,
    pub accuracy: Interval,
    pub score: Interval,
    pub baseline: &'static str,
    pub candidate: &'static str,
    /// An input inside the region.
    pub witness: CaseInput,
}

impl Region {
    /// "production, trustScore in [0.75, 0.80): Warned → Blocked".
    pub fn describe(&self) -> String {
        let num = crate::stellaops::chain::num;
        let mut parts = vec![self.environment.clone()];
        if let Some(tenant) = &self.tenant {
            parts.push(format!("tenant {tenant}"));
        }
        parts.push(self.status.clone());
        match &self.freshness {
            None => parts.push("no trust data".to_owned()),
            Some(freshness) => {
                parts.push(format!("freshness {freshness}"));
                parts.push(format!("issuer verified {}", self.issuer_verified));
                if self.accuracy != Interval::WHOLE {
                    let close = if self.accuracy.closed { "]" } else { ")" };
                    parts.push(format!(
                        "accuracy in [{}, {}{close}",
                        num(self.accuracy.low),
                        num(self.accuracy.high)
                    ));
                }
                let close = if self.score.closed { "]" } else { ")" };
                parts.push(format!(
                    "trustScore in [{}, {}{close}",
                    num(self.score.low),
                    num(self.score.high)
                ));
            }
        }
        format!(
            "{}: {} → {}",
            parts.join(", "),
            self.baseline,
            self.candidate
        )
    }
}

/// The verdict name of the gate's decision.
pub fn verdict(
    config: &StellaConfig,
    input: &CaseInput,
    options: &SemanticsOptions,
) -> &'static str {
    if !config.vex_trust.enabled.value {
        return "Pass";
    }
    match vex_trust::evaluate(config, input, options).outcome {
        GateOutcome::Pass | GateOutcome::PassWithNote | GateOutcome::Skip => "Pass",
        GateOutcome::Warn => "Warned",
        GateOutcome::Block => "Blocked",
    }
}

/// The intervals between consecutive critical points of one axis: a `>=` threshold at `t`
/// decides the same for every value of `[t, next)`.
fn intervals(points: &BTreeSet<u64>) -> Vec<Interval> {
    let mut cuts: Vec<f64> = vec![0.0];
    let mut inner: Vec<f64> = points
        .iter()
        .map(|bits| f64::from_bits(*bits))
        .filter(|value| *value > 0.0 && *value < 1.0)
        .collect();
    inner.sort_by(f64::total_cmp);
    cuts.extend(inner);
    cuts.push(1.0);
    cuts.dedup();
    let threshold_at_one = points.iter().any(|bits| f64::from_bits(*bits) >= 1.0);
    let mut out: Vec<Interval> = cuts
        .windows(2)
        .filter_map(|pair| match pair {
            [low, high] if low < high => Some(Interval {
                low: *low,
                high: *high,
                closed: false,
            }),
            _ => None,
        })
        .collect();
    if threshold_at_one {
        out.push(Interval {
            low: 1.0,
            high: 1.0,
            closed: true,
        });
    } else if let Some(last) = out.last_mut() {
        last.closed = true;
    }
    out
}

fn names(config: &StellaConfig, out: &mut BTreeSet<String>, tenants: &mut BTreeSet<String>) {
    for (env, _) in &config.vex_trust.thresholds {
        out.insert(env.to_ascii_lowercase());
    }
    for tenant in &config.vex_trust.tenant_overrides {
        tenants.insert(tenant.tenant.to_ascii_lowercase());
        for (env, _) in &tenant.environments {
            out.insert(env.to_ascii_lowercase());
        }
    }
}

/// The axes two VexTrust configurations split the input space along: every environment and
/// tenant either names, the requested statuses and freshness classes, and the intervals between
/// the score and accuracy thresholds either sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Space {
    pub environments: Vec<String>,
    /// `None`: no tenant (or one no override names).
    pub tenants: Vec<Option<String>>,
    pub statuses: Vec<String>,
    pub freshness: Vec<String>,
    pub accuracies: Vec<Interval>,
    pub scores: Vec<Interval>,
}

/// The [`Space`] of two configurations.
pub fn space(baseline: &StellaConfig, candidate: &StellaConfig) -> Space {
    let (mut environments, mut tenants) = (BTreeSet::new(), BTreeSet::new());
    names(baseline, &mut environments, &mut tenants);
    names(candidate, &mut environments, &mut tenants);
    environments.remove("default");
    environments.insert(OTHER_ENVIRONMENT.to_owned());
    let mut statuses: BTreeSet<String> = ["not_affected", "fixed", "affected"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut freshness: BTreeSet<String> = crate::project::strictness::FRESHNESS
        .into_iter()
        .map(str::to_owned)
        .collect();
    freshness.insert("unknown".to_owned());
    let (mut scores, mut accuracies) = (BTreeSet::new(), BTreeSet::new());
    for config in [baseline, candidate] {
        let gate = &config.vex_trust;
        statuses.extend(
            gate.apply_to_statuses
                .value
                .iter()
                .map(|s| s.to_ascii_lowercase()),
        );
        for (_, set) in &gate.thresholds {
            scores.insert(set.min_composite_score.value.to_bits());
            accuracies.extend(set.min_accuracy_rate.value.map(f64::to_bits));
            freshness.extend(
                set.acceptable_freshness
                    .value
                    .iter()
                    .map(|f| f.to_ascii_lowercase()),
            );
        }
        for tenant in &gate.tenant_overrides {
            for (_, patch) in &tenant.environments {
                scores.extend(
                    patch
                        .min_composite_score
                        .as_ref()
                        .map(|s| s.value.to_bits()),
                );
                if let Some(rate) = &patch.min_accuracy_rate {
                    accuracies.extend(rate.value.map(f64::to_bits));
                }
                if let Some(list) = &patch.acceptable_freshness {
                    freshness.extend(list.value.iter().map(|f| f.to_ascii_lowercase()));
                }
            }
        }
    }
    Space {
        environments: environments.into_iter().collect(),
        tenants: std::iter::once(None)
            .chain(tenants.into_iter().map(Some))
            .collect(),
        statuses: statuses.into_iter().collect(),
        freshness: freshness.into_iter().collect(),
        accuracies: intervals(&accuracies),
        scores: intervals(&scores),
    }
}

/// Every region where the VexTrust decision of `baseline` and `candidate` differ.
pub fn vex_trust(
    baseline: &StellaConfig,
    candidate: &StellaConfig,
    options: &SemanticsOptions,
) -> Vec<Region> {
    let Space {
        environments,
        tenants: tenant_choices,
        statuses,
        freshness,
        accuracies,
        scores,
    } = space(baseline, candidate);
    let mut out = Vec::new();
    for environment in &environments {
        for tenant in &tenant_choices {
            for status in &statuses {
                let base = CaseInput {
                    environment: environment.clone(),
                    tenant_id: tenant.clone(),
                    requested_status: Some(status.clone()),
                    ..CaseInput::default()
                };
                let mut push =
                    |input: CaseInput, fresh: Option<String>, verified, accuracy, score| {
                        let (before, after) = (
                            verdict(baseline, &input, options),
                            verdict(candidate, &input, options),
                        );
                        if before != after {
                            out.push(Region {
                                environment: environment.clone(),
                                tenant: tenant.clone(),
                                status: status.clone(),
                                freshness: fresh,
                                issuer_verified: verified,
                                accuracy,
                                score,
                                baseline: before,
                                candidate: after,
                                witness: input,
                            });
                        }
                    };
                let whole = Interval::WHOLE;
                push(base.clone(), None, false, whole, whole);
                for fresh in &freshness {
                    for verified in [false, true] {
                        for accuracy in &accuracies {
                            for score in &scores {
                                let input = CaseInput {
                                    vex_trust: Some(VexTrustInput {
                                        trust_score: Some(score.low),
                                        signature_verified: Some(verified),
                                        accuracy_rate: Some(accuracy.low),
                                        freshness: Some(fresh.clone()),
                                        ..VexTrustInput::default()
                                    }),
                                    ..base.clone()
                                };
                                push(input, Some(fresh.clone()), verified, *accuracy, *score);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Regions merged by [`crate::diff::collapse`]: the cells of one environment that change alike
/// and differ along one axis only become one region, described by the members it spans (an
/// axis it spans whole is left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Collapsed {
    pub environment: String,
    /// "not_affected, freshness fresh|stale, trustScore in [0, 0.8)".
    pub description: String,
    pub baseline: &'static str,
    pub candidate: &'static str,
    /// An input inside the region.
    pub witness: CaseInput,
}

/// The axes of a cell, as indices into `space`: environment, tenant, status, freshness, issuer
/// verified, accuracy, score (the last four 0 for a cell without trust data).
fn coordinates(region: &Region, space: &Space) -> Vec<usize> {
    let at = |found: Option<usize>| found.unwrap_or(0);
    let trust = region.freshness.as_ref().map(|freshness| {
        [
            at(space.freshness.iter().position(|f| f == freshness)),
            usize::from(region.issuer_verified),
            at(space.accuracies.iter().position(|a| *a == region.accuracy)),
            at(space.scores.iter().position(|s| *s == region.score)),
        ]
    });
    let mut out = vec![
        at(space
            .environments
            .iter()
            .position(|e| *e == region.environment)),
        at(space.tenants.iter().position(|t| *t == region.tenant)),
        at(space.statuses.iter().position(|s| *s == region.status)),
    ];
    out.extend(trust.unwrap_or([0; 4]));
    out
}

/// Collapses the changed regions of two configurations split along `space`.
pub fn collapse(regions: Vec<Region>, space: &Space) -> Vec<Collapsed> {
    use crate::diff::collapse::{collapse, runs};
    // A cell's change: both verdicts, and whether it has trust data.
    type Change = (&'static str, &'static str, bool);
    let cells: Vec<(Vec<usize>, Change)> = regions
        .iter()
        .map(|region| {
            (
                coordinates(region, space),
                (
                    region.baseline,
                    region.candidate,
                    region.freshness.is_some(),
                ),
            )
        })
        .collect();
    let merged = collapse(cells, &[6, 5, 4, 3, 2, 1]);
    let num = crate::stellaops::chain::num;
    let spans = |intervals: &[Interval], members: &std::collections::BTreeSet<usize>| {
        runs(members)
            .into_iter()
            .filter_map(|(first, last)| {
                let (low, high) = (intervals.get(first)?, intervals.get(last)?);
                let close = if high.closed { "]" } else { ")" };
                Some(format!("[{}, {}{close}", num(low.low), num(high.high)))
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let mut out = Vec::new();
    for region in merged {
        let Some(cell) = regions.get(region.first) else {
            continue;
        };
        let (_, _, trust) = region.change;
        let whole = |axis: usize, size: usize| {
            region
                .members
                .get(axis)
                .is_none_or(|members| members.len() >= size)
        };
        let empty = std::collections::BTreeSet::new();
        let names = |label: &str, axis: usize, domain: &[String]| {
            crate::diff::collapse::members_phrase(
                label,
                domain,
                region.members.get(axis).unwrap_or(&empty),
            )
        };
        let mut parts = vec![cell.environment.clone()];
        if !whole(1, space.tenants.len()) {
            let tenants: Vec<String> = space
                .tenants
                .iter()
                .map(|tenant| tenant.clone().unwrap_or_else(|| "(other)".to_owned()))
                .collect();
            parts.push(names("tenant", 1, &tenants));
        }
        if !whole(2, space.statuses.len()) {
            parts.push(names("status", 2, &space.statuses));
        }
        if trust {
            let before = parts.len();
            if !whole(3, space.freshness.len()) {
                parts.push(names("freshness", 3, &space.freshness));
            }
            if !whole(4, 2) {
                let verified = ["false".to_owned(), "true".to_owned()];
                parts.push(names("issuer verified", 4, &verified));
            }
            if !whole(5, space.accuracies.len()) {
                let members = region.members.get(5).unwrap_or(&empty);
                parts.push(format!("accuracy in {}", spans(&space.accuracies, members)));
            }
            if !whole(6, space.scores.len()) {
                let members = region.members.get(6).unwrap_or(&empty);
                parts.push(format!("trustScore in {}", spans(&space.scores, members)));
            }
            if parts.len() == before {
                parts.push("any trust data".to_owned());
            }
        } else {
            parts.push("no trust data".to_owned());
        }
        out.push(Collapsed {
            environment: cell.environment.clone(),
            description: parts.join(", "),
            baseline: cell.baseline,
            candidate: cell.candidate,
            witness: cell.witness.clone(),
        });
    }
    out
}
