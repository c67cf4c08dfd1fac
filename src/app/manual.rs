//! `leakward completions` and `leakward man`: generated from the clap definitions, so they
//! always match the options of this binary.

use crate::cli::manual::{CompletionsArgs, ManArgs, Shell};
use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

use super::EXIT_CLEAN;

/// Writes the completion script for one shell to standard output.
///
/// # Errors
/// A write error on standard output.
pub fn completions(args: CompletionsArgs) -> Result<i32> {
    let mut command = Cli::command();
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "leakward", &mut script);
    write_stdout(&script)?;
    Ok(EXIT_CLEAN)
}

/// Writes the man page (roff) to standard output, or one page per command into `--dir`.
///
/// # Errors
/// A write error on standard output or in the directory.
pub fn man(args: ManArgs) -> Result<i32> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            write_stdout(&page)?;
        }
    }
    Ok(EXIT_CLEAN)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(())
}
