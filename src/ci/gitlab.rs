//! GitLab CI/CD: predefined variables say which commits a pipeline is about.
//!
//! - a merge request pipeline (`CI_MERGE_REQUEST_DIFF_BASE_SHA`): `diff base..CI_COMMIT_SHA`;
//! - a scheduled, web or API pipeline (`CI_PIPELINE_SOURCE`): the whole history;
//! - a push (`CI_COMMIT_BEFORE_SHA`): `before..CI_COMMIT_SHA`; a new branch or tag (all-zero
//!   `before`): the commits not on `CI_DEFAULT_BRANCH`.

use super::{short, Base, Plan, Selection, System};
use crate::source::refs::Repo;

/// The plan for the pipeline these variables describe.
pub fn plan(env: &dyn Fn(&str) -> Option<String>) -> Plan {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let source = var("CI_PIPELINE_SOURCE").unwrap_or_default();
    let plan = |event: String, selection: Selection| Plan {
        system: System::GitLab,
        event,
        selection,
    };
    let Some(head) = var("CI_COMMIT_SHA") else {
        return plan(
            format!("{source} pipeline without CI_COMMIT_SHA"),
            Selection::Everything,
        );
    };
    if let Some(base) = var("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
        let number = var("CI_MERGE_REQUEST_IID").map_or_else(String::new, |n| format!(" !{n}"));
        return plan(
            format!("merge request{number}: {}..{}", short(&base), short(&head)),
            Selection::Range {
                head,
                base: vec![Base::required(&base)],
            },
        );
    }
    if matches!(source.as_str(), "schedule" | "web" | "api" | "trigger") {
        return plan(format!("{source} pipeline"), Selection::Everything);
    }
    let name = var("CI_COMMIT_TAG")
        .or_else(|| var("CI_COMMIT_BRANCH"))
        .or_else(|| var("CI_COMMIT_REF_NAME"))
        .unwrap_or_default();
    match var("CI_COMMIT_BEFORE_SHA").filter(|before| !Repo::is_zero_id(before)) {
        Some(before) => plan(
            format!("push to {name}: {}..{}", short(&before), short(&head)),
            Selection::Range {
                head,
                base: vec![Base::required(&before)],
            },
        ),
        None => {
            let default = var("CI_DEFAULT_BRANCH");
            let base = default
                .iter()
                .filter(|branch| **branch != name)
                .map(|branch| Base::optional(&format!("refs/remotes/origin/{branch}")))
                .collect();
            plan(
                format!(
                    "new {name}: commits up to {} not on {}",
                    short(&head),
                    default.as_deref().unwrap_or("the default branch")
                ),
                Selection::Range { head, base },
            )
        }
    }
}
