//! GitHub Actions: the event name and payload say which commits a run is about.
//!
//! - `pull_request`, `pull_request_target` (and review events): `base.sha..head.sha`.
//! - `push`: `before..after`; a new branch or tag (`created`, or an all-zero `before`): the
//!   commits not on the default branch; a force push: also not on the old tip when it was
//!   fetched; a deletion: nothing.
//! - `merge_group`: `base_sha..head_sha`.
//! - anything else (`schedule`, `workflow_dispatch`, `release`, …): the whole history.

use super::{short, Base, Plan, Selection, System};
use crate::error::{Error, Result};
use crate::source::refs::Repo;
use serde_json::Value;

/// The plan for the run described by `GITHUB_EVENT_NAME` and `GITHUB_EVENT_PATH`.
///
/// # Errors
/// [`Error::Input`] when an event that needs its payload has none, or a malformed one.
pub fn plan(env: &dyn Fn(&str) -> Option<String>) -> Result<Plan> {
    let event = env("GITHUB_EVENT_NAME").unwrap_or_default();
    let everything = |what: String| Plan {
        system: System::GitHubActions,
        event: what,
        selection: Selection::Everything,
    };
    let needs_payload = matches!(
        event.as_str(),
        "pull_request"
            | "pull_request_target"
            | "pull_request_review"
            | "pull_request_review_comment"
            | "push"
            | "merge_group"
    );
    if !needs_payload {
        let what = if event.is_empty() {
            "run without an event name".to_string()
        } else {
            format!("{event} event")
        };
        return Ok(everything(what));
    }
    let payload = read_payload(env)?;
    let text = |pointer: &str| -> Option<String> {
        payload
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let required = |pointer: &str| -> Result<String> {
        text(pointer).ok_or_else(|| Error::Input {
            path: env("GITHUB_EVENT_PATH").unwrap_or_default().into(),
            message: format!("the {event} event payload has no `{pointer}`"),
        })
    };
    let range = |what: String, head: String, base: Vec<Base>| Plan {
        system: System::GitHubActions,
        event: what,
        selection: Selection::Range { head, base },
    };
    match event.as_str() {
        "push" => {
            let after = required("/after")?;
            let before = text("/before").unwrap_or_default();
            let git_ref = text("/ref").unwrap_or_default();
            let flag = |name: &str| payload.get(name).and_then(Value::as_bool) == Some(true);
            let default_branch = text("/repository/default_branch");
            let on_default = |base: &mut Vec<Base>| {
                if let Some(branch) = &default_branch {
                    if git_ref != format!("refs/heads/{branch}") {
                        base.push(Base::optional(&format!("refs/remotes/origin/{branch}")));
                    }
                }
            };
            if flag("deleted") || Repo::is_zero_id(&after) {
                return Ok(Plan {
                    system: System::GitHubActions,
                    event: format!("push deleting {git_ref}"),
                    selection: Selection::Nothing,
                });
            }
            let mut base = Vec::new();
            let what = if flag("created") || before.is_empty() || Repo::is_zero_id(&before) {
                on_default(&mut base);
                format!(
                    "push creating {git_ref}: commits up to {} not on {}",
                    short(&after),
                    default_branch.as_deref().unwrap_or("the default branch")
                )
            } else if flag("forced") {
                base.push(Base::optional(&before));
                on_default(&mut base);
                format!(
                    "force push to {git_ref}: {}..{}",
                    short(&before),
                    short(&after)
                )
            } else {
                base.push(Base::required(&before));
                format!("push to {git_ref}: {}..{}", short(&before), short(&after))
            };
            Ok(range(what, after, base))
        }
        "merge_group" => {
            let head = required("/merge_group/head_sha")?;
            let base = required("/merge_group/base_sha")?;
            let what = format!("merge group: {}..{}", short(&base), short(&head));
            Ok(range(what, head, vec![Base::required(&base)]))
        }
        _ => {
            let head = required("/pull_request/head/sha")?;
            let base = required("/pull_request/base/sha")?;
            let number = payload
                .pointer("/pull_request/number")
                .or_else(|| payload.get("number"))
                .and_then(Value::as_u64)
                .map_or_else(String::new, |n| format!(" #{n}"));
            let what = format!(
                "pull request{number} ({event}): {}..{}",
                short(&base),
                short(&head)
            );
            Ok(range(what, head, vec![Base::required(&base)]))
        }
    }
}

fn read_payload(env: &dyn Fn(&str) -> Option<String>) -> Result<Value> {
    let path = env("GITHUB_EVENT_PATH").ok_or_else(|| Error::Input {
        path: "GITHUB_EVENT_PATH".into(),
        message: "GITHUB_EVENT_PATH is not set, so the event's commits are unknown".to_string(),
    })?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Input {
        path: path.clone().into(),
        message: format!("cannot read the event payload: {e}"),
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Input {
        path: path.into(),
        message: format!("the event payload is not valid JSON: {e}"),
    })
}
