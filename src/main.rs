//! The `leakward` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;
use leakward::app::{self, EXIT_ERROR};
use leakward::cli::Cli;

fn main() {
    let cli = Cli::parse();
    let code = match app::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let broken_pipe = error
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
            if !broken_pipe {
                eprintln!("leakward: error: {error:#}");
            }
            EXIT_ERROR
        }
    };
    std::process::exit(code);
}
