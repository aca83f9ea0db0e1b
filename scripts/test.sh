#!/usr/bin/env bash
# The README's test command: install, then lint, typecheck and test every package
# (TypeScript and the Python Modal app) through turbo, which caches what did not change.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm lint
pnpm typecheck
pnpm test
