// What the bucket holds under the prefix, counted from S3 itself: finished objects plus the parts
// of multipart uploads still open. This is how the demo knows when to pull the plug.
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface BucketBytes {
  objectBytes: number;
  partBytes: number;
  openUploads: number;
  parts: number;
}

export async function bucketBytes(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<BucketBytes> {
  const out: BucketBytes = { objectBytes: 0, partBytes: 0, openUploads: 0, parts: 0 };
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.objectBytes += o.Size ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  const uploads = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  for (const u of uploads.Uploads ?? []) {
    out.openUploads++;
    let marker: string | undefined;
    for (;;) {
      const page = await client
        .send(
          new ListPartsCommand({
            Bucket: bucket,
            Key: u.Key,
            UploadId: u.UploadId,
            PartNumberMarker: marker,
          }),
        )
        // completed (or aborted) between the two listings: its object is the next poll's
        .catch(() => undefined);
      if (!page) break;
      for (const p of page.Parts ?? []) {
        out.partBytes += p.Size ?? 0;
        out.parts++;
      }
      if (!page.IsTruncated) break;
      marker = page.NextPartNumberMarker;
    }
  }
  return out;
}
