#!/usr/bin/env bash
# Installs what a fresh machine lacks (only Node 20, Go and Python are assumed): the pinned
# pnpm and the workspace's packages. versitygw and the Python venv are built on first use,
# into caches outside git, by the tests that need them.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "installing pnpm $want" >&2
  npm install --global --silent "pnpm@$want" >&2
fi
pnpm install --frozen-lockfile >&2
