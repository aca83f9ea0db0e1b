// One sync run: walk -> plan -> execute -> manifest. The CLI builds the options and renders events.

import {
  buildManifest,
  type DatasetLayout,
  type DatasetManifest,
  MANIFEST_NAME,
} from "@bgb/shared/manifest";
import { BufferPool } from "./buffer-pool.ts";
import type { TransferContext } from "./context.ts";
import { type CopyRoute, copyOrStream, type RoutedResult } from "./copy-file.ts";
import { FatalError, InterruptedError, isFatal, UsageError } from "./errors.ts";
import type { EmitFn } from "./events.ts";
import { countsMismatch } from "./expected-counts.ts";
import { cleanupLeftovers } from "./gc.ts";
import { sha256b64 } from "./hashing.ts";
import { type OpenJournal, openJournal, readJournal } from "./journal/journal.ts";
import { PREVIOUS_MANIFEST_NAME, splitKeyCollisions, splitLongKeys } from "./keys.ts";
import {
  BandwidthLimit,
  Budget,
  budgetAfterPlan,
  capAbortListeners,
  liveHeap,
  MemoryBudget,
  releaseMemory,
} from "./limits.ts";
import { manifestGuard } from "./manifest-guard.ts";
import { makePlan, type Plan, type PlanItem } from "./plan.ts";
import { type RemoteIndex, readRemoteIndex } from "./remote-index.ts";
import { isS3Source, type Source, type SourceEntry } from "./source.ts";
import { watchForStall } from "./stall-watch.ts";
import { type ObjectStore, StoreError } from "./store.ts";
import { transferFile } from "./transfer-file.ts";

export interface SyncOptions {
  dataset: string;
  layout: DatasetLayout;
  source: Source;
  store: ObjectStore;
  prefix: string;
  storageClass: string | undefined;
  filter: (relPath: string) => boolean;
  journalPath: string;
  concurrency: number;
  partSize: number;
  /** bytes of file data in memory at once */
  memoryBudget: number;
  /** resident size the whole process should stay under (--max-memory) */
  memoryLimit: number;
  bytesPerSecond: number;
  /** stop the run when no request to the bucket has completed for this long (--stall-timeout) */
  stallTimeoutMs: number;
  verifyRemote: boolean;
  dryRun: boolean;
  /** S3 source on the destination's endpoint: objects up to this size are one CopyObject, larger
   * ones UploadPartCopy (default 5 GiB, S3's CopyObject limit) */
  copyThreshold?: number;
  /** `.edf` files per split the dataset must have (datasets.yaml expected_counts) */
  expectedCounts?: Readonly<Record<string, number>> | null;
  /** write the manifest even when the counts differ from expectedCounts */
  allowPartial?: boolean;
  signal: AbortSignal;
  emit: EmitFn;
}

export interface Failure {
  key: string;
  error: string;
}

export interface SyncSummary {
  files_total: number;
  files_uploaded: number;
  files_skipped: number;
  /** already in the bucket with the same content: recorded, not sent (no journal here before) */
  files_adopted: number;
  files_failed: number;
  bytes_total: number;
  bytes_sent: number;
  /** bytes the server copied itself (source on the same endpoint) */
  bytes_copied: number;
  /** bytes read back from the bucket to verify multipart copies */
  bytes_read_back: number;
  /** bytes sent from here plus bytes read back: 0 for a full server-side copy */
  bytes_through_machine: number;
  /** how objects went in: copy (server-side), stream (GET from a remote source), upload (local) */
  path: "copy" | "stream" | "upload";
  /** null when no manifest was written (dry run, failures, interrupted, refused) */
  manifest_version: string | null;
  /** why the manifest was not written although every file is in: the counts differ from
   * expected_counts (per split, found vs expected) and --allow-partial was not given */
  manifest_refused: string | null;
  failures: Failure[];
  /** a dry run's plan (what the CLI lists); null after a real run, so nothing the caller keeps
   * afterwards (the dataset report walks the tree again) holds every file's walk entry */
  plan: Plan | null;
  interrupted: boolean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runSync(o: SyncOptions): Promise<SyncSummary> {
  // what the walk, the journal and the plan add to the heap comes off the file-data budget
  const heapBefore = o.dryRun ? 0 : liveHeap();
  // The destination first: a wrong bucket, endpoint or credentials (exit 3) is said before a
  // long walk, and before any warning about the source that the run would never act on.
  // A dry run asks the bucket this one HEAD too (credentials, endpoint, bucket; fatal if they fail).
  await checkBucket(o.store, o.signal);
  // `listing` and `plan` are dropped (set to undefined) once the files are in: at 200,000 files
  // their entries would otherwise sit beside the manifest being built (issue 12, peak RSS).
  let listing: Walked | undefined = await listSource(o);
  const failures: Failure[] = listing.failures;
  for (const f of failures) o.emit({ event: "file_failed", key: f.key, error: f.error });
  if (listing.entries.length === 0 && failures.length === 0) {
    throw new UsageError(
      `source ${o.source.label} holds no files that match include/exclude; check the source and the globs`,
    );
  }

  const mismatch = countsMismatch(
    o.layout,
    listing.entries.map((e) => e.relPath),
    o.expectedCounts,
  );
  const refusal = mismatch && !o.allowPartial ? mismatch : undefined;
  if (mismatch)
    o.emit({
      event: "warning",
      message: o.allowPartial
        ? `.edf counts differ from expected_counts in datasets.yaml (${mismatch}): the manifest is written anyway (--allow-partial)`
        : `.edf counts differ from expected_counts in datasets.yaml (${mismatch}): the files are uploaded but no manifest is written, so no run trains on a partial dataset; finish the download, or pass --allow-partial`,
    });

  const remote = isS3Source(o.source) ? o.source.remote : undefined;
  const route: CopyRoute | undefined =
    remote && remote.store.endpointKey === o.store.endpointKey
      ? { from: remote, threshold: o.copyThreshold ?? 5 * 1024 ** 3, refused: false }
      : undefined;
  const path: SyncSummary["path"] = route
    ? "copy"
    : remote || /^https?:/.test(o.source.label)
      ? "stream"
      : "upload";
  const planOpts = {
    partSize: o.partSize,
    ...(route ? { singleLimit: route.threshold, serverSideCopy: true } : {}),
  };
  const counters = { path, copied: 0, readBack: 0 } as const;
  const header = {
    t: "hdr" as const,
    v: 1 as const,
    endpoint: o.store.endpointLabel,
    bucket: o.store.bucket,
    prefix: o.prefix,
  };
  // A dry run writes nothing but asks the bucket what it can: with no journal here, the
  // manifest and one listing.
  if (o.dryRun) {
    const { state, damaged } = readJournal(o.journalPath);
    const fresh = state.records === 0;
    const remote = fresh && !o.verifyRemote ? await lookAtBucket(o) : undefined;
    const plan = makePlan(listing.entries, state, {
      ...planOpts,
      trustJournal: !o.verifyRemote && damaged === 0 && (!fresh || !remote),
      ...(remote ? { remote } : {}),
    });
    emitPlan(o, plan, path);
    return {
      ...summarize(plan, failures, { uploaded: 0, adopted: 0, bytesSent: 0 }, false, counters),
      plan,
    };
  }

  const journal = openJournal(o.journalPath, header);
  try {
    if (journal.damagedOnOpen > 0) {
      o.emit({
        event: "warning",
        message: `journal ${journal.path} had ${journal.damagedOnOpen} damaged line(s) (an interrupted write?): they were dropped and every file is re-checked against the bucket`,
      });
    }
    // No journal yet (first run here, or it was lost): what the bucket holds decides, so a lost
    // journal never means re-sending a dataset that is already there. The manifest and one
    // listing say which objects to adopt (hashing here) and which are missing.
    const remote =
      journal.fresh && !o.verifyRemote && journal.damagedOnOpen === 0
        ? await lookAtBucket(o)
        : undefined;
    let plan: Plan | undefined = makePlan(listing.entries, journal.state, {
      ...planOpts,
      trustJournal: !o.verifyRemote && journal.damagedOnOpen === 0 && !journal.fresh,
      ...(remote ? { remote } : {}),
    });
    emitPlan(o, plan, path);
    const dataBudget = budgetAfterPlan(o.memoryBudget, liveHeap() - heapBefore, o.partSize);
    // a first run checks each file before it uploads: a multipart check may start an upload
    const mayStartUploads = plan.items.some(
      (i) => i.kind === "multipart" || (i.kind === "check" && i.via === "multipart"),
    );
    if (mayStartUploads) await warnAboutLifecycle(o);

    let bytesSent = 0;
    let bytesCopied = 0;
    let bytesReadBack = 0;
    const run = new AbortController();
    capAbortListeners(run.signal, o.concurrency);
    const onAbort = () => run.abort();
    o.signal.addEventListener("abort", onAbort, { once: true });
    let fatal: unknown;
    const stall = watchForStall(o.store, o.stallTimeoutMs, (idleMs) => {
      fatal ??= new FatalError(
        `no request to ${o.store.endpointLabel} completed for ${Math.round(idleMs / 1000)} s (--stall-timeout): the server or the link is stalled; run the same command again to continue (finished work is kept)`,
      );
      run.abort();
    });
    const memory = new MemoryBudget(
      dataBudget,
      o.memoryLimit,
      undefined,
      path === "upload" ? 1 : 2,
      (w) =>
        o.emit(
          w.waiting
            ? {
                event: "memory_wait",
                waiting: true,
                reason: w.reason,
                max_memory: o.memoryLimit,
                budget: dataBudget,
              }
            : { event: "memory_wait", waiting: false, waited_ms: w.waitedMs },
        ),
    );
    const ctx: TransferContext = {
      store: stall.store,
      source: o.source,
      journal,
      prefix: o.prefix,
      storageClass: o.storageClass,
      partSize: o.partSize,
      // a streamed source's bytes arrive as socket chunks: garbage as large as the part
      memory,
      buffers: new BufferPool(o.partSize, dataBudget),
      requests: new Budget(o.concurrency),
      bandwidth: new BandwidthLimit(o.bytesPerSecond),
      signal: run.signal,
      // bytes_sent: every payload byte the server acknowledged, failed and restarted files too
      emit: (e) => {
        if (e.event === "progress" && !e.copied) bytesSent += e.bytes;
        if (e.event === "progress" && e.copied) bytesCopied += e.bytes;
        o.emit(e);
      },
      beforeReplace: manifestGuard(stall.store, o.prefix, journal, o.emit, run.signal),
      changeRetries: 3,
      ...(route ? { copy: route } : {}),
    };
    let uploaded = 0;
    let adopted = 0;
    const one = async (item: PlanItem): Promise<void> => {
      if (item.kind === "skip" || run.signal.aborted) return;
      const key = item.entry.relPath;
      o.emit({
        event: "file_start",
        key,
        size: item.entry.size,
        mode: item.kind === "check" ? "check" : item.kind,
        reason: item.reason,
      });
      try {
        const r: RoutedResult = ctx.copy
          ? await copyOrStream(ctx, ctx.copy, item)
          : { ...(await transferFile(ctx, item)), path, bytesCopied: 0, bytesReadBack: 0 };
        // Never report a file done before its journal line is on disk (group commit).
        await journal.durable();
        bytesReadBack += r.bytesReadBack;
        if (r.outcome === "adopted") adopted++;
        else if (r.outcome !== "skipped") uploaded++;
        o.emit({
          event: "file_done",
          key,
          size: r.size,
          outcome: r.outcome,
          bytes_sent: r.bytesSent,
          ...(r.reason ? { reason: r.reason } : {}),
          path: r.path,
        });
      } catch (err) {
        if (run.signal.aborted && (o.signal.aborted || fatal)) return; // reported once, below
        if (
          err instanceof InterruptedError ||
          (err instanceof StoreError && err.kind === "aborted")
        )
          return;
        if (isFatal(err)) {
          fatal ??= err;
          run.abort();
          return;
        }
        failures.push({ key, error: errorText(err) });
        o.emit({ event: "file_failed", key, error: errorText(err) });
      }
    };
    // Workers take the next item in turn: one closure per worker, not one queued per file
    // (200,000 of those held tens of MiB before the first upload).
    let next = 0;
    const items = plan.items;
    const worker = async () => {
      while (next < items.length) await one(items[next++] as PlanItem);
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    memory.close();
    o.signal.removeEventListener("abort", onAbort);
    stall.stop();
    if (fatal) throw fatal; // cli/main.ts: isFatal() -> exit 3
    const done = { path, copied: bytesCopied, readBack: bytesReadBack };
    const n = { uploaded, adopted, bytesSent };
    const summary = summarize(plan, failures, n, o.signal.aborted, done);
    if (o.signal.aborted) return summary;

    let manifestVersion: string | undefined;
    if (failures.length === 0 && !refusal) {
      const keys = listing.entries.map((e) => e.relPath);
      // Only the keys and the journal are needed from here on (see `listing` above).
      items.length = 0;
      plan = undefined;
      listing = undefined;
      ctx.buffers.drain();
      releaseMemory();
      manifestVersion = await writeManifest(o, journal, keys);
      await cleanUp(o, journal);
    }
    return {
      ...summary,
      manifest_version: manifestVersion ?? null,
      manifest_refused: failures.length === 0 ? (refusal ?? null) : null,
    };
  } finally {
    journal.close();
  }
}

/**
 * Best-effort: the data is in and the manifest written whatever happens here. A policy without
 * s3:ListBucketMultipartUploads is common; it earns one warning, not a failed run.
 */
async function cleanUp(o: SyncOptions, journal: OpenJournal): Promise<void> {
  let r: { aborted: number; foreign: number };
  try {
    r = await cleanupLeftovers(o.store, o.prefix, journal, o.signal);
  } catch (err) {
    if (o.signal.aborted) return;
    const why =
      err instanceof StoreError && err.kind === "denied"
        ? "ListMultipartUploads was denied"
        : errorText(err);
    o.emit({
      event: "warning",
      message: `could not look for unfinished uploads that interrupted runs may have left under s3://${o.store.bucket}/${o.prefix} (${why}); the data is complete. They are billed until aborted: allow s3:ListBucketMultipartUploads and s3:AbortMultipartUpload, or add an AbortIncompleteMultipartUpload lifecycle rule, or run pnpm data-sync gc ${o.dataset} with credentials that may`,
    });
    return;
  }
  if (r.aborted > 0) {
    o.emit({
      event: "warning",
      message: `aborted ${r.aborted} unfinished upload(s) that interrupted runs left behind`,
    });
  }
  if (r.foreign > 0) {
    o.emit({
      event: "warning",
      message: `${r.foreign} unfinished upload(s) under s3://${o.store.bucket}/${o.prefix} were not started by this journal (a deleted journal, another machine or tool?) and were kept; pnpm data-sync gc ${o.dataset} --all aborts them`,
    });
  }
}

function emitPlan(o: SyncOptions, plan: Plan, path: SyncSummary["path"]): void {
  const t = plan.totals;
  o.emit({
    event: "plan",
    files: t.files,
    bytes: t.bytes,
    to_upload: t.uploadFiles,
    to_check: t.checkFiles,
    to_adopt: t.adoptFiles,
    to_skip: t.skipFiles,
    bytes_to_send: t.bytesToSend,
    bytes_through_machine: t.bytesThroughMachine,
    requests: t.requests,
    path,
    dry_run: o.dryRun,
  });
}

/** The bucket's manifest and one listing; undefined (HEAD per file instead) if it can't be read. */
async function lookAtBucket(o: SyncOptions): Promise<RemoteIndex | undefined> {
  try {
    const remote = await readRemoteIndex(o.store, o.prefix, o.signal);
    if (remote.manifestProblem)
      o.emit({
        event: "warning",
        message: `the manifest in s3://${o.store.bucket}/${o.prefix} is not usable (${remote.manifestProblem}): files of the same size are compared with their stored SHA-256 (a HEAD each)`,
      });
    return remote;
  } catch (err) {
    if (err instanceof StoreError && err.kind === "aborted") throw new InterruptedError();
    if (o.signal.aborted) throw new InterruptedError();
    o.emit({
      event: "warning",
      message: `could not list s3://${o.store.bucket}/${o.prefix} (${errorText(err)}): every file is compared with the bucket by a HEAD instead`,
    });
    return undefined;
  }
}

interface Walked {
  entries: SourceEntry[];
  failures: Failure[];
}

/** The walk, with the keys S3 would refuse or that two names share taken out as failures. */
async function listSource(o: SyncOptions): Promise<Walked> {
  const listed = await o.source.list(o.filter);
  const { kept, tooLong } = splitLongKeys(listed.entries, o.prefix);
  const { unique, collisions } = splitKeyCollisions(kept);
  const problems = [...listed.problems, ...tooLong, ...collisions];
  return { entries: unique, failures: problems.map((p) => ({ key: p.relPath, error: p.message })) };
}

function summarize(
  plan: Plan,
  failures: Failure[],
  n: { uploaded: number; adopted: number; bytesSent: number },
  interrupted: boolean,
  c: { path: SyncSummary["path"]; copied: number; readBack: number },
): SyncSummary {
  const failedKeys = new Set(failures.map((f) => f.key));
  // failed files the plan does not hold (refused by the walk) add to the total
  let planned = 0;
  let skipped = 0;
  for (const i of plan.items) {
    if (failedKeys.has(i.entry.relPath)) planned++;
    if (i.kind === "skip") skipped++;
  }
  return {
    files_total: plan.totals.files + failedKeys.size - planned,
    files_uploaded: n.uploaded,
    files_skipped: skipped,
    files_adopted: n.adopted,
    files_failed: failedKeys.size,
    bytes_total: plan.totals.bytes,
    bytes_sent: n.bytesSent,
    bytes_copied: c.copied,
    bytes_read_back: c.readBack,
    bytes_through_machine: n.bytesSent + c.readBack,
    path: c.path,
    manifest_version: null,
    manifest_refused: null,
    failures,
    plan: null,
    interrupted,
  };
}

async function checkBucket(store: ObjectStore, signal: AbortSignal): Promise<void> {
  try {
    await store.checkBucket({ signal });
  } catch (err) {
    if (err instanceof StoreError && err.kind === "aborted") throw new InterruptedError();
    throw new FatalError(errorText(err));
  }
}

async function warnAboutLifecycle(o: SyncOptions): Promise<void> {
  let has: boolean | undefined;
  try {
    has = await o.store.hasAbortIncompleteRule({ signal: o.signal });
  } catch {
    has = undefined;
  }
  if (has === false) {
    o.emit({
      event: "warning",
      message: `bucket ${o.store.bucket} has no AbortIncompleteMultipartUpload lifecycle rule: parts of abandoned uploads are billed until removed. Add one (days > the longest pause you expect between resumes), e.g. aws s3api put-bucket-lifecycle-configuration --bucket ${o.store.bucket} --lifecycle-configuration '{"Rules":[{"ID":"abort-incomplete-mpu","Status":"Enabled","Filter":{},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":14}}]}'`,
    });
  }
}

const VERSION_META = "bgb-version";

/** Writes the manifest once every file of the dataset is in the bucket; returns its version. */
async function writeManifest(
  o: SyncOptions,
  journal: OpenJournal,
  keys: string[],
): Promise<string | undefined> {
  const files = [];
  if (new Set(keys).size !== keys.length) {
    // splitKeyCollisions runs first; this is the last line of defence for the GPU side.
    throw new Error("refusing to write a manifest with a key listed twice");
  }
  for (const key of keys) {
    const d = journal.state.done.get(key);
    if (!d) return undefined; // not complete: no manifest
    files.push({ key, size: d.size, sha256: d.sha256 });
  }
  // A URL source is recorded (s3://, https://); a local folder's path is this machine's business.
  const url = /^(s3|https?):\/\//.test(o.source.label) ? o.source.label : undefined;
  const manifest = buildManifest(o.dataset, o.layout, files, new Date(), url);
  const manifestKey = o.prefix + MANIFEST_NAME;
  // The journal saying it was written is not enough: it may have been deleted or replaced since;
  // nor is its silence (a new machine adopting a synced dataset finds the same manifest there).
  // One HEAD per complete run; the version travels in the object's metadata.
  const present =
    (await o.store.headObject(manifestKey, { signal: o.signal }))?.metadata[VERSION_META] ===
    manifest.version;
  const written = !present;
  if (written) {
    const body = manifestBody(manifest);
    await o.store.putObject(
      manifestKey,
      body,
      sha256b64(body),
      { contentType: "application/json", metadata: { [VERSION_META]: manifest.version } },
      { signal: o.signal },
    );
    // A consistent manifest is back: a moved-aside one only confuses (best-effort; also when a
    // kill came between moving it and journaling that, so the journal can't say).
    await o.store
      .deleteObject(o.prefix + PREVIOUS_MANIFEST_NAME, { signal: o.signal })
      .catch(() => undefined);
  }
  if (
    journal.state.manifest?.version !== manifest.version ||
    journal.state.manifest.key !== manifestKey
  )
    journal.append({ t: "manifest", version: manifest.version, key: manifestKey });
  o.emit({
    event: "manifest",
    key: manifestKey,
    version: manifest.version,
    files: files.length,
    written,
  });
  return manifest.version;
}

/**
 * The bytes of `JSON.stringify(manifest, null, 1) + "\n"`, written file by file into one buffer:
 * the whole text as one string is a 40 MB heap object at 200,000 files, next to the buffer.
 */
export function manifestBody(manifest: DatasetManifest): Buffer {
  if (manifest.files.length === 0) return Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
  const head = JSON.stringify({ ...manifest, files: [] }, null, 1);
  if (!head.endsWith('"files": []\n}')) throw new Error("manifest: files must be the last field");
  const open = `${head.slice(0, -"[]\n}".length)}[\n`;
  const close = "\n ]\n}\n";
  // each file as JSON.stringify nests it: two more spaces on every line
  const piece = (i: number) =>
    `${i > 0 ? ",\n" : ""}  ${JSON.stringify(manifest.files[i], null, 1).replaceAll("\n", "\n  ")}`;
  let size = Buffer.byteLength(open) + Buffer.byteLength(close);
  for (let i = 0; i < manifest.files.length; i++) size += Buffer.byteLength(piece(i));
  const body = Buffer.allocUnsafe(size);
  let at = body.write(open);
  for (let i = 0; i < manifest.files.length; i++) at += body.write(piece(i), at);
  at += body.write(close, at);
  if (at !== size) throw new Error("manifest: serialized size changed while writing");
  return body;
}
