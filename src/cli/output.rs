//! Where reports go: `--format`/`--output` pairs, standard output and files, and the
//! messages for errors of use.

use std::io::Write;
use std::path::PathBuf;

use clap::ArgMatches;

use crate::exit::Exit;
use crate::report::{self, OutputFormat, Report};

use super::args::OutputArgs;

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

/// One output destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

/// Pairs each `--output` with the `--format` before it, using argument positions.
pub(super) fn destinations(
    matches: &ArgMatches,
    args: &OutputArgs,
) -> Result<Vec<Destination>, OutputError> {
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

/// Writes a report to each destination. A file is written whole through a temporary file
/// beside it, so a reader never sees half a report. A closed standard output (`| head`) ends
/// only the standard-output destinations; report files are still written.
pub(super) fn emit(
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

pub(super) fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
}

/// Prints command output and ends with `exit`. A reader that closed the pipe early
/// (`gatelint rules | head -1`) has had all it wanted: nothing is printed about it and the exit
/// stays the command's own (see README, "Broken pipes").
pub(super) fn print_out(text: &str, exit: Exit) -> Exit {
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
pub(super) fn write_file(path: &std::path::Path, text: &str) -> Result<(), OutputError> {
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
pub(super) fn output_error(error: &OutputError) -> Exit {
    print_error(error);
    match error {
        OutputError::Stdout(_) => Exit::Internal,
        _ => Exit::InvalidInput,
    }
}

pub(super) fn usage_error(message: &str) -> Exit {
    print_error(&message);
    Exit::InvalidInput
}
