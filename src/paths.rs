//! Paths as leakward shows and compares them: without `.` and `..`, `/`-separated.

/// Removes `.` and `..` components without touching the filesystem.
pub fn lexical_normalize(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Formats a path for reports: lossy UTF-8, `/` separators, no leading `./`.
///
/// Only where `\` separates paths (Windows) does it become `/`; elsewhere a backslash is
/// part of a file name (`a\b.env` is one file, not `a/b.env`).
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    let mut trimmed = text.as_str();
    while let Some(rest) = trimmed.strip_prefix("./") {
        trimmed = rest;
    }
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn display_keeps_a_backslash_in_a_name_where_it_is_no_separator() {
        assert_eq!(display_path(Path::new("./a/b.env")), "a/b.env");
        assert_eq!(display_path(Path::new(".")), ".");
        #[cfg(unix)]
        assert_eq!(display_path(Path::new("./a\\b.env")), "a\\b.env");
    }
}
