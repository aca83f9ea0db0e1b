#!/usr/bin/env bash
# The README's main job: a local S3 server, a generated TUSZ-shaped dataset, an interrupted
# and resumed sync, a verification. No cloud account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm demo "$@"
