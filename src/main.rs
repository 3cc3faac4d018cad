//! The `storydiff` binary: parse flags, run the application, print any error once.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use storydiff::{cli, exit};

/// Clustering allocates many small strings from two threads; mimalloc handles that faster and with less
/// fragmentation than the system allocator (docs/PERFORMANCE.md, "Allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let parsed = cli::Cli::parse();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = cli::run(parsed, &mut out).and_then(|code| Ok(out.flush().map(|_| code)?));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            eprintln!("storydiff: {err:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// A reader that closed our stdout early (`storydiff cluster . | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
