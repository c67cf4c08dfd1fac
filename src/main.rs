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
                eprintln!("leakward: error: {}", describe(&error));
            }
            EXIT_ERROR
        }
    };
    std::process::exit(code);
}

/// The error and its causes, each cause said once: a typed error that already quotes its
/// cause (`x.toml: No such file or directory`) does not get it repeated after it.
fn describe(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}
