//! Rule documentation is executable: every rule documents the fixed sections, its examples
//! produce (and its "use instead" blocks do not produce) the finding, the registry lists every
//! rule file, and `rules/<id>.md` is up to date (`GATELINT_UPDATE_DOCS=1` rewrites it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::BTreeSet;
use std::path::Path;

use gatelint::app::analyze_pair;
use gatelint::rules::registry;

const SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
];

type Block = (String, Option<String>, String);

/// `(language, title, body)` of the fenced blocks under `heading`, up to the next heading.
fn blocks(docs: &str, heading: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let Some(after) = docs.split(heading).nth(1) else {
        return out;
    };
    let mut section = after.split("\n## ").next().unwrap_or("");
    while let Some(fence) = section.find("```") {
        let rest = &section[fence + 3..];
        let Some((info, body)) = rest.split_once('\n') else {
            break;
        };
        let Some(end) = body.find("```") else {
            break;
        };
        let mut parts = info.splitn(2, ' ');
        let language = parts.next().unwrap_or("").to_owned();
        let title = parts
            .next()
            .and_then(|rest| rest.strip_prefix("title=\""))
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_owned);
        out.push((language, title, body[..end].to_owned()));
        section = &body[end + 3..];
    }
    out
}

/// The block to analyse and, for transition rules, the `baseline/…` block before it.
fn block(docs: &str, heading: &str) -> Option<(String, Option<String>, String, Option<String>)> {
    let all = blocks(docs, heading);
    let baseline = all
        .iter()
        .find(|(_, title, _)| title.as_deref().is_some_and(|t| t.starts_with("baseline/")))
        .map(|(_, _, body)| body.clone());
    let (language, title, body) = all
        .into_iter()
        .find(|(_, title, _)| !title.as_deref().is_some_and(|t| t.starts_with("baseline/")))?;
    Some((language, title, body, baseline))
}

#[test]
fn every_rule_documents_every_section() {
    for meta in registry::all() {
        let docs = meta.documentation();
        for section in SECTIONS {
            assert!(
                docs.contains(section),
                "rule `{}` lacks the section `{section}`",
                meta.id
            );
        }
        assert!(
            !meta.summary.ends_with('.'),
            "summary of `{}` ends with a period",
            meta.id
        );
    }
}

#[test]
fn examples_produce_their_finding_and_fixes_do_not() {
    let mut executed = 0;
    for meta in registry::all() {
        let docs = meta.documentation();
        for (heading, expect) in [("## Example", true), ("## Use instead", false)] {
            let Some((language, title, body, baseline)) = block(&docs, heading) else {
                panic!("rule `{}` has no code block under {heading}", meta.id);
            };
            if language == "text" {
                continue;
            }
            let title =
                title.unwrap_or_else(|| panic!("`{}` {heading} block has no title", meta.id));
            let outcome = analyze_pair(&title, &body, baseline.as_deref());
            let fired = outcome
                .findings
                .iter()
                .any(|finding| finding.rule == meta.id);
            assert_eq!(
                fired,
                expect,
                "rule `{}`: {heading} block {} the finding; findings: {:#?}",
                meta.id,
                if expect {
                    "does not produce"
                } else {
                    "produces"
                },
                outcome.findings
            );
            executed += 1;
        }
    }
    assert!(executed > 20, "only {executed} examples ran");
}

/// The files that may hold rules: each `src/rules/<group>/*.rs` but the group's `mod.rs` and
/// its helper modules (files that declare no rule). Files at the top of `src/rules/` are the
/// rule machinery (`mod`, `registry`, `suppress`); a rule file there is an error.
fn rule_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                let file = entry.unwrap().path();
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&file).unwrap();
                if stem != "mod" && text.contains("declare_rule!") {
                    out.push(file);
                }
            }
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            ["mod", "registry", "suppress"].contains(&stem.as_str()),
            "{} is a rule outside a group folder",
            path.display()
        );
    }
    out.sort();
    out
}

#[test]
fn registry_lists_every_rule_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut on_disk = BTreeSet::new();
    for path in rule_files(&dir) {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let id = text
            .split("id: \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{} declares no rule", path.display()));
        assert_eq!(id.replace('-', "_"), stem, "file name and rule id differ");
        on_disk.insert(id.to_owned());
    }
    let registered: BTreeSet<String> = registry::all().map(|meta| meta.id.to_string()).collect();
    assert_eq!(on_disk, registered);
    let ids: Vec<_> = registry::all().map(|meta| meta.id).collect();
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "a rule id is registered twice");
    for id in &ids {
        assert!(
            id.as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "`{id}` is not kebab-case"
        );
    }
}

#[test]
fn generated_rule_pages_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let update = std::env::var_os("GATELINT_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected_files = BTreeSet::new();
    for meta in registry::all() {
        let path = dir.join(format!("{}.md", meta.id));
        expected_files.insert(path.file_name().unwrap().to_owned());
        let page = meta.markdown();
        if update {
            std::fs::write(&path, &page).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == page,
            "rules/{}.md is stale: run `GATELINT_UPDATE_DOCS=1 cargo test --test rules`",
            meta.id
        );
    }
    if !update {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name();
            assert!(
                expected_files.contains(&name),
                "rules/{} documents no registered rule",
                name.to_string_lossy()
            );
        }
    }
}

/// A rule is a transition rule (`gatelint diff` runs it, it needs a baseline) exactly when it
/// lives under `src/rules/transition/`.
#[test]
fn transition_rules_are_the_transition_folder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    for path in rule_files(&dir) {
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let meta = registry::find(&stem).unwrap();
        let in_folder = path.parent().unwrap().ends_with("transition");
        assert_eq!(meta.transition, in_folder, "`{}`", meta.id);
        if in_folder {
            assert!(
                meta.documentation().contains("Needs a baseline"),
                "`{}` does not say it needs a baseline",
                meta.id
            );
        }
    }
}
