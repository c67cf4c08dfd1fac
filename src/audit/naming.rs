//! Names for a repository of the list: how reports show it, and the file names of its
//! report and its mirror.

use sha2::{Digest, Sha256};

/// The repository as reports show it: the list's entry without any user name or password
/// in a URL (`https://user:token@host/o/r` shows as `https://host/o/r`).
///
/// ```
/// use leakward::audit::display_name;
/// assert_eq!(display_name("https://ci:t0ken@git.example/team/app.git"), "https://git.example/team/app.git");
/// assert_eq!(display_name("../repos/app"), "../repos/app");
/// ```
pub fn display_name(repository: &str) -> String {
    if let Some((scheme, rest)) = repository.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{scheme}://{}", &rest[at + 1..]);
        }
    }
    repository.to_string()
}

/// A file name stem for the repository, unique to it: its last two path components (letters,
/// digits, `.`, `_` and `-`; other characters as `_`) and 8 hex digits of a hash of
/// [`display_name`], so that `a/app` and `b/app`, or two shards writing to one directory,
/// never collide.
///
/// ```
/// use leakward::audit::file_stem;
/// let stem = file_stem("https://git.example/team/app.git");
/// assert!(stem.starts_with("team_app-"), "{stem}");
/// assert_ne!(stem, file_stem("https://git.example/other/app.git"));
/// ```
pub fn file_stem(repository: &str) -> String {
    let shown = display_name(repository);
    let trimmed = shown
        .trim_end_matches(['/', '\\'])
        .trim_end_matches(".git")
        .trim_end_matches(['/', '\\']);
    let parts: Vec<&str> = trimmed
        .rsplit(['/', '\\', ':'])
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .take(2)
        .collect();
    let readable: String = parts
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let readable = readable.trim_start_matches('.');
    let hash: String = Sha256::digest(shown.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if readable.is_empty() {
        format!("repository-{hash}")
    } else {
        format!("{readable}-{hash}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_file_names() {
        for repository in [
            "https://git.example/team/app.git",
            "git@git.example:team/app.git",
            "/srv/git/app/",
            "..",
            "https://x@h/ü/<img>",
            "C:\\repos\\app",
        ] {
            let stem = file_stem(repository);
            assert!(
                stem.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "{repository}: {stem}"
            );
            assert!(!stem.starts_with('.'), "{stem}");
        }
        assert!(file_stem("git@git.example:team/app.git").starts_with("team_app-"));
        assert_eq!(
            file_stem("https://u:p@h/o/r"),
            file_stem("https://h/o/r"),
            "credentials are not part of the name"
        );
    }
}
