#!/usr/bin/env bash
# The README's test command: install, then lint, typecheck and test every package
# (TypeScript and the Python Modal app) through turbo, which caches what did not change.
# With TURBO_API and TURBO_TOKEN set, turbo shares that cache through the team's remote cache
# (README, Development); without them, the local cache only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source packages/ci-cache/client-env.sh
pnpm lint
pnpm typecheck
# --continue: one run reports every failing package, not just the first
pnpm test --continue
