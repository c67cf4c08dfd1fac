//! Where a command writes: the report's destination, and whether it is painted.

use crate::cli::ColorChoice;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// A buffered writer to `path`, or to stdout, with a name for error messages.
pub(super) fn open_output(path: Option<&Path>) -> Result<(Box<dyn Write>, String)> {
    Ok(match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            (
                Box::new(std::io::BufWriter::new(file)),
                path.display().to_string(),
            )
        }
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            "the report".to_string(),
        ),
    })
}

/// Whether to paint the text report: `--color always|never`, or on a terminal without
/// `NO_COLOR` when writing to stdout.
pub(super) fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
