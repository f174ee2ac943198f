use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::eval::go_path_match;
use crate::gait::lint::rule_sites;
use crate::parse::Node;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports endpoint path and domain patterns (`path_allowlist`, `path_denylist`,
    /// `domain_allowlist`, `domain_denylist`) that Gait's matcher can never match as a pattern:
    /// a malformed glob (an unclosed `[`, a trailing `\`) matches only its own literal text,
    /// and `**` anywhere but a trailing `/**` behaves like `*` (it does not cross `/`).
    /// Unusable deny patterns are errors; allow patterns are warnings.
    ///
    /// ## Why is this bad?
    /// Gait matches with Go's `path.Match` and silently treats a malformed pattern as "no
    /// match": a deny list entry stops protecting anything, an allow list entry blocks paths the
    /// author meant to allow.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: no-secrets
    ///     effect: allow
    ///     match: {tool_names: [tool.read]}
    ///     endpoint:
    ///       path_denylist: ["/etc/[a-z"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: block
    /// rules:
    ///   - name: no-secrets
    ///     effect: allow
    ///     match: {tool_names: [tool.read]}
    ///     endpoint:
    ///       path_denylist: ["/etc/**"]
    /// ```
    pub struct GaitPatternNeverMatches {
        id: "gait-pattern-never-matches",
        summary: "endpoint pattern can never match as a pattern",
        severity: Error,
        since: "0.1.0",
        security_severity: "6.0",
    }
}

const LISTS: [(&str, bool); 4] = [
    ("endpoint/path_denylist", true),
    ("endpoint/domain_denylist", true),
    ("endpoint/path_allowlist", false),
    ("endpoint/domain_allowlist", false),
];

impl Rule for GaitPatternNeverMatches {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        let (Some(policy), Some(root)) = (
            cx.gait_policy,
            cx.sections.first().map(|section| &section.node),
        ) else {
            return;
        };
        for site in rule_sites(Some(root), policy) {
            let Some(node) = site.node else {
                continue;
            };
            for (list, deny) in LISTS {
                let items = crate::gait::lint::node_at(node, list)
                    .and_then(Node::as_seq)
                    .unwrap_or_default();
                for (index, item) in items.iter().enumerate() {
                    let Some(pattern) = item.as_str().map(str::trim) else {
                        continue;
                    };
                    let Some(problem) = problem(pattern) else {
                        continue;
                    };
                    out.push(
                        Finding::new(
                            Self::META.id,
                            if deny { Severity::Error } else { Severity::Warning },
                            cx.at(item.span, site.pointer(&format!("{list}/{index}"))),
                            format!("`{pattern}` in rule `{}` {problem}", site.rule.name),
                        )
                        .with_help("use `prefix/**` for a subtree, `*` within one path segment, `*.example.com` for subdomains"),
                    );
                }
            }
        }
    }
}

fn problem(pattern: &str) -> Option<&'static str> {
    if go_path_match(pattern, "").is_none() {
        return Some("is a malformed glob: Gait matches it only against its own literal text");
    }
    let body = pattern.strip_suffix("/**").unwrap_or(pattern);
    if body.contains("**") {
        return Some("uses `**` before the end: Gait reads it as `*`, which does not cross `/`");
    }
    None
}
