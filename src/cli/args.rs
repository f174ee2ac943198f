//! Arguments more than one command takes: formats, colour, verbosity, configuration.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{ArgAction, Args, ValueEnum};

use crate::app::FailOn;
use crate::config;
use crate::finding::Severity;
use crate::report::{self, OutputFormat};

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
    pub(super) fn style(&self, verbosity: Verbosity) -> report::Style {
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
    pub(super) fn choice(&self) -> config::Choice {
        match (&self.config, self.no_config) {
            (_, true) => config::Choice::Defaults,
            (Some(path), false) => config::Choice::File(path.clone()),
            (None, false) => config::Choice::Discover,
        }
    }
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
    pub(super) fn json(&self) -> bool {
        self.json || self.format == Some(PlainFormat::Json)
    }
}

pub(super) fn use_color(choice: ColorArg) -> bool {
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
pub(super) fn color_wanted(
    choice: ColorArg,
    var: impl Fn(&str) -> Option<String>,
    terminal: bool,
) -> bool {
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
