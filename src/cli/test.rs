//! `test`: replay fixture suites and scenario directories.

use std::path::PathBuf;

use clap::{ArgMatches, Args};

use crate::app::{self};
use crate::exit::Exit;
use crate::report;

use super::args::{ConfigArgs, OutputArgs, Verbosity};
use super::check::{
    finish, given, lists_passed_cases, parse_shard, progress, show_settings, shown_paths,
};
use super::eval::GaitEvalArgs;
use super::output::{destinations, usage_error};

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

pub(super) fn test(args: &TestArgs, matches: Option<&ArgMatches>, verbosity: Verbosity) -> Exit {
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
        // A shard keeps its passing cases too: `merge` renders the JUnit report of the run
        // from the shards' JSON reports.
        keep_passed: args.shard.is_some() || lists_passed_cases(&destinations),
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
