// The only place that talks to the AWS SDK: client construction and error translation.
import { createHash } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type StorageClass,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { describeEndpoint } from "@bgb/shared";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { EndpointChoice } from "./endpoint.ts";
import {
  type CopySource,
  type ListedObject,
  type ObjectHead,
  type ObjectStore,
  type RemotePart,
  type RemoteUpload,
  type RequestOptions,
  StoreError,
  type StoreErrorKind,
} from "./store.ts";

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

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function classify(err: unknown, what: string, bucket: string, endpointLabel: string): StoreError {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const msg = e.message ?? String(err);
  let kind: StoreErrorKind = "other";
  let text = `${what}: ${name}${status ? ` (HTTP ${status})` : ""}: ${msg}`;
  if (name === "AbortError" || name === "RequestAbortedError") kind = "aborted";
  else if (name === "NoSuchUpload") kind = "no-such-upload";
  else if (name === "NoSuchBucket") {
    kind = "no-such-bucket";
    text = `bucket "${bucket}" does not exist at ${endpointLabel}; create it or fix --bucket`;
  } else if (name === "NoSuchKey" || name === "NotFound" || status === 404) kind = "not-found";
  else if (name === "BadDigest" || name === "InvalidDigest" || name === "XAmzContentSHA256Mismatch")
    kind = "bad-digest";
  else if (name === "NotImplemented" || status === 501) kind = "not-implemented";
  else if (name === "PreconditionFailed" || status === 412) kind = "precondition-failed";
  else if (
    name === "CredentialsProviderError" ||
    /Could not load credentials|credential/i.test(name + msg)
  ) {
    kind = "no-credentials";
    text = `no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws configure"`;
  } else if (
    ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden"].includes(name) ||
    status === 403
  ) {
    kind = "access-denied";
    text = `access denied to bucket "${bucket}" at ${endpointLabel} (${name}): check the credentials and the bucket policy`;
  } else if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(
      `${name} ${e.code ?? ""} ${msg}`,
    )
  ) {
    kind = "unreachable";
    text = `cannot reach ${endpointLabel} (${e.code ?? name}): check --endpoint and the network`;
  } else if (/TimeoutError|ETIMEDOUT|timed out/.test(`${name} ${e.code ?? ""} ${msg}`)) {
    kind = "timeout";
    text = `${what}: no answer from ${endpointLabel} after retries (${e.code ?? name})`;
  }
  return new StoreError(kind, text, status);
}

export function createS3Store(opts: S3StoreOptions): ObjectStore {
  const { bucket } = opts;
  const endpointLabel = describeEndpoint(opts.endpoint);
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets };
  const client = new S3Client({
    region: opts.endpoint.region,
    ...(opts.endpoint.url ? { endpoint: opts.endpoint.url } : {}),
    forcePathStyle: opts.endpoint.forcePathStyle,
    maxAttempts: opts.maxAttempts,
    retryMode: "standard",
    // Unsigned: a public bucket answers anyone; no credential chain is consulted.
    ...(opts.anonymous
      ? {
          credentials: { accessKeyId: "", secretAccessKey: "" },
          signer: { sign: async (request: never) => request },
        }
      : {}),
    // We send our own SHA-256 per request; don't let the SDK add CRC32 on top of it.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOpts),
      httpsAgent: new HttpsAgent(agentOpts),
      connectionTimeout: 10_000,
      // An idle-socket timeout, not a total one: a big part on a slow uplink may take minutes,
      // but a connection that says nothing for this long is dead. (requestTimeout only warns.)
      socketTimeout: opts.requestTimeoutMs,
    }),
  });

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classify(err, what, bucket, endpointLabel);
    }
  }
  const sig = (o?: RequestOptions) => (o?.signal ? { abortSignal: o.signal } : {});

  return {
    bucket,
    endpointLabel,
    endpointKey: opts.endpoint.url ?? "aws",
    async checkBucket(o) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), sig(o));
      } catch (err) {
        const e = classify(err, `HEAD bucket ${bucket}`, bucket, endpointLabel);
        if (e.kind === "not-found") {
          throw new StoreError(
            "no-such-bucket",
            `bucket "${bucket}" does not exist at ${endpointLabel}; create it or fix --bucket`,
            404,
          );
        }
        throw e;
      }
    },
    async putObject(key, body, sha256, extra, o) {
      await call(`PUT ${key}`, () =>
        client.send(
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
      const out = await call(`UploadPart ${key} #${partNumber}`, () =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
            ChecksumSHA256: sha256,
          }),
          sig(o),
        ),
      );
      if (!out.ETag) throw new StoreError("other", `UploadPart ${key} #${partNumber}: no ETag`);
      return out.ETag;
    },
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
        if (e.kind === "not-implemented" || e.kind === "access-denied") return undefined;
        throw e;
      }
    },
  };
}
