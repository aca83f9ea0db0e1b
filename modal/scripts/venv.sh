#!/bin/sh
# Create or refresh modal/.venv from requirements-dev.txt.
# Rebuilds only when the venv is missing or the requirements changed (hash stamp inside the
# venv). Safe to run concurrently (turbo runs lint and test in parallel): one flock per checkout.
set -eu
cd "$(dirname "$0")/.."
REQ=requirements-dev.txt
VENV=.venv
STAMP="$VENV/.bgb-requirements.sha256"
PY="${BGB_PYTHON:-python3}"

hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

want="$(hash_file "$REQ")"
up_to_date() {
  [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]
}
up_to_date && exit 0

# The lock lives outside the package so it never shows up as an input of turbo's cache.
if command -v flock >/dev/null 2>&1; then
  LOCK="${TMPDIR:-/tmp}/bgb-modal-venv-$(pwd | cksum | cut -d' ' -f1).lock"
  exec 9>"$LOCK"
  flock 9
  up_to_date && exit 0
fi

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "modal/.venv: $PY is $("$PY" --version 2>&1); Python >= 3.11 is required (set BGB_PYTHON)" >&2
  exit 1
fi
echo "modal/.venv: installing $REQ" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
printf '%s\n' "$want" > "$STAMP"
