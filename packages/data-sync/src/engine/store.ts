// The one storage interface the engine sees. Only storage/s3-*.ts know the AWS SDK.

// The store's errors are the engine's (errors.ts: one module, one notion of fatal).

export { StoreError, type StoreErrorKind } from "./errors.ts";

export interface RemotePart {
  partNumber: number;
  etag: string;
  /** base64 SHA-256 of the part as the server recorded it */
  sha256?: string;
  size: number;
}

export interface RemoteUpload {
  key: string;
  uploadId: string;
  initiated?: Date;
}

export interface ObjectHead {
  size: number;
  etag?: string;
  lastModified?: Date;
  /** base64; full-object for single PUTs, "<b64>-N" composite for multipart uploads */
  checksumSha256?: string;
  metadata: Record<string, string>;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
  sha256: string;
}

/** One object of a ListObjectsV2 listing. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
}

/** An object to copy from, on the same endpoint; the copy fails unless it still has this ETag. */
export interface CopySource {
  bucket: string;
  key: string;
  etag?: string;
}

export interface CopiedPart {
  etag: string;
  /** base64 SHA-256 of the copied range, when the server computed one */
  sha256?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ObjectStore {
  readonly bucket: string;
  /** Where requests go, for messages (never credentials). */
  readonly endpointLabel: string;
  /** Equal for two stores exactly when one can copy server-side from the other ("aws" or the URL). */
  readonly endpointKey: string;
  checkBucket(opts?: RequestOptions): Promise<void>;
  putObject(
    key: string,
    body: Buffer,
    sha256: string,
    extra: { metadata?: Record<string, string>; storageClass?: string; contentType?: string },
    opts?: RequestOptions,
  ): Promise<void>;
  createMultipart(
    key: string,
    extra: { metadata?: Record<string, string>; storageClass?: string },
    opts?: RequestOptions,
  ): Promise<string>;
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer,
    sha256: string,
    opts?: RequestOptions,
  ): Promise<string>;
  listParts(key: string, uploadId: string, opts?: RequestOptions): Promise<RemotePart[]>;
  completeMultipart(
    key: string,
    uploadId: string,
    parts: CompletedPart[],
    opts?: RequestOptions,
  ): Promise<void>;
  abortMultipart(key: string, uploadId: string, opts?: RequestOptions): Promise<void>;
  deleteObject(key: string, opts?: RequestOptions): Promise<void>;
  listMultipartUploads(prefix: string, opts?: RequestOptions): Promise<RemoteUpload[]>;
  headObject(key: string, opts?: RequestOptions): Promise<ObjectHead | undefined>;
  getObject(key: string, opts?: RequestOptions): Promise<Buffer>;
  /** SHA-256 (hex) of an object's bytes, streamed: objects can be far larger than memory. */
  sha256OfObject(key: string, opts?: RequestOptions): Promise<string>;
  /** ListObjectsV2 under a prefix, every page. */
  listObjects(prefix: string, opts?: RequestOptions): Promise<ListedObject[]>;
  /** Bytes [start, end) of an object (Range GET), refused if its ETag is no longer `etag`. */
  getRange(
    key: string,
    start: number,
    end: number,
    etag: string | undefined,
    into?: Buffer,
    opts?: RequestOptions,
  ): Promise<Buffer>;
  /** CopyObject (server-side, up to 5 GB), asking for the SHA-256 of the copy (base64, if given). */
  copyObject(
    key: string,
    from: CopySource,
    extra: { metadata?: Record<string, string>; storageClass?: string },
    opts?: RequestOptions,
  ): Promise<{ sha256?: string }>;
  /** UploadPartCopy of bytes [start, end) of `from` into part `partNumber`. */
  uploadPartCopy(
    key: string,
    uploadId: string,
    partNumber: number,
    from: CopySource,
    range: [number, number],
    opts?: RequestOptions,
  ): Promise<CopiedPart>;
  /** true / false, or undefined when the server cannot tell (e.g. NotImplemented). */
  hasAbortIncompleteRule(opts?: RequestOptions): Promise<boolean | undefined>;
}
