//! Decides what a parsed file is, from its name and content.

use crate::parse::{Node, pointer};
use crate::schema::Target;

/// The kinds of file gatelint understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// Stella Ops gate configuration (sample-style `gates:`, `PolicyGates`, `Policy: Gates`),
    /// possibly with a determinization section.
    StellaOps,
    /// The documented determinization configuration (`reanalysisTriggers`, …).
    Determinization,
    GaitPolicy,
    GaitIntent,
    /// A `.jsonl` file of Gait intents, one per line.
    GaitIntents,
    /// A Gait approved-script registry (`{"entries":[…]}` or a bare array of entries).
    GaitScriptRegistry,
    FixtureSuite,
    Config,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::StellaOps => "stellaops-gates",
            FileKind::Determinization => "stellaops-determinization",
            FileKind::GaitPolicy => "gait-policy",
            FileKind::GaitIntent => "gait-intent",
            FileKind::GaitIntents => "gait-intents",
            FileKind::GaitScriptRegistry => "gait-script-registry",
            FileKind::FixtureSuite => "fixture-suite",
            FileKind::Config => "gatelint-config",
        }
    }

    /// What a file of the kind named `name` is, for a message ("a Gait policy").
    pub fn describe(name: &str) -> String {
        match name {
            "stellaops-gates" => "a Stella Ops gate configuration",
            "stellaops-determinization" => "a Stella Ops determinization configuration",
            "gait-policy" => "a Gait policy",
            "gait-intent" => "a Gait intent",
            "gait-intents" => "a file of Gait intents",
            "gait-script-registry" => "a Gait approved-script registry",
            "fixture-suite" => "a fixture suite",
            "gatelint-config" => "a gatelint configuration",
            _ => "not a policy-gate file",
        }
        .to_owned()
    }
}

/// A part of a file validated against one schema target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// JSON pointer of the section's root in the file (empty = the whole file).
    pub pointer: String,
    pub target: Target,
    /// For gate sections: how the root was spelled (`PolicyGates`, `Policy:Gates`, `gates`).
    pub root: Option<GateRoot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GateRoot {
    /// The sample file's `gates:` beside `version` / `trustLattice`.
    Sample,
    PolicyGates,
    PolicyColonGates,
}

impl GateRoot {
    pub fn spelling(self) -> &'static str {
        match self {
            GateRoot::Sample => "gates",
            GateRoot::PolicyGates => "PolicyGates",
            GateRoot::PolicyColonGates => "Policy:Gates",
        }
    }
}

/// What a file was classified as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    pub kind: FileKind,
    pub sections: Vec<Section>,
}

/// Lower-cased file name of a display path.
fn file_name(display: &str) -> String {
    display
        .rsplit('/')
        .next()
        .unwrap_or(display)
        .to_ascii_lowercase()
}

/// Classification from the name alone, for kinds whose name decides (fixture suites, config,
/// JSONL). `None` means: look at the content.
pub fn by_name(display: &str) -> Option<FileKind> {
    let name = file_name(display);
    if name == "gatelint.toml" {
        return Some(FileKind::Config);
    }
    if [
        ".fixtures.yaml",
        ".fixtures.yml",
        ".fixtures.json",
        ".fixtures.jsonl",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
    {
        return Some(FileKind::FixtureSuite);
    }
    if name.starts_with("expected") || name == "flags.yaml" || name == "flags.yml" {
        // Gait scenario expectations and flags: read through their scenario, never as policies.
        return None;
    }
    None
}

/// Names whose content is never a policy (Gait scenario bookkeeping).
pub fn is_scenario_bookkeeping(display: &str) -> bool {
    let name = file_name(display);
    name.starts_with("expected") || name == "flags.yaml" || name == "flags.yml"
}

/// Cheap pre-check on raw bytes so unrelated JSON/YAML (package.json, workflows) is not parsed.
pub fn may_be_interesting(text: &str) -> bool {
    const MARKERS: [&str; 15] = [
        "gates",
        "gait.gate",
        "rules",
        "tool_name",
        "reanalysistriggers",
        "conflicthandling",
        "environmentthresholds",
        "determinization",
        "gatelint.fixtures",
        "default_verdict",
        "default_",
        // Legacy Gait proposal policies (rejected with a migration hint).
        "defaults",
        "boundaries",
        "trust_sources",
        "unknown_server",
    ];
    let head = text.get(..text.len().min(1 << 20)).unwrap_or(text);
    // The markers are lower case, so one written that way is found without copying the text.
    if MARKERS.iter().any(|marker| head.contains(marker)) {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    MARKERS.iter().any(|marker| lower.contains(marker))
}

/// Classifies a parsed YAML/JSON document.
pub fn by_content(display: &str, root: &Node) -> Option<Classified> {
    if let Some(FileKind::FixtureSuite) = by_name(display) {
        return Some(single(FileKind::FixtureSuite, Target::Fixtures));
    }
    // A file that says it is a Gait policy is one, whatever else it holds (Gait's loader then
    // rejects what does not belong) and whatever its name.
    if declares_gait_policy(root) {
        return Some(single(FileKind::GaitPolicy, Target::GaitPolicy));
    }
    if is_scenario_bookkeeping(display) {
        return None;
    }
    if is_script_registry(root) {
        // No schema section: the registry rule reads the tree as Gait's loader does.
        return Some(Classified {
            kind: FileKind::GaitScriptRegistry,
            sections: Vec::new(),
        });
    }
    root.as_map()?;
    if let Some(kind) = root.get("kind").and_then(Node::as_str)
        && kind.starts_with("gatelint.fixtures/")
    {
        return Some(single(FileKind::FixtureSuite, Target::Fixtures));
    }
    let schema_id = root.get("schema_id").and_then(Node::as_str).map(str::trim);
    match schema_id {
        Some("gait.gate.intent_request") => {
            return Some(single(FileKind::GaitIntent, Target::GaitIntent));
        }
        Some(_) => return None,
        None => {}
    }
    let stella = stella_sections(root);
    if !stella.is_empty() {
        let kind = if stella
            .iter()
            .all(|section| section.target == Target::StellaOpsDeterminization)
        {
            FileKind::Determinization
        } else {
            FileKind::StellaOps
        };
        return Some(Classified {
            kind,
            sections: stella,
        });
    }
    if looks_like_gait_policy(root) {
        return Some(single(FileKind::GaitPolicy, Target::GaitPolicy));
    }
    if root.get("tool_name").is_some()
        && ["args", "targets", "context", "script"]
            .iter()
            .any(|key| root.get(key).is_some())
    {
        return Some(single(FileKind::GaitIntent, Target::GaitIntent));
    }
    None
}

/// The schema id a Gait policy declares.
pub const POLICY_SCHEMA_ID: &str = "gait.gate.policy";

/// A mapping whose `schema_id` is the Gait policy's.
pub fn declares_gait_policy(root: &Node) -> bool {
    root.get("schema_id")
        .and_then(Node::as_str)
        .is_some_and(|id| id.trim() == POLICY_SCHEMA_ID)
}

/// The schema id of a Gait approved-script registry entry.
pub const SCRIPT_ENTRY_SCHEMA_ID: &str = "gait.gate.approved_script_entry";

/// A bare array, or an object with an `entries` array, holding at least one object with the
/// approved-script entry schema id (Gait itself reads any such file as a registry).
pub fn is_script_registry(root: &Node) -> bool {
    let items = match root.as_seq() {
        Some(items) => items,
        None if root.get("schema_id").is_none() => root
            .get("entries")
            .and_then(Node::as_seq)
            .unwrap_or_default(),
        None => return false,
    };
    items.iter().any(|item| {
        item.get("schema_id")
            .and_then(Node::as_str)
            .is_some_and(|id| id.trim() == SCRIPT_ENTRY_SCHEMA_ID)
    })
}

fn single(kind: FileKind, target: Target) -> Classified {
    Classified {
        kind,
        sections: vec![Section {
            pointer: String::new(),
            target,
            root: None,
        }],
    }
}

const GAIT_TOP_LEVEL: [&str; 8] = [
    "schema_id",
    "schema_version",
    "default_verdict",
    "default_action",
    "scripts",
    "fail_closed",
    "mcp_trust",
    "rules",
];

/// A Gait policy without `schema_id` (the loader defaults it): it has rules or a default verdict
/// and mostly Gait policy keys, or it is a legacy proposal policy.
fn looks_like_gait_policy(root: &Node) -> bool {
    let Some(entries) = root.as_map() else {
        return false;
    };
    let has_anchor = entries.iter().any(|entry| {
        matches!(
            entry.key.text.as_str(),
            "rules" | "default_verdict" | "default_action"
        )
    });
    let known = entries
        .iter()
        .filter(|entry| GAIT_TOP_LEVEL.contains(&entry.key.text.as_str()))
        .count();
    if has_anchor && known * 2 >= entries.len() {
        return true;
    }
    // A misspelt default (`default_verdit: allow`): Gait rejects the unknown field, so the file
    // is reported rather than skipped as unrelated. Only the two long keys count as anchors when
    // misspelt (a short one like `rules` is a near miss of too many words); every other key
    // must be a policy key.
    let misspelt_anchor = entries.iter().any(|entry| {
        ["default_verdict", "default_action"]
            .iter()
            .any(|anchor| strsim::levenshtein(&entry.key.text, anchor) <= 2)
    });
    if misspelt_anchor
        && entries.iter().all(|entry| {
            GAIT_TOP_LEVEL.contains(&entry.key.text.as_str())
                || ["default_verdict", "default_action"]
                    .iter()
                    .any(|anchor| strsim::levenshtein(&entry.key.text, anchor) <= 2)
        })
    {
        return true;
    }
    // A legacy "proposal" policy (`version`, `defaults`, `unknown_server`, …): Gait rejects it
    // with a migration hint, so it is reported rather than skipped. Only `version` or `name`
    // would be too generic; every key must be a policy key, current or legacy.
    // Gait's legacy proposal fields (`LegacyPolicyFieldMigrations`).
    let legacy = |key: &str| {
        matches!(
            key,
            "version" | "name" | "boundaries" | "defaults" | "trust_sources" | "unknown_server"
        )
    };
    let legacy_anchor = entries.iter().any(|entry| {
        matches!(
            entry.key.text.as_str(),
            "boundaries" | "defaults" | "trust_sources" | "unknown_server"
        )
    });
    legacy_anchor
        && entries.iter().all(|entry| {
            GAIT_TOP_LEVEL.contains(&entry.key.text.as_str()) || legacy(&entry.key.text)
        })
}

/// The Stella Ops sections of a file: gate roots and determinization, found the way .NET binds
/// keys (ignoring case; `Policy:Gates` also as one literal key).
pub fn stella_sections(root: &Node) -> Vec<Section> {
    let mut sections = Vec::new();
    let Some(entries) = root.as_map() else {
        return sections;
    };
    let has = |name: &str| root.entry_ignore_case(name).is_some();
    if has("gates") && (has("version") || has("trustLattice")) {
        sections.push(Section {
            pointer: String::new(),
            target: Target::StellaOpsSample,
            root: Some(GateRoot::Sample),
        });
        return sections;
    }
    if [
        "reanalysisTriggers",
        "conflictHandling",
        "environmentThresholds",
    ]
    .iter()
    .any(|key| has(key))
    {
        sections.push(Section {
            pointer: String::new(),
            target: Target::StellaOpsDeterminization,
            root: None,
        });
        return sections;
    }
    for entry in entries {
        let key = entry.key.text.as_str();
        let at = pointer::push("", key);
        if key.eq_ignore_ascii_case("PolicyGates") && entry.value.as_map().is_some() {
            sections.push(Section {
                pointer: at,
                target: Target::StellaOpsGatesSection,
                root: Some(GateRoot::PolicyGates),
            });
        } else if key.eq_ignore_ascii_case("Policy:Gates") {
            sections.push(Section {
                pointer: at,
                target: Target::StellaOpsGatesSection,
                root: Some(GateRoot::PolicyColonGates),
            });
        } else if key.eq_ignore_ascii_case("Policy:Determinization") {
            sections.push(Section {
                pointer: at,
                target: Target::StellaOpsDeterminization,
                root: None,
            });
        } else if key.eq_ignore_ascii_case("Policy")
            && let Some(children) = entry.value.as_map()
        {
            for child in children {
                let child_at = pointer::push(&at, &child.key.text);
                if child.key.text.eq_ignore_ascii_case("Gates") {
                    sections.push(Section {
                        pointer: child_at,
                        target: Target::StellaOpsGatesSection,
                        root: Some(GateRoot::PolicyColonGates),
                    });
                } else if child.key.text.eq_ignore_ascii_case("Determinization") {
                    sections.push(Section {
                        pointer: child_at,
                        target: Target::StellaOpsDeterminization,
                        root: None,
                    });
                }
            }
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, parse};

    fn classify(name: &str, text: &str) -> Option<FileKind> {
        let document = parse(text, Format::Yaml);
        by_content(name, document.root.as_ref()?).map(|classified| classified.kind)
    }

    #[test]
    fn recognises_every_root() {
        assert_eq!(
            classify("a.yaml", "version: '1'\ngates:\n  vexTrust: {}\n"),
            Some(FileKind::StellaOps)
        );
        assert_eq!(
            classify("appsettings.json", "PolicyGates:\n  VexTrust: {}\n"),
            Some(FileKind::StellaOps)
        );
        assert_eq!(
            classify(
                "appsettings.json",
                "policy:\n  gates:\n    KevBlocker: {}\n"
            ),
            Some(FileKind::StellaOps)
        );
        assert_eq!(
            classify("d.json", "reanalysisTriggers: {}\n"),
            Some(FileKind::Determinization)
        );
        assert_eq!(
            classify("p.yaml", "schema_id: gait.gate.policy\nrules: []\n"),
            Some(FileKind::GaitPolicy)
        );
        assert_eq!(
            classify("p.yaml", "default_verdict: block\nrules: []\n"),
            Some(FileKind::GaitPolicy)
        );
        assert_eq!(
            classify("i.json", "tool_name: tool.read\nargs: {}\n"),
            Some(FileKind::GaitIntent)
        );
        assert_eq!(classify("expected.yaml", "verdict: allow\n"), None);
        // The declared schema id wins over every other key and over scenario bookkeeping names.
        for (name, text) in [
            (
                "p.yaml",
                "schema_id: gait.gate.policy\nkind: gatelint.fixtures/v1\n",
            ),
            (
                "p.yaml",
                "schema_id: gait.gate.policy\nversion: '1'\ngates: {}\n",
            ),
            ("p.yaml", "schema_id: gait.gate.policy\nbogus: 1\n"),
            ("expected_policy.yaml", "schema_id: gait.gate.policy\n"),
        ] {
            assert_eq!(classify(name, text), Some(FileKind::GaitPolicy), "{text}");
        }
        assert_eq!(classify("x.yaml", "name: ci\non: push\n"), None);
    }
}
