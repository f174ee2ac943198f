use crate::declare_rule;

use crate::parse::Node;
use crate::rules::{ProjectContext, Rule, Sink};
use crate::stellaops::model::GateId;

/// The gate maps of a file under each root spelling.
fn gate_roots(tree: &Node) -> Vec<(&'static str, &Node)> {
    let mut out = Vec::new();
    if let Some(entry) = tree.entry_ignore_case("PolicyGates") {
        out.push(("PolicyGates", &entry.value));
    }
    if let Some(entry) = tree.entry_ignore_case("Policy:Gates") {
        out.push(("Policy:Gates", &entry.value));
    }
    if let Some(gates) = tree
        .entry_ignore_case("Policy")
        .and_then(|policy| policy.value.entry_ignore_case("Gates"))
    {
        out.push(("Policy:Gates", &gates.value));
    }
    if let Some(entry) = tree.entry_ignore_case("gates") {
        out.push(("gates", &entry.value));
    }
    out
}

declare_rule! {
    /// ## What it does
    /// Reports an `Order` written for one of the five documented core gates (EvidenceCompleteness
    /// 100, LatticeState 200, VexTrust 250, UncertaintyTier 300, Confidence 400) that differs from
    /// the documented position.
    ///
    /// ## Why is this bad?
    /// The chain stops at the first `Block`, so order decides which gate's reason a release gets
    /// and whether later gates run at all. The rollout guide's metrics and runbooks assume the
    /// documented order.
    ///
    /// ## Example
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Order: 450
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="appsettings.yaml"
    /// PolicyGates:
    ///   VexTrust:
    ///     Order: 250
    /// ```
    pub struct GateOrderDiffers {
        id: "gate-order-differs",
        summary: "a gate's configured order differs from the documented chain order",
        severity: Warning,
        since: "0.2.0",
    }
}

impl Rule for GateOrderDiffers {
    fn check_project(&self, cx: &ProjectContext<'_>, out: &mut Sink) {
        for file in cx.files.values() {
            let (Some(tree), Some(_)) = (&file.tree, &file.stella) else {
                continue;
            };
            for (root_key, gates) in gate_roots(tree) {
                let Some(entries) = gates.as_map() else {
                    continue;
                };
                for entry in entries {
                    let Some(gate) = GateId::parse(&entry.key.text) else {
                        continue;
                    };
                    if gate.order() > 400 {
                        continue;
                    }
                    let Some(order) = entry.value.entry_ignore_case("Order") else {
                        continue;
                    };
                    let written = order.value.to_json().as_f64();
                    if written == Some(f64::from(gate.order())) {
                        continue;
                    }
                    out.push(Self::META.finding(
                        crate::finding::Location::new(
                            file.source.path.clone(),
                            order.value.span,
                            format!("/{root_key}/{}/Order", entry.key.text),
                        ),
                        format!(
                            "gate `{}` is ordered at `{}`; the documented chain runs it at {}",
                            gate.name(),
                            file.source.slice(order.value.span),
                            gate.order()
                        ),
                    ));
                }
            }
        }
    }
}
