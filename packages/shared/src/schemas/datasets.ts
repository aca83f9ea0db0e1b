import { z } from "zod";
import { identifier, isoDate } from "./common.ts";

/** S3 storage classes a PutObject accepts. */
export const S3_STORAGE_CLASSES = [
  "STANDARD",
  "INTELLIGENT_TIERING",
  "STANDARD_IA",
  "ONEZONE_IA",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
  "REDUCED_REDUNDANCY",
  "EXPRESS_ONEZONE",
] as const;
export const storageClassSchema = z.enum(S3_STORAGE_CLASSES);
export type StorageClass = z.infer<typeof storageClassSchema>;

/** Split names each layout produces (see docs/contracts.md, manifest `counts`). */
export const LAYOUT_SPLITS = {
  tusz: ["train", "dev", "eval"],
  chbmit: ["all"],
  flat: ["all"],
} as const;
export const layoutSchema = z.enum(["tusz", "chbmit", "flat"]);
export type DatasetLayout = z.infer<typeof layoutSchema>;

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const bucketSchema = z
  .string()
  .min(3, "bucket names are 3-63 characters")
  .max(63, "bucket names are 3-63 characters")
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    "bucket names use lower-case letters, digits, '.' and '-', and start and end with a letter or digit",
  )
  .refine((s) => !s.includes(".."), "bucket names cannot contain '..'")
  .refine((s) => !/^\d+\.\d+\.\d+\.\d+$/.test(s), "bucket names cannot look like an IP address");

const prefixSchema = z
  .string()
  .min(1)
  .refine((s) => s.endsWith("/"), 'the prefix must end in "/"')
  .refine((s) => !s.startsWith("/"), 'the prefix must not start with "/"')
  .refine((s) => !s.includes("//"), 'the prefix must not contain "//"')
  .refine((s) => !s.split("/").includes(".."), 'the prefix must not contain ".."');

const sourceSchema = z
  .string()
  .min(1)
  .refine(
    (s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith("https://") || s.startsWith("s3://"),
    "a URL source must use https:// or s3://bucket/prefix/ (or give a local directory)",
  )
  .refine(
    (s) => !s.startsWith("s3://") || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|$)/.test(s),
    "an S3 source is s3://<bucket>/<prefix>/ with a valid bucket name",
  );

const endpointSchema = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/.*)?$/, {
    message: "expected an http:// or https:// URL",
    abort: true,
  })
  .refine((u) => !/^https?:\/\/[^/]*@/.test(u), {
    message: "user:password in the URL is not accepted; credentials come from the AWS chain",
  });

const globList = z.array(z.string().min(1));

export const datasetDefSchema = z.strictObject({
  description: z.string().optional(),
  source: sourceSchema.describe(
    "Local directory (relative to the repo root, absolute, or ~/...), an https:// URL, or s3://bucket/prefix/",
  ),
  layout: layoutSchema.describe(
    "How split counts are derived: tusz (edf/<split>/...), chbmit or flat (split 'all')",
  ),
  bucket: bucketSchema.describe("S3 bucket name"),
  prefix: prefixSchema.describe('Key prefix in the bucket, ending in "/" (e.g. tuh/)'),
  endpoint_url: endpointSchema
    .nullable()
    .default(null)
    .describe("S3-compatible endpoint; null for AWS"),
  region: z.string().min(1).optional(),
  source_endpoint_url: endpointSchema
    .nullable()
    .default(null)
    .describe(
      "Where an s3:// source lives (S3-compatible endpoint); null for AWS. Not the destination's endpoint_url or AWS_ENDPOINT_URL_S3",
    ),
  source_region: z
    .string()
    .min(1)
    .optional()
    .describe("Region of an s3:// source bucket (default us-east-1)"),
  source_anonymous: z
    .boolean()
    .default(false)
    .describe("Read an s3:// source with unsigned requests (public buckets, e.g. physionet-open)"),
  include: globList.default(["**"]).describe("Globs relative to the source root"),
  exclude: globList.default([]).describe("Globs relative to the source root"),
  storage_class: storageClassSchema
    .default("STANDARD")
    .describe("Must have a price in storage_prices"),
  checksums: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe('File in the source listing "<sha256>  <path>" per line (e.g. SHA256SUMS.txt)'),
  expected_counts: z
    .record(z.string(), z.number().int().nonnegative())
    .nullable()
    .default(null)
    .describe("Expected .edf count per split, when known"),
});

export const storagePricesSchema = z.strictObject({
  price_date: isoDate,
  usd_per_gb_month: z.partialRecord(storageClassSchema, z.number().nonnegative()),
});

export const datasetsConfigSchema = z.strictObject({
  storage_prices: storagePricesSchema,
  datasets: z.record(identifier, datasetDefSchema),
});

export type DatasetDef = z.infer<typeof datasetDefSchema>;
export type StoragePrices = z.infer<typeof storagePricesSchema>;
export type DatasetsConfig = z.infer<typeof datasetsConfigSchema>;
