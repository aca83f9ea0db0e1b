// Replaying the journal into the state the planner needs: text (or a file read in chunks) in, state out.
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { collectGarbage } from "../limits.ts";
import { decodeLine, type FileIdentity, type JournalRecord } from "./records.ts";

export interface DoneEntry extends FileIdentity {
  readonly sha256: string;
  readonly s3: string;
}

/**
 * The SHA-256 digests of finished files as 32 bytes each in one growing buffer, not two strings
 * (hex and base64) per file: with 200,000 files that is 6 MiB instead of about 30.
 */
export class DigestArena {
  private bytes = Buffer.alloc(32 * 1024);
  private used = 0;

  /** Stores a hex digest; undefined if it is not one (then the caller keeps the string). */
  add(hex: string): number | undefined {
    if (hex.length !== 64) return undefined;
    if (this.used + 32 > this.bytes.length) {
      const bigger = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    const at = this.used;
    if (this.bytes.write(hex, at, 32, "hex") !== 32) return undefined;
    // Buffer.write stops at the first non-hex pair: "0A" and "0a" read the same, so compare back.
    if (this.bytes.toString("hex", at, at + 32) !== hex) return undefined;
    this.used += 32;
    return at;
  }

  hex(at: number): string {
    return this.bytes.toString("hex", at, at + 32);
  }

  base64(at: number): string {
    return this.bytes.toString("base64", at, at + 32);
  }
}

/**
 * A finished file as the journal keeps it for a whole run: the digest in the arena, the S3
 * checksum only when it is not the base64 of that digest (a multipart upload's composite).
 */
class CompactDone implements DoneEntry {
  private constructor(
    readonly size: number,
    readonly mtime: string,
    readonly id: string,
    private readonly arena: DigestArena,
    private readonly at: number,
    private readonly ownS3: string | undefined,
  ) {}

  static of(arena: DigestArena, d: FileIdentity & { sha256: string; s3: string }): DoneEntry {
    const at = arena.add(d.sha256);
    if (at === undefined)
      return { size: d.size, mtime: d.mtime, id: d.id, sha256: d.sha256, s3: d.s3 };
    const own = d.s3 === arena.base64(at) ? undefined : d.s3;
    return new CompactDone(d.size, d.mtime, d.id, arena, at, own);
  }

  get sha256(): string {
    return this.arena.hex(this.at);
  }

  get s3(): string {
    return this.ownS3 ?? this.arena.base64(this.at);
  }
}

export interface PartEntry {
  etag: string;
  sha256: string;
  size: number;
}

export interface ActiveUpload extends FileIdentity {
  key: string;
  uploadId: string;
  partSize: number;
  parts: Map<number, PartEntry>;
}

export interface JournalState {
  header?: Extract<JournalRecord, { t: "hdr" }>;
  done: Map<string, DoneEntry>;
  /** where the done entries keep their digests */
  digests: DigestArena;
  /** at most one live upload per key; a newer one supersedes (and orphans) the older */
  uploads: Map<string, ActiveUpload>;
  /** upload ids this journal started that may still exist in the bucket (not completed or aborted) */
  owned: Set<string>;
  /** keys whose CreateMultipartUpload may have happened without its id being recorded */
  intents: Map<string, string>;
  manifest?: { version: string; key: string };
  /** where a superseded manifest was moved, until a new one is written */
  manifestAside?: { key: string; previous: string };
  /** lines that failed their checksum or did not parse (a torn tail counts) */
  damagedLines: number;
  records: number;
}

export function emptyState(): JournalState {
  return {
    done: new Map(),
    digests: new DigestArena(),
    uploads: new Map(),
    owned: new Set(),
    intents: new Map(),
    damagedLines: 0,
    records: 0,
  };
}

export function applyRecord(s: JournalState, rec: JournalRecord): void {
  s.records++;
  switch (rec.t) {
    case "hdr":
      s.header = rec;
      break;
    case "done": {
      const { key } = rec;
      s.done.set(key, CompactDone.of(s.digests, rec));
      const live = s.uploads.get(key);
      if (live && (rec.uploadId === undefined || live.uploadId === rec.uploadId)) {
        // A single PUT over a key with a live upload leaves that upload for gc.
        s.uploads.delete(key);
      }
      if (rec.uploadId) s.owned.delete(rec.uploadId);
      break;
    }
    case "intent":
      // The earliest unresolved intent bounds which uploads of this key may be our orphans.
      if (!s.intents.has(rec.key)) s.intents.set(rec.key, rec.at);
      break;
    case "mpu": {
      const { key, uploadId, partSize, size, mtime, id } = rec;
      s.owned.add(uploadId);
      s.done.delete(key);
      s.uploads.set(key, { key, uploadId, partSize, size, mtime, id, parts: new Map() });
      break;
    }
    case "part": {
      for (const u of s.uploads.values()) {
        if (u.uploadId === rec.uploadId) {
          u.parts.set(rec.n, { etag: rec.etag, sha256: rec.sha256, size: rec.size });
          break;
        }
      }
      break;
    }
    case "resolved":
      s.intents.delete(rec.key);
      break;
    case "end":
      s.owned.delete(rec.uploadId);
      for (const [key, u] of s.uploads) {
        if (u.uploadId === rec.uploadId) s.uploads.delete(key);
      }
      break;
    case "manifest":
      s.manifest = { version: rec.version, key: rec.key };
      s.manifestAside = undefined;
      break;
    case "superseded":
      s.manifest = undefined;
      s.manifestAside = { key: rec.key, previous: rec.previous };
      break;
    case "owned":
      for (const id of rec.ids) s.owned.add(id);
      break;
  }
}

export function replay(text: string): JournalState {
  const s = emptyState();
  const tail = replayLines(s, text);
  // The text after the last newline is a record the process did not finish writing.
  if (tail !== "") s.damagedLines++;
  return s;
}

/** Applies every complete line of text; returns what follows the last newline. */
function replayLines(s: JournalState, text: string): string {
  let start = 0;
  for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
    if (end > start) {
      const d = decodeLine(text.slice(start, end));
      if (d.ok) applyRecord(s, d.rec);
      else s.damagedLines++;
    }
    start = end + 1;
  }
  return text.slice(start);
}

const COLLECT_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * replay() of a file read a few MiB at a time: a 200,000-file journal is about 50 MB, which as
 * one string (and its lines) came on top of the state it replays to.
 */
export function replayFile(path: string, chunkBytes = 4 * 1024 * 1024): JournalState {
  const s = emptyState();
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    const utf8 = new StringDecoder("utf8"); // a character split across two reads stays whole
    let carry = "";
    let sinceCollect = 0;
    for (let n = readSync(fd, buf, 0, chunkBytes, null); n > 0; ) {
      carry = replayLines(s, carry + utf8.write(buf.subarray(0, n)));
      // Each line's parsed record is garbage once applied; collected now and then, they don't
      // grow the heap (and the resident size) past what the state itself needs.
      sinceCollect += n;
      if (sinceCollect >= COLLECT_EVERY_BYTES) {
        sinceCollect = 0;
        collectGarbage();
      }
      n = readSync(fd, buf, 0, chunkBytes, null);
    }
    if (carry + utf8.end() !== "") s.damagedLines++;
  } finally {
    closeSync(fd);
  }
  return s;
}

/** How many records snapshot(s) would hold, without building them (checked on every open). */
export function snapshotLength(s: JournalState): number {
  let n = (s.header ? 1 : 0) + (s.owned.size ? 1 : 0) + s.done.size + s.intents.size;
  for (const u of s.uploads.values()) n += 1 + u.parts.size;
  return n + (s.manifest ? 1 : 0) + (s.manifestAside ? 1 : 0);
}

/** The smallest record list that replays to the same state (for compaction). */
export function snapshot(s: JournalState): JournalRecord[] {
  const out: JournalRecord[] = [];
  if (s.header) out.push(s.header);
  if (s.owned.size) out.push({ t: "owned", ids: [...s.owned] });
  for (const [key, d] of s.done) {
    const { size, mtime, id, sha256, s3 } = d; // getters: a spread would not copy them
    out.push({ t: "done", key, size, mtime, id, sha256, s3 });
  }
  for (const [key, at] of s.intents) out.push({ t: "intent", key, at });
  for (const u of s.uploads.values()) {
    const { key, uploadId, partSize, size, mtime, id } = u;
    out.push({ t: "mpu", key, uploadId, partSize, size, mtime, id, at: "" });
    for (const [n, p] of u.parts) out.push({ t: "part", uploadId, n, ...p });
  }
  if (s.manifest) out.push({ t: "manifest", ...s.manifest });
  if (s.manifestAside) out.push({ t: "superseded", ...s.manifestAside });
  return out;
}
