//! The Stella Ops slice has no import cycle: the chain runs the gates and the gates never import
//! the chain; the model composes the gates' options and the gates never import the model.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every file of `src/stellaops` as a module name (`chain`, `gates`, `gates::vex_trust`, …) with
/// its text before the unit tests.
fn modules() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/stellaops");
    let mut modules = BTreeMap::new();
    for (sub, prefix) in [(dir.clone(), ""), (dir.join("gates"), "gates::")] {
        for entry in std::fs::read_dir(&sub).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let name = match (prefix, stem.as_str()) {
                ("", "mod") => continue,
                ("gates::", "mod") => "gates".to_owned(),
                _ => format!("{prefix}{stem}"),
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap().to_owned();
            modules.insert(name, code);
        }
    }
    modules
}

/// The modules of the slice that `module` names, resolving `super::` and `crate::stellaops::`.
fn imports(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let in_gates = module.starts_with("gates::");
    let mut found = BTreeSet::new();
    for (marker, base) in [
        ("crate::stellaops::", ""),
        ("super::", if in_gates { "gates::" } else { "" }),
    ] {
        for (index, _) in code.match_indices(marker) {
            if marker == "super::" && code[..index].ends_with("stellaops::") {
                continue;
            }
            let path: String = code[index + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts = path.split("::").filter(|part| !part.is_empty());
            let Some(first) = parts.next() else {
                // `super::{…}` from a gate: the gates module itself.
                if in_gates {
                    found.insert("gates".to_owned());
                }
                continue;
            };
            let mut name = format!("{base}{first}");
            if name == "gates"
                && let Some(second) = parts.next()
                && known.contains(&format!("gates::{second}"))
            {
                name = format!("gates::{second}");
            }
            if known.contains(&name) {
                found.insert(name);
            } else if in_gates && marker == "super::" {
                found.insert("gates".to_owned());
            }
        }
    }
    found.remove(module);
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, code)| (name.clone(), imports(name, code, &known)))
        .collect()
}

#[test]
fn no_gate_imports_the_chain_or_the_model() {
    let graph = graph();
    let gates: Vec<&String> = graph
        .keys()
        .filter(|name| name.starts_with("gates") || *name == "determinization")
        .collect();
    assert!(gates.len() >= 17, "{gates:?}");
    for gate in gates {
        assert!(!graph[gate].contains("chain"), "`{gate}` imports the chain");
        if gate != "determinization" {
            assert!(!graph[gate].contains("model"), "`{gate}` imports the model");
        }
    }
}

#[test]
fn the_slice_has_no_import_cycle() {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", path[start..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in &graph[node] {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let graph = graph();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

/// The test itself sees the cycle this slice once had.
#[test]
fn a_gate_naming_the_chain_is_seen() {
    let known: BTreeSet<String> = ["chain", "gates", "gates::vex_trust", "verdict"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let code = "use crate::stellaops::chain::num;\nuse super::{CveReach, cve_reach};\n";
    let found = imports("gates::vex_trust", code, &known);
    assert_eq!(
        found,
        ["chain", "gates"].into_iter().map(str::to_owned).collect()
    );
}
