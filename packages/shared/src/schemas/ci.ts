import { z } from "zod";
import { datasetDefSchema } from "./datasets.ts";

// The same bucket, prefix and endpoint rules as a dataset's (one bucket can hold both).
const { bucket, prefix, endpoint_url } = datasetDefSchema.shape;

/** Turbo's remote task cache on S3, served by `pnpm cache-server` (turborepo-remote-cache). */
export const remoteCacheSchema = z.strictObject({
  bucket: bucket.describe("S3 bucket holding the cache artifacts"),
  prefix: prefix
    .default("turbo-cache/")
    .describe('Key prefix, ending in "/"; artifacts are <prefix><team>/<hash>'),
  endpoint_url: endpoint_url.describe(
    "S3-compatible endpoint; null for AWS (AWS_ENDPOINT_URL_S3 / --endpoint override it)",
  ),
  region: z.string().min(1).optional(),
  host: z
    .string()
    .min(1)
    .default("127.0.0.1")
    .describe("Address the server listens on (0.0.0.0 for every interface)"),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .describe("TCP port; 0 picks a free one (the server prints it)"),
  signed: z
    .boolean()
    .default(false)
    .describe(
      "Keep and serve turbo's artifact signatures: every client must set TURBO_REMOTE_CACHE_SIGNATURE_KEY",
    ),
});

export const ciConfigSchema = z.strictObject({
  remote_cache: remoteCacheSchema,
});

export type RemoteCacheConfig = z.infer<typeof remoteCacheSchema>;
export type CiConfig = z.infer<typeof ciConfigSchema>;
