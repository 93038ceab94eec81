//! `indexlab-cli`: IndexLab's simulations from the command line.
//!
//! Arguments are parsed into a raw struct ([`args`]), checked into a run plan
//! ([`plan`]), the data loaded ([`data`]), then executed ([`run`]) and
//! written out ([`output`]).

mod args;
mod data;
mod fetch;
mod output;
mod plan;
mod run;

use std::process::ExitCode;

/// Why the CLI stopped.
#[derive(Debug, PartialEq)]
pub enum CliError {
    /// Bad arguments (exit code 2).
    Usage(String),
    /// The data could not be loaded or a simulation failed (exit code 1).
    Run(String),
}

fn main() -> ExitCode {
    let result = args::parse(std::env::args_os().skip(1)).and_then(|cmd| match cmd {
        args::Command::Help => {
            print!("{}", args::help());
            Ok(())
        }
        args::Command::Version => {
            println!("indexlab-cli {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        args::Command::Run(raw) => run::execute(plan::plan(*raw)?),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(msg)) => {
            eprintln!("indexlab-cli: {msg}");
            ExitCode::from(2)
        }
        Err(CliError::Run(msg)) => {
            eprintln!("indexlab-cli: {msg}");
            ExitCode::from(1)
        }
    }
}
