//! The verdict diff of fixture replays: each case's decision on the baseline and on the
//! candidate side, compared (verdict, deciding gate or rule, reason codes, violations) and
//! classified as tightening or loosening by an order of verdicts, with totals, per-verdict
//! counts and a recommendation in the manner of Gait's `policy simulate`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// What one side decided for one case.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Decided {
    pub verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    /// Why the case could not be evaluated on this side (its verdict is then `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Decided {
    /// What a diff compares: the decision without the gate where no gate decides it.
    fn identity(&self) -> Decided {
        let undecided = self.verdict.eq_ignore_ascii_case("Pass")
            || (self.verdict.eq_ignore_ascii_case("allow") && self.rule.is_none());
        Decided {
            gate: if undecided { None } else { self.gate.clone() },
            ..self.clone()
        }
    }

    /// The verdict of a case that could not be evaluated: ranked with the blocking verdicts,
    /// as a fail-closed gate would treat it.
    pub fn error(message: impl Into<String>) -> Decided {
        Decided {
            verdict: ERROR_VERDICT.to_owned(),
            error: Some(message.into()),
            ..Decided::default()
        }
    }

    /// "Blocked at gate `VexTrust` (composite_score)".
    pub fn explain(&self) -> String {
        let mut out = format!("`{}`", self.verdict);
        if let Some(gate) = &self.gate {
            out.push_str(&format!(" at gate `{gate}`"));
        }
        if let Some(rule) = &self.rule {
            out.push_str(&format!(" by rule `{rule}`"));
        }
        let mut why: Vec<&str> = self.reasons.iter().map(String::as_str).collect();
        why.extend(self.violations.iter().map(String::as_str));
        if !why.is_empty() {
            out.push_str(&format!(" ({})", why.join(", ")));
        }
        if let Some(error) = &self.error {
            out.push_str(&format!(": {error}"));
        }
        out
    }
}

/// The verdict name of a case that could not be evaluated.
pub const ERROR_VERDICT: &str = "error";

/// How a changed case moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The candidate decides more strictly.
    Tightening,
    /// The candidate decides less strictly.
    Loosening,
    /// Same strictness; the deciding gate, rule or reasons changed.
    Neutral,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Tightening => "tightening",
            Direction::Loosening => "loosening",
            Direction::Neutral => "neutral",
        }
    }
}

/// Verdicts ordered by strictness, as tiers: a verdict in a later tier is stricter; verdicts
/// of one tier are equally strict. Names compare ignoring ASCII case; an unknown verdict
/// counts as the strictest (fail closed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictOrder {
    pub tiers: Vec<Vec<String>>,
}

impl Default for VerdictOrder {
    /// Stella Ops `Pass`/`GuardedPass`/`Ignored` < `Warned` < `Deferred`/`RequiresVex`/
    /// `Escalated` < `Blocked`; Gait `allow` < `dry_run` < `require_approval` < `block`.
    fn default() -> Self {
        let tier = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
        VerdictOrder {
            tiers: vec![
                tier(&["Pass", "GuardedPass", "Ignored", "allow"]),
                tier(&["Warned", "dry_run"]),
                tier(&["Deferred", "RequiresVex", "Escalated", "require_approval"]),
                tier(&["Blocked", "block", ERROR_VERDICT]),
            ],
        }
    }
}

impl VerdictOrder {
    /// The tier of `verdict` (unknown: the strictest).
    pub fn rank(&self, verdict: &str) -> usize {
        self.tiers
            .iter()
            .position(|tier| tier.iter().any(|name| name.eq_ignore_ascii_case(verdict)))
            .unwrap_or(self.tiers.len())
    }

    /// Whether `verdict` is in the least strict tier (it lets the change through).
    pub fn allows(&self, verdict: &str) -> bool {
        self.rank(verdict) == 0
    }

    /// Whether `verdict` is in the strictest tier (or unknown).
    pub fn blocks(&self, verdict: &str) -> bool {
        self.rank(verdict) + 1 >= self.tiers.len()
    }

    pub fn direction(&self, baseline: &str, candidate: &str) -> Direction {
        match self.rank(candidate).cmp(&self.rank(baseline)) {
            std::cmp::Ordering::Greater => Direction::Tightening,
            std::cmp::Ordering::Less => Direction::Loosening,
            std::cmp::Ordering::Equal => Direction::Neutral,
        }
    }
}

/// Which changes fail a diff (exit 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOnChange {
    /// Any loosening in a production environment.
    #[default]
    LooseningProduction,
    /// Any loosening.
    Loosening,
    /// Any change.
    Any,
    Never,
}

impl FailOnChange {
    pub fn parse(text: &str) -> Option<FailOnChange> {
        match text {
            "loosening-production" => Some(FailOnChange::LooseningProduction),
            "loosening" => Some(FailOnChange::Loosening),
            "any" => Some(FailOnChange::Any),
            "never" => Some(FailOnChange::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOnChange::LooseningProduction => "loosening-production",
            FailOnChange::Loosening => "loosening",
            FailOnChange::Any => "any",
            FailOnChange::Never => "never",
        }
    }
}

/// The diff settings (`[diff]` in `gatelint.toml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffPolicy {
    pub order: VerdictOrder,
    pub fail_on: FailOnChange,
    /// Environment names (lower case) that count as production.
    pub production: Vec<String>,
}

impl Default for DiffPolicy {
    fn default() -> Self {
        DiffPolicy {
            order: VerdictOrder::default(),
            fail_on: FailOnChange::default(),
            production: vec!["production".to_owned(), "prod".to_owned()],
        }
    }
}

impl DiffPolicy {
    pub fn is_production(&self, environment: &str) -> bool {
        self.production
            .iter()
            .any(|name| name.eq_ignore_ascii_case(environment))
    }

    /// Whether a change in `direction` in `environment` fails the run.
    pub fn disallows(&self, direction: Direction, environment: &str) -> bool {
        match self.fail_on {
            FailOnChange::Never => false,
            FailOnChange::Any => true,
            FailOnChange::Loosening => direction == Direction::Loosening,
            FailOnChange::LooseningProduction => {
                direction == Direction::Loosening && self.is_production(environment)
            }
        }
    }
}

/// One replayed case, both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct CasePair {
    /// The suite's display path (or the policy pair, for bare Gait intents).
    pub suite: String,
    /// The case name, or the intent's display path for a bare Gait intent.
    pub case: String,
    /// Where the case sits in its suite (`None` for a bare intent).
    pub span: Option<Span>,
    /// 0-based index of the case in its suite.
    pub index: usize,
    /// The case's environment (lower case), `-` when it has none.
    pub environment: String,
    pub baseline: Decided,
    pub candidate: Decided,
}

impl CasePair {
    /// Gait's rule: verdict, reason codes (ordered), violations or matched rule differ; here
    /// also the deciding gate and the evaluation error.
    /// For verdicts no gate decides (Stella Ops `Pass`, Gait `allow` without a matched rule)
    /// the gate is not compared: it is only the last gate that ran.
    pub fn changed(&self) -> bool {
        self.baseline.identity() != self.candidate.identity()
    }
}

/// A changed case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangedCase {
    pub suite: String,
    pub case: String,
    #[serde(skip)]
    pub span: Option<Span>,
    #[serde(skip)]
    pub index: usize,
    pub environment: String,
    pub direction: Direction,
    /// Whether this change fails the run under the configured `fail-on`.
    pub disallowed: bool,
    pub baseline: Decided,
    pub candidate: Decided,
}

impl ChangedCase {
    /// A changed pair, its direction and whether `policy` fails the run on it.
    pub fn new(pair: CasePair, policy: &DiffPolicy) -> ChangedCase {
        let direction = policy
            .order
            .direction(&pair.baseline.verdict, &pair.candidate.verdict);
        ChangedCase {
            disallowed: policy.disallows(direction, &pair.environment),
            suite: pair.suite,
            case: pair.case,
            span: pair.span,
            index: pair.index,
            environment: pair.environment,
            direction,
            baseline: pair.baseline,
            candidate: pair.candidate,
        }
    }
}

/// A region (Stella Ops threshold gates) or class (Gait intents) of the input space whose
/// verdict changed, with a witness input inside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryRegion {
    /// The candidate policy file.
    pub policy: String,
    /// `VexTrust`, or `gait` for an intent class.
    pub gate: String,
    pub environment: String,
    /// "production, not_affected, freshness fresh, …, trustScore in [0.75, 0.8)".
    pub region: String,
    pub baseline: String,
    pub candidate: String,
    pub direction: Direction,
    pub disallowed: bool,
    pub witness: serde_json::Value,
}

/// Gait `policy simulate`'s recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Enforce,
    Observe,
    RequireApproval,
}

impl Recommendation {
    /// The recommendation over the changes of two parts of one run (the shards of a
    /// `--shard` run): a relaxation anywhere is `observe`, else a new block anywhere is
    /// `require_approval`, as [`recommend`] decides over all changes at once.
    pub fn join(self, other: Recommendation) -> Recommendation {
        use Recommendation::*;
        match (self, other) {
            (Observe, _) | (_, Observe) => Observe,
            (RequireApproval, _) | (_, RequireApproval) => RequireApproval,
            (Enforce, Enforce) => Enforce,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::Enforce => "enforce",
            Recommendation::Observe => "observe",
            Recommendation::RequireApproval => "require_approval",
        }
    }
}

/// Replayed pairs as a diff keeps them: the per-verdict counts of both sides over every pair,
/// and only the changed cases, so a large suite costs its changes, not its size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// Pairs counted.
    pub total: usize,
    pub baseline_verdicts: BTreeMap<String, usize>,
    pub candidate_verdicts: BTreeMap<String, usize>,
    /// The changed cases, in the order they came.
    pub changed: Vec<ChangedCase>,
}

impl Tally {
    /// Counts a pair and keeps it when it changed.
    pub fn add(&mut self, pair: CasePair, policy: &DiffPolicy) {
        self.count(&pair.baseline.verdict, &pair.candidate.verdict);
        if pair.changed() {
            self.changed.push(ChangedCase::new(pair, policy));
        }
    }

    /// Counts a pair by its two verdicts (its change, if any, is kept with [`Tally::keep`]).
    pub fn count(&mut self, baseline: &str, candidate: &str) {
        bump(&mut self.baseline_verdicts, baseline);
        bump(&mut self.candidate_verdicts, candidate);
        self.total += 1;
    }

    /// Keeps a changed case already counted.
    pub fn keep(&mut self, case: ChangedCase) {
        self.changed.push(case);
    }

    /// Adds another tally's counts and changes to this one.
    pub fn absorb(&mut self, other: Tally) {
        for (verdict, count) in other.baseline_verdicts {
            *self.baseline_verdicts.entry(verdict).or_insert(0) += count;
        }
        for (verdict, count) in other.candidate_verdicts {
            *self.candidate_verdicts.entry(verdict).or_insert(0) += count;
        }
        self.total += other.total;
        if self.changed.is_empty() {
            self.changed = other.changed;
        } else {
            self.changed.extend(other.changed);
        }
    }
}

fn bump(counts: &mut BTreeMap<String, usize>, verdict: &str) {
    match counts.get_mut(verdict) {
        Some(count) => *count += 1,
        None => {
            counts.insert(verdict.to_owned(), 1);
        }
    }
}

/// The verdict diff of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffSummary {
    /// What the baseline is (`git:REF`, a path).
    pub baseline: String,
    pub candidate: String,
    pub fail_on: FailOnChange,
    /// Replayed cases (each on both sides).
    pub total: usize,
    pub baseline_verdicts: BTreeMap<String, usize>,
    pub candidate_verdicts: BTreeMap<String, usize>,
    pub changed: Vec<ChangedCase>,
    pub regions: Vec<BoundaryRegion>,
    pub recommendation: Recommendation,
    /// Suites or inputs left out of the comparison, and why.
    pub notes: Vec<String>,
}

impl DiffSummary {
    /// Compares every pair: counts, changed cases (sorted by suite, case position), the
    /// recommendation.
    pub fn build(
        baseline: String,
        candidate: String,
        pairs: &[CasePair],
        policy: &DiffPolicy,
    ) -> DiffSummary {
        let mut tally = Tally::default();
        for pair in pairs {
            tally.add(pair.clone(), policy);
        }
        DiffSummary::from_tally(baseline, candidate, tally, policy)
    }

    /// [`DiffSummary::build`] over pairs already counted (and their unchanged ones dropped).
    pub fn from_tally(
        baseline: String,
        candidate: String,
        tally: Tally,
        policy: &DiffPolicy,
    ) -> DiffSummary {
        let mut changed = tally.changed;
        changed.sort_by(|a, b| (&a.suite, a.index, &a.case).cmp(&(&b.suite, b.index, &b.case)));
        let recommendation = recommend(
            changed.iter().map(|case| {
                (
                    case.baseline.verdict.as_str(),
                    case.candidate.verdict.as_str(),
                )
            }),
            &policy.order,
        );
        DiffSummary {
            baseline,
            candidate,
            fail_on: policy.fail_on,
            total: tally.total,
            baseline_verdicts: tally.baseline_verdicts,
            candidate_verdicts: tally.candidate_verdicts,
            changed,
            regions: Vec::new(),
            recommendation,
            notes: Vec::new(),
        }
    }

    /// Adds boundary regions, recomputing the recommendation over cases and regions.
    pub fn add_regions(&mut self, regions: Vec<BoundaryRegion>, order: &VerdictOrder) {
        self.regions.extend(regions);
        self.regions.sort_by(|a, b| {
            (&a.policy, &a.gate, &a.environment, &a.region).cmp(&(
                &b.policy,
                &b.gate,
                &b.environment,
                &b.region,
            ))
        });
        self.regions.dedup();
        let moves = self
            .changed
            .iter()
            .map(|case| {
                (
                    case.baseline.verdict.as_str(),
                    case.candidate.verdict.as_str(),
                )
            })
            .chain(
                self.regions
                    .iter()
                    .map(|region| (region.baseline.as_str(), region.candidate.as_str())),
            );
        self.recommendation = recommend(moves, order);
    }

    /// Whether any changed case or region fails the run.
    pub fn disallowed(&self) -> usize {
        self.changed.iter().filter(|case| case.disallowed).count()
            + self
                .regions
                .iter()
                .filter(|region| region.disallowed)
                .count()
    }

    /// The environments with a change, sorted.
    pub fn environments(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .changed
            .iter()
            .map(|case| case.environment.as_str())
            .chain(
                self.regions
                    .iter()
                    .map(|region| region.environment.as_str()),
            )
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `policy simulate fixtures=<n> changed=<m> recommendation=<r>`.
    pub fn summary_line(&self) -> String {
        format!(
            "verdict diff: cases={} changed={} loosening={} tightening={} regions={} recommendation={}",
            self.total,
            self.changed.len(),
            self.changed
                .iter()
                .filter(|case| case.direction == Direction::Loosening)
                .count(),
            self.changed
                .iter()
                .filter(|case| case.direction == Direction::Tightening)
                .count(),
            self.regions.len(),
            self.recommendation.as_str()
        )
    }
}

/// Gait's rule (gait-reference §4.5), with "allow" the least strict tier and "block" the
/// strictest: no change ⇒ `enforce`; any change to allow from something else (a relaxation) ⇒
/// `observe`; else any change to block from something else ⇒ `require_approval`; else `enforce`.
pub fn recommend<'a>(
    moves: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    order: &VerdictOrder,
) -> Recommendation {
    let relaxed = moves
        .clone()
        .any(|(baseline, candidate)| !order.allows(baseline) && order.allows(candidate));
    if relaxed {
        return Recommendation::Observe;
    }
    let blocked = moves
        .into_iter()
        .any(|(baseline, candidate)| !order.blocks(baseline) && order.blocks(candidate));
    if blocked {
        Recommendation::RequireApproval
    } else {
        Recommendation::Enforce
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(verdict: &str) -> Decided {
        Decided {
            verdict: verdict.to_owned(),
            ..Decided::default()
        }
    }

    fn pair(case: &str, environment: &str, baseline: &str, candidate: &str) -> CasePair {
        CasePair {
            suite: "s.fixtures.yaml".to_owned(),
            case: case.to_owned(),
            span: None,
            index: 0,
            environment: environment.to_owned(),
            baseline: decided(baseline),
            candidate: decided(candidate),
        }
    }

    #[test]
    fn the_gate_of_a_verdict_no_gate_decides_is_not_compared() {
        let at = |verdict: &str, gate: &str, rule: Option<&str>| Decided {
            verdict: verdict.to_owned(),
            gate: Some(gate.to_owned()),
            rule: rule.map(str::to_owned),
            ..Decided::default()
        };
        let mut case = pair("c", "production", "Pass", "Pass");
        case.baseline = at("Pass", "VexTrust", None);
        case.candidate = at("Pass", "ExecutionEvidence", None);
        assert!(!case.changed());
        case.baseline = at("allow", "gait", None);
        case.candidate = at("allow", "other", None);
        assert!(!case.changed());
        // A matched rule or a blocking verdict is decided by its gate: a move is a change.
        case.baseline = at("allow", "gait", Some("a"));
        case.candidate = at("allow", "gait", Some("b"));
        assert!(case.changed());
        case.baseline = at("Blocked", "VexTrust", None);
        case.candidate = at("Blocked", "ExecutionEvidence", None);
        assert!(case.changed());
    }

    #[test]
    fn tallies_split_and_absorbed_summarise_as_the_pairs_do() {
        let pairs = vec![
            pair("a", "production", "Blocked", "Pass"),
            pair("b", "staging", "Pass", "Pass"),
            pair("c", "staging", "Warned", "Blocked"),
            pair("d", "production", "Blocked", "Blocked"),
        ];
        let policy = DiffPolicy::default();
        let whole = DiffSummary::build("b".into(), "c".into(), &pairs, &policy);
        // Two suites' tallies, the unchanged pairs counted by their verdict only.
        let mut total = Tally::default();
        for part in pairs.chunks(2) {
            let mut tally = Tally::default();
            for pair in part {
                if pair.changed() {
                    tally.count(&pair.baseline.verdict, &pair.candidate.verdict);
                    tally.keep(ChangedCase::new(pair.clone(), &policy));
                } else {
                    tally.count(&pair.candidate.verdict, &pair.candidate.verdict);
                }
            }
            total.absorb(tally);
        }
        assert_eq!(total.changed.len(), 2);
        let streamed = DiffSummary::from_tally("b".into(), "c".into(), total, &policy);
        assert_eq!(streamed, whole);
        assert_eq!(whole.total, 4);
        assert_eq!(whole.baseline_verdicts.get("Blocked"), Some(&2));
        assert_eq!(whole.candidate_verdicts.get("Pass"), Some(&2));
    }

    #[test]
    fn order_ranks_both_ecosystems() {
        let order = VerdictOrder::default();
        assert_eq!(order.direction("Warned", "Blocked"), Direction::Tightening);
        assert_eq!(order.direction("Blocked", "Pass"), Direction::Loosening);
        assert_eq!(order.direction("Pass", "Ignored"), Direction::Neutral);
        assert_eq!(order.direction("allow", "dry_run"), Direction::Tightening);
        assert_eq!(
            order.direction("require_approval", "dry_run"),
            Direction::Loosening
        );
        assert_eq!(
            order.direction("Deferred", "Mystery"),
            Direction::Tightening
        );
    }

    #[test]
    fn gait_recommendation_rule() {
        let order = VerdictOrder::default();
        let none: [(&str, &str); 0] = [];
        assert_eq!(recommend(none.into_iter(), &order), Recommendation::Enforce);
        assert_eq!(
            recommend([("allow", "block")].into_iter(), &order),
            Recommendation::RequireApproval
        );
        assert_eq!(
            recommend([("allow", "block"), ("block", "allow")].into_iter(), &order),
            Recommendation::Observe
        );
        assert_eq!(
            recommend([("allow", "dry_run")].into_iter(), &order),
            Recommendation::Enforce
        );
    }

    #[test]
    fn loosening_in_production_is_disallowed_by_default() {
        let policy = DiffPolicy::default();
        let pairs = [
            pair("a", "production", "Blocked", "Warned"),
            pair("b", "staging", "Blocked", "Pass"),
            pair("c", "production", "Warned", "Blocked"),
            pair("d", "production", "Pass", "Pass"),
        ];
        let summary = DiffSummary::build("b".into(), "c".into(), &pairs, &policy);
        assert_eq!(summary.total, 4);
        assert_eq!(summary.changed.len(), 3);
        assert_eq!(summary.disallowed(), 1);
        assert_eq!(summary.recommendation, Recommendation::Observe);
        assert_eq!(summary.baseline_verdicts.get("Blocked"), Some(&2));
    }

    #[test]
    fn identical_sides_give_an_empty_diff() {
        let policy = DiffPolicy::default();
        let pairs = [pair("a", "production", "Blocked", "Blocked")];
        let summary = DiffSummary::build("b".into(), "c".into(), &pairs, &policy);
        assert!(summary.changed.is_empty());
        assert_eq!(summary.recommendation, Recommendation::Enforce);
    }
}
