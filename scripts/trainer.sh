#!/bin/sh
# Fetch the trainer pinned in configs/launch.yaml (`trainer:` repository, commit, checkout) into
# its checkout folder (vendor/brain-go-brr-v2, gitignored): a clone + checkout of the commit, or a
# fetch + checkout when the folder already holds another commit. Needs network access to the
# repository. Exit 0 when the checkout is at the pinned commit, 1 otherwise (with the reason).
set -eu
cd "$(dirname "$0")/.."
LAUNCH=configs/launch.yaml

# The three keys of the top-level `trainer:` mapping (block style, as launch.yaml writes them).
pin() {
  awk -v key="$1" '
    /^[^ #]/ { in_trainer = ($0 ~ /^trainer:[ \t]*(#.*)?$/) ; next }
    in_trainer && $1 == key":" { v = $2; gsub(/["\047]/, "", v); print v; exit }
  ' "$LAUNCH"
}
URL="$(pin repository)"
COMMIT="$(pin commit)"
DIR="$(pin checkout)"
case "$COMMIT" in
  *[!0-9a-f]*|"") echo "trainer.sh: $LAUNCH: trainer.commit must be a 40-hex commit id" >&2; exit 1 ;;
esac
if [ "${#COMMIT}" -ne 40 ] || [ -z "$URL" ] || [ -z "$DIR" ]; then
  echo "trainer.sh: $LAUNCH needs trainer.repository, trainer.commit (40 hex) and trainer.checkout" >&2
  exit 1
fi

if [ ! -e "$DIR" ]; then
  echo "trainer.sh: git clone $URL $DIR && git -C $DIR checkout $COMMIT" >&2
  mkdir -p "$(dirname "$DIR")"
  if ! git clone -q "$URL" "$DIR"; then
    echo "trainer.sh: cloning $URL failed (no network?); run again when it is reachable" >&2
    exit 1
  fi
elif [ "$(git -C "$DIR" rev-parse --show-toplevel 2>/dev/null || true)" != "$(cd "$DIR" && pwd -P)" ]; then
  echo "trainer.sh: $DIR exists but is not a git checkout of its own; move it away and run again" >&2
  exit 1
fi

HEAD="$(git -C "$DIR" rev-parse HEAD 2>/dev/null || true)"
if [ "$HEAD" = "$COMMIT" ]; then
  echo "trainer.sh: $DIR is at the pinned $COMMIT"
  exit 0
fi
if [ -n "$(git -C "$DIR" status --porcelain 2>/dev/null)" ]; then
  echo "trainer.sh: $DIR has uncommitted changes; commit or discard them, then run again" >&2
  exit 1
fi
if ! git -C "$DIR" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
  echo "trainer.sh: git -C $DIR fetch $URL" >&2
  if ! git -C "$DIR" fetch -q "$URL" || ! git -C "$DIR" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
    echo "trainer.sh: $COMMIT could not be fetched from $URL (no network, or not on its default branch: try git -C $DIR fetch $URL $COMMIT)" >&2
    exit 1
  fi
fi
echo "trainer.sh: git -C $DIR checkout $COMMIT" >&2
git -C "$DIR" -c advice.detachedHead=false checkout -q "$COMMIT"
echo "trainer.sh: $DIR is at the pinned $COMMIT"
