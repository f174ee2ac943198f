//! The command line: argument parsing and dispatch to [`crate::app`].

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app;
use crate::exit::Exit;

mod args;
mod check;
mod diff;
mod eval;
mod fmt;
mod merge;
mod output;
mod rules;
mod test;

use args::Verbosity;
use check::{CheckCommand, ReplayArgs, ValidateCommand, check, check_command};
use diff::{DiffArgs, diff};
use eval::{EvalArgs, eval};
use fmt::{FmtArgs, fmt};
use merge::{MergeArgs, merge};
use output::{print_out, usage_error};
use rules::{RulesArgs, rules};
use test::{TestArgs, test};

#[derive(Debug, Parser)]
#[command(
    name = "gatelint",
    version,
    about = "Static analysis for policy-gate configuration (Stella Ops gates, Gait policies)",
    long_about = None,
    after_help = "Exit codes: 0 ok, 1 internal error, 3 findings at or above --fail-on (check) or block (eval), \
4 approval required (eval), 5 fixture regression or disallowed verdict change (diff), 6 invalid input or usage."
)]
pub struct Cli {
    /// Print only the findings (and exit with the usual code): no notes, no summary or exit
    /// lines, no progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print notes on standard error: the configuration used, what discovery found, each
    /// file checked or skipped.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Discover, validate and lint every policy-gate file under PATH (default `.`).
    Check(CheckCommand),
    /// Strict parse and schema validation only; exits 6 on any invalid file.
    Validate(ValidateCommand),
    /// Replay fixture suites and Gait scenario directories (or bare intents with `--policy`).
    Test(TestArgs),
    /// Evaluate one decision and explain it.
    Eval(EvalArgs),
    /// Compare a candidate with a baseline (two files, two trees, or a git revision): the
    /// transition rules, and every fixture case whose decision changed; exit 5 on a disallowed
    /// change (`[diff] fail-on`).
    Diff(DiffArgs),
    /// Merge the JSON reports of the shards of one `--shard K/N` run into one report, in any
    /// format: findings once, cases joined, coverage advice over all shards, the exit code of
    /// the unsharded run.
    Merge(MergeArgs),
    /// Format Gait policies canonically, keeping comments (`--check`: exit 3 if a file would change).
    Fmt(FmtArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Rule {
        /// The rule id, e.g. `unknown-key`.
        id: String,
    },
    /// Print a shell completion script (`source <(gatelint completions bash)`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Parses the command line and runs the command.
pub fn run() -> Exit {
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let exit = if error.use_stderr() {
                Exit::InvalidInput
            } else {
                Exit::Success
            };
            let _ = error.print();
            return exit;
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error.to_string()),
    };
    let sub = matches.subcommand().map(|(_, sub)| sub);
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    match cli.command {
        Command::Check(args) => check_command(&args, sub, verbosity),
        Command::Validate(args) => check(&args.check, &ReplayArgs::default(), sub, true, verbosity),
        Command::Rules(args) => rules(&args),
        Command::Test(args) => test(&args, sub, verbosity),
        Command::Eval(args) => eval(&args),
        Command::Fmt(args) => fmt(&args),
        Command::Diff(args) => diff(&args, sub, verbosity),
        Command::Merge(args) => merge(&args, sub, verbosity),
        Command::Rule { id } => match app::rule(&id) {
            Ok(meta) => print_out(
                &format!(
                    "# {}\n\n{}\n\n{}\nDefault severity: {}. Since: {}.\n",
                    meta.id,
                    meta.summary,
                    meta.documentation(),
                    meta.severity,
                    meta.since
                ),
                Exit::Success,
            ),
            Err(error) => usage_error(&error.to_string()),
        },
        Command::Completions { shell } => completions(shell),
    }
}

/// Prints the completion script clap derives from the command definition.
fn completions(shell: clap_complete::Shell) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "gatelint", &mut script);
    print_out(&String::from_utf8_lossy(&script), Exit::Success)
}
