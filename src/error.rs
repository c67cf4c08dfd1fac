//! Typed errors of the library. `anyhow` is used only at the top (`app`, `main`).

use std::path::PathBuf;

/// Everything that can go wrong while loading rules, configuration or input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule file is not valid TOML or does not follow the rule schema.
    #[error("{file}: {message}")]
    RuleFile {
        /// The rule file (a built-in file name or a path).
        file: String,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },
    /// One rule is invalid (bad id, bad regex, missing field, …).
    #[error("{file}: rule `{rule}`: {message}")]
    Rule {
        /// The rule file that holds the rule.
        file: String,
        /// The rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The configuration file is invalid.
    #[error("{path}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, with the line where known.
        message: String,
    },
    /// A path given on the command line does not exist or cannot be read.
    #[error("{path}: {message}")]
    Input {
        /// The path the user gave.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A command-line option is invalid.
    #[error("{message}")]
    Usage {
        /// What is wrong, naming the option.
        message: String,
    },
    /// An I/O error with the path it happened on.
    #[error("{path}: {source}")]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
