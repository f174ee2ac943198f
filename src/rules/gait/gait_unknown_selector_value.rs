use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::gait::lint::{PROVENANCE_SOURCES, TARGET_KINDS, rule_sites};
use crate::parse::Node;
use crate::rules::{FileContext, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `target_kinds`, `destination_kinds` and `dataflow.destination_kinds` values that
    /// are not a target kind Gait accepts (`path`, `url`, `host`, `repo`, `bucket`, `table`,
    /// `queue`, `topic`, `other`), and `provenance_sources` / `dataflow.tainted_sources` values
    /// that are not a provenance source (`user`, `tool_output`, `external`, `system`). Gait's
    /// loader does not validate these lists, while intents carrying any other value are rejected,
    /// so such a value can never match. When every value of a `match` selector is unknown, the
    /// rule itself can never match: an error.
    ///
    /// ## Why is this bad?
    /// A typo (`file` for `path`, `tool-output` for `tool_output`) silently disables the
    /// selector: a block rule stops blocking without any error.
    ///
    /// ## Example
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-file-writes
    ///     effect: block
    ///     match: {target_kinds: [file]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title=".gait.yaml"
    /// schema_id: gait.gate.policy
    /// schema_version: 1.0.0
    /// default_verdict: allow
    /// rules:
    ///   - name: block-file-writes
    ///     effect: block
    ///     match: {target_kinds: [path]}
    /// ```
    pub struct GaitUnknownSelectorValue {
        id: "gait-unknown-selector-value",
        summary: "selector value Gait never produces, so it never matches",
        severity: Warning,
        since: "0.1.0",
        security_severity: "5.0",
    }
}

/// `(path below the rule, vocabulary, whether it is a match selector)`.
const LISTS: [(&str, &[&str], bool); 5] = [
    ("match/target_kinds", TARGET_KINDS, true),
    ("match/destination_kinds", TARGET_KINDS, true),
    ("match/provenance_sources", PROVENANCE_SOURCES, true),
    ("dataflow/destination_kinds", TARGET_KINDS, false),
    ("dataflow/tainted_sources", PROVENANCE_SOURCES, false),
];

impl Rule for GaitUnknownSelectorValue {
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
            for (list, vocabulary, selector) in LISTS {
                let items: Vec<(usize, &Node, String)> = crate::gait::lint::node_at(node, list)
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .filter_map(|(index, item)| {
                        let text = item.as_str()?.trim().to_lowercase();
                        (!text.is_empty()).then_some((index, item, text))
                    })
                    .collect();
                let unknown: Vec<&(usize, &Node, String)> = items
                    .iter()
                    .filter(|(_, _, text)| !vocabulary.contains(&text.as_str()))
                    .collect();
                let dead = selector && !items.is_empty() && unknown.len() == items.len();
                for (index, item, text) in unknown {
                    let suggestion = crate::schema::suggest(text, vocabulary.iter().copied());
                    let message = if dead {
                        format!(
                            "`{text}` is not a value Gait produces for `{}`, and no other value is listed: rule `{}` can never match",
                            list.replace('/', "."),
                            site.rule.name
                        )
                    } else {
                        format!(
                            "`{text}` is not a value Gait produces for `{}`: it never matches",
                            list.replace('/', ".")
                        )
                    };
                    let mut finding = Finding::new(
                        Self::META.id,
                        if dead {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        cx.at(item.span, site.pointer(&format!("{list}/{index}"))),
                        message,
                    );
                    finding = finding.with_help(match suggestion {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None => format!("use one of `{}`", vocabulary.join("`, `")),
                    });
                    out.push(finding);
                }
            }
        }
    }
}
