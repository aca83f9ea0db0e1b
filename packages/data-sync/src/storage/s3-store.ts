// The ObjectStore over the AWS SDK. Client settings, what a failure means and the bucket probe
// come from @bgb/shared/s3 (the launcher uses the same); this file words them for a sync.
import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type StorageClass,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { EndpointChoice } from "@bgb/shared";
import { describeEndpoint } from "@bgb/shared";
import { classifyS3Error, createS3Client, probeBucket, type S3Failure } from "@bgb/shared/s3";
import {
  type CopySource,
  type ListedObject,
  type ObjectHead,
  type ObjectStore,
  type RemotePart,
  type RemoteUpload,
  type RequestOptions,
  StoreError,
} from "../engine/store.ts";

/**
 * How a body is bound to the request's signature. SigV4 signs a hash of the payload; given none,
 * the SDK's signer hashes the body itself, and the server hashes it again to check it. Every body
 * we send also carries x-amz-checksum-sha256, a signed header the server checks against the body
 * (a changed byte is refused: fault-proxy and faults tests). Where the server confirms that
 * checksum in its answer, the payload goes as UNSIGNED-PAYLOAD, as the AWS SDKs send it over
 * https: the same protection, one SHA-256 pass fewer on the server (issue 12). Otherwise the
 * payload hash is ours (hex of the same digest), so the signer never hashes the body again.
 */
function bindPayload<C extends PutObjectCommand | UploadPartCommand>(
  cmd: C,
  sha256b64: string,
  signed: boolean,
): C {
  const value = signed ? Buffer.from(sha256b64, "base64").toString("hex") : "UNSIGNED-PAYLOAD";
  type Next = (args: { request: unknown }) => Promise<unknown>;
  const stack = cmd.middlewareStack as unknown as {
    add(mw: (next: Next) => Next, o: { step: "build"; name: string }): void;
  };
  stack.add(
    (next) => (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (req.headers) req.headers["x-amz-content-sha256"] = value;
      return next(args);
    },
    { step: "build", name: "bgbPayloadHash" },
  );
  return cmd;
}

export interface S3StoreOptions {
  bucket: string;
  endpoint: EndpointChoice;
  /** sockets = the most requests in flight at once */
  maxSockets: number;
  /** a socket silent this long is abandoned and the request retried */
  requestTimeoutMs: number;
  maxAttempts: number;
  /** unsigned requests (public buckets): no credentials are looked up or sent */
  anonymous?: boolean;
}

/** x-amz-copy-source: "bucket/key", URL-encoded except the slashes. */
function copySourceHeader(from: CopySource): string {
  return `${from.bucket}/${from.key}`.split("/").map(encodeURIComponent).join("/");
}

/** The shared classification, worded for a sync (what to check, which flag to fix). */
function classify(err: unknown, what: string, bucket: string, endpointLabel: string): StoreError {
  return storeError(classifyS3Error(err), what, bucket, endpointLabel);
}

function storeError(f: S3Failure, what: string, bucket: string, endpointLabel: string): StoreError {
  switch (f.kind) {
    case "no-such-bucket":
      return new StoreError(
        "no-such-bucket",
        `bucket "${bucket}" does not exist at ${endpointLabel}; create it or fix --bucket`,
        f.status,
      );
    case "no-credentials":
      return new StoreError(
        "no-credentials",
        `no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws configure"`,
        f.status,
      );
    case "denied":
      return new StoreError(
        "denied",
        `access denied to bucket "${bucket}" at ${endpointLabel} (${f.code}): check the credentials and the bucket policy`,
        f.status,
      );
    case "unreachable":
      return new StoreError(
        "unreachable",
        `cannot reach ${endpointLabel} (${f.code}): check --endpoint and the network`,
        f.status,
      );
    case "timeout":
      return new StoreError(
        "timeout",
        `${what}: no answer from ${endpointLabel} after retries (${f.code})`,
        f.status,
      );
    default:
      return new StoreError(f.kind, `${what}: ${f.detail}`, f.status);
  }
}

export function createS3Store(opts: S3StoreOptions): ObjectStore {
  const { bucket } = opts;
  const endpointLabel = describeEndpoint(opts.endpoint);
  const client = createS3Client({
    endpoint: opts.endpoint,
    maxSockets: opts.maxSockets,
    socketTimeoutMs: opts.requestTimeoutMs,
    maxAttempts: opts.maxAttempts,
    ...(opts.anonymous ? { anonymous: true } : {}),
  });

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classify(err, what, bucket, endpointLabel);
    }
  }
  const sig = (o?: RequestOptions) => (o?.signal ? { abortSignal: o.signal } : {});

  // Unsigned payloads only while the server confirms each body's SHA-256. The first answer
  // without it (a server that ignores x-amz-checksum-*) switches this store to signed payloads,
  // and that body is sent again, signed, so no byte ever went unchecked.
  let signedPayloads = false;
  async function checked<T extends { ChecksumSHA256?: string }>(
    what: string,
    sha256: string,
    send: (signed: boolean) => Promise<T>,
  ): Promise<T> {
    if (signedPayloads) return call(what, () => send(true));
    const out = await call(what, () => send(false));
    if (out.ChecksumSHA256 === sha256) return out;
    if (out.ChecksumSHA256 !== undefined)
      throw new StoreError(
        "other",
        `${what}: the server kept SHA-256 ${out.ChecksumSHA256}, not the ${sha256} sent`,
      );
    signedPayloads = true;
    return call(what, () => send(true));
  }

  return {
    bucket,
    endpointLabel,
    endpointKey: opts.endpoint.url ?? "aws",
    async checkBucket(o) {
      const f = await probeBucket(client, bucket, o?.signal);
      if (f) throw storeError(f, `bucket ${bucket}`, bucket, endpointLabel);
    },
    async putObject(key, body, sha256, extra, o) {
      await checked(`PUT ${key}`, sha256, (signed) =>
        client.send(
          bindPayload(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentLength: body.length,
              ChecksumSHA256: sha256,
              Metadata: extra.metadata,
              StorageClass: extra.storageClass as StorageClass | undefined,
              ContentType: extra.contentType,
            }),
            sha256,
            signed,
          ),
          sig(o),
        ),
      );
    },
    async createMultipart(key, extra, o) {
      const out = await call(`CreateMultipartUpload ${key}`, () =>
        client.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            ChecksumAlgorithm: "SHA256",
            Metadata: extra.metadata,
            StorageClass: extra.storageClass as StorageClass | undefined,
          }),
          sig(o),
        ),
      );
      if (!out.UploadId) throw new StoreError("other", `CreateMultipartUpload ${key}: no UploadId`);
      return out.UploadId;
    },
    async uploadPart(key, uploadId, partNumber, body, sha256, o) {
      const out = await checked(`UploadPart ${key} #${partNumber}`, sha256, (signed) =>
        client.send(
          bindPayload(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: body,
              ContentLength: body.length,
              ChecksumSHA256: sha256,
            }),
            sha256,
            signed,
          ),
          sig(o),
        ),
      );
      if (!out.ETag) throw new StoreError("other", `UploadPart ${key} #${partNumber}: no ETag`);
      return out.ETag;
    },
    // Not the SDK's paginateListParts: it follows NextPartNumberMarker without looking at
    // IsTruncated, and versitygw sends that marker on the last page too (an endless loop).
    async listParts(key, uploadId, o) {
      const parts: RemotePart[] = [];
      let marker: string | undefined;
      for (;;) {
        const out = await call(`ListParts ${key}`, () =>
          client.send(
            new ListPartsCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumberMarker: marker,
            }),
            sig(o),
          ),
        );
        for (const p of out.Parts ?? []) {
          if (p.PartNumber === undefined || !p.ETag) continue;
          parts.push({
            partNumber: p.PartNumber,
            etag: p.ETag,
            size: p.Size ?? 0,
            ...(p.ChecksumSHA256 ? { sha256: p.ChecksumSHA256 } : {}),
          });
        }
        if (!out.IsTruncated || !out.NextPartNumberMarker) return parts;
        marker = out.NextPartNumberMarker;
      }
    },
    async completeMultipart(key, uploadId, parts, o) {
      await call(`CompleteMultipartUpload ${key}`, () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: {
              Parts: parts.map((p) => ({
                PartNumber: p.partNumber,
                ETag: p.etag,
                ChecksumSHA256: p.sha256,
              })),
            },
          }),
          sig(o),
        ),
      );
    },
    async abortMultipart(key, uploadId, o) {
      await call(`AbortMultipartUpload ${key}`, () =>
        client.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
          sig(o),
        ),
      );
    },
    async deleteObject(key, o) {
      await call(`DELETE ${key}`, () =>
        client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), sig(o)),
      );
    },
    // The SDK has no paginator for ListMultipartUploads (two markers): paged here.
    async listMultipartUploads(prefix, o) {
      const uploads: RemoteUpload[] = [];
      let keyMarker: string | undefined;
      let idMarker: string | undefined;
      for (;;) {
        const out = await call("ListMultipartUploads", () =>
          client.send(
            new ListMultipartUploadsCommand({
              Bucket: bucket,
              Prefix: prefix,
              KeyMarker: keyMarker,
              UploadIdMarker: idMarker,
            }),
            sig(o),
          ),
        );
        for (const u of out.Uploads ?? []) {
          if (!u.Key || !u.UploadId) continue;
          uploads.push({
            key: u.Key,
            uploadId: u.UploadId,
            ...(u.Initiated ? { initiated: u.Initiated } : {}),
          });
        }
        if (!out.IsTruncated) return uploads;
        keyMarker = out.NextKeyMarker;
        idMarker = out.NextUploadIdMarker;
      }
    },
    async headObject(key, o): Promise<ObjectHead | undefined> {
      try {
        const out = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
          sig(o),
        );
        return {
          size: out.ContentLength ?? 0,
          ...(out.ETag ? { etag: out.ETag } : {}),
          ...(out.LastModified ? { lastModified: out.LastModified } : {}),
          ...(out.ChecksumSHA256 ? { checksumSha256: out.ChecksumSHA256 } : {}),
          metadata: out.Metadata ?? {},
        };
      } catch (err) {
        const e = classify(err, `HEAD ${key}`, bucket, endpointLabel);
        if (e.kind === "not-found") return undefined;
        throw e;
      }
    },
    async getObject(key, o) {
      return call(`GET ${key}`, async () => {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), sig(o));
        if (!out.Body) return Buffer.alloc(0);
        return Buffer.from(await out.Body.transformToByteArray());
      });
    },
    async sha256OfObject(key, o) {
      return call(`GET ${key}`, async () => {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), sig(o));
        const h = createHash("sha256");
        for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) h.update(chunk);
        return h.digest("hex");
      });
    },
    async listObjects(prefix, o) {
      const out: ListedObject[] = [];
      await call(`ListObjectsV2 s3://${bucket}/${prefix}`, async () => {
        const pages = paginateListObjectsV2(
          { client, ...(o?.signal ? { abortSignal: o.signal } : {}) },
          { Bucket: bucket, Prefix: prefix },
        );
        for await (const page of pages) {
          for (const c of page.Contents ?? []) {
            if (!c.Key) continue;
            out.push({
              key: c.Key,
              size: c.Size ?? 0,
              etag: c.ETag ?? "",
              ...(c.LastModified ? { lastModified: c.LastModified } : {}),
            });
          }
        }
      });
      return out;
    },
    async getRange(key, start, end, etag, into, o) {
      if (end <= start) return Buffer.alloc(0);
      return call(`GET ${key} bytes ${start}-${end - 1}`, async () => {
        const out = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: `bytes=${start}-${end - 1}`,
            ...(etag ? { IfMatch: etag } : {}),
          }),
          sig(o),
        );
        const buf = into ?? Buffer.allocUnsafe(end - start);
        let at = 0;
        for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) {
          if (at + chunk.length > buf.length)
            throw new Error("more bytes than the range asked for");
          buf.set(chunk, at);
          at += chunk.length;
        }
        if (at !== end - start) throw new Error(`short body: ${at} of ${end - start} bytes`);
        return buf;
      });
    },
    async copyObject(key, from, extra, o) {
      const out = await call(`CopyObject ${copySourceHeader(from)} -> ${key}`, () =>
        client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: key,
            CopySource: copySourceHeader(from),
            ...(from.etag ? { CopySourceIfMatch: from.etag } : {}),
            ChecksumAlgorithm: "SHA256",
            MetadataDirective: "REPLACE",
            Metadata: extra.metadata,
            StorageClass: extra.storageClass as StorageClass | undefined,
          }),
          sig(o),
        ),
      );
      const sha = out.CopyObjectResult?.ChecksumSHA256;
      return sha && !sha.includes("-") ? { sha256: sha } : {};
    },
    async uploadPartCopy(key, uploadId, partNumber, from, [start, end], o) {
      const out = await call(`UploadPartCopy ${key} #${partNumber}`, () =>
        client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: copySourceHeader(from),
            CopySourceRange: `bytes=${start}-${end - 1}`,
            ...(from.etag ? { CopySourceIfMatch: from.etag } : {}),
          }),
          sig(o),
        ),
      );
      const r = out.CopyPartResult;
      if (!r?.ETag) throw new StoreError("other", `UploadPartCopy ${key} #${partNumber}: no ETag`);
      return { etag: r.ETag, ...(r.ChecksumSHA256 ? { sha256: r.ChecksumSHA256 } : {}) };
    },
    async hasAbortIncompleteRule(o) {
      try {
        const out = await client.send(
          new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
          sig(o),
        );
        return (out.Rules ?? []).some(
          (r) =>
            r.Status === "Enabled" &&
            r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined,
        );
      } catch (err) {
        const e = classify(err, "GetBucketLifecycleConfiguration", bucket, endpointLabel);
        if ((e as { message: string }).message.includes("NoSuchLifecycleConfiguration"))
          return false;
        if (e.kind === "not-implemented" || e.kind === "denied") return undefined;
        throw e;
      }
    },
  };
}
