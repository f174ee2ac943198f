//! The pipeline flows one way, and no stage has an import cycle.
//!
//! What is held, on the text of `src/`:
//! - **Stage order.** `src/lib.rs` declares its modules in pipeline order, one group per stage,
//!   each group opened by a `// stage:` line; the modules of one group share a rank. Every module
//!   on disk is declared there, after a `// stage:` line, and every declared module is on disk.
//! - **Direction.** A module imports only modules of its own or an earlier rank, and every path
//!   into the crate names a module that exists. Every path counts, in `use` and in code:
//!   `crate::a::b`, use trees (`use crate::{a::b, c, d::{e, self}}`, nested, over several lines),
//!   `super::` and `self::` (also `super::super::`, out of inline modules, up to the crate root),
//!   a child module named bare (`child::item` beside `mod child;`), a name a `use` imported
//!   (`policy::Policy` after `use crate::gait::policy;`), a child module of a glob import
//!   (`input::x` after `use super::*;`), and `crate::name` of a `#[macro_export]` macro, which
//!   belongs to the module defining it. `pub(in crate::x)` is a visibility and does not count.
//!   Test code counts too: a unit test does not import a later stage either. A re-export counts
//!   as what it names (`pub use crate::x::T` imports `x`).
//! - **No cycle between stages**, also between two modules of one rank.
//! - **No cycle inside a stage folder** (`src/stellaops/`, `src/gait/`, …). One node per file,
//!   `mod.rs` being the folder's own node; the cycle is printed with the line of each edge.
//!   - `mod child;` declares a child, it imports nothing: no edge.
//!   - A `use` that binds a module (`use crate::gait::policy;`) is an edge only through the paths
//!     that go on from it (`policy::Policy`), to where they lead.
//!   - A `pub use` at file scope is a re-export, not a dependency of the file's own code: it is no
//!     edge, unless that code uses the re-exported name elsewhere. A path through a re-export is
//!     an edge to the module that defines the item (`crate::gait::policy::Policy` is an edge to
//!     `gait::policy::model`), so a parent `mod.rs` that only re-exports its children closes no
//!     cycle; one whose own code calls a child that uses the parent's items does.
//!   - `#[cfg(test)]` code (and a `#[cfg(test)] mod tests;` file) is a leaf nothing imports, so
//!     its paths are no edge here.
//! - **Stella Ops layers.** No gate (nor determinization) imports the chain; no gate but
//!   determinization imports the model.
//!
//! Comments, doc comments and string literals are skipped before any path is read: an intra-doc
//! link (``[`super::bind`]``) is documentation — rustdoc resolves it without the module depending
//! on the target, and a link from a stage to the one that consumes it is often the clearest
//! pointer a reader can get.
//!
//! A violation that needs restructuring rather than a `use` fix is listed in [`KNOWN`] with the
//! reason; each entry must match exactly one current violation, so the list fails both when an
//! exception disappears and when a new one appears. A cycle is named by its shortest loop (see
//! [`Cycle::name`]), so a file joining a known cycle's component is not a new violation; the
//! failure message prints the whole component. Each check has an in-memory example below that
//! must fail, so the test cannot pass by reading nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// Known exceptions: `(violation, why it stands and what removes it)`. Each needs moving code,
/// not a `use` line; remove the entry with the cycle.
const KNOWN: &[(&str, &str)] = &[
    (
        "cycle between stages: exit -> gait -> exit",
        "`exit` maps Gait's `Verdict` to a code, and `gait::fmt::run` returns an `Exit`: the fmt \
         command should return its own outcome for `app` to map, or move to `app/`",
    ),
    (
        "cycle in src/gait/: gait::eval -> gait::eval::rule -> gait::eval",
        "`eval/mod.rs` holds the decision types and `evaluate_single`, which `rule` and `script` \
         use while `mod.rs` calls them: the types and the single-intent evaluation belong in \
         leaf files of their own",
    ),
    (
        "cycle in src/gait/: gait::policy::normalize -> gait::policy::read -> \
         gait::policy::normalize",
        "the split of `policy.rs` left `read` using `normalize`'s lower-casing helpers while \
         `normalize` uses `read::scalar_text` and `shape::err`, and `shape` uses \
         `read::same_key`: the tree readers and the string helpers want one leaf each",
    ),
    (
        "cycle in src/parse/: parse -> parse::json -> parse",
        "`parse/mod.rs` holds the spanned tree types the readers build and dispatches to the \
         readers: the tree types belong in a leaf file (`parse/tree.rs`)",
    ),
    (
        "cycle in src/report/: report -> report::github -> report",
        "`report/mod.rs` holds `Report` and `render` dispatches to every reporter, which reads \
         `Report`: the `Report` DTO belongs in a leaf file",
    ),
    (
        "cycle in src/rules/: rules -> rules::registry -> rules",
        "`rules/mod.rs` holds the `Rule` trait and contexts every rule imports, and runs the hooks \
         over `registry::RULES`, which names every rule; `suppress` applies the suppression hook \
         and `mod.rs` names `suppress::Suppression`: the hook runners belong beside the registry, \
         the trait and contexts in a leaf file",
    ),
    (
        "cycle in src/schema/: schema -> schema::bind -> schema",
        "`schema/mod.rs` calls `bind` and `bind` uses `Compiled`, `IssueKind`, `SchemaIssue` from \
         `mod.rs`: the shared types belong in a leaf file",
    ),
];

/// A module's path from the crate root: `["stellaops", "gates", "vex_trust"]`; `[]` is `lib.rs`.
type ModPath = Vec<String>;

fn show(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
    /// A number, string or character literal, or a lifetime.
    Literal,
}

struct Token {
    tok: Tok,
    line: usize,
}

/// The tokens of Rust source text, without comments (doc comments included) and with literals
/// reduced to [`Tok::Literal`], so neither can be mistaken for a path.
fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = line;
        let mut push = |tok: Tok| out.push(Token { tok, line: start });
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some(open) = raw_string_quote(&chars, i) {
            let hashes = open - i - usize::from(c != 'r') - 1;
            let mut k = open + 1;
            while k < chars.len() && !(chars[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#')) {
                if chars[k] == '\n' {
                    line += 1;
                }
                k += 1;
            }
            i = k + 1 + hashes;
            push(Tok::Literal);
        } else if c == '"' || (matches!(c, 'b' | 'c') && at(i + 1) == '"') {
            let mut k = if c == '"' { i + 1 } else { i + 2 };
            while k < chars.len() && chars[k] != '"' {
                if chars[k] == '\\' {
                    k += 1;
                }
                if at(k) == '\n' {
                    line += 1;
                }
                k += 1;
            }
            i = k + 1;
            push(Tok::Literal);
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let k = if c == '\'' { i + 1 } else { i + 2 };
            if at(k) == '\\' {
                let mut k = k + 2;
                while k < chars.len() && chars[k] != '\'' {
                    k += 1;
                }
                i = k + 1;
            } else if at(k + 1) == '\'' {
                i = k + 2;
            } else {
                // A lifetime or a loop label.
                let mut k = k;
                while at(k).is_alphanumeric() || at(k) == '_' {
                    k += 1;
                }
                i = k;
            }
            push(Tok::Literal);
        } else if c.is_alphabetic() || c == '_' {
            let from = if c == 'r' && at(i + 1) == '#' {
                i + 2
            } else {
                i
            };
            let mut k = from;
            while at(k).is_alphanumeric() || at(k) == '_' {
                k += 1;
            }
            push(Tok::Ident(chars[from..k].iter().collect()));
            i = k;
        } else if c.is_ascii_digit() {
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            push(Tok::Literal);
        } else if c == ':' && at(i + 1) == ':' {
            push(Tok::Sep);
            i += 2;
        } else {
            push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// The index of the opening quote when a raw string (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`) starts
/// at `i`; `None` for anything else, a raw identifier (`r#match`) included.
fn raw_string_quote(chars: &[char], i: usize) -> Option<usize> {
    let mut k = i;
    if matches!(chars.get(k), Some('b' | 'c')) {
        k += 1;
    }
    if chars.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    while chars.get(k) == Some(&'#') {
        k += 1;
    }
    (chars.get(k) == Some(&'"')).then_some(k)
}

// ---------------------------------------------------------------------------------------------
// One file

/// A path that names a module of the crate.
struct Reference {
    /// The absolute path named: `["stellaops", "chain", "run"]`.
    target: ModPath,
    line: usize,
    /// In `#[cfg(test)]` code.
    test: bool,
    /// A leaf of a `use` tree that binds a name (not a glob).
    binds: bool,
    /// A file-scope `pub use` whose name the file's own code does not use.
    reexport_only: bool,
}

#[derive(Default)]
struct FileInfo {
    refs: Vec<Reference>,
    /// File-scope `pub use`: the name it exports and the absolute path it names.
    reexports: BTreeMap<String, ModPath>,
    /// Children declared `#[cfg(test)] mod name;`.
    test_children: Vec<ModPath>,
    /// `#[macro_export]` macros defined here, which the crate root exports.
    macros: Vec<String>,
}

struct Lexed {
    tokens: Vec<Token>,
}

impl Lexed {
    fn tok(&self, k: usize) -> Option<&Tok> {
        self.tokens.get(k).map(|t| &t.tok)
    }

    fn ident(&self, k: usize) -> Option<&str> {
        match self.tok(k) {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    fn punct(&self, k: usize, c: char) -> bool {
        self.tok(k) == Some(&Tok::Punct(c))
    }

    fn sep(&self, k: usize) -> bool {
        self.tok(k) == Some(&Tok::Sep)
    }

    /// Whether `#[cfg(test)]` (or with `inner`, `#![cfg(test)]`) starts at `k`; the index after it.
    fn cfg_test(&self, k: usize, inner: bool) -> Option<usize> {
        let mut k = k;
        if !self.punct(k, '#') {
            return None;
        }
        k += 1;
        if inner {
            if !self.punct(k, '!') {
                return None;
            }
            k += 1;
        }
        let shape = self.punct(k, '[')
            && self.ident(k + 1) == Some("cfg")
            && self.punct(k + 2, '(')
            && self.ident(k + 3) == Some("test")
            && self.punct(k + 4, ')')
            && self.punct(k + 5, ']');
        shape.then_some(k + 6)
    }

    /// The index after the item starting at `k`: its `;` or its closing brace.
    fn item_end(&self, mut k: usize) -> usize {
        let mut nest = 0i32;
        while let Some(tok) = self.tok(k) {
            match tok {
                Tok::Punct('{' | '(' | '[') => nest += 1,
                Tok::Punct(close @ ('}' | ')' | ']')) => {
                    nest -= 1;
                    if nest == 0 && *close == '}' {
                        return k + 1;
                    }
                }
                Tok::Punct(';') if nest == 0 => return k + 1,
                _ => {}
            }
            k += 1;
        }
        k
    }

    /// Whether the `use` at `k` is `pub`, `pub(crate)`, `pub(super)` or `pub(in …)`.
    fn is_pub(&self, k: usize) -> bool {
        let Some(mut before) = k.checked_sub(1) else {
            return false;
        };
        if self.punct(before, ')') {
            while before > 0 && !self.punct(before, '(') {
                before -= 1;
            }
            let Some(prev) = before.checked_sub(1) else {
                return false;
            };
            before = prev;
        }
        self.ident(before) == Some("pub")
    }
}

/// How a path's first segment is anchored in the module at hand.
struct Anchors<'a> {
    /// The module the path is written in (the file's, or an inline module inside it).
    scope: &'a [String],
    known: &'a BTreeSet<ModPath>,
    /// Names the file imports (`use crate::gait::policy;` binds `policy`) → absolute path.
    imported: &'a BTreeMap<String, ModPath>,
    /// Modules the file glob-imports (`use super::*;`), whose child modules are then in scope.
    globs: &'a [ModPath],
}

impl Anchors<'_> {
    fn child(&self, parent: &[String], name: &str) -> Option<ModPath> {
        let mut child = parent.to_vec();
        child.push(name.to_owned());
        self.known.contains(&child).then_some(child)
    }

    /// The absolute path of a path's first segment, when it names something of the crate:
    /// `crate`, `super`, `self`, a child module, an imported name, a glob-imported child module.
    fn root(&self, first: &str) -> Option<ModPath> {
        match first {
            "crate" => Some(Vec::new()),
            "super" => Some(self.scope[..self.scope.len().saturating_sub(1)].to_vec()),
            "self" => Some(self.scope.to_vec()),
            _ => self
                .child(self.scope, first)
                .or_else(|| self.imported.get(first).cloned())
                .or_else(|| self.globs.iter().find_map(|glob| self.child(glob, first))),
        }
    }
}

/// Reads the path or use tree at `k`, pushing each leaf as (absolute path, name it binds, line);
/// the index after the tree. `base` is the absolute path read so far, `None` at a path's start.
fn tree(
    lexed: &Lexed,
    mut k: usize,
    mut base: Option<ModPath>,
    anchors: &Anchors<'_>,
    leaves: &mut Vec<(ModPath, String, usize)>,
) -> usize {
    loop {
        let line = lexed.tokens.get(k).map_or(0, |t| t.line);
        match lexed.tok(k) {
            Some(Tok::Punct('{')) => {
                k += 1;
                while k < lexed.tokens.len() {
                    if lexed.punct(k, '}') {
                        return k + 1;
                    }
                    if lexed.punct(k, ',') {
                        k += 1;
                        continue;
                    }
                    let next = tree(lexed, k, base.clone(), anchors, leaves);
                    k = if next == k { k + 1 } else { next };
                }
                return k;
            }
            Some(Tok::Punct('*')) => {
                leaves.push((base.unwrap_or_default(), "*".to_owned(), line));
                return k + 1;
            }
            Some(Tok::Ident(segment)) => {
                let segment = segment.clone();
                let path = match (base, segment.as_str()) {
                    // In a bare `use {…}` group, a name of no crate module (an external crate).
                    (None, first) => match anchors.root(first) {
                        Some(path) => path,
                        None => return tree_end(lexed, k),
                    },
                    (Some(mut path), "super") => {
                        path.pop();
                        path
                    }
                    (Some(path), "self") => path,
                    (Some(mut path), _) => {
                        path.push(segment.clone());
                        path
                    }
                };
                k += 1;
                if lexed.sep(k) {
                    k += 1;
                    base = Some(path);
                    continue;
                }
                let name = if lexed.ident(k) == Some("as") {
                    k += 2;
                    lexed.ident(k - 1).unwrap_or("_").to_owned()
                } else if segment == "self" {
                    path.last().cloned().unwrap_or_default()
                } else {
                    segment
                };
                leaves.push((path, name, line));
                return k;
            }
            _ => {
                // The end of a path in code: `::<T>`, `(`, `;`, …
                if let Some(path) = base {
                    let name = path.last().cloned().unwrap_or_default();
                    leaves.push((path, name, line));
                }
                return k;
            }
        }
    }
}

/// The index after a use-tree item that names nothing of the crate: its next `,` or `}` at the
/// same nesting.
fn tree_end(lexed: &Lexed, mut k: usize) -> usize {
    let mut nest = 0usize;
    while let Some(tok) = lexed.tok(k) {
        match tok {
            Tok::Punct('{') => nest += 1,
            Tok::Punct('}') if nest == 0 => return k,
            Tok::Punct('}') => nest -= 1,
            Tok::Punct(',' | ';') if nest == 0 => return k,
            _ => {}
        }
        k += 1;
    }
    k
}

/// One path found in a file.
struct Found {
    /// The token the path starts at.
    at: usize,
    leaves: Vec<(ModPath, String, usize)>,
    /// Outside any inline module.
    file_scope: bool,
}

/// Every path of a file that names something of the crate, read with the imports known so far.
fn paths(
    lexed: &Lexed,
    module: &[String],
    known: &BTreeSet<ModPath>,
    imported: &BTreeMap<String, ModPath>,
    globs: &[ModPath],
    test_children: &mut Vec<ModPath>,
    test: &[bool],
) -> Vec<Found> {
    let n = lexed.tokens.len();
    let mut found = Vec::new();
    let mut depth = 0usize;
    // The module at `k`: the file's, then one segment per inline module, with the brace depth
    // inside it.
    let mut scope: ModPath = module.to_vec();
    let mut inline: Vec<usize> = Vec::new();
    let mut k = 0;
    while k < n {
        match lexed.tok(k) {
            Some(Tok::Punct('{')) => depth += 1,
            Some(Tok::Punct('}')) => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|inside| *inside > depth) {
                    inline.pop();
                    scope.pop();
                }
            }
            Some(Tok::Ident(word)) if word == "mod" => {
                if let Some(name) = lexed.ident(k + 1) {
                    if lexed.punct(k + 2, '{') {
                        inline.push(depth + 1);
                        scope.push(name.to_owned());
                    } else if lexed.punct(k + 2, ';') && test[k] {
                        test_children
                            .push(scope.iter().cloned().chain([name.to_owned()]).collect());
                    }
                }
            }
            _ => {}
        }
        let anchors = Anchors {
            scope: &scope,
            known,
            imported,
            globs,
        };
        // `pub(in crate::x)` is a visibility, not a path to an item.
        let visibility = lexed.ident(k.wrapping_sub(1)) == Some("in")
            && lexed.punct(k.wrapping_sub(2), '(')
            && lexed.ident(k.wrapping_sub(3)) == Some("pub");
        let starts_path = lexed.sep(k + 1)
            && !lexed.sep(k.wrapping_sub(1))
            && !lexed.punct(k.wrapping_sub(1), '.')
            && !visibility
            && lexed
                .ident(k)
                .is_some_and(|word| anchors.root(word).is_some());
        let bare_group = lexed.ident(k) == Some("use") && lexed.punct(k + 1, '{');
        if !starts_path && !bare_group {
            k += 1;
            continue;
        }
        let at = if bare_group { k + 1 } else { k };
        let mut leaves = Vec::new();
        let next = tree(lexed, at, None, &anchors, &mut leaves);
        found.push(Found {
            at,
            leaves,
            file_scope: inline.is_empty(),
        });
        // A use tree's braces are balanced: skipping them leaves the depth as it is.
        k = next.max(k + 1);
    }
    found
}

/// The paths of one file (`module`) that name modules of the crate (`known`).
fn analyze(module: &[String], text: &str, known: &BTreeSet<ModPath>) -> FileInfo {
    let lexed = Lexed { tokens: lex(text) };
    let n = lexed.tokens.len();
    let mut info = FileInfo::default();

    // Test code, `use` statements, exported macros.
    let whole_test = lexed.cfg_test(0, true).is_some();
    let mut test = vec![whole_test; n];
    let mut in_use: Vec<Option<bool>> = vec![None; n];
    for k in 0..n {
        if let Some(after) = lexed.cfg_test(k, false) {
            let end = lexed.item_end(after);
            test[after..end].fill(true);
        }
        if lexed.ident(k) == Some("use") {
            let public = lexed.is_pub(k);
            let mut end = k;
            while end < n && !lexed.punct(end, ';') {
                end += 1;
            }
            in_use[k..end].fill(Some(public));
        }
        if lexed.ident(k) == Some("macro_rules")
            && lexed.punct(k + 1, '!')
            && let Some(name) = lexed.ident(k + 2)
            && (k.saturating_sub(12)..k).any(|j| lexed.ident(j) == Some("macro_export"))
        {
            info.macros.push(name.to_owned());
        }
    }

    // The names the file's own code uses, outside `use` statements, `mod` declarations and tests.
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for k in 0..n {
        if let Some(name) = lexed.ident(k)
            && in_use[k].is_none()
            && !test[k]
            && lexed.ident(k.wrapping_sub(1)) != Some("mod")
        {
            used.insert(name);
        }
    }

    // First the imports, then every path read with them. Imports of test code are used for the
    // test code's paths only.
    let mut imported = [BTreeMap::new(), BTreeMap::new()];
    let mut globs = [Vec::new(), Vec::new()];
    let no_names = BTreeMap::new();
    for found in paths(
        &lexed,
        module,
        known,
        &no_names,
        &[],
        &mut Vec::new(),
        &test,
    ) {
        if in_use[found.at].is_none() {
            continue;
        }
        for (target, name, _) in found.leaves {
            for slot in usize::from(test[found.at])..2 {
                if name == "*" {
                    globs[slot].push(target.clone());
                } else {
                    imported[slot].insert(name.clone(), target.clone());
                }
            }
        }
    }
    let mut read = Vec::new();
    for slot in 0..2 {
        let mut children = Vec::new();
        for found in paths(
            &lexed,
            module,
            known,
            &imported[slot],
            &globs[slot],
            &mut children,
            &test,
        ) {
            if test[found.at] == (slot == 1) {
                read.push(found);
            }
        }
        if slot == 0 {
            info.test_children = children;
        }
    }
    read.sort_by_key(|found| found.at);

    for found in read {
        let statement = in_use[found.at];
        let reexport = statement == Some(true) && found.file_scope && !test[found.at];
        for (target, name, line) in found.leaves {
            if reexport && name != "*" {
                info.reexports.insert(name.clone(), target.clone());
            }
            info.refs.push(Reference {
                target,
                line,
                test: test[found.at],
                binds: statement.is_some() && name != "*",
                reexport_only: reexport && !used.contains(name.as_str()),
            });
        }
    }
    info
}

// ---------------------------------------------------------------------------------------------
// The crate

/// A module's path from a file's path under `src/`; `None` for `main.rs`, the binary's own crate.
fn module_path(relative: &str) -> Option<ModPath> {
    let stem = relative.strip_suffix(".rs")?;
    let mut parts: ModPath = stem.split('/').map(str::to_owned).collect();
    match parts.as_slice() {
        [only] if only == "main" => return None,
        [only] if only == "lib" => return Some(Vec::new()),
        _ => {}
    }
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    Some(parts)
}

struct Crate {
    /// File module → its file (`stellaops/gates/mod.rs`) and what it names.
    files: BTreeMap<ModPath, (String, FileInfo)>,
    known: BTreeSet<ModPath>,
    /// Modules compiled only for tests (declared `#[cfg(test)] mod x;`) and their descendants.
    test_only: BTreeSet<ModPath>,
    /// `#[macro_export]` macro name → the module defining it.
    macros: BTreeMap<String, ModPath>,
}

impl Crate {
    /// `files`: path under `src/` → text.
    fn new(files: &BTreeMap<String, String>) -> Crate {
        let modules: BTreeMap<ModPath, &String> = files
            .keys()
            .filter_map(|relative| Some((module_path(relative)?, relative)))
            .collect();
        let known: BTreeSet<ModPath> = modules.keys().cloned().chain([Vec::new()]).collect();
        let mut crate_ = Crate {
            files: BTreeMap::new(),
            known,
            test_only: BTreeSet::new(),
            macros: BTreeMap::new(),
        };
        for (module, relative) in modules {
            let info = analyze(&module, &files[relative], &crate_.known);
            for name in &info.macros {
                crate_.macros.insert(name.clone(), module.clone());
            }
            crate_.test_only.extend(info.test_children.iter().cloned());
            crate_.files.insert(module, (relative.clone(), info));
        }
        let roots: Vec<ModPath> = crate_.test_only.iter().cloned().collect();
        for module in &crate_.known {
            if roots.iter().any(|root| module.starts_with(root)) {
                crate_.test_only.insert(module.clone());
            }
        }
        crate_
    }

    /// The module a path names, as written: the longest module prefix, or for `crate::name` of an
    /// exported macro, the module defining it. `None` when it names nothing the crate declares.
    fn direct(&self, path: &[String]) -> Option<ModPath> {
        let found = (0..=path.len())
            .rev()
            .map(|len| path[..len].to_vec())
            .find(|prefix| self.known.contains(prefix))?;
        if !found.is_empty() {
            return Some(found);
        }
        self.macros.get(path.first()?).cloned()
    }

    /// The module defining what a path names, following `pub use` re-exports.
    fn defining(&self, path: &[String]) -> Option<ModPath> {
        let mut path = path.to_vec();
        for _ in 0..16 {
            let module = self.direct(&path)?;
            let next = path.get(module.len()).and_then(|name| {
                let (_, info) = self.files.get(&module)?;
                info.reexports.get(name)
            });
            let Some(next) = next else {
                return Some(module);
            };
            path = next
                .iter()
                .chain(&path[module.len() + 1..])
                .cloned()
                .collect();
        }
        None
    }

    /// Edges for the cycle checks, (from, to, file:line): non-test code, no pure re-export, no
    /// test-only module.
    fn edges(&self) -> Vec<(ModPath, ModPath, String)> {
        let mut out = Vec::new();
        for (module, (file, info)) in &self.files {
            if self.test_only.contains(module) {
                continue;
            }
            for reference in &info.refs {
                // A module bound by `use` is an edge where a path goes through it: `policy` in
                // `use crate::gait::policy;` is none, `policy::Policy` further down is one.
                let binds_module = reference.binds
                    && self.direct(&reference.target).as_ref() == Some(&reference.target);
                if reference.test || reference.reexport_only || binds_module {
                    continue;
                }
                let Some(to) = self.defining(&reference.target) else {
                    continue;
                };
                if to != *module && !self.test_only.contains(&to) {
                    out.push((module.clone(), to, format!("src/{file}:{}", reference.line)));
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Checks

#[derive(Debug)]
struct Violation {
    /// What the known-exception list matches: stable, without line numbers.
    key: String,
    detail: String,
}

/// The stages of `lib.rs`: each `// stage:` line opens one, each `mod` declaration joins the
/// last one opened.
fn stages(lib: &str) -> (Vec<Vec<String>>, Vec<Violation>) {
    let mut stages: Vec<Vec<String>> = Vec::new();
    let mut violations = Vec::new();
    let mut problem = |key: String| {
        violations.push(Violation {
            key,
            detail: String::new(),
        });
    };
    for line in lib.lines().map(str::trim) {
        if line.starts_with("// stage:") {
            if stages.last().is_some_and(Vec::is_empty) {
                problem(format!(
                    "lib.rs: a stage declares no module before `{line}`"
                ));
            }
            stages.push(Vec::new());
            continue;
        }
        let declaration = line
            .strip_prefix("pub ")
            .or_else(|| line.strip_prefix("pub(crate) "))
            .unwrap_or(line);
        let Some(name) = declaration
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'))
        else {
            continue;
        };
        match stages.last_mut() {
            Some(stage) => stage.push(name.trim().to_owned()),
            None => problem(format!(
                "lib.rs: `mod {name}` comes before any `// stage:` line"
            )),
        }
    }
    if stages.last().is_some_and(Vec::is_empty) {
        problem("lib.rs: the last stage declares no module".to_owned());
    }
    (stages, violations)
}

fn rank_of(stages: &[Vec<String>]) -> BTreeMap<&str, usize> {
    let mut rank = BTreeMap::new();
    for (index, stage) in stages.iter().enumerate() {
        for module in stage {
            rank.insert(module.as_str(), index);
        }
    }
    rank
}

/// `lib.rs` declares, in stages, exactly the top-level modules on disk.
fn stage_order(lib: &str, on_disk: &BTreeSet<String>) -> Vec<Violation> {
    let (stages, mut violations) = stages(lib);
    let declared: Vec<&String> = stages.iter().flatten().collect();
    let mut seen = BTreeSet::new();
    for module in &declared {
        if !seen.insert(*module) {
            violations.push(Violation {
                key: format!("lib.rs: `{module}` is declared twice"),
                detail: String::new(),
            });
        }
        if !on_disk.contains(*module) {
            violations.push(Violation {
                key: format!("lib.rs: `{module}` has no file under src/"),
                detail: String::new(),
            });
        }
    }
    for module in on_disk {
        if !seen.contains(module) {
            violations.push(Violation {
                key: format!("lib.rs: `{module}` is on disk but in no stage"),
                detail: format!("declare `pub mod {module};` under its `// stage:` line"),
            });
        }
    }
    violations
}

/// Every path points to the same or an earlier stage, and names a module that exists.
fn direction(crate_: &Crate, stages: &[Vec<String>]) -> Vec<Violation> {
    let rank = rank_of(stages);
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (module, (file, info)) in &crate_.files {
        let Some(own) = module.first() else {
            continue;
        };
        for reference in &info.refs {
            let place = format!("src/{file}:{}", reference.line);
            let Some(target) = crate_.direct(&reference.target) else {
                found
                    .entry(format!(
                        "src/{file}: `crate::{}` names no module of the crate",
                        reference.target.join("::")
                    ))
                    .or_default()
                    .push(place);
                continue;
            };
            let Some(other) = target.first() else {
                continue;
            };
            let key = match (rank.get(own.as_str()), rank.get(other.as_str())) {
                (Some(a), Some(b)) if b <= a => continue,
                (Some(_), Some(_)) => {
                    format!("src/{file}: `{own}` imports later stage `{other}`")
                }
                (None, _) => format!("src/{file}: `{own}` has no stage in lib.rs"),
                (_, None) => format!("src/{file}: `{other}` has no stage in lib.rs"),
            };
            found
                .entry(key)
                .or_default()
                .push(format!("{place}: {}", show(&reference.target)));
        }
    }
    found
        .into_iter()
        .map(|(key, places)| Violation {
            key,
            detail: places.join("\n"),
        })
        .collect()
}

/// One cycle per strongly connected component of more than one node.
struct Cycle {
    /// The shortest loop from the component's first node back to it: `a -> b -> a`.
    ///
    /// Known cycles are named by it rather than by the whole component, so a rule joining the
    /// one rules component (every rule imports `rules`, the registry imports every rule) does not
    /// change the name; a second component, or the loop broken, does.
    name: String,
    /// The loop edge by edge with the line of each, then the whole component.
    detail: String,
}

/// The cycles of a graph given as edges (from, to, file:line).
fn cycles(edges: &[(String, String, String)]) -> Vec<Cycle> {
    let mut graph: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for (from, to, place) in edges {
        graph.entry(from).or_default().entry(to).or_insert(place);
        graph.entry(to).or_default();
    }
    // Tarjan's algorithm; the graphs are a few hundred nodes, recursion is fine.
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
        s: &mut State<'a>,
    ) {
        let index = s.index.len();
        s.index.insert(node, index);
        s.low.insert(node, index);
        s.stack.push(node);
        s.on_stack.insert(node);
        for &next in graph[node].keys() {
            if !s.index.contains_key(next) {
                visit(next, graph, s);
                let low = s.low[node].min(s.low[next]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.low[node].min(s.index[next]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                component.push(top);
                if top == node {
                    break;
                }
            }
            s.components.push(component);
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(node, &graph, &mut state);
        }
    }
    let mut out = Vec::new();
    for mut component in state.components {
        if component.len() < 2 {
            continue;
        }
        component.sort_unstable();
        let members: BTreeSet<&str> = component.iter().copied().collect();
        // The shortest way back from the first member to itself, inside the component.
        let start = component[0];
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        'search: while let Some(node) = queue.pop_front() {
            for &next in graph[node].keys() {
                if !members.contains(next) || came_from.contains_key(next) {
                    continue;
                }
                came_from.insert(next, node);
                if next == start {
                    break 'search;
                }
                queue.push_back(next);
            }
        }
        let mut walk = vec![start];
        let mut node = came_from[start];
        while node != start {
            walk.push(node);
            node = came_from[node];
        }
        walk.push(start);
        walk.reverse();
        let printed: Vec<String> = walk
            .windows(2)
            .map(|pair| format!("{} -> {} ({})", pair[0], pair[1], graph[pair[0]][pair[1]]))
            .collect();
        out.push(Cycle {
            name: walk.join(" -> "),
            detail: format!(
                "{}\ncomponent ({} modules): {}",
                printed.join("\n"),
                component.len(),
                component.join(", ")
            ),
        });
    }
    out
}

/// No cycle between top-level modules, nor between the files of one stage folder.
fn import_cycles(crate_: &Crate) -> Vec<Violation> {
    let edges = crate_.edges();
    let mut violations = Vec::new();
    let between: Vec<(String, String, String)> = edges
        .iter()
        .filter(|(from, to, _)| from.first() != to.first() && !from.is_empty() && !to.is_empty())
        .map(|(from, to, place)| (from[0].clone(), to[0].clone(), place.clone()))
        .collect();
    for cycle in cycles(&between) {
        violations.push(Violation {
            key: format!("cycle between stages: {}", cycle.name),
            detail: cycle.detail,
        });
    }
    let folders: BTreeSet<&String> = crate_
        .files
        .iter()
        .filter(|(module, (file, _))| module.len() == 1 && file.ends_with("/mod.rs"))
        .map(|(module, _)| &module[0])
        .collect();
    for folder in folders {
        let inside: Vec<(String, String, String)> = edges
            .iter()
            .filter(|(from, to, _)| from.first() == Some(folder) && to.first() == Some(folder))
            .map(|(from, to, place)| (show(from), show(to), place.clone()))
            .collect();
        for cycle in cycles(&inside) {
            violations.push(Violation {
                key: format!("cycle in src/{folder}/: {}", cycle.name),
                detail: cycle.detail,
            });
        }
    }
    violations
}

/// The Stella Ops layers: the chain runs the gates and the model composes their options, so no
/// gate imports either (determinization reads the model for its own options); the number of
/// gate modules seen.
fn stellaops_layers(crate_: &Crate) -> (Vec<Violation>, usize) {
    let gate = |module: &[String]| {
        module.len() >= 2
            && module[0] == "stellaops"
            && (module[1] == "gates" || module[1] == "determinization")
    };
    let gates = crate_.known.iter().filter(|module| gate(module)).count();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (from, to, place) in crate_.edges() {
        if !gate(&from) || to.len() != 2 || to[0] != "stellaops" {
            continue;
        }
        let layer = to[1].as_str();
        if layer == "chain" || (layer == "model" && from[1] != "determinization") {
            found
                .entry(format!("`{}` imports the {layer}", show(&from)))
                .or_default()
                .push(place);
        }
    }
    let violations = found
        .into_iter()
        .map(|(key, places)| Violation {
            key,
            detail: places.join("\n"),
        })
        .collect();
    (violations, gates)
}

/// Every check on one source tree (path under `src/` → text); the number of Stella Ops gates.
fn check(files: &BTreeMap<String, String>) -> (Vec<Violation>, usize) {
    let lib = files.get("lib.rs").map_or("", String::as_str);
    let on_disk: BTreeSet<String> = files
        .keys()
        .filter(|path| !["lib.rs", "main.rs"].contains(&path.as_str()))
        .filter_map(|path| path.split('/').next())
        .map(|first| first.trim_end_matches(".rs").to_owned())
        .collect();
    let crate_ = Crate::new(files);
    let (stages, _) = stages(lib);
    let mut violations = stage_order(lib, &on_disk);
    violations.extend(direction(&crate_, &stages));
    violations.extend(import_cycles(&crate_));
    let (layers, gates) = stellaops_layers(&crate_);
    violations.extend(layers);
    (violations, gates)
}

/// What is wrong given the known exceptions: a violation not listed, or an entry that does not
/// match exactly one violation.
fn judge(violations: &[Violation], known: &[(&str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, _) in known {
        let matches = violations.iter().filter(|v| v.key == *key).count();
        if matches != 1 {
            problems.push(format!(
                "known exception matches {matches} violations, not exactly one: {key}"
            ));
        }
    }
    for violation in violations {
        if !known.iter().any(|(key, _)| *key == violation.key) {
            problems.push(format!("{}\n{}", violation.key, violation.detail));
        }
    }
    problems
}

fn read_src(dir: &Path, relative: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let relative = if relative.is_empty() {
            name
        } else {
            format!("{relative}/{name}")
        };
        if path.is_dir() {
            read_src(&path, &relative, out);
        } else if relative.ends_with(".rs") {
            out.insert(relative, std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn the_pipeline_holds() {
    let mut files = BTreeMap::new();
    read_src(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut files,
    );
    assert!(files.len() > 100, "{} files under src/", files.len());
    let (violations, gates) = check(&files);
    assert!(gates >= 17, "only {gates} Stella Ops gate modules seen");
    let problems = judge(&violations, KNOWN);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// The checks see what they are for

fn sources(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect()
}

fn keys(files: &[(&str, &str)]) -> Vec<String> {
    check(&sources(files))
        .0
        .into_iter()
        .map(|v| v.key)
        .collect()
}

#[test]
fn a_module_missing_from_the_stages_is_seen() {
    let lib = "pub mod early;\n// stage: leaf\npub mod span;\n// stage: empty\n// stage: parse\n\
               pub mod parse;\npub mod gone;\npub mod parse;\n";
    let on_disk = ["early", "span", "parse", "report"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let found: Vec<String> = stage_order(lib, &on_disk)
        .into_iter()
        .map(|v| v.key)
        .collect();
    assert_eq!(
        found,
        [
            "lib.rs: `mod early` comes before any `// stage:` line",
            "lib.rs: a stage declares no module before `// stage: parse`",
            "lib.rs: `gone` has no file under src/",
            "lib.rs: `parse` is declared twice",
            "lib.rs: `early` is on disk but in no stage",
            "lib.rs: `report` is on disk but in no stage",
        ]
    );
}

const THREE_STAGES: &str = "// stage: leaf\npub mod span;\n// stage: parse\npub mod parse;\n\
                            // stage: report\npub mod report;\n";

#[test]
fn a_later_stage_is_seen_through_groups_and_super() {
    let found = keys(&[
        ("lib.rs", THREE_STAGES),
        ("span.rs", ""),
        // A braced group over several lines, nested, reaching `report` at its third level.
        (
            "parse/mod.rs",
            "mod yaml;\nuse crate::{\n    span::Span,\n    parse::yaml::{self},\n    \
             report::{human::{self, render}},\n};\n",
        ),
        // Comments, doc links and strings are not imports; `super::super` climbs to the root.
        (
            "parse/yaml.rs",
            "//! See [`crate::report`].\n/// [`super::super::report::Report`]\n\
             use crate::span::Span;\n/* crate::report::x */\nfn f() {\n    let c = '\"';\n    \
             let s = \"crate::report\";\n    let r = r#\"super::super::report\"#;\n    \
             super::super::report::render();\n}\npub(in crate::report) fn g() {}\n\
             fn h() {\n    for x in crate::report::ALL {}\n}\n",
        ),
        (
            "report/mod.rs",
            "pub mod human;\nuse crate::{span::{self, Span}};\n",
        ),
        ("report/human.rs", "pub fn render() {}\n"),
    ]);
    assert_eq!(
        found,
        [
            "src/parse/mod.rs: `parse` imports later stage `report`",
            "src/parse/yaml.rs: `parse` imports later stage `report`",
        ]
    );
    let crate_ = Crate::new(&sources(&[
        ("lib.rs", THREE_STAGES),
        (
            "parse/yaml.rs",
            "/// [`crate::report`]\nfn f() {\n    let c = '\"';\n    super::super::report::x();\n}\n",
        ),
        ("report/mod.rs", ""),
    ]));
    let refs = &crate_.files[&vec!["parse".to_owned(), "yaml".to_owned()]]
        .1
        .refs;
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].line, show(&refs[0].target)),
        (4, "report::x".to_owned())
    );
}

#[test]
fn an_unknown_module_and_a_stageless_one_are_seen() {
    let found = keys(&[
        ("lib.rs", "// stage: leaf\npub mod span;\n"),
        ("span.rs", "use crate::nowhere::X;\nuse crate::stray::Y;\n"),
        ("stray.rs", ""),
    ]);
    assert_eq!(
        found,
        [
            "lib.rs: `stray` is on disk but in no stage",
            "src/span.rs: `crate::nowhere::X` names no module of the crate",
            "src/span.rs: `stray` has no stage in lib.rs",
        ]
    );
}

#[test]
fn a_two_file_cycle_is_seen() {
    let found = check(&sources(&[
        ("lib.rs", "// stage: gait\npub mod gait;\n"),
        ("gait/mod.rs", "pub mod a;\npub mod b;\n"),
        ("gait/a.rs", "use super::b::B;\npub struct A;\n"),
        (
            "gait/b.rs",
            "pub struct B;\nfn f() -> crate::gait::a::A {\n    todo!()\n}\n",
        ),
    ]))
    .0;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].key,
        "cycle in src/gait/: gait::a -> gait::b -> gait::a"
    );
    assert_eq!(
        found[0].detail,
        "gait::a -> gait::b (src/gait/a.rs:1)\ngait::b -> gait::a (src/gait/b.rs:2)\n\
         component (2 modules): gait::a, gait::b"
    );
}

#[test]
fn a_cycle_through_an_imported_module_and_a_glob_import_is_seen() {
    // `a` binds `registry` and goes on through it; the registry reaches `a` through `input`, a
    // child module of its glob import.
    let found = keys(&[
        ("lib.rs", "// stage: rules\npub mod rules;\n"),
        (
            "rules/mod.rs",
            "pub mod input;\npub mod registry;\npub trait Rule {}\n",
        ),
        ("rules/input/mod.rs", "pub mod a;\n"),
        (
            "rules/input/a.rs",
            "use crate::rules::registry;\npub struct A;\nimpl super::super::Rule for A {}\n\
             fn f() -> usize {\n    registry::ALL.len()\n}\n",
        ),
        (
            "rules/registry.rs",
            "use super::*;\npub static ALL: &[&dyn Rule] = &[&input::a::A];\n",
        ),
    ]);
    assert_eq!(
        found,
        ["cycle in src/rules/: rules::input::a -> rules::registry -> rules::input::a"]
    );
}

#[test]
fn a_re_export_closes_no_cycle_but_a_parent_calling_its_child_does() {
    // `a` reaches `B` through the parent's re-export: an edge a -> b, none to the parent; a test
    // in `b` naming `a` is no edge.
    let quiet = keys(&[
        ("lib.rs", "// stage: gait\npub mod gait;\n"),
        (
            "gait/mod.rs",
            "mod a;\nmod b;\npub use a::A;\npub use b::{B, self as bee};\n",
        ),
        ("gait/a.rs", "use crate::gait::B;\npub struct A;\n"),
        (
            "gait/b.rs",
            "pub struct B;\n#[cfg(test)]\nmod tests {\n    use crate::gait::a::A;\n}\n",
        ),
    ]);
    assert!(quiet.is_empty(), "{quiet:?}");
    let loud = keys(&[
        ("lib.rs", "// stage: gait\npub mod gait;\n"),
        (
            "gait/mod.rs",
            "mod a;\npub fn helper() {}\npub fn run() {\n    a::go();\n}\n",
        ),
        ("gait/a.rs", "pub fn go() {\n    super::helper();\n}\n"),
    ]);
    assert_eq!(loud, ["cycle in src/gait/: gait -> gait::a -> gait"]);
    // A re-exported name the parent's own code also uses is an edge.
    let used = keys(&[
        ("lib.rs", "// stage: gait\npub mod gait;\n"),
        (
            "gait/mod.rs",
            "mod a;\npub use a::go;\npub fn helper() {\n    go();\n}\n",
        ),
        ("gait/a.rs", "pub fn go() {\n    super::helper();\n}\n"),
    ]);
    assert_eq!(used, ["cycle in src/gait/: gait -> gait::a -> gait"]);
}

#[test]
fn a_cycle_between_stages_of_one_rank_is_seen() {
    let found = keys(&[
        (
            "lib.rs",
            "// stage: ecosystems\npub mod gait;\npub mod stellaops;\n",
        ),
        ("gait.rs", "use crate::stellaops::X;\n"),
        ("stellaops.rs", "use crate::gait::Y;\n"),
    ]);
    assert_eq!(found, ["cycle between stages: gait -> stellaops -> gait"]);
}

#[test]
fn a_gate_naming_the_chain_or_the_model_is_seen() {
    let found = keys(&[
        ("lib.rs", "// stage: stellaops\npub mod stellaops;\n"),
        (
            "stellaops/mod.rs",
            "pub mod chain;\npub mod determinization;\npub mod gates;\npub mod model;\n",
        ),
        ("stellaops/chain.rs", ""),
        ("stellaops/model.rs", ""),
        (
            "stellaops/determinization.rs",
            "use super::model::Options;\n",
        ),
        ("stellaops/gates/mod.rs", "pub mod vex_trust;\n"),
        (
            "stellaops/gates/vex_trust.rs",
            "use crate::stellaops::chain::num;\nuse super::{CveReach, cve_reach};\n\
             fn f() {\n    super::super::model::lookup();\n}\n",
        ),
    ]);
    assert_eq!(
        found,
        [
            "`stellaops::gates::vex_trust` imports the chain",
            "`stellaops::gates::vex_trust` imports the model",
        ]
    );
}

#[test]
fn a_known_exception_must_match_exactly_one_violation() {
    let violation = |key: &str| Violation {
        key: key.to_owned(),
        detail: String::new(),
    };
    let found = [violation("a"), violation("b")];
    assert!(judge(&found, &[("a", ""), ("b", "")]).is_empty());
    let problems = judge(&found, &[("a", ""), ("gone", "")]);
    assert_eq!(
        problems,
        [
            "known exception matches 0 violations, not exactly one: gone",
            "b\n",
        ]
    );
}
