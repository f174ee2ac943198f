//! The Markdown job summary of a real baseline diff, as the PR check writes it to
//! `$GITHUB_STEP_SUMMARY`: run the binary in a git repository with the variables a GitHub
//! Actions job has, then render the Markdown to HTML as GitHub does (GFM tables) and look at
//! what a reviewer sees.
//!
//! `GATELINT_SUMMARY_HTML=path` keeps the rendered page (with Mermaid loaded when
//! `GATELINT_MERMAID_JS` names a local `mermaid.min.js`), to look at in a browser:
//! `scripts/render-summary.sh` does that and takes a screenshot.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;
use common::{gatelint, git, write};

use std::path::Path;

const POLICY: &str = "PolicyGates:\n  VexTrust:\n    Enabled: true\n    Thresholds:\n      production:\n        MinCompositeScore: SCORE\n        RequireIssuerVerified: true\n        AcceptableFreshness: [fresh]\n        FailureAction: Block\n      staging:\n        MinCompositeScore: 0.60\n        FailureAction: Warn\n      default:\n        FailureAction: Warn\n    MissingTrustBehavior: Warn\n";

const SUITE: &str = "kind: gatelint.fixtures/v1\npolicy: ../config/appsettings.yaml\ncases:\n  - name: production trust 0.75\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.75, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Blocked}\n  - name: production trust 0.95\n    input: {environment: production, requestedStatus: not_affected, vexTrust: {trustScore: 0.95, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Pass}\n  - name: staging trust 0.5\n    input: {environment: staging, requestedStatus: not_affected, vexTrust: {trustScore: 0.5, signatureVerified: true, freshness: fresh}}\n    expect: {verdict: Warned}\n";

const SHA_VAR: &str = "0123456789abcdef0123456789abcdef01234567";

/// A repository whose last commit lowers production's `MinCompositeScore` (loosening the first
/// case) and misspells a staging key.
fn repository(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "config/appsettings.yaml",
        &POLICY.replace("SCORE", "0.80"),
    );
    write(root, "fixtures/release.fixtures.yaml", SUITE);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "baseline"]);
    let candidate = POLICY
        .replace("SCORE", "0.70")
        .replace("MinCompositeScore: 0.60", "MinCompositScore: 0.60");
    write(root, "config/appsettings.yaml", &candidate);
    git(root, &["commit", "-q", "-am", "candidate"]);
}

fn summary(root: &Path) -> (Option<i32>, String) {
    let output = gatelint(root)
        .args([
            "check",
            "--baseline-ref",
            "HEAD~1",
            "--format",
            "markdown",
            ".",
        ])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/gates")
        .env("GITHUB_SHA", SHA_VAR)
        .env("GITHUB_WORKSPACE", root)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn html_of(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn position(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` missing from:\n{text}"))
}

#[test]
fn a_reviewer_reads_the_news_first_and_code_as_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    repository(&root);
    let (code, markdown) = summary(&root);
    assert_eq!(code, Some(6), "{markdown}");

    // The headline leads with the loosened production verdict, then the regression, then the
    // invalid input.
    let headline = markdown.lines().next().unwrap();
    assert!(
        headline.starts_with("## ❌ gatelint check: 1 disallowed verdict change in environment `production`; 1 fixture regression; invalid input (1 error)"),
        "{headline}"
    );
    assert!(
        markdown
            .contains("**What changed for whom:**\n\n- environment `production`: **1 loosened**\n"),
        "{markdown}"
    );
    // The verdict diff (with its chart) before the findings, the findings before the cases.
    let diff = position(&markdown, "### Verdict diff");
    let chart = position(&markdown, "```mermaid\nxychart-beta");
    let findings = position(&markdown, "### Findings");
    let cases = position(&markdown, "### Fixture cases");
    assert!(
        diff < chart && chart < findings && findings < cases,
        "{markdown}"
    );
    assert!(
        markdown.contains("    bar [1, 1, 1]\n    line [0, 2, 1]\n"),
        "{markdown}"
    );
    // Errors first: the disallowed loosening, then the misspelt key.
    let loosened = position(&markdown, "| error | `verdict-loosened` |");
    let unknown = position(&markdown, "| error | `unknown-key` |");
    assert!(loosened < unknown, "{markdown}");
    // Passing cases only inside the collapsed details.
    let details = position(&markdown, "<details><summary>2 cases passed</summary>");
    assert!(
        position(&markdown, "production trust 0.95") > details,
        "{markdown}"
    );
    // Locations link to the reviewed commit.
    let blob = format!("https://github.com/acme/gates/blob/{SHA_VAR}/");
    assert!(
        markdown.contains(&format!("({blob}config/appsettings.yaml#L11)")),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("({blob}fixtures/release.fixtures.yaml#L4)")),
        "{markdown}"
    );

    let html = html_of(&markdown);
    // Inline code is code, not literal backticks.
    assert!(html.contains("<code>MinCompositScore</code>"), "{html}");
    assert!(!html.contains("`MinCompositScore`"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"{blob}config/appsettings.yaml#L11\">config/appsettings.yaml:11</a>"
        )),
        "{html}"
    );
    assert!(
        html.contains("<details><summary>2 cases passed</summary>"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-mermaid\">xychart-beta"),
        "{html}"
    );
    // Every row of the findings table has its four cells: no message split a row.
    let findings_table = html
        .split("<th>Message</th>")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap();
    for row in findings_table.split("<tr>").skip(1) {
        assert_eq!(row.matches("<td>").count(), 4, "{row}");
    }

    if let Some(path) = std::env::var_os("GATELINT_SUMMARY_HTML") {
        let mermaid = std::env::var_os("GATELINT_MERMAID_JS")
            .map(|script| {
                format!(
                    "<script src=\"file://{}\"></script><script>for (const block of document.querySelectorAll('code.language-mermaid')) {{ const pre = block.parentElement; const div = document.createElement('div'); div.className = 'mermaid'; div.textContent = block.textContent; pre.replaceWith(div); }} mermaid.initialize({{startOnLoad: true}});</script>",
                    Path::new(&script).display()
                )
            })
            .unwrap_or_default();
        let page = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>gatelint job summary</title><style>body{{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;max-width:1000px;margin:24px;color:#1f2328}}table{{border-collapse:collapse;margin:8px 0}}td,th{{border:1px solid #d1d9e0;padding:4px 10px}}code{{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:85%}}a{{color:#0969da}}</style><body>{html}{mermaid}</body>"
        );
        std::fs::write(path, page).unwrap();
    }
}

#[test]
fn without_the_actions_variables_there_are_no_links() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    repository(&root);
    let output = gatelint(&root)
        .args([
            "check",
            "--baseline-ref",
            "HEAD~1",
            "--format",
            "markdown",
            ".",
        ])
        .output()
        .unwrap();
    let markdown = String::from_utf8(output.stdout).unwrap();
    assert!(
        markdown.contains("| config/appsettings.yaml:11 |"),
        "{markdown}"
    );
    assert!(!markdown.contains("https://"), "{markdown}");
}

#[test]
fn annotations_spend_the_budget_on_the_loosened_production_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    repository(&root);
    // Twelve misspelt keys, which come first in path order (config/ before fixtures/).
    let mut candidate = std::fs::read_to_string(root.join("config/appsettings.yaml")).unwrap();
    for n in 0..12 {
        candidate.push_str(&format!("    UnknownSetting{n}: true\n"));
    }
    write(&root, "config/appsettings.yaml", &candidate);
    git(&root, &["commit", "-q", "-am", "more typos"]);
    let output = gatelint(&root)
        .args([
            "check",
            "--baseline-ref",
            "HEAD~2",
            "--format",
            "github",
            ".",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(6), "{text}");
    let errors: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 10, "{text}");
    // The loosened production verdict leads, merged with the fixture failure on its span.
    assert!(
        errors[0].starts_with(
            "::error file=fixtures/release.fixtures.yaml,line=4,col=5,endLine=6,endColumn=31,title=verdict-loosened%2C fixture-mismatch::case `production trust 0.75` (production): Blocked → Pass"
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("::notice title=gatelint::gatelint: "),
        "{text}"
    );
    assert!(
        text.contains("errors") && text.contains("not shown as annotations"),
        "{text}"
    );
}
