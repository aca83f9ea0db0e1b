#!/usr/bin/env node
// `pnpm cache-server`: turbo's remote task cache for the team, stored in S3 (configs/ci.yaml).
// The one error boundary: problems are one line on stderr and an exit code, never a trace.
import "@bgb/shared/aws-sdk-node20";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot, formatIssue, loadConfigFile } from "@bgb/shared";
import { startCacheServer } from "../server.ts";
import { readTokens, resolveSettings, type ServerFlags } from "../settings.ts";
import { checkStorage } from "../storage-check.ts";

const USAGE = `usage: pnpm cache-server [--config FILE] [--endpoint URL] [--host ADDR] [--port N]

Serves turbo's remote cache from the S3 bucket and prefix in configs/ci.yaml (remote_cache).
Credentials: the standard AWS chain. Access token: TURBO_TOKEN in the environment (clients
send the same one). Endpoint: --endpoint > endpoint_url > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL.
Exit codes: 2 usage or config error, 3 storage or port unusable.`;

const EXIT = { usage: 2, environment: 3 } as const;

function fail(code: number, message: string): never {
  process.stderr.write(`cache-server: ${message}\n`);
  process.exit(code);
}

function parseFlags(root: string): { config: string; shown: string; flags: ServerFlags } {
  let values: { config?: string; endpoint?: string; host?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: "string" },
        endpoint: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(EXIT.usage, `${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const flags: ServerFlags = {};
  if (values.endpoint !== undefined) flags.endpoint = values.endpoint;
  if (values.host !== undefined) flags.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      fail(EXIT.usage, `--port: expected 0-65535 (0 = any free port), got "${values.port}"`);
    }
    flags.port = port;
  }
  const config = values.config ?? join(root, "configs", "ci.yaml");
  return { config, shown: values.config ?? "configs/ci.yaml", flags };
}

async function main(): Promise<void> {
  let root: string;
  try {
    root = findRepoRoot();
  } catch {
    root = process.cwd();
  }
  const { config: file, shown, flags } = parseFlags(root);
  const loaded = loadConfigFile(file, "ci");
  for (const w of loaded.warnings) {
    process.stderr.write(`warning: ${formatIssue({ ...w, file: shown })}\n`);
  }
  if (!loaded.config) {
    for (const e of loaded.errors) process.stderr.write(`${formatIssue({ ...e, file: shown })}\n`);
    process.exit(EXIT.usage);
  }
  const settings = resolveSettings(loaded.config.remote_cache, flags);
  if (!settings.ok) fail(EXIT.usage, settings.problem);
  const tokens = readTokens();
  if (!tokens.ok) fail(EXIT.usage, tokens.problem);
  const s = settings.settings;

  const storage = await checkStorage(s);
  if (!storage.ok) fail(EXIT.environment, storage.problem);

  let server: Awaited<ReturnType<typeof startCacheServer>>;
  try {
    server = await startCacheServer(s, tokens.tokens);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") {
      fail(
        EXIT.environment,
        `cannot listen on ${s.host}:${s.port} (${code}): choose --host/--port`,
      );
    }
    throw err;
  }
  const storageAt = s.endpoint.url ? ` at ${s.endpoint.url}` : ` (AWS S3, ${s.endpoint.region})`;
  process.stdout.write(
    [
      `turbo remote cache listening on ${server.url}`,
      `  artifacts: s3://${s.bucket}/${s.prefix}<team>/<hash>${storageAt}`,
      `  signatures: ${s.signed ? "kept and served; every client must set TURBO_REMOTE_CACHE_SIGNATURE_KEY" : "off (remote_cache.signed: false)"}`,
      `  clients: TURBO_API=${server.url} TURBO_TEAM=<team> and the same TURBO_TOKEN`,
      "",
    ].join("\n"),
  );

  let closing = false;
  const stop = () => {
    if (closing) process.exit(130);
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  if (process.env.BGB_DEBUG) console.error(err);
  fail(
    1,
    `unexpected error: ${(err as Error).message ?? String(err)} (BGB_DEBUG=1 shows the trace)`,
  );
});
