//! The pipeline flows one way: a module may use only earlier stages and the leaf vocabularies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::path::Path;

/// Stages in pipeline order. A module may import modules of the same or an earlier rank.
const ORDER: &[&[&str]] = &[
    &["span", "finding", "source"],
    &["parse"],
    &["discover"],
    &["schema"],
    &["classify", "config"],
    // `exit` maps both ecosystems' verdicts to process codes.
    &["stellaops", "gait", "exit"],
    &["project"],
    &["replay"],
    &["diff"],
    &["rules"],
    &["report"],
    &["app"],
    &["cli"],
];

fn rank(module: &str) -> Option<usize> {
    ORDER.iter().position(|stage| stage.contains(&module))
}

fn module_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_flow_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut violations = Vec::new();
    for path in all {
        let module = module_of(&path, &src);
        if ["lib", "main"].contains(&module.as_str()) {
            continue;
        }
        let own = rank(&module)
            .unwrap_or_else(|| panic!("module `{module}` has no place in the pipeline order"));
        let text = std::fs::read_to_string(&path).unwrap();
        for (index, _) in text.match_indices("crate::") {
            let used: String = text[index + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if used.is_empty() || used == "declare_rule" {
                continue;
            }
            let Some(other) = rank(&used) else {
                violations.push(format!("{}: unknown module `{used}`", path.display()));
                continue;
            };
            if other > own {
                violations.push(format!(
                    "{}: `{module}` imports later stage `{used}`",
                    path.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
