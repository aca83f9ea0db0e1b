// What the cache server needs, decided once from configs/ci.yaml, the flags and the environment.
import { type EndpointChoice, type RemoteCacheConfig, resolveEndpoint } from "@bgb/shared";

export interface CacheServerSettings {
  bucket: string;
  /** Ends in "/"; artifacts are <prefix><team>/<hash> (and <hash>.tag when signed). */
  prefix: string;
  endpoint: EndpointChoice;
  host: string;
  port: number;
  /** Keep and serve turbo's signature tags (the server never sees the signing key). */
  signed: boolean;
}

export interface ServerFlags {
  endpoint?: string;
  host?: string;
  port?: number;
}

export type SettingsResult =
  | { ok: true; settings: CacheServerSettings }
  | { ok: false; problem: string };

export function resolveSettings(
  config: RemoteCacheConfig,
  flags: ServerFlags,
  env: NodeJS.ProcessEnv = process.env,
): SettingsResult {
  const endpoint = resolveEndpoint(flags.endpoint, config.endpoint_url, config.region, env);
  if (!endpoint.ok) return { ok: false, problem: `endpoint: ${endpoint.problem}` };
  return {
    ok: true,
    settings: {
      bucket: config.bucket,
      prefix: config.prefix,
      endpoint: endpoint.endpoint,
      host: flags.host ?? config.host,
      port: flags.port ?? config.port,
      signed: config.signed,
    },
  };
}

/** The access tokens clients may present (TURBO_TOKEN, comma-separated to rotate one out). */
export function readTokens(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; tokens: string[] } | { ok: false; problem: string } {
  const raw = env.TURBO_TOKEN ?? "";
  const tokens = raw.split(",").map((t) => t.trim());
  if (raw.trim() === "" || tokens.some((t) => t === "")) {
    return {
      ok: false,
      problem:
        "TURBO_TOKEN is not set: export the team's access token first (e.g. TURBO_TOKEN=$(openssl rand -hex 32)); it is read from the environment only",
    };
  }
  const short = tokens.find((t) => t.length < 16);
  if (short !== undefined) {
    return {
      ok: false,
      problem: `TURBO_TOKEN holds a token of ${short.length} characters: use at least 16 (openssl rand -hex 32)`,
    };
  }
  return { ok: true, tokens };
}
