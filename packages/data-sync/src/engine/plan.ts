// Pure planning: the walk and the journal in, one decision per file out. --dry-run and
// `status` print this; the executor carries it out.

import type { ActiveUpload, JournalState } from "./journal/state.ts";
import { partCount, partSizeFor } from "./part-size.ts";
import type { RemoteIndex } from "./remote-index.ts";
import type { SourceEntry } from "./source.ts";
import { sameIdentity } from "./source.ts";

export type PlanItem =
  | { kind: "skip"; entry: SourceEntry; reason: string }
  /** the journal can't vouch for this file: look at the bucket before sending anything */
  | {
      kind: "check";
      entry: SourceEntry;
      via: "put" | "multipart";
      partSize: number;
      reason: string;
      /** the bucket's manifest lists this key with this size and SHA-256 (hex): hash the file
       * here and adopt the object without a HEAD when they agree (single-PUT objects only) */
      manifestSha256?: string;
    }
  | { kind: "put"; entry: SourceEntry; reason: string }
  | {
      kind: "multipart";
      entry: SourceEntry;
      partSize: number;
      reason: string;
      resume?: ActiveUpload;
      /** a live upload for this key that no longer matches the file: abort it first */
      supersedes?: ActiveUpload;
    };

export interface PlanOptions {
  /** requested part size; files up to this size go in one PUT */
  partSize: number;
  /** false after journal damage or with --verify-remote */
  trustJournal: boolean;
  /** server-side copy: files up to this size are one CopyObject (default: partSize, one PUT) */
  singleLimit?: number;
  /** the objects are copied server-side: only multipart copies are read back through here */
  serverSideCopy?: boolean;
  /** no journal: what the bucket holds (manifest + one listing) decides instead of a HEAD each */
  remote?: RemoteIndex;
}

export interface Plan {
  items: PlanItem[];
  totals: {
    files: number;
    bytes: number;
    skipFiles: number;
    uploadFiles: number;
    checkFiles: number;
    /** of checkFiles: listed in the bucket's manifest, adopted if the local SHA-256 agrees */
    adoptFiles: number;
    /** upper bound on payload bytes this run will send */
    bytesToSend: number;
    /** object requests the run is expected to make (excluding retries) */
    requests: number;
    /** bytes this machine downloads or uploads: all of bytesToSend, or for a server-side copy
     * only the read-back of multipart copies (0 when every object fits one CopyObject) */
    bytesThroughMachine: number;
  };
}

function describeResume(u: ActiveUpload): string {
  const n = partCount(u.size, u.partSize);
  return `resuming upload (${u.parts.size} of ${n} parts already sent)`;
}

export function planFile(entry: SourceEntry, state: JournalState, opts: PlanOptions): PlanItem {
  const done = state.done.get(entry.relPath);
  const live = state.uploads.get(entry.relPath);
  const multipart = entry.size > (opts.singleLimit ?? opts.partSize);
  const partSize = partSizeFor(entry.size, opts.partSize);

  if (!opts.trustJournal && !live && opts.remote) {
    const there = opts.remote.objects.get(entry.relPath);
    if (!there || there.size !== entry.size) {
      const reason = there ? "in the bucket with another size" : "not in the bucket";
      return multipart
        ? { kind: "multipart", entry, partSize, reason }
        : { kind: "put", entry, reason };
    }
    // A multipart object's stored checksum depends on the part size it was sent with: a HEAD
    // (its metadata) tells; a single PUT's is the file's SHA-256, which the manifest has.
    if (there.manifestSha256 && !there.multipart && !multipart)
      return {
        kind: "check",
        entry,
        via: "put",
        partSize,
        reason: "in the bucket's manifest: adopted if its SHA-256 matches",
        manifestSha256: there.manifestSha256,
      };
    return {
      kind: "check",
      entry,
      via: multipart ? "multipart" : "put",
      partSize,
      reason: "in the bucket with the same size: comparing its stored SHA-256",
    };
  }
  if (!opts.trustJournal && !live) {
    return {
      kind: "check",
      entry,
      via: multipart ? "multipart" : "put",
      partSize,
      reason: "the journal can't vouch for it: checking the bucket first",
    };
  }
  if (done && sameIdentity(done, entry)) return { kind: "skip", entry, reason: "unchanged" };
  // Same size and mtime, another inode (the tree copied to another disk, a restored backup):
  // most likely the same bytes. Check the bucket (a HEAD and a local read), don't re-send.
  if (done && !live && done.size === entry.size && done.mtime === entry.mtime) {
    return {
      kind: "check",
      entry,
      via: multipart ? "multipart" : "put",
      partSize,
      reason: "same size and mtime on another inode: checking the bucket before sending",
    };
  }
  // Another source of the same dataset (https instead of s3://): the publisher's hash decides.
  if (done && !live && done.size === entry.size && done.sha256 === entry.expectedSha256)
    return { kind: "skip", entry, reason: "already in the bucket with its published SHA-256" };
  const why = done ? "changed since its last upload" : "new";
  if (live) {
    if (sameIdentity(live, entry) && (multipart || live.partSize === partSize)) {
      return {
        kind: "multipart",
        entry,
        partSize: live.partSize,
        reason: describeResume(live),
        resume: live,
      };
    }
    const reason = "changed since its upload started: restarting";
    return multipart
      ? { kind: "multipart", entry, partSize, reason, supersedes: live }
      : {
          kind: "multipart",
          entry,
          partSize: Math.max(partSize, entry.size),
          reason,
          supersedes: live,
        };
  }
  return multipart
    ? { kind: "multipart", entry, partSize, reason: why }
    : { kind: "put", entry, reason: why };
}

/**
 * The file's size at open differs from the walk's: choose single PUT or multipart again, so a file
 * that grew past the part size is never read whole into memory (nor sent as a PUT S3 would refuse).
 */
export function replanForSize(
  item: Exclude<PlanItem, { kind: "skip" }>,
  size: number,
  requestedPartSize: number,
): Exclude<PlanItem, { kind: "skip" }> {
  const entry = { ...item.entry, size };
  const partSize = partSizeFor(size, requestedPartSize);
  const multipart = size > requestedPartSize;
  if (item.kind === "check")
    return { ...item, entry, via: multipart ? "multipart" : "put", partSize };
  const live = item.kind === "multipart" && (item.resume || item.supersedes);
  if (multipart || live) {
    // A resume of another size is abandoned by the transfer (its identity no longer matches).
    const prior =
      item.kind === "multipart" ? { resume: item.resume, supersedes: item.supersedes } : {};
    return { kind: "multipart", entry, partSize, reason: item.reason, ...prior };
  }
  return { kind: "put", entry, reason: item.reason };
}

export function makePlan(
  entries: readonly SourceEntry[],
  state: JournalState,
  opts: PlanOptions,
): Plan {
  const items = entries.map((e) => planFile(e, state, opts));
  const totals = {
    files: items.length,
    bytes: 0,
    skipFiles: 0,
    uploadFiles: 0,
    checkFiles: 0,
    adoptFiles: 0,
    bytesToSend: 0,
    requests: 0,
    bytesThroughMachine: 0,
  };
  for (const it of items) {
    totals.bytes += it.entry.size;
    switch (it.kind) {
      case "skip":
        totals.skipFiles++;
        break;
      case "check":
        totals.checkFiles++;
        totals.bytesToSend += it.entry.size;
        if (it.manifestSha256) totals.adoptFiles++;
        else totals.requests += 1;
        break;
      case "put":
        totals.uploadFiles++;
        totals.bytesToSend += it.entry.size;
        totals.requests += 1;
        break;
      case "multipart": {
        totals.uploadFiles++;
        const n = partCount(it.entry.size, it.partSize);
        const doneParts = it.resume ? it.resume.parts.size : 0;
        let sent = 0;
        for (const p of it.resume?.parts.values() ?? []) sent += p.size;
        totals.bytesToSend += it.entry.size - sent;
        // create (or list parts), the parts still missing, complete; plus an abort when superseding
        totals.requests += 2 + (n - doneParts) + (it.supersedes ? 1 : 0);
        // a multipart copy is read back whole (one GET)
        if (opts.serverSideCopy) {
          totals.bytesThroughMachine += it.entry.size;
          totals.requests += 1;
        }
        break;
      }
    }
    if (it.kind === "check" && opts.serverSideCopy && it.via === "multipart")
      totals.bytesThroughMachine += it.entry.size;
  }
  if (!opts.serverSideCopy) totals.bytesThroughMachine = totals.bytesToSend;
  return { items, totals };
}
