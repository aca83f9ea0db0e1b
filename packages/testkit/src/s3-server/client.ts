// A plain SDK client for tests and the demo to inspect what the server holds.
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Server } from "./server.ts";

export function clientFor(server: S3Server): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}
