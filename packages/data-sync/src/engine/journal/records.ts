// Journal records: one JSON object per line, each guarded by a CRC32 so a torn or garbled
// line is detected instead of trusted. Secrets never enter a record: only keys, sizes, ids, hashes.
import { crc32 } from "node:zlib";

/** What identifies "the same file" between runs: size, nanosecond mtime and inode. */
export interface FileIdentity {
  size: number;
  mtime: string;
  id: string;
}

export type JournalRecord =
  | { t: "hdr"; v: 1; endpoint: string; bucket: string; prefix: string }
  /** The object is in the bucket with this content. uploadId closes an upload if there was one. */
  /** sha256: hex of the whole file; s3: the checksum S3 keeps (base64, "-N" when multipart) */
  | ({ t: "done"; key: string; sha256: string; s3: string; uploadId?: string } & FileIdentity)
  /** About to call CreateMultipartUpload: lets gc recognise an upload whose id never got written. */
  | { t: "intent"; key: string; at: string }
  /** Leftovers of the intents for this key were looked for and aborted. */
  | { t: "resolved"; key: string }
  | ({ t: "mpu"; key: string; uploadId: string; partSize: number; at: string } & FileIdentity)
  | { t: "part"; uploadId: string; n: number; etag: string; sha256: string; size: number }
  /** The upload is no longer ours to continue (aborted, gone, or superseded). */
  | { t: "end"; uploadId: string; why: string }
  | { t: "manifest"; version: string; key: string }
  /** The manifest was moved to `previous` before its objects were replaced: no manifest is current. */
  | { t: "superseded"; key: string; previous: string }
  /** Written by compaction: every upload id this journal ever started. */
  | { t: "owned"; ids: string[] };

export function encodeRecord(rec: JournalRecord): string {
  const json = JSON.stringify(rec);
  const crc = crc32(json).toString(16).padStart(8, "0");
  return `${crc} ${json}\n`;
}

const HEX8 = /^[0-9a-f]{8}/;

export type DecodeResult = { ok: true; rec: JournalRecord } | { ok: false };

export function decodeLine(line: string): DecodeResult {
  const space = line.indexOf(" ");
  if (space !== 8) return { ok: false };
  const json = line.slice(9);
  // compared as numbers: no hex string per line (a 100,000-file journal is replayed every run)
  if (!HEX8.test(line) || crc32(json) !== Number.parseInt(line.slice(0, 8), 16))
    return { ok: false };
  try {
    const rec = JSON.parse(json) as JournalRecord;
    return typeof rec === "object" && rec !== null && typeof rec.t === "string"
      ? { ok: true, rec }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}
