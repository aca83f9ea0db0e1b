// The first and the last resort of every multipart object, uploaded or copied: continue the
// upload a previous run journaled (its parts as the server lists them) or start a new one, and
// abandon one we no longer want. The journal order is
// what makes a kill at any point recoverable: "intent" before CreateMultipartUpload (gc can find
// an upload whose id never got written), "mpu" once the id is known, "end" for an upload that is
// gone or no longer ours.
import type { TransferContext } from "./context.ts";
import { isFatal, StoreError } from "./errors.ts";
import type { FileIdentity } from "./journal/records.ts";
import type { ActiveUpload } from "./journal/state.ts";
import { type SourceEntry, sameIdentity } from "./source.ts";
import type { RemotePart } from "./store.ts";

export interface StartedUpload {
  uploadId: string;
  /** the resumed upload's part size wins over the requested one */
  partSize: number;
  /** parts the server already holds (resumed uploads only) */
  remote: Map<number, RemotePart>;
}

export interface StartOptions<A> {
  partSize: number;
  resume: ActiveUpload | undefined;
  /** metadata of a new upload, given its part size */
  metadata: (partSize: number) => Record<string, string>;
  /** "upload" or "copy", for the restart message */
  noun: string;
  /** why a resumable upload of a changed file is abandoned */
  changed: string;
  /**
   * The journaled upload is gone (completed just before a crash, or aborted): a chance to adopt
   * the object instead of starting again. A result ends the file here.
   */
  onGone?: (uploadId: string) => Promise<A | undefined>;
}

const identityOnly = (e: FileIdentity): FileIdentity => ({
  size: e.size,
  mtime: e.mtime,
  id: e.id,
});

/** Resumes the journaled upload of this file or starts one; { adopted } when onGone settled it. */
export async function resumeOrStartMultipart<A>(
  ctx: TransferContext,
  entry: SourceEntry,
  o: StartOptions<A>,
): Promise<StartedUpload | { adopted: A }> {
  const key = ctx.prefix + entry.relPath;
  const { resume, partSize } = o;
  const remote = new Map<number, RemotePart>();
  if (resume && sameIdentity(resume, entry)) {
    try {
      for (const p of await ctx.store.listParts(key, resume.uploadId, { signal: ctx.signal }))
        remote.set(p.partNumber, p);
      return { uploadId: resume.uploadId, partSize: resume.partSize, remote };
    } catch (err) {
      if (!(err instanceof StoreError && err.kind === "no-such-upload")) throw err;
      const adopted = o.onGone ? await o.onGone(resume.uploadId) : undefined;
      if (adopted !== undefined) return { adopted };
      ctx.journal.append({ t: "end", uploadId: resume.uploadId, why: "NoSuchUpload" });
      ctx.emit({
        event: "restart",
        key: entry.relPath,
        reason: `its unfinished ${o.noun} is gone from the bucket (NoSuchUpload): starting again`,
      });
    }
  } else if (resume) {
    await abandon(ctx, resume, o.changed);
  }
  ctx.journal.append({ t: "intent", key: entry.relPath, at: new Date().toISOString() });
  const uploadId = await ctx.requests.with(1, ctx.signal, () =>
    ctx.store.createMultipart(
      key,
      { metadata: o.metadata(partSize), storageClass: ctx.storageClass },
      { signal: ctx.signal },
    ),
  );
  ctx.journal.append({
    t: "mpu",
    key: entry.relPath,
    uploadId,
    partSize,
    ...identityOnly(entry),
    at: new Date().toISOString(),
  });
  return { uploadId, partSize, remote };
}

/** Aborts an upload we no longer want; if that fails it stays owned, for the cleanup or gc. */
export async function abandon(
  ctx: TransferContext,
  up: { key: string; uploadId: string },
  why: string,
) {
  try {
    await ctx.store.abortMultipart(ctx.prefix + up.key, up.uploadId, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    if (isFatal(err) || err.kind === "aborted") throw err;
    if (err.kind !== "no-such-upload") {
      // Forget it as a resumable upload but keep it owned so cleanup/gc retries the abort.
      ctx.journal.append({ t: "end", uploadId: up.uploadId, why: `${why} (abort failed)` });
      ctx.journal.append({ t: "owned", ids: [up.uploadId] });
      return;
    }
  }
  ctx.journal.append({ t: "end", uploadId: up.uploadId, why });
}
