// The one S3 module: client settings, error classification, the bucket probe. The SDK's own
// paginators (paginateListObjectsV2, paginateListParts) are used where the SDK has them.
export { probeBucket } from "./bucket.ts";
export { createS3Client, type S3ClientOptions } from "./client.ts";
export { classifyS3Error, isBareNotFound, type S3Failure, type S3FailureKind } from "./errors.ts";
