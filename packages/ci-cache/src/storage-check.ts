// Before serving, one ListObjectsV2 under the prefix proves the endpoint answers, the bucket
// exists and the AWS credential chain resolves to someone allowed to list it. Without this a
// wrong bucket or key shows up only as cache misses: the package reads 403 as "not cached".
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { describeEndpoint } from "@bgb/shared";
import type { CacheServerSettings } from "./settings.ts";

export type StorageCheck = { ok: true } | { ok: false; problem: string };

export async function checkStorage(s: CacheServerSettings): Promise<StorageCheck> {
  const client = new S3Client({
    region: s.endpoint.region,
    ...(s.endpoint.url === undefined ? {} : { endpoint: s.endpoint.url }),
    forcePathStyle: true, // as the package's own client
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 10000 },
  });
  const where = `s3://${s.bucket}/${s.prefix} at ${describeEndpoint(s.endpoint)}`;
  try {
    await client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: s.prefix, MaxKeys: 1 }));
    return { ok: true };
  } catch (err) {
    return { ok: false, problem: `cannot use ${where}: ${explain(err, s)}` };
  } finally {
    client.destroy();
  }
}

function explain(err: unknown, s: CacheServerSettings): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return "no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
  }
  if (name === "NoSuchBucket") return `bucket ${s.bucket} does not exist (remote_cache.bucket)`;
  if (name === "PermanentRedirect" || status === 301) {
    return `the bucket is in another region than ${s.endpoint.region} (remote_cache.region)`;
  }
  if (
    status === 403 ||
    ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"].includes(name)
  ) {
    return `access denied (${name || status}): the credentials need s3:ListBucket, s3:GetObject and s3:PutObject under the prefix`;
  }
  const code = e.code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code !== undefined || name === "TimeoutError") {
    return `the endpoint does not answer (${code ?? name}); check remote_cache.endpoint_url or --endpoint`;
  }
  return `${name || "error"}: ${e.message ?? String(err)}`;
}
