//! The command line: argument parsing and dispatch to [`crate::app`].

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{
    ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

use crate::app::{self, CheckOptions, FailOn};
use crate::config;
use crate::exit::Exit;
use crate::finding::Severity;
use crate::progress::Progress;
use crate::report::{self, OutputFormat, Report};
use crate::rules::registry;

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
    /// Replay fixtures against a baseline and a candidate (two files or two trees) and report
    /// every case whose decision changed; exit 5 on a disallowed change (`[diff] fail-on`).
    Diff(DiffArgs),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
}

impl From<FormatArg> for OutputFormat {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Human => OutputFormat::Human,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Sarif => OutputFormat::Sarif,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Junit => OutputFormat::Junit,
            FormatArg::Markdown => OutputFormat::Markdown,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Note,
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(fail_on: FailOnArg) -> Self {
        match fail_on {
            FailOnArg::Error => FailOn::At(Severity::Error),
            FailOnArg::Warning => FailOn::At(Severity::Warning),
            FailOnArg::Note => FailOn::At(Severity::Note),
            FailOnArg::Never => FailOn::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Output selection shared by every command that reports.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; repeat for several outputs. Each `--output` writes the `--format` just
    /// before it; a format without `--output` goes to standard output.
    #[arg(long = "format", value_enum, action = ArgAction::Append)]
    pub formats: Vec<FormatArg>,
    /// File for the preceding `--format` (written whole, replacing the file).
    #[arg(long = "output", action = ArgAction::Append)]
    pub outputs: Vec<PathBuf>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Human output shows at most N findings of each rule, and N failed fixture cases, then
    /// counts the rest (0: show all). Other formats always list everything.
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_MAX_SHOWN)]
    pub max_shown: usize,
    /// Instead of each finding, print how many findings each rule has (most first), with `[*]`
    /// where a safe fix exists; a JSON array with `--format json`. The exit code is unchanged.
    #[arg(long)]
    pub statistics: bool,
}

impl OutputArgs {
    fn style(&self, verbosity: Verbosity) -> report::Style {
        report::Style {
            color: use_color(self.color),
            max_shown: self.max_shown,
            statistics: self.statistics,
            quiet: verbosity == Verbosity::Quiet,
            links: report::markdown::BlobLinks::from_env(
                |name| std::env::var(name).ok(),
                std::env::current_dir().ok().as_deref(),
            )
            .map(std::sync::Arc::new),
        }
    }
}

/// How much the binary says besides its report (`-q`, `-v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Which configuration a command reads.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Configuration file (default: the nearest `gatelint.toml` at or above each path, up to
    /// the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the built-in defaults; read no `gatelint.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Print the resolved settings and where each came from, then exit 0 without running.
    #[arg(long)]
    pub show_settings: bool,
}

impl ConfigArgs {
    fn choice(&self) -> config::Choice {
        match (&self.config, self.no_config) {
            (_, true) => config::Choice::Defaults,
            (Some(path), false) => config::Choice::File(path.clone()),
            (None, false) => config::Choice::Discover,
        }
    }
}

/// `check`: the shared check arguments, the baseline and shard of the replay, and the fix flags.
#[derive(Debug, Args)]
pub struct CheckCommand {
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub replay: ReplayArgs,
    #[command(flatten)]
    pub fix: FixArgs,
}

/// `validate`: the shared check arguments only (no replay, no baseline, no fixes).
#[derive(Debug, Args)]
pub struct ValidateCommand {
    #[command(flatten)]
    pub check: CheckArgs,
}

/// What `check` replays and compares with, which `validate` never does.
#[derive(Debug, Args, Default)]
pub struct ReplayArgs {
    /// Compare with the versions of the scanned files at this git commit (read with `git`;
    /// the commit must be present in the clone, a shallow one is fine). Enables the
    /// transition rules.
    #[arg(long, value_name = "REF")]
    pub baseline_ref: Option<String>,
    /// Replay only shard K of N of the fixture cases (`K/N`; a stable partition by suite path
    /// and case name, for CI matrix jobs).
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<crate::replay::runner::Shard>,
}

/// How `check` applies the fixes its findings carry.
#[derive(Debug, Args, Default)]
pub struct FixArgs {
    /// Apply the safe fixes in place (comments and layout kept), then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix` or `--diff`: apply the unsafe fixes too.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (wins over `--fix`); exit 3 when a
    /// fix would change a file, else 0.
    #[arg(long)]
    pub diff: bool,
    /// Rewrite the `expect` of each failed fixture case to the decision replayed (comments and
    /// layout kept) and print what changed; with `--diff`, print the changes instead. Safe
    /// fixes are applied too only with `--fix`.
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Fail (exit 3) on findings at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Always exit 0 unless gatelint itself fails.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Report only these rules (repeatable).
    #[arg(long, action = ArgAction::Append)]
    pub select: Vec<String>,
    /// Never report these rules (repeatable).
    #[arg(long, action = ArgAction::Append)]
    pub ignore: Vec<String>,
    /// Accept a directory scan that finds nothing to check.
    #[arg(long)]
    pub allow_empty: bool,
}

/// Gait `gate eval` inputs.
#[derive(Debug, Args, Default)]
pub struct GaitEvalArgs {
    /// Report what would happen without enforcing (Gait simulate mode).
    #[arg(long)]
    pub simulate: bool,
    /// The evaluation time (RFC 3339) for freeze windows, token expiry and the kill switch;
    /// default: now.
    #[arg(long)]
    pub evaluation_time: Option<String>,
    /// Approval token file (repeatable).
    #[arg(long, action = ArgAction::Append)]
    pub approval_token: Vec<PathBuf>,
    /// Further approval tokens, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub approval_token_chain: Vec<PathBuf>,
    /// Ed25519 public key (base64) that signs approval tokens.
    #[arg(long)]
    pub approval_public_key: Option<PathBuf>,
    /// Delegation token file.
    #[arg(long, action = ArgAction::Append)]
    pub delegation_token: Vec<PathBuf>,
    /// Further delegation tokens of the chain, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub delegation_token_chain: Vec<PathBuf>,
    /// Ed25519 public key (base64) that signs delegation tokens.
    #[arg(long)]
    pub delegation_public_key: Option<PathBuf>,
    /// Without delegation tokens, let the intent's delegation claims decide (as `policy test`)
    /// instead of blocking with `delegation_token_missing` (as `gate eval`).
    #[arg(long)]
    pub delegation_from_intent: bool,
    /// Kill-switch state file.
    #[arg(long)]
    pub kill_switch_state: Option<PathBuf>,
    /// Rate-limit counters already used, in Gait's `gate_rate_limits.json` shape (read only,
    /// never written; default: no earlier requests).
    #[arg(long, value_name = "FILE")]
    pub rate_limit_state: Option<PathBuf>,
    /// Wrkr inventory file: enriches `auth_context` with `wrkr.*` tool metadata (an unreadable
    /// file fails closed for high/critical-risk intents).
    #[arg(long, value_name = "FILE")]
    pub wrkr_inventory: Option<PathBuf>,
    /// Approved-script registry file.
    #[arg(long)]
    pub approved_script_registry: Option<PathBuf>,
    /// Ed25519 public key (base64) that signs approved-script entries.
    #[arg(long)]
    pub approved_script_public_key: Option<PathBuf>,
}

/// An `--evaluation-time` that is not an RFC 3339 timestamp.
#[derive(Debug, thiserror::Error)]
#[error("invalid `--evaluation-time {text}`: {source} (expected RFC 3339)")]
pub struct BadEvaluationTime {
    text: String,
    source: jiff::Error,
}

impl GaitEvalArgs {
    fn options(&self) -> Result<crate::gait::command::EvalOptions, BadEvaluationTime> {
        let evaluation_time = match &self.evaluation_time {
            None => None,
            Some(text) => {
                Some(
                    text.parse::<jiff::Timestamp>()
                        .map_err(|source| BadEvaluationTime {
                            text: text.clone(),
                            source,
                        })?,
                )
            }
        };
        Ok(crate::gait::command::EvalOptions {
            simulate: self.simulate,
            evaluation_time,
            approval_tokens: self
                .approval_token
                .iter()
                .chain(&self.approval_token_chain)
                .cloned()
                .collect(),
            approval_public_key: self.approval_public_key.clone(),
            delegation_tokens: self
                .delegation_token
                .iter()
                .chain(&self.delegation_token_chain)
                .cloned()
                .collect(),
            delegation_public_key: self.delegation_public_key.clone(),
            delegation_from_intent: self.delegation_from_intent,
            kill_switch_state: self.kill_switch_state.clone(),
            rate_limit_state: self
                .rate_limit_state
                .clone()
                .map(crate::gait::command::StateSource::File),
            wrkr_inventory: self.wrkr_inventory.clone(),
            approved_script_registry: self.approved_script_registry.clone(),
            approved_script_public_key: self.approved_script_public_key.clone(),
        })
    }
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Fixture suites, scenario directories, or (with `--policy`) Gait intent files.
    pub paths: Vec<PathBuf>,
    /// Evaluate the given Gait intents against this policy.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Run only shard K of N (`K/N`): a stable partition of the cases by suite path and case
    /// name, for CI matrix jobs.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<crate::replay::runner::Shard>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub gait: GaitEvalArgs,
    /// Rewrite the `expect` of each failed case to the decision replayed (the verdict, and the
    /// gate, rule, reasons, message and exit code where the case asserts them; comments and
    /// layout kept), print what changed, then replay again.
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A `--shard` value that is not `K/N`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a shard `K/N` with 1 <= K <= N")]
pub struct BadShard(String);

fn parse_shard(text: &str) -> Result<crate::replay::runner::Shard, BadShard> {
    crate::replay::runner::Shard::parse(text).ok_or_else(|| BadShard(text.to_owned()))
}

/// Why a report could not be written where it was asked for.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("`--output {0}` must follow a `--format`")]
    Unpaired(String),
    #[error("`--format {0}` has two `--output` files")]
    TwoOutputs(&'static str),
    #[error("cannot write output: {0}")]
    Stdout(std::io::Error),
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("`{0}` is a symbolic link; gatelint does not write through links")]
    Symlink(String),
    #[error("`{0}` is a directory")]
    Directory(String),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline policy file, or the baseline tree (e.g. a checkout of the base commit).
    #[arg(long)]
    pub baseline: PathBuf,
    /// The candidate policy file, or the candidate tree with the same layout.
    #[arg(long)]
    pub candidate: PathBuf,
    /// Fixture suites, directories, or bare Gait intents (`.json`, with a Gait policy pair);
    /// default: the candidate tree's suites. Repeatable and comma-separated.
    #[arg(long, num_args = 1.., value_delimiter = ',', action = ArgAction::Append)]
    pub fixtures: Vec<PathBuf>,
    /// Report every region (Stella Ops VexTrust) or intent class (Gait) whose verdict changed,
    /// even where fixtures cover the gate.
    #[arg(long)]
    pub exhaustive: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Always exit 0 unless the input is invalid or gatelint itself fails.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Print a diff and exit 3 when a file is not formatted; change nothing.
    #[arg(long, conflicts_with = "write")]
    pub check: bool,
    /// Rewrite files in place (atomically) when they change.
    #[arg(long)]
    pub write: bool,
    /// Gait policy files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("case").required(true).args(["intent", "input"])))]
pub struct EvalArgs {
    /// The policy (repeat for layered Stella Ops configuration files, later wins).
    #[arg(long, required = true, action = ArgAction::Append)]
    pub policy: Vec<PathBuf>,
    /// A Gait intent.
    #[arg(long)]
    pub intent: Option<PathBuf>,
    /// A Stella Ops fixture input (one case's `input` object, or a case with `input`).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Stella Ops determinization configuration (repeatable, layered after the policies).
    #[arg(long, action = ArgAction::Append)]
    pub determinization: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub gait: GaitEvalArgs,
    #[command(flatten)]
    pub format: PlainFormatArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub format: PlainFormatArgs,
}

/// The two outputs of the commands that print one answer rather than a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlainFormat {
    Human,
    Json,
}

/// `--format human|json`, with `--json` kept as a hidden alias of `--format json`.
#[derive(Debug, Args)]
pub struct PlainFormatArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<PlainFormat>,
    /// The same as `--format json`.
    #[arg(long, hide = true, conflicts_with = "format")]
    pub json: bool,
}

impl PlainFormatArgs {
    fn json(&self) -> bool {
        self.json || self.format == Some(PlainFormat::Json)
    }
}

/// One output destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` before it, using argument positions.
fn destinations(matches: &ArgMatches, args: &OutputArgs) -> Result<Vec<Destination>, OutputError> {
    let format_positions: Vec<usize> = matches
        .indices_of("formats")
        .map(Iterator::collect)
        .unwrap_or_default();
    let output_positions: Vec<usize> = matches
        .indices_of("outputs")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut out: Vec<Destination> = args
        .formats
        .iter()
        .map(|format| Destination {
            format: (*format).into(),
            file: None,
        })
        .collect();
    for (output, position) in args.outputs.iter().zip(output_positions) {
        let unpaired = || OutputError::Unpaired(output.display().to_string());
        let owner = format_positions
            .iter()
            .rposition(|format_position| *format_position < position)
            .ok_or_else(unpaired)?;
        let slot = out.get_mut(owner).ok_or_else(unpaired)?;
        if slot.file.is_some() {
            return Err(OutputError::TwoOutputs(slot.format.as_str()));
        }
        slot.file = Some(output.clone());
    }
    if out.is_empty() {
        out.push(Destination {
            format: OutputFormat::Human,
            file: None,
        });
    }
    Ok(out)
}

fn use_color(choice: ColorArg) -> bool {
    color_wanted(
        choice,
        |name| std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()),
        std::io::stdout().is_terminal(),
    )
}

/// Whether human output on standard output is coloured. `--color always|never` wins over the
/// environment (both specs let the command line override them). Under `auto`: a non-empty
/// `NO_COLOR` disables colour (no-color.org; it also beats `CLICOLOR_FORCE` per
/// bixense.com/clicolors, and gatelint lets it beat `FORCE_COLOR` too, so an opt-out is never
/// overridden by an inherited opt-in); else `FORCE_COLOR` or `CLICOLOR_FORCE`, non-empty and not
/// `0`, force colour even on a pipe (force-color.org, bixense); else colour on a terminal unless
/// `CLICOLOR=0`.
fn color_wanted(choice: ColorArg, var: impl Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        ColorArg::Always => return true,
        ColorArg::Never => return false,
        ColorArg::Auto => {}
    }
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if ["FORCE_COLOR", "CLICOLOR_FORCE"]
        .iter()
        .any(|name| set(name).is_some_and(|value| value != "0"))
    {
        return true;
    }
    terminal && var("CLICOLOR").as_deref() != Some("0")
}

/// Writes a report to each destination. A file is written whole through a temporary file
/// beside it, so a reader never sees half a report. A closed standard output (`| head`) ends
/// only the standard-output destinations; report files are still written.
fn emit(
    report: &Report,
    destinations: &[Destination],
    style: report::Style,
) -> Result<(), OutputError> {
    let mut stdout_closed = false;
    for destination in destinations {
        match &destination.file {
            None if stdout_closed => {}
            None => {
                let text = report::render(report, destination.format, style.clone());
                match write_stdout(&text) {
                    Ok(()) => {}
                    Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                        stdout_closed = true;
                    }
                    Err(error) => return Err(OutputError::Stdout(error)),
                }
            }
            Some(path) => {
                let plain = report::Style {
                    color: false,
                    ..style.clone()
                };
                let text = report::render(report, destination.format, plain);
                write_file(path, &text)?;
            }
        }
    }
    Ok(())
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
}

/// Prints command output and ends with `exit`. A reader that closed the pipe early
/// (`gatelint rules | head -1`) has had all it wanted: nothing is printed about it and the exit
/// stays the command's own (see README, "Broken pipes").
fn print_out(text: &str, exit: Exit) -> Exit {
    match write_stdout(text) {
        Ok(()) => exit,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => exit,
        Err(error) => output_error(&OutputError::Stdout(error)),
    }
}

/// Prints an error message the one way the binary does: `error: <message>` on standard error.
pub(crate) fn print_error(message: &dyn std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

/// Writes a report file through the one writer ([`crate::source::writer`]); the GitHub job
/// summary is appended to, as every step of a job does.
fn write_file(path: &std::path::Path, text: &str) -> Result<(), OutputError> {
    use crate::source::writer::{self, WriteError};
    let shown = path.display().to_string();
    if std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|summary| summary == path.as_os_str()) {
        let failed = |source: std::io::Error| OutputError::Write {
            path: shown.clone(),
            source,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(failed)?;
        return file.write_all(text.as_bytes()).map_err(failed);
    }
    writer::replace(path, text.as_bytes()).map_err(|error| match error {
        WriteError::Symlink => OutputError::Symlink(shown),
        WriteError::Directory => OutputError::Directory(shown),
        WriteError::NotRegular => OutputError::Write {
            path: shown,
            source: std::io::Error::other("not a regular file"),
        },
        WriteError::Io(source) => OutputError::Write {
            path: shown,
            source,
        },
    })
}

/// A report that could not be written: a refused destination is bad usage (exit 6), a failing
/// standard output an internal error.
fn output_error(error: &OutputError) -> Exit {
    print_error(error);
    match error {
        OutputError::Stdout(_) => Exit::Internal,
        _ => Exit::InvalidInput,
    }
}

fn usage_error(message: &str) -> Exit {
    print_error(&message);
    Exit::InvalidInput
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

/// `--show-settings`: the resolved settings, and exit 0 without running.
fn show_settings(
    config: &ConfigArgs,
    paths: &[PathBuf],
    command_line: &[app::CommandLineSetting],
) -> Exit {
    match app::show_settings(&config.choice(), paths, command_line) {
        Ok(text) => print_out(&text, Exit::Success),
        Err(error) => usage_error(&error.to_string()),
    }
}

/// A setting given on the command line, for `--show-settings`.
fn given(key: &'static str, values: Vec<String>) -> Option<app::CommandLineSetting> {
    (!values.is_empty()).then_some(app::CommandLineSetting { key, values })
}

/// A flag given on the command line, for `--show-settings`.
fn flag(key: &'static str, set: bool) -> Option<app::CommandLineSetting> {
    given(
        key,
        if set {
            vec!["true".to_owned()]
        } else {
            Vec::new()
        },
    )
}

fn shown_paths(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect()
}

fn check(
    args: &CheckArgs,
    replay: &ReplayArgs,
    matches: Option<&ArgMatches>,
    validate_only: bool,
    verbosity: Verbosity,
) -> Exit {
    if args.config.show_settings {
        return show_settings(
            &args.config,
            &args.paths,
            &check_settings(args, replay, validate_only),
        );
    }
    let destinations = match matches.map(|matches| destinations(matches, &args.output)) {
        Some(Ok(destinations)) => destinations,
        Some(Err(error)) => return usage_error(&error.to_string()),
        None => return Exit::Internal,
    };
    let options = check_options(args, replay, validate_only, verbosity);
    let result = app::run_check(&options);
    options.progress.finish();
    finish(result, &destinations, &args.output, verbosity)
}

/// The command-line settings of `check` and `validate`.
fn check_settings(
    args: &CheckArgs,
    replay: &ReplayArgs,
    validate_only: bool,
) -> Vec<app::CommandLineSetting> {
    let mut settings = vec![
        given("paths", shown_paths(&args.paths)),
        given("select", args.select.clone()),
        given("ignore", args.ignore.clone()),
        given(
            "fail-on",
            args.fail_on
                .and_then(|fail_on| fail_on.to_possible_value())
                .map(|value| value.get_name().to_owned())
                .into_iter()
                .collect(),
        ),
        flag("exit-zero", args.exit_zero),
        flag("allow-empty", args.allow_empty),
    ];
    if !validate_only {
        settings.push(given(
            "baseline-ref",
            replay.baseline_ref.clone().into_iter().collect(),
        ));
        settings.push(given(
            "shard",
            replay
                .shard
                .map(|shard| format!("{}/{}", shard.index, shard.count))
                .into_iter()
                .collect(),
        ));
    }
    settings.into_iter().flatten().collect()
}

/// `check`, with `--fix` / `--diff` when given.
fn check_command(
    command: &CheckCommand,
    matches: Option<&ArgMatches>,
    verbosity: Verbosity,
) -> Exit {
    let (args, replay, fix) = (&command.check, &command.replay, &command.fix);
    if !fix.fix && !fix.diff && !fix.update {
        if fix.unsafe_fixes {
            return usage_error("`--unsafe-fixes` applies only with `--fix` or `--diff`");
        }
        return check(args, replay, matches, false, verbosity);
    }
    if args.config.show_settings {
        return show_settings(
            &args.config,
            &args.paths,
            &check_settings(args, replay, false),
        );
    }
    let destinations = match matches.map(|matches| destinations(matches, &args.output)) {
        Some(Ok(destinations)) => destinations,
        Some(Err(error)) => return usage_error(&error.to_string()),
        None => return Exit::Internal,
    };
    let options = app::FixOptions {
        fixes: fix.fix || (fix.diff && !fix.update),
        unsafe_fixes: fix.unsafe_fixes,
        diff: fix.diff,
        update: fix.update,
    };
    let check = check_options(args, replay, false, verbosity);
    let run = app::run_fix(&check, options);
    check.progress.finish();
    let run = match run {
        Ok(run) => run,
        Err(error) => return usage_error(&error.to_string()),
    };
    for refused in &run.refused {
        eprintln!("gatelint: note: not fixed: {refused}");
    }
    for updated in &run.updated {
        eprintln!("gatelint: {updated}");
    }
    if fix.diff {
        // Like `fmt --check`: the diff alone, and exit 3 when a fix would change something.
        let mut stdout = std::io::stdout().lock();
        if let Err(error) = stdout.write_all(run.diff.as_bytes()) {
            return output_error(&OutputError::Stdout(error));
        }
        if verbosity != Verbosity::Quiet {
            eprintln!(
                "gatelint: {} would be fixed",
                report::plural(run.fixed, "finding")
            );
        }
        return if run.diff.is_empty() {
            Exit::Success
        } else {
            Exit::Blocked
        };
    }
    finish(Ok(run.report), &destinations, &args.output, verbosity)
}

fn check_options(
    args: &CheckArgs,
    replay: &ReplayArgs,
    validate_only: bool,
    verbosity: Verbosity,
) -> CheckOptions {
    CheckOptions {
        paths: args.paths.clone(),
        config: args.config.choice(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.map(FailOn::from),
        allow_empty: args.allow_empty,
        exit_zero: args.exit_zero,
        validate_only,
        baseline_ref: replay.baseline_ref.clone(),
        shard: replay.shard,
        progress: progress(verbosity),
    }
}

/// The progress bar on standard error, when someone is watching (see [`Progress::for_stderr`]).
fn progress(verbosity: Verbosity) -> Progress {
    Progress::for_stderr(verbosity == Verbosity::Quiet)
}

/// Writes a run's report to its destinations and returns its exit; `-v` adds the notes on
/// standard error first.
fn finish(
    result: Result<Report, app::UsageError>,
    destinations: &[Destination],
    output: &OutputArgs,
    verbosity: Verbosity,
) -> Exit {
    let report = match result {
        Ok(report) => report,
        Err(error) => return usage_error(&error.to_string()),
    };
    if verbosity == Verbosity::Verbose {
        let _ = std::io::stderr()
            .lock()
            .write_all(report::verbose_notes(&report).as_bytes());
    }
    if let Err(error) = emit(&report, destinations, output.style(verbosity)) {
        return output_error(&error);
    }
    report.exit
}

fn diff(args: &DiffArgs, matches: Option<&ArgMatches>, verbosity: Verbosity) -> Exit {
    if args.config.show_settings {
        let settings: Vec<app::CommandLineSetting> = [
            given(
                "baseline",
                shown_paths(std::slice::from_ref(&args.baseline)),
            ),
            given(
                "candidate",
                shown_paths(std::slice::from_ref(&args.candidate)),
            ),
            given("fixtures", shown_paths(&args.fixtures)),
            flag("diff.exhaustive", args.exhaustive),
            flag("exit-zero", args.exit_zero),
        ]
        .into_iter()
        .flatten()
        .collect();
        return show_settings(
            &args.config,
            std::slice::from_ref(&args.candidate),
            &settings,
        );
    }
    let destinations = match matches.map(|matches| destinations(matches, &args.output)) {
        Some(Ok(destinations)) => destinations,
        Some(Err(error)) => return usage_error(&error.to_string()),
        None => return Exit::Internal,
    };
    let options = app::DiffOptions {
        baseline: args.baseline.clone(),
        candidate: args.candidate.clone(),
        fixtures: args.fixtures.clone(),
        config: args.config.choice(),
        exhaustive: args.exhaustive,
        exit_zero: args.exit_zero,
        progress: progress(verbosity),
    };
    let result = app::run_diff(&options);
    options.progress.finish();
    finish(result, &destinations, &args.output, verbosity)
}

fn rules(args: &RulesArgs) -> Exit {
    if args.format.json() {
        let list: Vec<serde_json::Value> = registry::all()
            .map(|meta| {
                serde_json::json!({
                    "id": meta.id.as_str(),
                    "summary": meta.summary,
                    "severity": meta.severity.as_str(),
                    "since": meta.since,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_default();
        return print_out(&format!("{text}\n"), Exit::Success);
    }
    let width = registry::all()
        .map(|meta| meta.id.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for meta in registry::all() {
        text.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            meta.id.as_str(),
            meta.severity.as_str(),
            meta.summary
        ));
    }
    print_out(&text, Exit::Success)
}

fn test(args: &TestArgs, matches: Option<&ArgMatches>, verbosity: Verbosity) -> Exit {
    if args.config.show_settings {
        let settings: Vec<app::CommandLineSetting> = [
            given("paths", shown_paths(&args.paths)),
            given(
                "policy",
                args.policy
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect(),
            ),
            given(
                "shard",
                args.shard
                    .map(|shard| format!("{}/{}", shard.index, shard.count))
                    .into_iter()
                    .collect(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        return show_settings(&args.config, &args.paths, &settings);
    }
    let destinations = match matches.map(|matches| destinations(matches, &args.output)) {
        Some(Ok(destinations)) => destinations,
        Some(Err(error)) => return usage_error(&error.to_string()),
        None => return Exit::Internal,
    };
    let gait = match args.gait.options() {
        Ok(gait) => gait,
        Err(error) => return usage_error(&error.to_string()),
    };
    let options = app::TestOptions {
        paths: args.paths.clone(),
        policy: args.policy.clone(),
        gait,
        shard: args.shard,
        config: args.config.choice(),
        keep_passed: destinations
            .iter()
            .any(|destination| destination.format == OutputFormat::Junit),
        update: args.update,
        progress: progress(verbosity),
    };
    if !args.update {
        let result = app::run_test(&options);
        options.progress.finish();
        return finish(result, &destinations, &args.output, verbosity);
    }
    if options.policy.is_some() {
        return usage_error(
            "`--update` rewrites fixture suites; it does not apply with `--policy`",
        );
    }
    let run = app::run_test_update(&options);
    options.progress.finish();
    let run = match run {
        Ok(run) => run,
        Err(error) => return usage_error(&error.to_string()),
    };
    for refused in &run.refused {
        eprintln!("gatelint: note: not updated: {refused}");
    }
    for updated in &run.updated {
        eprintln!("gatelint: {updated}");
    }
    eprintln!(
        "gatelint: {} updated",
        report::plural(run.updated.len(), "expectation")
    );
    finish(Ok(run.report), &destinations, &args.output, verbosity)
}

fn eval(args: &EvalArgs) -> Exit {
    if args.config.show_settings {
        let settings: Vec<app::CommandLineSetting> = [given("policy", shown_paths(&args.policy))]
            .into_iter()
            .flatten()
            .collect();
        return show_settings(&args.config, &args.policy, &settings);
    }
    if let Some(input) = &args.input {
        return match app::run_stellaops_eval(
            &args.policy,
            input,
            &args.determinization,
            &args.config.choice(),
        ) {
            Ok(outcome) => {
                let exit = Exit::from_code(i64::from(outcome.exit_code));
                if args.format.json() {
                    let text = serde_json::to_string_pretty(&outcome.to_json()).unwrap_or_default();
                    print_out(&format!("{text}\n"), exit)
                } else {
                    print_out(&outcome.explanation, exit)
                }
            }
            Err(error) => usage_error(&error.to_string()),
        };
    }
    let gait = match args.gait.options() {
        Ok(gait) => gait,
        Err(error) => return usage_error(&error.to_string()),
    };
    let (Some(intent), [policy]) = (&args.intent, args.policy.as_slice()) else {
        return usage_error(
            "`--intent` takes exactly one `--policy` (a Gait policy); Stella Ops inputs use `--input`",
        );
    };
    let mut named = gait.named_paths();
    named.extend([policy.clone(), intent.clone()]);
    let reader = crate::source::Reader::new(&named);
    let evaluation = crate::gait::command::evaluate_files(&reader, policy, intent, &gait);
    let exit = Exit::from_code(i64::from(crate::gait::command::exit_of(&evaluation).code()));
    if args.format.json() {
        let output = crate::gait::command::render_json(&evaluation);
        let text = serde_json::to_string_pretty(&output).unwrap_or_default();
        return print_out(&format!("{text}\n"), exit);
    }
    let text = crate::gait::command::describe_located(&evaluation, &reader, policy, intent);
    if evaluation.is_err() {
        // The message already reads `error: …`; errors go to standard error.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        return exit;
    }
    print_out(&text, exit)
}

fn fmt(args: &FmtArgs) -> Exit {
    use crate::gait::fmt::{Mode, run};
    let mode = if args.check {
        Mode::Check
    } else if args.write {
        Mode::Write
    } else {
        Mode::Print
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    run(&args.files, mode, &mut stdout, &mut stderr)
}
