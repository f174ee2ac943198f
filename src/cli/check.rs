//! `check` and `validate`: their arguments, the settings they show, and the run.

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgAction, ArgMatches, Args, ValueEnum};

use crate::app::{self, CheckOptions, FailOn};
use crate::exit::Exit;
use crate::progress::Progress;
use crate::report::{self, Report};

use super::args::{ConfigArgs, FailOnArg, OutputArgs, Verbosity};
use super::output::{
    Destination, OutputError, destinations, emit, output_error, print_out, usage_error,
};

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

/// A `--shard` value that is not `K/N`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a shard `K/N` with 1 <= K <= N")]
pub struct BadShard(String);

pub(super) fn parse_shard(text: &str) -> Result<crate::replay::runner::Shard, BadShard> {
    crate::replay::runner::Shard::parse(text).ok_or_else(|| BadShard(text.to_owned()))
}

/// `--show-settings`: the resolved settings, and exit 0 without running.
pub(super) fn show_settings(
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
pub(super) fn given(key: &'static str, values: Vec<String>) -> Option<app::CommandLineSetting> {
    (!values.is_empty()).then_some(app::CommandLineSetting { key, values })
}

/// A flag given on the command line, for `--show-settings`.
pub(super) fn flag(key: &'static str, set: bool) -> Option<app::CommandLineSetting> {
    given(
        key,
        if set {
            vec!["true".to_owned()]
        } else {
            Vec::new()
        },
    )
}

pub(super) fn shown_paths(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect()
}

pub(super) fn check(
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
    let options = check_options(args, replay, validate_only, verbosity, &destinations);
    let result = app::run_check(&options);
    options.progress.finish();
    finish(result, &destinations, &args.output, verbosity)
}

/// The command-line settings of `check` and `validate`.
pub(super) fn check_settings(
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
pub(super) fn check_command(
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
    let check = check_options(args, replay, false, verbosity, &destinations);
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

pub(super) fn check_options(
    args: &CheckArgs,
    replay: &ReplayArgs,
    validate_only: bool,
    verbosity: Verbosity,
    destinations: &[Destination],
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
        // A shard's JSON feeds `merge`, which may render the run's JUnit report.
        omit_passed: replay.shard.is_none() && !lists_passed_cases(destinations),
    }
}

/// Whether one of the reports lists passing fixture cases one by one (JUnit, and the Markdown
/// summary's collapsed list); the others count them.
pub(super) fn lists_passed_cases(destinations: &[Destination]) -> bool {
    destinations.iter().any(|destination| {
        matches!(
            destination.format,
            crate::report::OutputFormat::Junit | crate::report::OutputFormat::Markdown
        )
    })
}

/// The progress bar on standard error, when someone is watching (see [`Progress::for_stderr`]).
pub(super) fn progress(verbosity: Verbosity) -> Progress {
    Progress::for_stderr(verbosity == Verbosity::Quiet)
}

/// Writes a run's report to its destinations and returns its exit; `-v` adds the notes on
/// standard error first.
pub(super) fn finish(
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
