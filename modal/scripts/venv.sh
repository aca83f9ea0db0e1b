#!/bin/sh
# Create or refresh modal/.venv from requirements-dev.txt.
# Rebuilds only when the venv is missing or the requirements changed (hash stamp inside the venv).
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
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

echo "modal/.venv: installing $REQ" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
printf '%s\n' "$want" > "$STAMP"
