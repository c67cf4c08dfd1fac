//! CI mode: find out which CI this is and which commits its event brings, so a pull request
//! scans its own commits, a push the pushed ones, and a scheduled run the whole history.
//!
//! Detection only reads environment variables (through a function, so tests pass their own)
//! and the event payload file they name; [`resolve`] then turns commit ids into a
//! [`Revisions`] selection and refuses to go on when those commits are not in the checkout
//! (a shallow clone), since a scan of fewer commits than asked must not pass.

pub mod github;
pub mod gitlab;

use crate::error::{Error, Result};
use crate::source::history::Revisions;
use crate::source::refs::Repo;

/// Which CI system runs leakward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHubActions,
    /// GitLab CI/CD (`GITLAB_CI=true`).
    GitLab,
    /// Anything else, or no CI at all.
    Other,
}

impl System {
    /// How the system is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            System::GitHubActions => "GitHub Actions",
            System::GitLab => "GitLab CI",
            System::Other => "no known CI",
        }
    }

    /// How to get the whole history in a checkout of this system.
    pub fn fetch_advice(self) -> &'static str {
        match self {
            System::GitHubActions => "set `fetch-depth: 0` on actions/checkout",
            System::GitLab => "set the variable `GIT_DEPTH: 0`",
            System::Other => "fetch the whole history (git fetch --unshallow)",
        }
    }
}

/// Which commits an event asks to scan, as ids still to be checked against the checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every commit reachable from any ref.
    Everything,
    /// Commits reachable from `head` and not from any of `base`.
    Range {
        /// The newest commit of the change (40 hex digits).
        head: String,
        /// What the target already has.
        base: Vec<Base>,
    },
    /// Nothing to scan (a branch deletion).
    Nothing,
}

/// One side of a range that the target already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// A commit id (40 hex digits) or a ref name (`origin/main`).
    pub name: String,
    /// Whether its absence is an error (the commits of the change cannot be told apart
    /// without it) or only narrows nothing (a default branch that was not fetched, the old
    /// tip of a force push).
    pub required: bool,
}

impl Base {
    /// A base that must be in the checkout.
    pub fn required(name: &str) -> Base {
        Base {
            name: name.to_string(),
            required: true,
        }
    }

    /// A base used when present.
    pub fn optional(name: &str) -> Base {
        Base {
            name: name.to_string(),
            required: false,
        }
    }
}

/// What CI mode will scan, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The CI system.
    pub system: System,
    /// The event in words: `pull request #12`, `push to main`, `schedule`.
    pub event: String,
    /// The commits.
    pub selection: Selection,
}

/// Reads the CI's environment through `env` and decides what to scan.
///
/// # Errors
/// [`Error::Input`] when the event payload is missing or malformed.
pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Result<Plan> {
    let set = |name: &str| env(name).is_some_and(|v| v == "true");
    if set("GITHUB_ACTIONS") {
        github::plan(env)
    } else if set("GITLAB_CI") {
        Ok(gitlab::plan(env))
    } else {
        Ok(Plan {
            system: System::Other,
            event: "no CI event".to_string(),
            selection: Selection::Everything,
        })
    }
}

/// The plan's commits in `repo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// `None` for everything, or the selection to walk.
    pub revisions: Option<Revisions>,
    /// Optional bases that were not in the checkout, which widens the scan.
    pub warnings: Vec<String>,
}

/// The plan's commits in `repo`.
///
/// # Errors
/// [`Error::Input`] saying to fetch the whole history when a commit the plan needs is not in
/// the checkout.
pub fn resolve(plan: &Plan, repo: &Repo) -> Result<Resolved> {
    let whole = |revisions| Resolved {
        revisions,
        warnings: Vec::new(),
    };
    match &plan.selection {
        Selection::Everything => Ok(whole(None)),
        Selection::Nothing => Ok(whole(Some(Revisions::default()))),
        Selection::Range { head, base } => {
            let missing = |what: &str, id: &str| Error::Input {
                path: ".".into(),
                message: format!(
                    "{} {}: {what} {id} is not in this checkout{}; {} so that leakward can \
                     scan the commits of this change",
                    plan.system.name(),
                    plan.event,
                    if repo.is_shallow() {
                        " (a shallow clone)"
                    } else {
                        ""
                    },
                    if plan.event.contains("pull_request_target") {
                        "check out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`) with `fetch-depth: 0`"
                    } else {
                        plan.system.fetch_advice()
                    }
                ),
            };
            let include = repo.commit(head).ok_or_else(|| missing("commit", head))?;
            let mut exclude = Vec::new();
            let mut warnings = Vec::new();
            for side in base {
                match repo.commit(&side.name).or_else(|| repo.resolve(&side.name)) {
                    Some(id) => exclude.push(id),
                    None if side.required => return Err(missing("base commit", &side.name)),
                    None => warnings.push(format!(
                        "{} is not in this checkout, so commits it has were scanned too \
                         (findings may include keys already there); {}",
                        side.name,
                        plan.system.fetch_advice()
                    )),
                }
            }
            Ok(Resolved {
                revisions: Some(Revisions {
                    include: vec![include],
                    exclude,
                }),
                warnings,
            })
        }
    }
}

/// The first 12 hex digits of a commit id, for messages.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
