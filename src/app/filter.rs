//! Which findings a run reports and the exit code they decide: `--select`, `--ignore` and the
//! config's rule settings, and `--fail-on`. `check` and `diff` share them.

use crate::config::{self, Config};
use crate::exit::Exit;
use crate::finding::{Finding, Location, Severity, sort_findings};
use crate::rules::registry;

/// The least severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    /// The config's `fail-on`, else `error`.
    pub fn of_config(config: &Config) -> FailOn {
        config
            .fail_on
            .as_deref()
            .and_then(FailOn::parse)
            .unwrap_or(FailOn::At(Severity::Error))
    }

    /// The least severity that fails, as reports show it (`None`: nothing does).
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::At(severity) => Some(severity),
            FailOn::Never => None,
        }
    }

    pub fn parse(text: &str) -> Option<FailOn> {
        match text {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }
}

/// The exit code findings decide: invalid input (6) before fixture regressions (5) before
/// findings at or above `fail_on` (3).
pub(super) fn exit_of(findings: &[Finding], fail_on: FailOn) -> Exit {
    let mut exit = Exit::Success;
    for finding in findings {
        let meta = registry::find(finding.rule.as_str());
        let invalid = meta.is_some_and(|meta| meta.invalid_input);
        let regression = meta.is_some_and(|meta| meta.regression);
        if invalid && finding.severity == Severity::Error {
            exit = exit.max(Exit::InvalidInput);
        } else if regression && finding.severity == Severity::Error {
            exit = exit.max(Exit::Regression);
        } else if let FailOn::At(threshold) = fail_on
            && finding.severity >= threshold
        {
            exit = exit.max(Exit::Blocked);
        }
    }
    exit
}

/// `--select`, `--ignore` and the config's rule settings, as `check` applies them to findings.
pub(super) struct Filter<'c> {
    select: Vec<String>,
    ignore: Vec<String>,
    config: &'c Config,
}

impl<'c> Filter<'c> {
    /// `--select` and `--ignore` (`select`, `ignore`), then the config's settings.
    pub(super) fn new(select: &[String], ignore: &[String], config: &'c Config) -> Filter<'c> {
        Filter {
            select: select.iter().chain(&config.select).cloned().collect(),
            ignore: ignore.iter().chain(&config.ignore).cloned().collect(),
            config,
        }
    }

    /// The config's rule settings alone (no `--select` or `--ignore`).
    pub(super) fn of_config(config: &'c Config) -> Filter<'c> {
        Filter {
            select: config.select.clone(),
            ignore: config.ignore.clone(),
            config,
        }
    }

    pub(super) fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        filter_findings(findings, &self.select, &self.ignore, self.config)
    }
}

/// Applies `--select`/`--ignore`, config ignores and severity overrides, then sorts.
fn filter_findings(
    findings: Vec<Finding>,
    select: &[String],
    ignore: &[String],
    config: &Config,
) -> Vec<Finding> {
    let selected = |id: &str| {
        let chosen = select.is_empty() || select.iter().any(|rule| rule == id || rule == "all");
        let dropped = ignore.iter().any(|rule| rule == id || rule == "all");
        chosen && !dropped
    };
    let overrides: Vec<(globset::GlobMatcher, &config::Override)> = config
        .overrides
        .iter()
        .filter_map(|entry| {
            globset::Glob::new(&entry.path)
                .ok()
                .map(|glob| (glob.compile_matcher(), entry))
        })
        .collect();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            let id = finding.rule.as_str();
            let mut keep = selected(id);
            if let Some(severity) = config.severity_override(id) {
                finding.severity = severity;
            }
            // Per-path settings, after the top-level ones; later overrides win.
            for (matcher, entry) in &overrides {
                if !matcher.is_match(config.rebase(finding.primary.path.as_ref()).as_ref()) {
                    continue;
                }
                if !entry.select.is_empty() {
                    keep = entry.select.iter().any(|rule| rule == id || rule == "all")
                        && !ignore.iter().any(|rule| rule == id || rule == "all");
                }
                if entry.ignore.iter().any(|rule| rule == id || rule == "all") {
                    keep = false;
                }
                if let Some(severity) = entry
                    .severity
                    .get(id)
                    .and_then(|name| Severity::parse(name))
                {
                    finding.severity = severity;
                }
            }
            (keep && !ignored_by_config(config, &finding.primary, id)).then_some(finding)
        })
        .collect();
    sort_findings(&mut out);
    out
}

fn ignored_by_config(config: &Config, location: &Location, rule: &str) -> bool {
    config.ignores.iter().any(|entry| {
        if entry.rule != rule && entry.rule != "all" {
            return false;
        }
        let path_matches = globset::Glob::new(&entry.path)
            .map(|glob| {
                glob.compile_matcher()
                    .is_match(config.rebase(location.path.as_ref()).as_ref())
            })
            .unwrap_or(false);
        let key_matches = entry.key.as_deref().is_none_or(|key| {
            location.pointer == key || location.pointer.starts_with(&format!("{key}/"))
        });
        path_matches && key_matches
    })
}
