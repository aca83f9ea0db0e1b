// The one S3 module: client settings, error classification, the bucket probe. Listings use the
// SDK's paginateListObjectsV2; not paginateListParts, which ignores IsTruncated (versitygw sends
// a NextPartNumberMarker on the last page: an endless loop).
export { probeBucket } from "./bucket.ts";
export { createS3Client, type S3ClientOptions } from "./client.ts";
export { classifyS3Error, isBareNotFound, type S3Failure, type S3FailureKind } from "./errors.ts";
