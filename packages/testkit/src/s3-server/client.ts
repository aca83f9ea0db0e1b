// A plain SDK client for tests and the demo to inspect what the server holds: built by
// @bgb/shared/s3 like the CLIs' own clients, with the server's keys.
import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "@bgb/shared/s3";
import type { S3Server } from "./server.ts";

export function clientFor(server: S3Server): S3Client {
  return createS3Client({
    endpoint: { url: server.endpoint, region: server.region, forcePathStyle: true },
    maxSockets: 50,
    socketTimeoutMs: 60_000,
    maxAttempts: 3,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}
