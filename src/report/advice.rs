//! What to do about the findings, for the situation they were found in: a key in the work
//! tree can be fixed on its line, a key in an old commit cannot, and a stopped commit or push
//! has not leaked yet.

/// Where the findings were found, which decides what advice can be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// Files on disk or standard input (`scan`).
    WorkTree,
    /// Commits already made (`git`, `ci`).
    History,
    /// A commit the pre-commit hook stopped (`staged`): its own block goes to stderr.
    BlockedCommit,
    /// A push the pre-push hook stopped (`pre-push`): its own block goes to stderr.
    BlockedPush,
}

impl Advice {
    /// The text the text report ends with after findings, if this situation has one there.
    pub fn closing(self) -> Option<&'static str> {
        match self {
            Advice::WorkTree => Some(WORK_TREE),
            Advice::History => Some(HISTORY),
            Advice::BlockedCommit | Advice::BlockedPush => None,
        }
    }

    /// The block a stopping hook prints to stderr, whatever the report's format.
    pub fn hook_block(self) -> Option<&'static str> {
        match self {
            Advice::BlockedCommit => Some(BLOCKED_COMMIT),
            Advice::BlockedPush => Some(BLOCKED_PUSH),
            Advice::WorkTree | Advice::History => None,
        }
    }
}

/// After findings in files on disk.
pub const WORK_TREE: &str = "\
Revoke each key at the page shown and issue a new one: a key that was committed, pushed or
shared stays leaked. Then keep the new key out of code (an environment variable or a secrets
manager).
A false alarm? Add `leakward:allow` on its line, or its path under [allowlist] paths in .leakward.toml.";

/// After findings in commits: an old commit cannot be given an allow comment.
pub const HISTORY: &str = "\
Each key above was committed: it stays in every clone and fork, even after the commit is
rewritten. Revoke it at the page shown and issue a new one, then keep the new key out of code
(an environment variable or a secrets manager).
Already revoked, or a false alarm? A comment cannot be added to an old commit: record the
findings in a baseline (`leakward baseline git -o .leakward-baseline.json`, then
`baseline = \".leakward-baseline.json\"` in .leakward.toml), or list a finding's fingerprint
under [allowlist] fingerprints, or its commit under [allowlist] commits.";

/// Printed to stderr when `leakward staged` stops a commit.
pub const BLOCKED_COMMIT: &str = "\
leakward stopped this commit: the staged changes add the key(s) above.
  1. Take the key out of the file and read it from an environment variable or a secrets
     manager instead; `git add` the file again.
  2. If the key was ever pushed, pasted or shared, revoke it at the page shown and issue a
     new one.
  3. A false alarm? Add `leakward:allow` in a comment on that line, or an [allowlist] entry
     in .leakward.toml. To skip the check once: git commit --no-verify";

/// Printed to stderr when `leakward pre-push` stops a push.
pub const BLOCKED_PUSH: &str = "\
leakward stopped this push: the commits above add the key(s) shown, and the remote does
not have them yet.
  1. Revoke each key at the page shown and issue a new one, then read it from an
     environment variable or a secrets manager.
  2. Remove the key from the unpushed commits (git rebase -i, or git commit --amend for the
     last one); deleting it in a new commit leaves it in the pushed history.
  3. Already revoked, or a false alarm? In a commit you can still amend, add
     `leakward:allow` in a comment on the line. For older commits, record a baseline
     (`leakward baseline git -o .leakward-baseline.json`, then `baseline = ...` in
     .leakward.toml) or list the fingerprint under [allowlist] fingerprints or the commit
     under [allowlist] commits. To skip the check once: git push --no-verify";
