//! gatelint: a static-analysis CI linter for policy-gate configuration.
//!
//! The pipeline flows one way: `discover → parse → schema → classify → model and eval (stellaops,
//! gait) → project → replay → diff → rules → report`. The modules are declared below in that
//! order, one group per stage under its `// stage:` line, and each imports only its own or
//! earlier stages; `tests/architecture.rs` reads the stages from this file and holds the
//! direction. [`span`], [`finding`], [`source`] and [`progress`] are the leaf vocabularies, [`app`] is the one
//! place that knows every stage, and [`cli`] parses arguments for it.

// stage: leaf vocabularies: byte spans, findings, the one reader every file read goes through,
// and the progress bar every stage reports to
pub mod finding;
pub mod progress;
pub mod source;
pub mod span;

// stage: the directory walk
pub mod discover;

// stage: one spanned tree for YAML and JSON
pub mod parse;

// stage: embedded schemas and the binder
pub mod schema;

// stage: what each file is, and gatelint.toml
pub mod classify;
pub mod config;

// stage: the ecosystems, models and evaluators; `exit` maps their verdicts to process codes
pub mod exit;
pub mod gait;
pub mod stellaops;

// stage: the project model the rules read
pub mod project;

// stage: fixture suites replayed through the evaluators
pub mod replay;

// stage: baseline against candidate
pub mod diff;

// stage: the rules, grouped by ecosystem
pub mod rules;

// stage: one report, every output format
pub mod report;

// stage: the one orchestrator
pub mod app;

// stage: the command line
pub mod cli;
