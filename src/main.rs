use std::process::ExitCode;

// Parsing builds many small strings and nodes; mimalloc serves them markedly faster than the
// system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gatelint::cli::run().into()
}
