# Sourced by scripts/test.sh (and the ci-cache tests, so both run the same wiring): turbo's
# remote task cache for this shell, from the environment only.
#   TURBO_API + TURBO_TOKEN set: turbo also reads and writes the team cache (TURBO_TEAM
#     defaults to bgb). A server that cannot be reached is turbo's own warning; the run goes on
#     with the local cache.
#   TURBO_API not set: nothing changes (the local cache in .turbo/cache only).
#   TURBO_REMOTE_CACHE_SIGNATURE_KEY set as well: turbo signs what it uploads and refuses a
#     downloaded artifact whose signature does not match.
# Expects the repository root as the working directory.
if [ -n "${TURBO_API:-}" ] && [ -n "${TURBO_TOKEN:-}" ]; then
  export TURBO_TEAM="${TURBO_TEAM:-bgb}"
  bgb_signing="unsigned"
  if [ -n "${TURBO_REMOTE_CACHE_SIGNATURE_KEY:-}" ]; then
    # turbo 2.11 takes `signature` from turbo.json or its config files, not from an environment
    # variable, and turbo.json cannot say it: a team cache without a key must keep working. So
    # a config folder (inside .turbo/, ignored by git) says it for this run only.
    bgb_turbo_config="$PWD/.turbo/remote-signing"
    mkdir -p "$bgb_turbo_config/turborepo"
    printf '{ "signature": true }\n' >"$bgb_turbo_config/turborepo/config.json"
    export TURBO_CONFIG_DIR_PATH="$bgb_turbo_config"
    bgb_signing="signed"
  fi
  echo "turbo remote cache: $TURBO_API (team $TURBO_TEAM, $bgb_signing); local cache as well" >&2
  # Server and clients must agree on signing, or every download is a silent miss. Our server
  # says which it is (src/server.ts); no answer (down, another server) is left to turbo.
  bgb_server_signed=$(node -e '
    fetch(`${process.argv[1].replace(/\/+$/, "")}/bgb/cache-info`, { signal: AbortSignal.timeout(3000) })
      .then((r) => (r.ok ? r.json() : {}))
      .then((j) => console.log(j.signed ?? ""), () => console.log(""));
  ' "$TURBO_API" 2>/dev/null || true)
  if [ "$bgb_server_signed" = "true" ] && [ "$bgb_signing" = "unsigned" ]; then
    echo "warning: the cache server keeps signed artifacts only: without TURBO_REMOTE_CACHE_SIGNATURE_KEY every download misses" >&2
  elif [ "$bgb_server_signed" = "false" ] && [ "$bgb_signing" = "signed" ]; then
    echo "warning: the cache server is unsigned (remote_cache.signed: false): with TURBO_REMOTE_CACHE_SIGNATURE_KEY every download misses" >&2
  fi
  unset bgb_signing bgb_turbo_config bgb_server_signed
elif [ -n "${TURBO_API:-}" ]; then
  echo "warning: TURBO_API is set but TURBO_TOKEN is not: local cache only" >&2
  unset TURBO_API
fi
