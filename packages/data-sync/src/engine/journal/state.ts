// Replaying the journal into the state the planner needs. Pure: text in, state out.
import { decodeLine, type FileIdentity, type JournalRecord } from "./records.ts";

export interface DoneEntry extends FileIdentity {
  sha256: string;
  s3: string;
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
      const { key, size, mtime, id, sha256, s3 } = rec;
      s.done.set(key, { size, mtime, id, sha256, s3 });
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
  const lines = text.split("\n");
  // The text after the last newline is a record the process did not finish writing.
  const tail = lines.pop();
  if (tail !== undefined && tail !== "") s.damagedLines++;
  for (const line of lines) {
    if (line === "") continue;
    const d = decodeLine(line);
    if (d.ok) applyRecord(s, d.rec);
    else s.damagedLines++;
  }
  return s;
}

/** The smallest record list that replays to the same state (for compaction). */
export function snapshot(s: JournalState): JournalRecord[] {
  const out: JournalRecord[] = [];
  if (s.header) out.push(s.header);
  if (s.owned.size) out.push({ t: "owned", ids: [...s.owned] });
  for (const [key, d] of s.done) out.push({ t: "done", key, ...d });
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
