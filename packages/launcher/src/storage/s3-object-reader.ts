// The one file that imports the S3 SDK. The launcher only reads small objects (manifests).
import { GetObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { EndpointChoice } from "@bgb/shared";

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
  const client = new S3Client({
    region: endpoint.region,
    ...(endpoint.url ? { endpoint: endpoint.url } : {}),
    forcePathStyle: endpoint.forcePathStyle,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 2,
    // No default timeouts in the SDK: a half-open connection would hang the preflight forever.
    // requestTimeout alone only logs a warning in this SDK version: make it throw.
    requestHandler: {
      connectionTimeout: timeout,
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
    },
    // Some S3-compatible servers reject the default CRC32 checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
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
        return classify(e);
      }
    },
  };
}

const DENIED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "XAdminUserNotFound", // versitygw: unknown access key (HTTP 404)
]);

function classify(e: unknown): ReadResult {
  if (e instanceof S3ServiceException) {
    const status = e.$metadata?.httpStatusCode;
    // Only a named "no such key" means missing: some servers answer 404 to an unknown access key.
    if (e.name === "NoSuchKey" || e.name === "NotFound") return { kind: "missing" };
    if (e.name === "NoSuchBucket") return { kind: "no-bucket" };
    if (status === 403 || DENIED.has(e.name)) {
      return { kind: "denied", message: `${e.name}: ${e.message}` };
    }
    return {
      kind: "error",
      message: `${e.name}${status ? ` (HTTP ${status})` : ""}: ${e.message}`,
    };
  }
  const err = e as Error & { code?: string };
  return { kind: "error", message: `${err.name ?? "Error"}: ${err.code ?? err.message}` };
}
