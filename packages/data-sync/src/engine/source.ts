// A dataset source: where the bytes come from. The engine reads through this, never fs directly.
import type { FileIdentity } from "./journal/records.ts";
import type { ObjectStore } from "./store.ts";

export interface SourceEntry extends FileIdentity {
  /** key relative to the prefix: normalised, "/"-separated, never escaping */
  relPath: string;
  /**
   * The source's own name for it when that differs from relPath (e.g. an NFD file name whose key
   * is NFC): open() reads this one, so the bytes are those of the file the listing found.
   */
  sourcePath?: string;
  /** the publisher's SHA-256 (hex), when the source lists one: content that differs fails the file */
  expectedSha256?: string;
}

export interface SourceProblem {
  relPath: string;
  message: string;
}

export interface SourceListing {
  entries: SourceEntry[];
  /** files that exist but can't be synced (unreadable, symlink outside, bad name): reported, others go on */
  problems: SourceProblem[];
}

export interface OpenedFile {
  /** Reads [start, end) fully, into `into` when given (its length must be end - start). */
  read(start: number, end: number, into?: Buffer): Promise<Buffer>;
  /** The identity now: compared with the listed one to catch changes during the upload. */
  identity(): Promise<FileIdentity>;
  close(): Promise<void>;
}

export interface Source {
  readonly label: string;
  list(filter: (relPath: string) => boolean): Promise<SourceListing>;
  open(entry: SourceEntry): Promise<OpenedFile>;
}

/** Journals before issue 14 stored "<device>:<inode>"; the device is no longer part of it. */
const withoutDevice = (id: string) => (/^\d+:\d+$/.test(id) ? id.slice(id.indexOf(":") + 1) : id);

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtime === b.mtime && withoutDevice(a.id) === withoutDevice(b.id);
}

/**
 * A source in a bucket (source/s3-source.ts): the engine may copy its objects server-side when
 * the destination is on the same endpoint (engine/copy-file.ts). `remote` says where.
 */
export interface RemoteSource {
  store: ObjectStore;
  bucket: string;
  prefix: string;
  anonymous: boolean;
}

export interface S3Source extends Source {
  remote: RemoteSource;
}

export const isS3Source = (s: Source): s is S3Source => "remote" in s;

/**
 * A bucket source's change token: a replaced object has a new ETag (or at least a new
 * Last-Modified). Seconds only: ListObjectsV2 and HEAD report Last-Modified at different
 * precisions.
 */
export function changeToken(etag: string, lastModified: Date | undefined): string {
  const t = lastModified ? new Date(Math.floor(lastModified.getTime() / 1000) * 1000) : undefined;
  return t ? `${etag}@${t.toISOString()}` : etag;
}

/** The ETag the listing saw, from an entry's change token (a copy is pinned to it). */
export function listedEtag(entry: FileIdentity): string | undefined {
  const etag = entry.mtime.split("@")[0];
  return etag ? etag : undefined;
}
