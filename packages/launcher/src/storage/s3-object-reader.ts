// The launcher only reads small objects (manifests). Client settings and what a failure means
// come from @bgb/shared/s3, the module data-sync uses too: the same reply, the same answer.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { EndpointChoice } from "@bgb/shared";
import { classifyS3Error, createS3Client } from "@bgb/shared/s3";

export type ReadResult =
  | { kind: "found"; text: string }
  | { kind: "missing" }
  | { kind: "no-bucket" }
  | { kind: "denied"; message: string }
  | { kind: "error"; message: string };

export interface ObjectReader {
  read(bucket: string, key: string, signal?: AbortSignal): Promise<ReadResult>;
}

export interface ReaderOptions {
  /** Explicit credentials (tests); otherwise the SDK's default chain (env, profile, SSO...). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  timeoutMs?: number;
}

export function s3ObjectReader(endpoint: EndpointChoice, opts: ReaderOptions = {}): ObjectReader {
  const timeout = opts.timeoutMs ?? 20_000;
  const client = createS3Client({
    endpoint,
    maxSockets: 4,
    // A half-open connection must not hang the preflight: silent sockets are dropped.
    connectionTimeoutMs: timeout,
    socketTimeoutMs: timeout,
    maxAttempts: 2,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  return {
    async read(bucket, key, signal) {
      try {
        const r = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key }),
          signal ? { abortSignal: signal } : {},
        );
        return { kind: "found", text: (await r.Body?.transformToString("utf8")) ?? "" };
      } catch (e) {
        const f = classifyS3Error(e);
        switch (f.kind) {
          case "not-found":
            return { kind: "missing" };
          case "no-such-bucket":
            return { kind: "no-bucket" };
          case "denied":
            return { kind: "denied", message: f.detail };
          default:
            return { kind: "error", message: f.detail };
        }
      }
    },
  };
}
