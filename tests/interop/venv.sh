#!/usr/bin/env bash
# Makes (or brings up to date) the Python virtual environment the interop tests use:
# ${CARGO_TARGET_DIR:-target}/interop-venv with tests/interop/requirements.txt installed.
# Idempotent and quick to rerun: it installs only when the requirements changed since the last
# install that succeeded (a copy of them is kept in the venv). Exits non-zero with pip's words
# when it cannot install (no network, no python3 -m venv); the tests then skip, saying what is
# missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/interop-venv"
requirements="$root/tests/interop/requirements.txt"
stamp="$venv/installed-requirements.txt"

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
    echo "interop venv: $venv is up to date"
    exit 0
fi
start=$(date +%s)
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "interop venv: installed $requirements into $venv in $(( $(date +%s) - start )) s"
