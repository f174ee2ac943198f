use crate::classify::FileKind;
use crate::declare_rule;
use crate::finding::Location;
use crate::parse::Value;
use crate::rules::{FileContext, Rule, Sink};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a fixture suite without a single case: `cases: []` in YAML or JSON, or a JSONL
    /// suite with only its header line. `validate`, `check` and `test` all report it.
    ///
    /// ## Why is this bad?
    /// A suite that holds no case tests nothing, yet every replay of it passes: a generator that
    /// wrote nothing, or cases moved elsewhere, would go unnoticed. The run fails closed (exit 6).
    ///
    /// ## Example
    /// ```yaml title="release.fixtures.yaml"
    /// kind: gatelint.fixtures/v1
    /// policy: policy-gates.yaml
    /// cases: []
    /// ```
    ///
    /// ## Use instead
    /// ```yaml title="release.fixtures.yaml"
    /// kind: gatelint.fixtures/v1
    /// policy: policy-gates.yaml
    /// cases:
    ///   - name: production blocks a low trust score
    ///     input: { environment: production, vexTrust: { trustScore: 0.5, signatureVerified: true } }
    ///     expect: { verdict: Blocked }
    /// ```
    pub struct FixtureSuiteEmpty {
        id: "fixture-suite-empty",
        summary: "fixture suite holds no case",
        severity: Error,
        since: "0.1.0",
        invalid_input: true,
    }
}

const MESSAGE: &str = "the suite holds no case, so it tests nothing";

impl Rule for FixtureSuiteEmpty {
    fn check_file(&self, cx: &FileContext<'_>, out: &mut Sink) {
        if cx.classified.map(|classified| classified.kind) != Some(FileKind::FixtureSuite)
            || cx.parse_issues.iter().any(|issue| issue.is_fatal())
        {
            return;
        }
        if cx.source.path.to_ascii_lowercase().ends_with(".jsonl") {
            let mut lines = cx
                .source
                .text
                .split('\n')
                .scan(0usize, |start, line| {
                    let at = *start;
                    *start += line.len() + 1;
                    Some((at, line))
                })
                .filter(|(_, line)| !line.trim().is_empty());
            let header = lines.next();
            if let (Some((at, line)), None) = (header, lines.next()) {
                out.push(Self::META.finding(
                    Location::new(
                        cx.source.path.clone(),
                        Span::new(at, at + line.trim_end().len()),
                        "",
                    ),
                    format!("{MESSAGE}: no case line follows the header"),
                ));
            }
            return;
        }
        let Some(cases) = cx
            .sections
            .first()
            .and_then(|section| section.node.as_map())
            .and_then(|entries| entries.iter().find(|entry| entry.key.text == "cases"))
        else {
            return;
        };
        if matches!(&cases.value.value, Value::Seq(items) if items.is_empty()) {
            out.push(Self::META.finding(cx.at(cases.value.span, "/cases"), MESSAGE));
        }
    }
}
