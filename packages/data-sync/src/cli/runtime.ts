// Wiring shared by the commands: target -> store, source, renderer, cancellation.
import { UsageError } from "../engine/errors.ts";
import { capAbortListeners } from "../engine/limits.ts";
import { MiB } from "../engine/part-size.ts";
import type { Source } from "../engine/source.ts";
import type { ObjectStore } from "../engine/store.ts";
import { httpSource } from "../source/http-source.ts";
import { localSource } from "../source/local-source.ts";
import { s3Source } from "../source/s3-source.ts";
import { createS3Store } from "../storage/s3-store.ts";
import { jsonRenderer } from "./render/json-renderer.ts";
import type { Renderer } from "./render/renderer.ts";
import { textRenderer } from "./render/text-renderer.ts";
import type { Target } from "./target.ts";
import { parseIntFlag, parseSize } from "./units.ts";

/** --concurrency above this would open more sockets than any S3 endpoint rewards. */
const MAX_CONCURRENCY = 256;
/**
 * 64: a request to a remote region waits a round trip (60-100 ms), so small files (most of TUSZ)
 * are latency-bound at 16 in flight; 64 costs a few MiB of sockets, and big files' parts stay
 * bounded by --max-memory whatever this is (docs/benchmarks.md, "Default concurrency").
 */
const DEFAULT_CONCURRENCY = 64;

export interface TransferFlags {
  concurrency?: string;
  partSize?: string;
  maxMemory?: string;
  bwlimit?: string;
  requestTimeout?: string;
  stallTimeout?: string;
  json?: boolean;
  progressInterval?: string;
}

/**
 * Room kept beyond what the process already uses when it starts transferring: V8 heap growth,
 * sockets, request objects and garbage not yet collected (measured: 60-90 MiB at 16 requests).
 */
export const MEMORY_HEADROOM = 96 * MiB;

export interface TransferSettings {
  concurrency: number;
  partSize: number;
  maxMemory: number;
  memoryBudget: number;
  bytesPerSecond: number;
  requestTimeoutMs: number;
  stallTimeoutMs: number;
}

export function transferSettings(f: TransferFlags): TransferSettings {
  const concurrency = f.concurrency
    ? parseIntFlag("--concurrency", f.concurrency, 1, MAX_CONCURRENCY)
    : DEFAULT_CONCURRENCY;
  const partSize = f.partSize ? parseSize("--part-size", f.partSize) : 16 * MiB;
  const maxMemory = f.maxMemory ? parseSize("--max-memory", f.maxMemory) : 256 * MiB;
  const bytesPerSecond = f.bwlimit ? parseSize("--bwlimit", f.bwlimit) : Number.POSITIVE_INFINITY;
  const requestTimeoutMs = f.requestTimeout
    ? parseIntFlag("--request-timeout", f.requestTimeout, 1, 3600) * 1000
    : 60_000;
  const stallTimeoutMs = f.stallTimeout
    ? parseIntFlag("--stall-timeout", f.stallTimeout, 1, 86_400) * 1000
    : 900_000;
  if (partSize < 5 * MiB || partSize > 5 * 1024 * MiB) {
    throw new UsageError(`--part-size: ${f.partSize} is outside S3's 5MiB..5GiB part limits`);
  }
  if (f.bwlimit && bytesPerSecond < 1024)
    throw new UsageError(`--bwlimit: ${f.bwlimit} is below 1KiB/s`);
  // File data gets what is left of --max-memory after what Node, the SDK and the config
  // already occupy (measured now, not guessed) and the headroom.
  const inUse = process.memoryUsage().rss;
  const memoryBudget = maxMemory - inUse - MEMORY_HEADROOM;
  if (memoryBudget < partSize) {
    const need = Math.ceil((inUse + MEMORY_HEADROOM + partSize) / MiB);
    throw new UsageError(
      `--max-memory ${f.maxMemory ?? "256MiB"} leaves no room for one ${f.partSize ?? "16MiB"} part next to the ${Math.round(inUse / MiB)} MiB the process already uses; give at least ${need}MiB`,
    );
  }
  return {
    concurrency,
    partSize,
    maxMemory,
    memoryBudget,
    bytesPerSecond,
    requestTimeoutMs,
    stallTimeoutMs,
  };
}

export function makeStore(
  t: Target,
  s: Pick<TransferSettings, "concurrency" | "requestTimeoutMs">,
): ObjectStore {
  return createS3Store({
    bucket: t.bucket,
    endpoint: t.endpoint,
    maxSockets: s.concurrency,
    requestTimeoutMs: s.requestTimeoutMs,
    maxAttempts: 6,
  });
}

export async function makeSource(
  t: Target,
  s: Pick<TransferSettings, "concurrency" | "requestTimeoutMs"> = {
    concurrency: 16,
    requestTimeoutMs: 60_000,
  },
  signal?: AbortSignal,
): Promise<Source> {
  if (t.source.startsWith("s3://")) {
    const store = createS3Store({
      bucket: s3BucketOf(t.source),
      endpoint: t.sourceEndpoint,
      maxSockets: s.concurrency,
      requestTimeoutMs: s.requestTimeoutMs,
      maxAttempts: 6,
      anonymous: t.sourceAnonymous,
    });
    return s3Source(t.source, store, t.checksums, t.sourceAnonymous);
  }
  if (/^https?:\/\//.test(t.source)) {
    return httpSource(t.source, t.checksums, signal ? { signal } : {});
  }
  return localSource(t.source);
}

/** The bucket of s3://bucket/..., checked by s3Source (a bad one is a usage error there). */
const s3BucketOf = (url: string) => url.slice("s3://".length).split("/")[0] ?? "";

export function makeRenderer(f: { json?: boolean; progressInterval?: string }): Renderer {
  const intervalMs = f.progressInterval
    ? parseIntFlag("--progress-interval", f.progressInterval, 1, 3600) * 1000
    : 5000;
  if (f.json) return jsonRenderer(intervalMs);
  return textRenderer({ tty: Boolean(process.stdout.isTTY), intervalMs });
}

/**
 * Ctrl-C, SIGTERM and SIGHUP (a closed terminal) abort the run cleanly: parts in flight are
 * journaled, the lock is released, exit 130. Only a second Ctrl-C means "leave now": `timeout`,
 * systemd and CI runners may send SIGTERM more than once, and that must not abandon the clean stop.
 */
export function cancellation(): AbortSignal {
  const ac = new AbortController();
  capAbortListeners(ac.signal, MAX_CONCURRENCY); // verify and gc hand it to every request
  let interrupts = 0;
  process.on("SIGINT", () => {
    if (++interrupts > 1) process.exit(130);
    ac.abort();
  });
  const stop = () => ac.abort();
  process.on("SIGTERM", stop);
  process.on("SIGHUP", stop);
  return ac.signal;
}
