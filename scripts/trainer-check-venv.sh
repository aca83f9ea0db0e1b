#!/bin/sh
# Create or reuse the small Python environment in which the launcher runs the trainer's own
# config schema (scripts/trainer-check-requirements.txt: pydantic + PyYAML, no torch), and print
# the path of its python. Like modal/scripts/venv.sh: rebuilt only when the requirements change
# (hash stamp inside the venv), one flock so concurrent callers build it once.
# Location: $BGB_TRAINER_CHECK_VENV, else ${XDG_CACHE_HOME:-~/.cache}/bgb-tools/trainer-check-venv.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
REQ="$HERE/trainer-check-requirements.txt"
VENV="${BGB_TRAINER_CHECK_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/bgb-tools/trainer-check-venv}"
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
done_() { printf '%s\n' "$VENV/bin/python"; exit 0; }
up_to_date && done_

mkdir -p "$(dirname "$VENV")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV.lock"
  flock 9
  up_to_date && done_
fi

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "trainer-check venv: $PY is not Python >= 3.11 (the trainer's requirement); set BGB_PYTHON" >&2
  exit 1
fi
echo "trainer-check venv: installing pydantic + PyYAML into $VENV (once)" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ" >&2; then
  rm -rf "$VENV"
  echo "trainer-check venv: pip install failed (network or PyPI unreachable?); run sh scripts/trainer-check-venv.sh again" >&2
  exit 1
fi
printf '%s\n' "$want" > "$STAMP"
done_
