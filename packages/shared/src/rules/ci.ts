import type { RuleSink } from "../load/issues.ts";
import type { DeepPartial } from "../load/salvage.ts";
import type { CiConfig } from "../schemas/ci.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function ciRules(c: DeepPartial<CiConfig>, out: RuleSink): void {
  const host = c.remote_cache?.host;
  // The server speaks plain HTTP: off loopback, the bearer token crosses the network in clear.
  if (host !== undefined && !LOOPBACK.has(host)) {
    out.warn(
      "remote_cache.host",
      `the cache server would take the token over plain HTTP on ${host}`,
      "keep 127.0.0.1 and put a TLS proxy or an SSH tunnel in front (README, Development)",
    );
  }
}
