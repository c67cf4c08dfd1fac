#!/usr/bin/env bash
# Installs leakward for the GitHub Action in action.yml.
#
#   install.sh prepare   writes the outputs `skip`, `dir` and `key` for actions/cache:
#                        where the binary goes and a key that changes with the sources.
#   install.sh install   writes the output `leakward`: the binary to run. Uses, in order,
#                        INPUT_LEAKWARD_PATH, a binary already in the install directory (a
#                        cache hit), the release binary for this runner (see below), or
#                        `cargo install --locked --path <action> --root <dir>`.
#
# The release binary: the asset leakward-<version>-<target>.tar.gz (.zip on Windows) of the
# release tagged v<version>, <version> being the one in the action's Cargo.toml, from the
# repository the action comes from. Its SHA-256 must match the release's SHA256SUMS: a
# mismatch stops the step (exit 2) and nothing is run. Only when there is no such release or
# no asset for this platform (HTTP 404, an unknown platform, an unknown repository) is
# leakward built from source instead; any other download error stops the step.
#
# Environment (set by the runner or the action's `env:`): GITHUB_ACTION_PATH (the action's
# checkout), GITHUB_OUTPUT, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH, INPUT_LEAKWARD_PATH,
# LEAKWARD_RELEASE_REPOSITORY (owner/name; else read from GITHUB_ACTION_PATH, which ends in
# _actions/<owner>/<name>/<ref> on a runner).
# For tests only: LEAKWARD_CARGO overrides the cargo command, LEAKWARD_RELEASE_BASE_URL the
# release host (default https://github.com).
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

# The version in the [package] table of the action's Cargo.toml.
crate_version() {
    awk '
        /^\[/ { in_package = ($0 == "[package]") }
        in_package && /^version *= *"/ { sub(/^version *= *"/, ""); sub(/".*/, ""); print; exit }
    ' "$action_path/Cargo.toml" 2>/dev/null || true
}

# The release target triple for this runner; fails for a platform with no release binary.
release_target() {
    case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
    esac
}

# owner/name of the repository the action was taken from, or nothing.
release_repository() {
    if [[ -n "${LEAKWARD_RELEASE_REPOSITORY:-}" ]]; then
        echo "$LEAKWARD_RELEASE_REPOSITORY"
    elif [[ "$action_path" =~ /_actions/([^/]+)/([^/]+)/[^/]+/?$ ]]; then
        echo "${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    fi
}

# download URL FILE: 0 when fetched, 1 when the server has no such file (HTTP 404); any
# other answer, or no answer, stops the step.
download() {
    local code
    code="$(curl --silent --show-error --location --retry 3 --output "$2" \
        --write-out '%{http_code}' "$1")" ||
        fail "could not download $1 (curl exit status $?)"
    case "$code" in
    200) return 0 ;;
    404) return 1 ;;
    *) fail "downloading $1 failed: HTTP $code" ;;
    esac
}

# The download directory of install_release, removed on exit whatever happens.
work=""

# Installs the release binary for this runner into $binary and returns 0, or returns 1
# when there is none to install (the caller then builds from source).
install_release() {
    local version target repository base archive url expected actual found
    version="$(crate_version)"
    repository="$(release_repository)"
    if [[ -z "$version" || -z "$repository" ]]; then
        echo "leakward: no release to download (the action's repository or version is unknown)"
        return 1
    fi
    if ! target="$(release_target)"; then
        echo "leakward: no release binary for ${RUNNER_OS:-$(uname -s)} ${RUNNER_ARCH:-$(uname -m)}"
        return 1
    fi
    archive="leakward-$version-$target.tar.gz"
    if [[ "$target" == *windows* ]]; then
        archive="leakward-$version-$target.zip"
    fi
    base="${LEAKWARD_RELEASE_BASE_URL:-https://github.com}"
    url="${base%/}/$repository/releases/download/v$version"
    work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/leakward-download.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    if ! download "$url/SHA256SUMS" "$work/SHA256SUMS"; then
        echo "leakward: no release v$version at $url"
        return 1
    fi
    expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print tolower($1); exit }' \
        "$work/SHA256SUMS")"
    if [[ -z "$expected" ]]; then
        echo "leakward: release v$version has no $archive"
        return 1
    fi
    if ! download "$url/$archive" "$work/$archive"; then
        fail "$archive is listed in SHA256SUMS of release v$version but cannot be downloaded from $url"
    fi
    actual="$(sha256 <"$work/$archive" | cut -d' ' -f1)"
    if [[ "$actual" != "$expected" ]]; then
        fail "checksum mismatch for $archive from $url: SHA256SUMS says $expected, the download is $actual; refusing to run it"
    fi
    mkdir -p "$work/unpacked"
    case "$archive" in
    *.zip) unzip -q -o "$work/$archive" -d "$work/unpacked" ;;
    *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
    esac || fail "could not unpack $archive"
    found="$(find "$work/unpacked" -type f -name "leakward$exe" | head -n 1)"
    [[ -n "$found" ]] || fail "$archive holds no leakward$exe"
    mkdir -p "$(dirname "$binary")"
    cp "$found" "$binary"
    chmod +x "$binary"
    "$binary" --version >/dev/null 2>&1 || fail "the downloaded $binary does not run"
    echo "leakward: installed $("$binary" --version) ($target) from $url, SHA-256 verified"
    return 0
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
    if install_release; then
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
