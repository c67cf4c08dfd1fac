//! What to do when a hook stops a commit or a push, printed after the findings.

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
  3. A false alarm? Add `leakward:allow` in a comment on that line, or an [allowlist] entry
     in .leakward.toml. To skip the check once: git push --no-verify";
