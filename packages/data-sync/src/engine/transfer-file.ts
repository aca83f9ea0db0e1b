// Moving one file into the bucket: a single PUT, a new multipart upload, or the continuation
// of one a previous run left behind. Every byte sent carries a SHA-256 the server checks.
import { createHash } from "node:crypto";
import type { TransferContext } from "./context.ts";
import { StoreError } from "./errors.ts";
import type { FileOutcome } from "./events.ts";
import { compositeSha256, sha256b64 } from "./hashing.ts";
import type { FileIdentity } from "./journal/records.ts";
import type { ActiveUpload } from "./journal/state.ts";
import { abandon, resumeOrStartMultipart } from "./multipart-start.ts";
import { partCount, partRange } from "./part-size.ts";
import { type PlanItem, replanForSize } from "./plan.ts";
import { type OpenedFile, type SourceEntry, sameIdentity } from "./source.ts";

export interface TransferResult {
  outcome: FileOutcome;
  /** payload bytes the server acknowledged for this file, restarted attempts included */
  bytesSent: number;
  /** the size of the object committed (the file's size when it was read, not at the walk) */
  size: number;
  reason?: string;
}

/** The file changed between our first and last look at it: its bytes may be a mix. */
class FileChanged extends Error {}

const identityOnly = (e: FileIdentity): FileIdentity => ({
  size: e.size,
  mtime: e.mtime,
  id: e.id,
});

export async function transferFile(
  ctx: TransferContext,
  item: Exclude<PlanItem, { kind: "skip" }>,
): Promise<TransferResult> {
  let attempt = 0;
  let current: Exclude<PlanItem, { kind: "skip" }> = item;
  // Every acknowledged byte is reported as progress; counting those covers restarted attempts.
  let sent = 0;
  const fctx: TransferContext = {
    ...ctx,
    emit: (e) => {
      if (e.event === "progress") sent += e.bytes;
      ctx.emit(e);
    },
  };
  for (;;) {
    const file = await ctx.source.open(current.entry);
    try {
      // Trust what the file is now, then insist it stays so until the object is committed.
      const id = await file.identity();
      if (id.size !== current.entry.size) current = replanForSize(current, id.size, ctx.partSize);
      const entry: SourceEntry = { ...current.entry, ...id };
      let r: Omit<TransferResult, "size">;
      switch (current.kind) {
        case "check":
          r = await checkThenUpload(fctx, file, entry, current);
          break;
        case "put":
          r = await putWhole(fctx, file, entry);
          break;
        case "multipart":
          r = await multipart(
            fctx,
            file,
            entry,
            current.partSize,
            current.resume,
            current.supersedes,
          );
          break;
      }
      return { ...r, bytesSent: sent, size: entry.size };
    } catch (err) {
      if (!(err instanceof FileChanged)) throw err;
      attempt++;
      if (attempt > ctx.changeRetries) {
        throw new Error(
          `kept changing while being uploaded (${attempt} tries); nothing was committed`,
        );
      }
      ctx.emit({
        event: "restart",
        key: current.entry.relPath,
        reason: "file changed while uploading: starting it again",
      });
      // Whatever was in flight has been abandoned; the next try starts from the file as it is now.
      if (current.kind === "multipart")
        current = { ...current, resume: undefined, supersedes: undefined };
    } finally {
      await file.close();
    }
  }
}

/** The source publishes the file's SHA-256 (e.g. SHA256SUMS): bytes that differ are not the dataset. */
function checkExpected(entry: SourceEntry, sha256hex: string): void {
  if (entry.expectedSha256 && entry.expectedSha256 !== sha256hex) {
    throw new Error(
      `content differs from its published SHA-256 (expected ${entry.expectedSha256}, read ${sha256hex}); nothing was committed`,
    );
  }
}

async function putWhole(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
): Promise<Omit<TransferResult, "size">> {
  const key = ctx.prefix + entry.relPath;
  return ctx.memory.with(ctx.buffers.cost(entry.size), ctx.signal, async () => {
    const body = await file.read(0, entry.size, ctx.buffers.take(entry.size));
    try {
      if (!sameIdentity(await file.identity(), entry)) throw new FileChanged();
      const sha = createHash("sha256").update(body).digest();
      checkExpected(entry, sha.toString("hex"));
      await ctx.beforeReplace(entry.relPath);
      await ctx.requests.with(1, ctx.signal, async () => {
        await ctx.bandwidth.take(body.length, ctx.signal);
        await ctx.store.putObject(
          key,
          body,
          sha.toString("base64"),
          { metadata: { "bgb-sha256": sha.toString("hex") }, storageClass: ctx.storageClass },
          { signal: ctx.signal },
        );
      });
      ctx.journal.append({
        t: "done",
        key: entry.relPath,
        ...identityOnly(entry),
        sha256: sha.toString("hex"),
        s3: sha.toString("base64"),
      });
      await ctx.journal.durable();
      ctx.emit({ event: "progress", key: entry.relPath, bytes: body.length });
      return { outcome: "uploaded", bytesSent: body.length };
    } finally {
      ctx.buffers.give(body);
    }
  });
}

async function multipart(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
  partSize: number,
  resume: ActiveUpload | undefined,
  supersedes: ActiveUpload | undefined,
): Promise<Omit<TransferResult, "size">> {
  const key = ctx.prefix + entry.relPath;
  if (supersedes) await abandon(ctx, supersedes, "file changed");

  const started = await resumeOrStartMultipart(ctx, entry, {
    partSize,
    resume,
    metadata: (size) => ({ "bgb-part-size": String(size) }),
    noun: "upload",
    changed: "file changed",
    // Gone: maybe completed just before a crash, maybe aborted by a lifecycle rule.
    onGone: (uploadId) => adoptIfPresent(ctx, file, entry, uploadId),
  });
  if ("adopted" in started) return started.adopted;
  const { remote } = started;
  partSize = started.partSize;
  const id = started.uploadId;
  const journaled = ctx.journal.state.uploads.get(entry.relPath)?.parts ?? new Map();

  const n = partCount(entry.size, partSize);
  const digests: string[] = new Array(n);
  const etags: string[] = new Array(n);
  const whole = createHash("sha256");
  let bytesSent = 0;
  let reused = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  // One reader per file, in order (so the whole-file hash needs no second pass); the parts it
  // reads go out concurrently, bounded by the memory and request budgets.
  for (let p = 1; p <= n && failure === undefined; p++) {
    const [start, end] = partRange(entry.size, partSize, p);
    const len = end - start;
    const cost = ctx.buffers.cost(len);
    await ctx.memory.acquire(cost, ctx.signal);
    let buf: Buffer;
    try {
      buf = await file.read(start, end, ctx.buffers.take(len));
    } catch (err) {
      ctx.memory.release(cost);
      throw err;
    }
    const done = () => {
      ctx.buffers.give(buf);
      ctx.memory.release(cost);
    };
    whole.update(buf);
    const digest = sha256b64(buf);
    digests[p - 1] = digest;
    const have = remote.get(p);
    if (have && have.sha256 === digest && have.size === len) {
      etags[p - 1] = have.etag;
      reused += len;
      if (!journaled.has(p))
        ctx.journal.append({
          t: "part",
          uploadId: id,
          n: p,
          etag: have.etag,
          sha256: digest,
          size: len,
        });
      done();
      continue;
    }
    const partNo = p;
    const task = (async () => {
      try {
        const etag = await ctx.requests.with(1, ctx.signal, async () => {
          await ctx.bandwidth.take(len, ctx.signal);
          return ctx.store.uploadPart(key, id, partNo, buf, digest, { signal: ctx.signal });
        });
        etags[partNo - 1] = etag;
        bytesSent += len;
        ctx.journal.append({ t: "part", uploadId: id, n: partNo, etag, sha256: digest, size: len });
        await ctx.journal.durable();
        ctx.emit({ event: "progress", key: entry.relPath, bytes: len });
      } catch (err) {
        failure ??= err;
      } finally {
        done();
      }
    })();
    inFlight.add(task);
    void task.then(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) {
    if (failure instanceof StoreError && failure.kind === "no-such-upload") {
      ctx.journal.append({ t: "end", uploadId: id, why: "NoSuchUpload" });
    }
    throw failure;
  }
  if (!sameIdentity(await file.identity(), entry)) {
    // Never complete an object that may mix old and new bytes.
    await abandon(ctx, { key: entry.relPath, uploadId: id }, "file changed");
    throw new FileChanged();
  }
  const sha = whole.digest("hex");
  if (entry.expectedSha256 && entry.expectedSha256 !== sha) {
    await abandon(
      ctx,
      { key: entry.relPath, uploadId: id },
      "content differs from its published SHA-256",
    );
    checkExpected(entry, sha);
  }
  await ctx.beforeReplace(entry.relPath);
  await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.completeMultipart(
      key,
      id,
      etags.map((etag, i) => ({ partNumber: i + 1, etag, sha256: digests[i] as string })),
      { signal: ctx.signal },
    ),
  );
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    sha256: sha,
    s3: compositeSha256(digests),
    uploadId: id,
  });
  return {
    outcome: reused > 0 ? "resumed" : "uploaded",
    bytesSent,
    ...(reused > 0 ? { reason: `${reused} bytes were already in the bucket` } : {}),
  };
}

/** Reads the file once and returns its SHA-256 (hex) if the object already holds exactly it. */
async function remoteMatches(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
): Promise<{ sha256: string; s3: string } | undefined> {
  const head = await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.headObject(ctx.prefix + entry.relPath, { signal: ctx.signal }),
  );
  if (!head || head.size !== entry.size || !head.checksumSha256) return undefined;
  const composite = /-(\d+)$/.exec(head.checksumSha256);
  const partSize = composite ? Number(head.metadata["bgb-part-size"]) : entry.size || 1;
  if (composite && !(partSize > 0)) return undefined;
  const n = composite ? partCount(entry.size, partSize) : 1;
  if (composite && n !== Number(composite[1])) return undefined;
  const whole = createHash("sha256");
  const digests: string[] = [];
  for (let p = 1; p <= n; p++) {
    const [start, end] = composite ? partRange(entry.size, partSize, p) : [0, entry.size];
    await ctx.memory.with(ctx.buffers.cost(end - start), ctx.signal, async () => {
      const buf = await file.read(start, end, ctx.buffers.take(end - start));
      whole.update(buf);
      digests.push(sha256b64(buf));
      ctx.buffers.give(buf);
    });
  }
  if (!sameIdentity(await file.identity(), entry)) throw new FileChanged();
  const expected = composite ? compositeSha256(digests) : (digests[0] as string);
  return expected === head.checksumSha256
    ? { sha256: whole.digest("hex"), s3: expected }
    : undefined;
}

async function adoptIfPresent(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
  uploadId?: string,
): Promise<Omit<TransferResult, "size"> | undefined> {
  const match = await remoteMatches(ctx, file, entry);
  if (!match) return undefined;
  checkExpected(entry, match.sha256);
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    ...match,
    ...(uploadId ? { uploadId } : {}),
  });
  return {
    outcome: "adopted",
    bytesSent: 0,
    reason: "already in the bucket with the same content",
  };
}

/**
 * The bucket's manifest lists the key with this size and SHA-256 and the listing shows a
 * single-PUT object of that size: hash the file here, and the object is adopted with no request.
 * (The server checked that SHA-256 when the object was PUT; verify compares it with a HEAD.)
 */
async function adoptByManifest(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
  manifestSha256: string,
): Promise<Omit<TransferResult, "size"> | undefined> {
  const sha = await ctx.memory.with(ctx.buffers.cost(entry.size), ctx.signal, async () => {
    const body = await file.read(0, entry.size, ctx.buffers.take(entry.size));
    try {
      return createHash("sha256").update(body).digest();
    } finally {
      ctx.buffers.give(body);
    }
  });
  if (!sameIdentity(await file.identity(), entry)) throw new FileChanged();
  const hex = sha.toString("hex");
  if (hex !== manifestSha256) return undefined;
  checkExpected(entry, hex);
  ctx.journal.append({
    t: "done",
    key: entry.relPath,
    ...identityOnly(entry),
    sha256: hex,
    s3: sha.toString("base64"),
  });
  return {
    outcome: "adopted",
    bytesSent: 0,
    reason: "in the bucket's manifest with the same SHA-256",
  };
}

async function checkThenUpload(
  ctx: TransferContext,
  file: OpenedFile,
  entry: SourceEntry,
  item: Extract<PlanItem, { kind: "check" }>,
): Promise<Omit<TransferResult, "size">> {
  // A file that grew past the part size since the walk is no longer a single-PUT candidate.
  const adopted =
    item.manifestSha256 && item.via === "put"
      ? await adoptByManifest(ctx, file, entry, item.manifestSha256)
      : await adoptIfPresent(ctx, file, entry);
  if (adopted) return adopted;
  return item.via === "multipart"
    ? multipart(ctx, file, entry, item.partSize, undefined, undefined)
    : putWhole(ctx, file, entry);
}
