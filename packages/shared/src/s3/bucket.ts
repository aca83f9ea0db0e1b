// "Can I use this bucket?" asked so that the answer carries the server's error code.
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { classifyS3Error, type S3Failure } from "./errors.ts";

/**
 * A one-key listing, not HeadBucket: it needs the same permission (s3:ListBucket), but its error
 * reply has a body, so a missing bucket (NoSuchBucket) and a refused identity (AccessDenied,
 * versitygw's 404 XAdminUserNotFound) come back as themselves instead of a bare 404.
 * Undefined when the bucket answers.
 */
export async function probeBucket(
  client: S3Client,
  bucket: string,
  signal?: AbortSignal,
): Promise<S3Failure | undefined> {
  try {
    await client.send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }),
      signal ? { abortSignal: signal } : {},
    );
    return undefined;
  } catch (err) {
    const f = classifyS3Error(err);
    return f.kind === "not-found" ? { ...f, kind: "no-such-bucket" } : f;
  }
}
