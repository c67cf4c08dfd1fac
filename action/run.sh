#!/usr/bin/env bash
# Runs `leakward ci` for the GitHub Action in action.yml.
#
# Inputs come from the environment, as action.yml passes them:
#   INPUT_PATH              the repository checkout (default: GITHUB_WORKSPACE)
#   INPUT_ARGS              extra arguments for `leakward ci`, split on whitespace (no quoting)
#   INPUT_CONFIG            a configuration file (default: .leakward.toml at the repository root)
#   INPUT_BASELINE          a baseline file: its findings are not reported
#   INPUT_FAIL_ON_FINDINGS  `true` (default) fails the step when secrets are found
#   INPUT_SARIF_FILE        where to write the SARIF report (default: RUNNER_TEMP/leakward.sarif)
#   LEAKWARD                the binary to run (default: `leakward` on PATH)
# Relative paths are taken from GITHUB_WORKSPACE.
#
# Exit status: 0 clean (or findings with fail-on-findings false), 1 findings, and leakward's
# own status (2) on an error, whatever fail-on-findings says: a scan that did not run must
# not pass.
#
# Outputs (GITHUB_OUTPUT): leakward itself writes findings, commits-scanned, blobs-scanned and
# sarif-file; this script adds exit-code. On an error the SARIF file is deleted and
# sarif-file is set empty (and the job summary says the scan failed), so `if: steps.<id>.outputs.sarif-file != ''` skips the upload: an
# empty or partial report uploaded to code scanning would close its open alerts.
set -uo pipefail

error() {
    echo "::error title=leakward::$*" >&2
}

output() {
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace" || {
    error "cannot enter GITHUB_WORKSPACE ($workspace)"
    exit 2
}

leakward="${LEAKWARD:-leakward}"
if ! command -v "$leakward" >/dev/null 2>&1; then
    error "leakward binary not found: '$leakward'"
    output exit-code 2
    output sarif-file ""
    exit 2
fi

case "$(printf '%s' "${INPUT_FAIL_ON_FINDINGS:-true}" | tr '[:upper:]' '[:lower:]')" in
true | yes | 1) fail_on_findings=true ;;
false | no | 0) fail_on_findings=false ;;
*)
    error "fail-on-findings must be true or false, not '${INPUT_FAIL_ON_FINDINGS}'"
    output exit-code 2
    output sarif-file ""
    exit 2
    ;;
esac

sarif="${INPUT_SARIF_FILE:-}"
if [[ -z "$sarif" ]]; then
    sarif="${RUNNER_TEMP:-$workspace}/leakward.sarif"
fi
if [[ "$sarif" != /* ]]; then
    sarif="$workspace/$sarif"
fi
mkdir -p "$(dirname "$sarif")"
# A report left by an earlier run must not be uploaded as this run's.
rm -f "$sarif"

arguments=(ci "${INPUT_PATH:-.}" --sarif "$sarif")
if [[ -n "${INPUT_CONFIG:-}" ]]; then
    arguments+=(--config "$INPUT_CONFIG")
fi
if [[ -n "${INPUT_BASELINE:-}" ]]; then
    arguments+=(--baseline "$INPUT_BASELINE")
fi
# Word splitting on purpose (several arguments in one input), without glob expansion.
set -f
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})
set +f

"$leakward" "${arguments[@]}" ${extra[@]+"${extra[@]}"}
status=$?
output exit-code "$status"

case "$status" in
0)
    exit 0
    ;;
1)
    found=""
    if [[ -n "${GITHUB_OUTPUT:-}" && -f "$GITHUB_OUTPUT" ]]; then
        found="$(grep '^findings=' "$GITHUB_OUTPUT" | tail -n 1 | cut -d= -f2)"
    fi
    what="leaked secrets found${found:+ ($found)}: revoke them, then remove them from the history (see the job summary)"
    if [[ "$fail_on_findings" == true ]]; then
        error "$what"
        exit 1
    fi
    echo "::warning title=leakward::$what; fail-on-findings is false, so this step passes" >&2
    exit 0
    ;;
*)
    rm -f "$sarif"
    output sarif-file ""
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        printf '## leakward\n\n**The scan failed** (exit status %s) and checked nothing: see the step log.\n' \
            "$status" >>"$GITHUB_STEP_SUMMARY"
    fi
    error "leakward ci failed (exit status $status) and scanned nothing; see the messages above"
    exit "$status"
    ;;
esac
