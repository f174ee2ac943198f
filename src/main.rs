use std::process::ExitCode;

fn main() -> ExitCode {
    gatelint::cli::run().into()
}
