// A dataset source: where the bytes come from. The engine reads through this, never fs directly.
import type { FileIdentity } from "../engine/journal/records.ts";

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
