#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), in a script the tests can run.
#   run.sh install   a virtualenv in $RUNNER_TEMP with origins-lint from the action's own checkout
#                    ($GITHUB_ACTION_PATH): the action runs the code of the ref it was pinned to
#   run.sh check     origins-lint check with the inputs (INPUT_* variables); the exit code is the
#                    check's, and is also written to $GITHUB_OUTPUT as `exit-code`
set -euo pipefail

venv="${RUNNER_TEMP:?RUNNER_TEMP is not set}/origins-lint-venv"

case "${1:-}" in
install)
    "${INPUT_PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?}"
    "$venv/bin/origins-lint" --version
    ;;
check)
    args=(check --output-format "${INPUT_FORMAT:-github}" --fail-on "${INPUT_FAIL_ON:-low}")
    if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
        args+=(--output-format "sarif:$INPUT_SARIF_FILE")
    fi
    # words split on blanks and new lines, with no globbing: a path is checked as written
    set -f
    # shellcheck disable=SC2206
    extra=(${INPUT_ARGS:-})
    # shellcheck disable=SC2206
    paths=(${INPUT_PATHS:-.})
    set +f
    if [[ ${#paths[@]} -eq 0 ]]; then
        paths=(.)
    fi
    status=0
    # ${extra[@]+...}: an empty array under `set -u` in the bash 3.2 of macOS runners
    "$venv/bin/origins-lint" "${args[@]}" ${extra[@]+"${extra[@]}"} -- "${paths[@]}" || status=$?
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        {
            echo "exit-code=$status"
            echo "sarif-file=${INPUT_SARIF_FILE:-}"
        } >> "$GITHUB_OUTPUT"
    fi
    exit "$status"
    ;;
*)
    echo "usage: run.sh install|check" >&2
    exit 2
    ;;
esac
