#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]
//! The fast reader of plain YAML files must give exactly the tree and issues the full parser
//! gives, on every file it accepts.

use std::path::{Path, PathBuf};

use gatelint::parse::{yaml, yaml_fast};
use proptest::prelude::*;

/// Compares the two readers on `text`; returns whether the fast reader accepted it.
fn same_as_full(text: &str, origin: &str) -> bool {
    let accepted = yaml_fast::events(text).is_some();
    let fast = yaml::parse(text, 0);
    let full = yaml::parse_full(text, 0);
    assert_eq!(
        fast, full,
        "fast and full readers differ on {origin}:\n{text}"
    );
    accepted
}

fn yaml_files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
}

/// Every YAML file of the project (and of the shared corpus and generated benchmark files
/// when they are present) reads the same both ways.
#[test]
fn project_files_read_the_same() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "examples",
        "testdata",
        "rules",
        ".bench/policies-10000-s1",
        "../shared/corpus",
    ] {
        yaml_files(&manifest.join(dir), &mut files);
    }
    let mut accepted = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if same_as_full(&text, &path.display().to_string()) {
            accepted += 1;
        }
    }
    eprintln!("fast reader accepted {accepted} of {} files", files.len());
    // The fast reader exists for files like these: most of them must take it.
    assert!(
        accepted * 2 > files.len(),
        "the fast reader accepted only {accepted} of {} files",
        files.len()
    );
}

/// Inputs the fuzz target found where the fast reader once disagreed with the full parser.
#[test]
fn fuzz_findings_read_the_same() {
    for text in [
        "PolicyGates:\n  \0\0\0ExecutionEvidence:\n    MissingEvidenceAction: Block\n",
        "a: b\u{7f}\n",
        "a: [x \u{1b}]\n",
    ] {
        same_as_full(text, "a fuzz finding");
    }
}

/// Builds a configuration-like YAML text from a stream of choices: block mappings and
/// sequences at varying indentation (indentless ones too), flow collections, plain and quoted
/// scalars with the characters that change their meaning, comments, blank lines and stray
/// spaces.
struct Gen<'c> {
    choices: &'c [u8],
    next: usize,
    out: String,
}

/// Scalars the fast reader takes.
const PLAIN: &[&str] = &[
    "a",
    "name",
    "a b",
    "s3://acme",
    "a:b",
    "a#b",
    "-1",
    "1.5",
    "0x1F",
    "true",
    "null",
    "~",
    "x-y",
    "2026-01-01T00:00:00",
    "yes",
    "a  b",
    "<<",
    "\"x\"",
    "'x'",
    "\"a b\"",
    "'it''s'",
    "\"e\\\"q\"",
    "\"t\\tn\\n\"",
    "''",
    "\"\"",
    "\"a: b\"",
    "'# no'",
];
/// Scalars that change meaning, or that the fast reader leaves to the full parser.
const TRICKY: &[&str] = &[
    "-x",
    ":x",
    "?x",
    "a,b",
    "x]",
    "x}",
    ".inf",
    "--- x",
    "...",
    "-",
    "?",
    "a: b",
    "a #b",
    "@x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "\"\\x41\"",
    "\"\\u00e9\"",
    "\"multi\n line\"",
    "a:",
    "[",
    "{",
    "#",
];
const SPACES: &[&str] = &["", "", "", " ", "  ", "   # c", " # c", "#c"];

impl Gen<'_> {
    fn pick(&mut self, bound: usize) -> usize {
        let choice = self.choices.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        usize::from(choice) % bound.max(1)
    }

    fn choose(&mut self, options: &[&'static str]) -> &'static str {
        let index = self.pick(options.len());
        options[index]
    }

    fn spaces(&mut self, most: usize) -> String {
        " ".repeat(self.pick(most + 1))
    }

    fn scalar(&mut self) {
        let text = if self.pick(12) == 0 {
            self.choose(TRICKY)
        } else {
            self.choose(PLAIN)
        };
        self.out.push_str(text);
    }

    fn flow(&mut self, depth: usize) {
        let map = self.pick(2) == 0;
        self.out.push(if map { '{' } else { '[' });
        let text = self.spaces(1);
        self.out.push_str(&text);
        let items = self.pick(4);
        for index in 0..items {
            if index > 0 {
                let text = self.choose(&[",", ", ", " , ", ",  "]);
                self.out.push_str(text);
            }
            if map {
                self.scalar();
                let text = self.choose(&[": ", ":", " : "]);
                self.out.push_str(text);
            }
            if depth < 2 && self.pick(5) == 0 {
                self.flow(depth + 1);
            } else {
                self.scalar();
            }
        }
        if self.pick(6) == 0 {
            self.out.push(',');
        }
        let text = self.spaces(1);
        self.out.push_str(&text);
        self.out.push(if map { '}' } else { ']' });
    }

    fn inline(&mut self) {
        if self.pick(4) == 0 {
            self.flow(0);
        } else {
            self.scalar();
        }
        let text = self.choose(SPACES);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn noise(&mut self, indent: usize) {
        match self.pick(8) {
            0 => self.out.push('\n'),
            1 => {
                let text = self.spaces(indent + 2);
                self.out.push_str(&text);
                self.out.push_str("# note\n");
            }
            _ => {}
        }
    }

    /// A block node whose first line starts after `prefix` was written (at `indent`).
    fn block(&mut self, indent: usize, depth: usize) {
        let entries = 1 + self.pick(3);
        let seq = self.pick(3) == 0;
        for index in 0..entries {
            if index > 0 {
                self.noise(indent);
                self.out.push_str(&" ".repeat(indent));
            }
            if seq {
                let text = self.choose(&["- ", "-  ", "-"]);
                self.out.push_str(text);
                self.value(indent + 2, depth, true);
            } else {
                self.scalar();
                self.out.push(':');
                self.value(indent, depth, false);
            }
        }
    }

    fn value(&mut self, indent: usize, depth: usize, in_seq: bool) {
        match self.pick(if depth < 4 { 4 } else { 1 }) {
            0 => {
                self.out.push(' ');
                self.inline();
            }
            1 if in_seq => self.block(indent, depth + 1),
            _ => {
                let text = self.choose(SPACES);
                self.out.push_str(text);
                self.out.push('\n');
                self.noise(indent);
                let child = if !in_seq && self.pick(3) == 0 {
                    indent
                } else {
                    indent + 1 + self.pick(3)
                };
                self.out.push_str(&" ".repeat(child));
                if child == indent {
                    self.out.push_str("- ");
                    self.value(indent + 2, depth + 1, true);
                } else {
                    self.block(child, depth + 1);
                }
            }
        }
    }
}

fn generate(choices: &[u8]) -> String {
    let mut generator = Gen {
        choices,
        next: 0,
        out: String::new(),
    };
    generator.block(0, 0);
    generator.out
}

proptest! {
    // PROPTEST_CASES raises the count for a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(4000)
    ))]

    #[test]
    fn generated_documents_read_the_same(choices in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = generate(&choices);
        same_as_full(&text, "a generated document");
    }

    #[test]
    fn mutated_documents_read_the_same(
        choices in proptest::collection::vec(any::<u8>(), 0..300),
        edits in proptest::collection::vec((any::<usize>(), 0..3u8, 0..14usize), 1..4),
    ) {
        const BYTES: &[u8] = b" \n:-#[]{},\"'a\t";
        let mut bytes = generate(&choices).into_bytes();
        for (at, kind, byte) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 => bytes.insert(at, BYTES[byte]),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = BYTES[byte],
                _ => {}
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            same_as_full(&text, "a mutated document");
        }
    }
}

/// The generator reaches the fast reader (a generator that never did would test nothing).
#[test]
fn generated_documents_often_take_the_fast_reader() {
    let mut accepted = 0;
    for seed in 0u32..500 {
        let choices: Vec<u8> = (0..400u32)
            .map(|index| {
                (seed
                    .wrapping_mul(2_654_435_761)
                    .wrapping_add(index.wrapping_mul(40_503))
                    >> 7) as u8
            })
            .collect();
        if yaml_fast::events(&generate(&choices)).is_some() {
            accepted += 1;
        }
    }
    eprintln!("{accepted} of 500 generated documents took the fast reader");
    assert!(
        accepted >= 40,
        "only {accepted} of 500 generated documents took the fast reader"
    );
}

/// Implicit keys longer than YAML's 1,024-character limit, block and flow, plain and quoted:
/// the full parser rejects them, so the fast reader must leave them to it. The first input is
/// the one fuzzing found.
#[test]
fn keys_past_the_implicit_key_limit_are_left_to_the_full_parser() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found =
        std::fs::read(manifest.join("testdata/fuzz/crashes/yaml_fast-long-implicit-key")).unwrap();
    let (found, _) = gatelint::parse::decode(&found);
    let long = "k".repeat(1100);
    let at_limit = "k".repeat(1024);
    let cases = [
        found.to_string(),
        format!("{long}: value\n"),
        format!("\"{long}\": value\n"),
        format!("'{long}': value\n"),
        format!("map: {{{long}: value}}\n"),
        format!("outer:\n  {long}: value\n"),
    ];
    for (index, text) in cases.iter().enumerate() {
        assert!(
            !same_as_full(text, &format!("long key case {index}")),
            "the fast reader accepted long key case {index}"
        );
    }
    // Exactly at the limit both readers accept the key.
    assert!(same_as_full(
        &format!("{at_limit}: value\n"),
        "key at the limit"
    ));
}
