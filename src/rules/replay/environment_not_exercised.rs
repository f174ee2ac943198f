use crate::declare_rule;
use crate::rules::{ReplayContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns about an environment the policy configures (a `Thresholds` or `Environments` entry) that no fixture case exercises. It runs when the scan holds fixture
    /// suites that use the policy file; coverage is advice, never an error.
    ///
    /// ## Why is this bad?
    /// An unexercised environment can change — or be broken by a typo — without any fixture
    /// noticing, so a baseline replay cannot tell what the change does to it.
    ///
    /// ## Example
    /// ```text
    /// `Thresholds.production` is configured, but every case uses `environment: staging`.
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// Add production cases; production is where a wrong threshold costs most.
    /// ```
    pub struct EnvironmentNotExercised {
        id: "environment-not-exercised",
        summary: "a configured environment no fixture case evaluates",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for EnvironmentNotExercised {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        let mut unplaced = std::collections::BTreeSet::new();
        for coverage in &cx.outcome.coverage {
            for name in coverage.environments_not_exercised() {
                let Some(location) = super::coverage_location(
                    cx,
                    &coverage.policy,
                    name,
                    &super::find_key_in,
                    &mut unplaced,
                ) else {
                    continue;
                };
                out.push(Self::META.finding(
                    location,
                    format!("environment `{name}` is configured but no fixture case evaluates it"),
                ));
            }
        }
    }
}
