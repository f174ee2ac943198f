//! `diff`: a baseline against a candidate, two files or two trees.

use std::path::PathBuf;

use clap::{ArgAction, ArgMatches, Args};

use crate::app::{self};
use crate::exit::Exit;

use super::args::{ConfigArgs, OutputArgs, Verbosity};
use super::check::{finish, flag, given, progress, show_settings, shown_paths};
use super::output::{destinations, usage_error};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline policy file, or the baseline tree (e.g. a checkout of the base commit);
    /// when no such path exists, a git revision of the candidate's repository (`main`).
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

pub(super) fn diff(args: &DiffArgs, matches: Option<&ArgMatches>, verbosity: Verbosity) -> Exit {
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
