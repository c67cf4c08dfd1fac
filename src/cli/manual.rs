//! Options of the commands that describe leakward itself: shell completions and the manual.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Options of `leakward completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `leakward completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash (bash-completion).
    Bash,
    /// Zsh (a `_leakward` function for a directory on `fpath`).
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell (`Register-ArgumentCompleter`).
    Powershell,
}

/// Options of `leakward man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (leakward.1, leakward-scan.1, …) into this directory
    /// instead of the main page to standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}
