#!/usr/bin/env bash
# Installs leakward for the GitHub Action in action.yml, from the action's own source.
#
#   install.sh prepare   writes the outputs `skip`, `dir` and `key` for actions/cache:
#                        where the binary goes and a key that changes with the sources.
#   install.sh install   writes the output `leakward`: the binary to run. Uses, in order,
#                        INPUT_LEAKWARD_PATH, a binary already in the install directory (a
#                        cache hit), or `cargo install --locked --path <action> --root <dir>`.
#
# Environment (set by the runner or the action's `env:`): GITHUB_ACTION_PATH (the action's
# checkout), GITHUB_OUTPUT, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH, INPUT_LEAKWARD_PATH.
# LEAKWARD_CARGO overrides the cargo command (tests use it).
set -euo pipefail

fail() {
    echo "::error title=leakward install::$*" >&2
    exit 2
}

output() {
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
install_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/leakward-install"
exe=""
if [[ "${RUNNER_OS:-}" == "Windows" ]]; then
    exe=".exe"
fi
binary="$install_dir/bin/leakward$exe"

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum
    else
        shasum -a 256
    fi
}

# A digest of everything `cargo install` builds from, so a new release (or a branch that
# moved) never reuses an old binary.
source_digest() {
    (
        cd "$action_path"
        { find Cargo.toml Cargo.lock build.rs src rules -type f -print 2>/dev/null || true; } |
            LC_ALL=C sort |
            while IFS= read -r file; do
                printf '%s ' "$file"
                sha256 <"$file"
            done |
            sha256 |
            cut -c1-32
    )
}

case "${1:-}" in
prepare)
    if [[ -n "${INPUT_LEAKWARD_PATH:-}" ]]; then
        output skip true
    else
        output skip false
    fi
    output dir "$install_dir"
    output key "leakward-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$(source_digest)"
    ;;
install)
    if [[ -n "${INPUT_LEAKWARD_PATH:-}" ]]; then
        given="$INPUT_LEAKWARD_PATH"
        if [[ "$given" != */* ]]; then
            given="$(command -v "$given" || true)"
        fi
        [[ -n "$given" && -x "$given" && ! -d "$given" ]] ||
            fail "leakward-path '$INPUT_LEAKWARD_PATH' is not an executable file"
        echo "leakward: using $given"
        output leakward "$given"
        exit 0
    fi
    if [[ -x "$binary" ]] && "$binary" --version >/dev/null 2>&1; then
        echo "leakward: using the cached $("$binary" --version)"
        output leakward "$binary"
        exit 0
    fi
    cargo="${LEAKWARD_CARGO:-cargo}"
    command -v "$cargo" >/dev/null 2>&1 ||
        fail "cargo is not installed: set up Rust before this action (for example dtolnay/rust-toolchain) or give leakward-path"
    echo "leakward: building from $action_path (cargo install --locked)"
    "$cargo" install --locked --path "$action_path" --root "$install_dir" ||
        fail "cargo install failed; see the messages above"
    [[ -x "$binary" ]] || fail "cargo install did not produce $binary"
    "$binary" --version
    output leakward "$binary"
    ;;
*)
    echo "usage: install.sh prepare|install" >&2
    exit 2
    ;;
esac
