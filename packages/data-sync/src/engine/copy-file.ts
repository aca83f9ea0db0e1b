// Server-side copy of one object from an S3 source on the same endpoint: no byte of the file
// passes through this machine. Up to the threshold (S3's CopyObject limit is 5 GB) one CopyObject
// that asks the server for the SHA-256 of the copy; above it, UploadPartCopy parts journaled
// exactly like uploaded parts (a killed copy resumes from its last copied part), and, because S3
// then keeps only a composite checksum, the object is read back and hashed.
//
// S3 has no rename, so a copy lands under its final key before its checksum is known. When that
// checksum disagrees with the publisher's, the object is deleted at once: the key ends empty and
// the file is reported. (A kill between the copy and the delete leaves it there, unjournaled and
// unlisted by any manifest: the manifest was moved aside before the key was replaced, and the next
// run copies and checks it again.)

import type { TransferContext } from "./context.ts";
import { compositeSha256 } from "./hashing.ts";
import type { FileIdentity } from "./journal/records.ts";
import type { ActiveUpload } from "./journal/state.ts";
import { abandon, resumeOrStartMultipart } from "./multipart-start.ts";
import { partCount, partRange, partSizeFor } from "./part-size.ts";
import { type PlanItem, replanForSize } from "./plan.ts";
import { listedEtag, type RemoteSource, type SourceEntry } from "./source.ts";
import { type CopySource, StoreError } from "./store.ts";
import { type TransferResult, transferFile } from "./transfer-file.ts";

/** The way an object went into the bucket (reported per file). */
export type TransferPath = "copy" | "stream" | "upload";

export interface CopyRoute {
  from: RemoteSource;
  /** objects up to this size: one CopyObject; above: UploadPartCopy (5 GB, lower in tests) */
  threshold: number;
  /** set once the destination's credentials were refused a copy: every later file streams */
  refused: boolean;
}

export interface RoutedResult extends TransferResult {
  path: TransferPath;
  /** bytes copied server-side (never through this machine) */
  bytesCopied: number;
  /** bytes read back from the bucket to verify a multipart copy */
  bytesReadBack: number;
}

type Item = Exclude<PlanItem, { kind: "skip" }>;

const identityOnly = (e: FileIdentity): FileIdentity => ({
  size: e.size,
  mtime: e.mtime,
  id: e.id,
});
const hex = (b64: string) => Buffer.from(b64, "base64").toString("hex");

/** Copies server-side, or streams when the server refuses the copy. */
export async function copyOrStream(
  ctx: TransferContext,
  route: CopyRoute,
  item: Item,
): Promise<RoutedResult> {
  if (!route.refused) {
    try {
      return await copyFile(ctx, route, item);
    } catch (err) {
      if (err instanceof StoreError && err.kind === "precondition-failed") {
        throw new Error(
          `s3://${route.from.bucket}/${route.from.prefix}${item.entry.sourcePath ?? item.entry.relPath} changed in the source since it was listed (another ETag); nothing of it was committed: run the sync again`,
        );
      }
      if (!(err instanceof StoreError && err.kind === "denied")) throw err;
      if (!route.refused) {
        route.refused = true;
        ctx.emit({
          event: "warning",
          message: `server-side copy from ${route.from.store.endpointLabel} s3://${route.from.bucket}/${route.from.prefix} was refused (AccessDenied: the destination's credentials may not read the source): every file is streamed through this machine instead`,
        });
      }
    }
  }
  // Streamed: GET ranges from the source, upload with the usual SHA-256 per request. A copy's
  // unfinished upload is dropped first (its parts were planned for copying, not for this).
  const live = ctx.journal.state.uploads.get(item.entry.relPath);
  if (live) await abandon(ctx, live, "server-side copy refused: streaming instead");
  const fresh: Item =
    item.kind === "check" ? item : { kind: "put", entry: item.entry, reason: item.reason };
  const r = await transferFile(ctx, replanForSize(fresh, item.entry.size, ctx.partSize));
  return { ...r, path: "stream", bytesCopied: 0, bytesReadBack: 0 };
}

async function copyFile(ctx: TransferContext, route: CopyRoute, item: Item): Promise<RoutedResult> {
  const entry = item.entry;
  const from: CopySource = {
    bucket: route.from.bucket,
    key: route.from.prefix + (entry.sourcePath ?? entry.relPath),
    ...(listedEtag(entry) ? { etag: listedEtag(entry) as string } : {}),
  };
  const expected = entry.expectedSha256 ?? (await sourceOwnSha256(ctx, route, from.key));
  const multipart = entry.size > route.threshold;
  if (item.kind === "check") {
    const adopted = await adoptIfSame(ctx, entry, expected);
    if (adopted) return adopted;
  }
  const resume = item.kind === "multipart" ? item.resume : undefined;
  const supersedes = item.kind === "multipart" ? item.supersedes : undefined;
  if (supersedes) await abandon(ctx, supersedes, "source changed");
  // A copy the journal left unfinished is continued whatever the threshold says now.
  if (!multipart && !resume) return single(ctx, entry, from, expected);
  const partSize =
    item.kind === "check" || item.kind === "multipart"
      ? item.partSize
      : partSizeFor(entry.size, ctx.partSize);
  return multipartCopy(ctx, entry, from, expected, partSize, resume);
}

/** Without a checksum list: the source's own full-object SHA-256, when it keeps one. */
async function sourceOwnSha256(
  ctx: TransferContext,
  route: CopyRoute,
  key: string,
): Promise<string | undefined> {
  const head = await ctx.requests.with(1, ctx.signal, () =>
    route.from.store.headObject(key, { signal: ctx.signal }),
  );
  const c = head?.checksumSha256;
  return c && !c.includes("-") ? hex(c) : undefined;
}

/** --verify-remote or a damaged journal: an object already holding the expected bytes stays. */
async function adoptIfSame(
  ctx: TransferContext,
  entry: SourceEntry,
  expected: string | undefined,
): Promise<RoutedResult | undefined> {
  if (!expected) return undefined;
  const head = await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.headObject(ctx.prefix + entry.relPath, { signal: ctx.signal }),
  );
  const c = head?.checksumSha256;
  if (!head || head.size !== entry.size || !c || c.includes("-") || hex(c) !== expected)
    return undefined;
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    sha256: expected,
    s3: c,
  });
  return {
    outcome: "adopted",
    bytesSent: 0,
    size: entry.size,
    reason: "already in the bucket with the same content",
    path: "copy",
    bytesCopied: 0,
    bytesReadBack: 0,
  };
}

/** A copy whose content is not the published one must not stay under its key. */
async function discard(ctx: TransferContext, key: string, expected: string, got: string) {
  let left = "";
  try {
    await ctx.store.deleteObject(key, { signal: ctx.signal });
  } catch (err) {
    left = ` BUT deleting it failed (${(err as Error).message}): delete s3://${ctx.store.bucket}/${key} by hand`;
  }
  throw new Error(
    `content differs from its published SHA-256 (expected ${expected}, the copy has ${got}); the copy was deleted, nothing is under its key${left}`,
  );
}

async function single(
  ctx: TransferContext,
  entry: SourceEntry,
  from: CopySource,
  expected: string | undefined,
): Promise<RoutedResult> {
  const key = ctx.prefix + entry.relPath;
  await ctx.beforeReplace(entry.relPath);
  const r = await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.copyObject(
      key,
      from,
      {
        ...(expected ? { metadata: { "bgb-sha256": expected } } : {}),
        storageClass: ctx.storageClass,
      },
      { signal: ctx.signal },
    ),
  );
  let got: string;
  let readBack = 0;
  if (r.sha256) got = hex(r.sha256);
  else {
    // The server did not hash the copy: read it back (counted, and said in the result).
    got = await ctx.store.sha256OfObject(key, { signal: ctx.signal });
    readBack = entry.size;
  }
  if (expected && got !== expected) await discard(ctx, key, expected, got);
  ctx.emit({ event: "progress", key: entry.relPath, bytes: entry.size, copied: true });
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    sha256: got,
    s3: r.sha256 ?? Buffer.from(got, "hex").toString("base64"),
  });
  return {
    outcome: "uploaded",
    bytesSent: 0,
    size: entry.size,
    path: "copy",
    bytesCopied: entry.size,
    bytesReadBack: readBack,
    ...(readBack
      ? { reason: "the server gave no SHA-256 for the copy: read back and hashed" }
      : {}),
  };
}

async function multipartCopy(
  ctx: TransferContext,
  entry: SourceEntry,
  from: CopySource,
  expected: string | undefined,
  requestedPartSize: number,
  resume: ActiveUpload | undefined,
): Promise<RoutedResult> {
  const key = ctx.prefix + entry.relPath;
  const started = await resumeOrStartMultipart<never>(ctx, entry, {
    partSize: requestedPartSize,
    resume,
    metadata: (size) => ({
      "bgb-part-size": String(size),
      ...(expected ? { "bgb-sha256": expected } : {}),
    }),
    noun: "copy",
    changed: "source changed",
  });
  if ("adopted" in started) return started.adopted; // never: a copy has no onGone
  const { remote, partSize } = started;
  const id = started.uploadId;
  const journaled = ctx.journal.state.uploads.get(entry.relPath)?.parts ?? new Map();
  const n = partCount(entry.size, partSize);
  const parts: { etag: string; sha256: string }[] = new Array(n);
  let copied = 0;
  let reused = 0;
  let failure: unknown;
  const tasks: Promise<void>[] = [];
  for (let p = 1; p <= n; p++) {
    const [start, end] = partRange(entry.size, partSize, p);
    const have = remote.get(p);
    // Copied from this very source object (same ETag, same upload): the read-back checks it all.
    if (have?.sha256 && have.size === end - start) {
      parts[p - 1] = { etag: have.etag, sha256: have.sha256 };
      reused += end - start;
      if (!journaled.has(p))
        ctx.journal.append({
          t: "part",
          uploadId: id,
          n: p,
          etag: have.etag,
          sha256: have.sha256,
          size: end - start,
        });
      continue;
    }
    tasks.push(
      ctx.requests.with(1, ctx.signal, async () => {
        if (failure !== undefined) return;
        try {
          const r = await ctx.store.uploadPartCopy(key, id, p, from, [start, end], {
            signal: ctx.signal,
          });
          if (!r.sha256) throw new Error(`the server gave no SHA-256 for copied part ${p}`);
          parts[p - 1] = { etag: r.etag, sha256: r.sha256 };
          copied += end - start;
          ctx.journal.append({
            t: "part",
            uploadId: id,
            n: p,
            etag: r.etag,
            sha256: r.sha256,
            size: end - start,
          });
          ctx.emit({ event: "progress", key: entry.relPath, bytes: end - start, copied: true });
        } catch (err) {
          failure ??= err;
        }
      }),
    );
  }
  await Promise.all(tasks);
  if (failure !== undefined) {
    if (failure instanceof StoreError && failure.kind === "no-such-upload")
      ctx.journal.append({ t: "end", uploadId: id, why: "NoSuchUpload" });
    throw failure;
  }
  await ctx.beforeReplace(entry.relPath);
  await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.completeMultipart(
      key,
      id,
      parts.map((p, i) => ({ partNumber: i + 1, etag: p.etag, sha256: p.sha256 })),
      { signal: ctx.signal },
    ),
  );
  // S3 keeps a composite checksum only: the whole-object SHA-256 needs the bytes.
  const got = await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.sha256OfObject(key, { signal: ctx.signal }),
  );
  if (expected && got !== expected) {
    ctx.journal.append({
      t: "end",
      uploadId: id,
      why: "content differs from its published SHA-256",
    });
    await discard(ctx, key, expected, got);
  }
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    sha256: got,
    s3: compositeSha256(parts.map((p) => p.sha256)),
    uploadId: id,
  });
  return {
    outcome: reused > 0 ? "resumed" : "uploaded",
    bytesSent: 0,
    size: entry.size,
    path: "copy",
    bytesCopied: copied,
    bytesReadBack: entry.size,
    reason: `multipart copy: read back and hashed (${entry.size} bytes through this machine)${reused > 0 ? `; ${reused} bytes were already copied` : ""}`,
  };
}
