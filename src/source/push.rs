//! The pre-push hook's input: which commits a push sends that the remote does not have.
//!
//! git runs the hook with the remote's name and URL as arguments and one line per ref on
//! standard input: `<local ref> <local sha> <remote ref> <remote sha>`. A deleted ref has an
//! all-zero local id; a new branch an all-zero remote id.

use super::history::Revisions;
use super::refs::Repo;
use crate::error::{Error, Result};

/// One ref a push updates, as git describes it to the hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// The local ref pushed (`refs/heads/main`), or `(delete)`.
    pub local_ref: String,
    /// The commit pushed; all zeros for a deletion.
    pub local_id: String,
    /// The ref updated on the remote.
    pub remote_ref: String,
    /// What the remote ref pointed at; all zeros for a new ref.
    pub remote_id: String,
}

/// Parses the hook's standard input; blank lines are ignored.
///
/// # Errors
/// [`Error::Input`] naming the line that does not have four fields.
pub fn parse_updates(text: &str) -> Result<Vec<RefUpdate>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [local_ref, local_id, remote_ref, remote_id] => Ok(RefUpdate {
                    local_ref: local_ref.to_string(),
                    local_id: local_id.to_string(),
                    remote_ref: remote_ref.to_string(),
                    remote_id: remote_id.to_string(),
                }),
                _ => Err(Error::Input {
                    path: "<stdin>".into(),
                    message: format!(
                        "line {}: expected `<local ref> <local sha> <remote ref> <remote sha>` \
                         as git passes to a pre-push hook",
                        number + 1
                    ),
                }),
            }
        })
        .collect()
}

/// What a push sends: the commits to scan and a sentence saying so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPlan {
    /// Reachable from the pushed commits, not from anything the remote already has.
    pub revisions: Revisions,
    /// `push to origin: refs/heads/main (new branch); refs/heads/old (deleted)`.
    pub scope: String,
}

/// The commits `updates` send to `remote` (a remote name or URL, as git passes it) that the
/// remote does not have: not reachable from any remote ref's old value, nor from any of
/// the remote's tracking refs. A new branch sends only what no tracking ref has; a force
/// push, what the overwritten tip did not have; a deletion sends nothing.
///
/// # Errors
/// [`Error::Input`] when a pushed commit is not in the repository.
pub fn plan(repo: &Repo, remote: Option<&str>, updates: &[RefUpdate]) -> Result<PushPlan> {
    let mut revisions = Revisions::default();
    let mut parts = Vec::new();
    for update in updates {
        if Repo::is_zero_id(&update.local_id) {
            parts.push(format!("{} (deleted)", update.remote_ref));
            continue;
        }
        let local = repo.commit(&update.local_id).ok_or_else(|| Error::Input {
            path: update.local_ref.clone().into(),
            message: format!("pushed commit {} is not in the repository", update.local_id),
        })?;
        revisions.include.push(local);
        let kind = if Repo::is_zero_id(&update.remote_id) {
            " (new)"
        } else {
            match repo.commit(&update.remote_id) {
                Some(old) => {
                    revisions.exclude.push(old);
                    ""
                }
                // The remote moved to a commit never fetched here (someone else pushed, or
                // this push overwrites it); the tracking refs still bound what is scanned.
                None => " (remote tip not fetched)",
            }
        };
        parts.push(format!("{}{kind}", update.remote_ref));
    }
    if let Some(remote) = remote.filter(|r| repo.has_remote(r)) {
        revisions.exclude.extend(repo.remote_tips(remote)?);
    }
    revisions.include.sort();
    revisions.include.dedup();
    revisions.exclude.sort();
    revisions.exclude.dedup();
    let target = remote.map_or_else(String::new, |r| format!(" to {r}"));
    let scope = if parts.is_empty() {
        format!("push{target}: no refs")
    } else {
        format!("push{target}: {}", parts.join(", "))
    };
    Ok(PushPlan { revisions, scope })
}

#[cfg(test)]
mod tests {
    use super::parse_updates;

    #[test]
    fn parses_hook_lines() {
        let updates = parse_updates(
            "refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main 0000000000000000000000000000000000000000\n\n",
        )
        .unwrap();
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].remote_ref, "refs/heads/main");
        assert!(parse_updates("refs/heads/main abc\n").is_err());
        assert!(parse_updates("").unwrap().is_empty());
    }
}
