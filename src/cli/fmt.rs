//! `fmt`: Gait policies in canonical form.

use std::path::PathBuf;

use clap::Args;

use crate::exit::Exit;

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

pub(super) fn fmt(args: &FmtArgs) -> Exit {
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
