use std::collections::BTreeSet;
use std::path::Path;

use crate::declare_rule;
use crate::finding::Location;
use crate::parse::Node;
use crate::rules::{ReplayContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Warns about a Stella Ops fixture case (or a suite's `defaults`) whose `environment` is
    /// not one the suite's policy configures, at the value. Stella Ops evaluates such a request
    /// with the `default` threshold set, so a misspelt `environment: prodution` silently tests
    /// the defaults instead of production. The configured environments are those of coverage
    /// (`environment-not-exercised`): the VexTrust `Thresholds` sets and the CVE gates'
    /// `Environments`. `default` itself is always accepted; a policy that configures no
    /// environment is not judged.
    ///
    /// ## Why is this bad?
    /// The case passes or fails for the wrong reason: its expectation is checked against the
    /// fallback set, and production stays untested while the suite looks green.
    ///
    /// ## Example
    /// ```text
    /// - name: production trust 0.75
    ///   input: {environment: prodution, vexTrust: {trustScore: 0.75}}
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// - name: production trust 0.75
    ///   input: {environment: production, vexTrust: {trustScore: 0.75}}
    /// ```
    pub struct FixtureEnvironmentUnconfigured {
        id: "fixture-environment-unconfigured",
        summary: "a fixture case names an environment its policy does not configure",
        severity: Warning,
        since: "0.1.0",
    }
}

impl Rule for FixtureEnvironmentUnconfigured {
    fn check_replay(&self, cx: &ReplayContext<'_>, out: &mut Sink) {
        for suite in &cx.outcome.suites {
            if suite.ecosystem != "stellaops" {
                continue;
            }
            let Some((path, file)) = cx.file(&suite.path) else {
                continue;
            };
            let Some(root) = file.sections.first().map(|section| section.node.as_ref()) else {
                continue;
            };
            let policies = policy_paths(&path, root);
            let configured: BTreeSet<&str> = policies
                .iter()
                .filter_map(|policy| cx.configured_environments.get(policy))
                .flatten()
                .map(String::as_str)
                .collect();
            if configured.is_empty() {
                continue;
            }
            let defaults = root
                .get("defaults")
                .and_then(|defaults| defaults.get("environment"));
            let cases = root
                .get("cases")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|case| case.get("input")?.get("environment"));
            for value in defaults.into_iter().chain(cases) {
                let Some(environment) = value.as_str() else {
                    continue;
                };
                let folded = environment.to_ascii_lowercase();
                if folded == "default" || configured.contains(folded.as_str()) {
                    continue;
                }
                let mut finding = Self::META.finding(
                    Location::new(path.clone(), value.span, ""),
                    format!(
                        "environment `{environment}` is not configured by {}: the case is evaluated with the `default` set",
                        policies
                            .iter()
                            .map(|policy| format!("`{policy}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                let close = crate::schema::close_names(environment, configured.iter().copied());
                finding.help = Some(match close.first() {
                    Some((_, name)) => format!("did you mean `{name}`?"),
                    None => format!(
                        "configured: {}",
                        configured
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                out.push(finding);
            }
        }
    }
}

/// The display paths of the policies a suite names (`policy:`, one path or a list), resolved
/// against the suite's directory.
fn policy_paths(suite: &str, root: &Node) -> Vec<String> {
    let dir = Path::new(suite).parent().unwrap_or(Path::new(""));
    let named: Vec<&str> = match root.get("policy") {
        Some(node) => match node.as_seq() {
            Some(items) => items.iter().filter_map(Node::as_str).collect(),
            None => node.as_str().into_iter().collect(),
        },
        None => Vec::new(),
    };
    named
        .into_iter()
        .map(|policy| crate::discover::normalize_display(&dir.join(policy)))
        .collect()
}
