//! `merge`: one report from the JSON reports of the shards of one `--shard K/N` run.

use std::path::PathBuf;

use clap::{ArgMatches, Args};

use crate::app;
use crate::exit::Exit;

use super::args::{OutputArgs, Verbosity};
use super::check::finish;
use super::output::{destinations, usage_error};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The JSON reports (`--format json`) of shards 1..N of one `check --shard K/N` or
    /// `test --shard K/N` run, in any order.
    #[arg(value_name = "SHARD.json")]
    pub reports: Vec<PathBuf>,
    /// The checkout the shards scanned (their working directory): the merge reads the scanned
    /// files from it to locate and quote the findings and to place the coverage advice.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Configuration file for the coverage advice the merge adds (default: the nearest
    /// `gatelint.toml` at or above `--root`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use the built-in defaults; read no `gatelint.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Exit 0 whatever the merged findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// The `--select` the shards ran with, for the coverage advice the merge adds (repeatable).
    #[arg(long, action = clap::ArgAction::Append)]
    pub select: Vec<String>,
    /// The `--ignore` the shards ran with, for the coverage advice the merge adds (repeatable).
    #[arg(long, action = clap::ArgAction::Append)]
    pub ignore: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn merge(args: &MergeArgs, matches: Option<&ArgMatches>, verbosity: Verbosity) -> Exit {
    let destinations = match matches.map(|matches| destinations(matches, &args.output)) {
        Some(Ok(destinations)) => destinations,
        Some(Err(error)) => return usage_error(&error.to_string()),
        None => return Exit::Internal,
    };
    let options = app::MergeOptions {
        reports: args.reports.clone(),
        root: Some(args.root.clone()),
        config: match (&args.config, args.no_config) {
            (_, true) => crate::config::Choice::Defaults,
            (Some(path), false) => crate::config::Choice::File(path.clone()),
            (None, false) => crate::config::Choice::Discover,
        },
        exit_zero: args.exit_zero,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        keep_passed: super::check::lists_passed_cases(&destinations),
    };
    finish(
        app::run_merge(&options),
        &destinations,
        &args.output,
        verbosity,
    )
}
