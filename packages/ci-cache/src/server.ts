// Runs turborepo-remote-cache in this process with the settings applied. The package reads its
// configuration when imported, so one process serves one cache.
import type { AddressInfo } from "node:net";
import { applyPackageEnv, packageEnv } from "./package-env.ts";
import type { CacheServerSettings } from "./settings.ts";
import { scopeTeam } from "./team-scope.ts";

export interface RunningCacheServer {
  /** Base URL for clients (TURBO_API). */
  url: string;
  close(): Promise<void>;
}

/** Unauthenticated; says only whether artifacts must be signed. */
export const CACHE_INFO_PATH = "/bgb/cache-info";

let started = false;

export async function startCacheServer(
  s: CacheServerSettings,
  tokens: readonly string[],
): Promise<RunningCacheServer> {
  if (started) throw new Error("startCacheServer runs once per process");
  started = true;
  applyPackageEnv(process.env, packageEnv(s, tokens));
  const { createApp } = await import("turborepo-remote-cache");
  // Fastify's own logger: warnings and errors as JSON lines, never request headers.
  const app = createApp({ logger: { level: "warn" } });
  app.addHook("onRequest", async (req, reply) => {
    const scoped = scopeTeam(req.query, s.prefix);
    if (!scoped.ok) return reply.code(400).send({ message: scoped.problem });
    return undefined;
  });
  // Lets a client find out, before its run, whether it needs the signing key (client-env.sh):
  // a mismatch would otherwise be nothing but silent misses.
  app.get(CACHE_INFO_PATH, async () => ({ signed: s.signed }));
  await app.listen({ host: s.host, port: s.port });
  const { port } = app.server.address() as AddressInfo;
  const host = s.host.includes(":") ? `[${s.host}]` : s.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
