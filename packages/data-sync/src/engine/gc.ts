// `gc`: abort multipart uploads under the prefix that this tool started and no longer tracks.
import { type ObjectStore, type RemoteUpload, StoreError } from "../storage/store.ts";
import type { OpenJournal } from "./journal/journal.ts";
import type { JournalState } from "./journal/state.ts";

export interface GcDecision {
  upload: RemoteUpload;
  action: "abort" | "keep";
  reason: string;
}

/** Pure: which listed uploads are ours and abandoned. */
export function decideGc(
  uploads: readonly RemoteUpload[],
  state: JournalState,
  prefix: string,
  all: boolean,
): GcDecision[] {
  const live = new Set([...state.uploads.values()].map((u) => u.uploadId));
  return uploads.map((upload) => {
    const rel = upload.key.startsWith(prefix) ? upload.key.slice(prefix.length) : upload.key;
    if (live.has(upload.uploadId))
      return { upload, action: "keep", reason: "still being resumed by sync" };
    if (state.owned.has(upload.uploadId))
      return { upload, action: "abort", reason: "started by this tool, no longer tracked" };
    const intent = state.intents.get(rel);
    if (intent && upload.initiated && upload.initiated.getTime() >= Date.parse(intent) - 60_000) {
      return {
        upload,
        action: "abort",
        reason: "started by an interrupted sync before its id was recorded",
      };
    }
    return all
      ? { upload, action: "abort", reason: "--all: not started by this tool" }
      : {
          upload,
          action: "keep",
          reason: "not started by this tool (use --all to abort it anyway)",
        };
  });
}

export async function runGc(
  store: ObjectStore,
  prefix: string,
  state: JournalState,
  opts: { all: boolean; dryRun: boolean; signal: AbortSignal },
): Promise<{ decisions: GcDecision[]; aborted: number; failed: { key: string; error: string }[] }> {
  const uploads = await store.listMultipartUploads(prefix, { signal: opts.signal });
  const decisions = decideGc(uploads, state, prefix, opts.all);
  let aborted = 0;
  const failed: { key: string; error: string }[] = [];
  if (!opts.dryRun) {
    for (const d of decisions) {
      if (d.action !== "abort") continue;
      try {
        await store.abortMultipart(d.upload.key, d.upload.uploadId, { signal: opts.signal });
        aborted++;
      } catch (err) {
        failed.push({ key: d.upload.key, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { decisions, aborted, failed };
}

/** After a complete sync: abort what earlier interrupted runs left behind, if the journal says anything may be left. */
export async function cleanupLeftovers(
  store: ObjectStore,
  prefix: string,
  journal: OpenJournal,
  signal: AbortSignal,
): Promise<number> {
  const s = journal.state;
  const live = new Set([...s.uploads.values()].map((u) => u.uploadId));
  const candidates = [...s.owned].filter((id) => !live.has(id));
  if (candidates.length === 0 && s.intents.size === 0) return 0; // nothing to look for: no request
  const { decisions } = await runGc(store, prefix, s, { all: false, dryRun: true, signal });
  let aborted = 0;
  for (const d of decisions) {
    if (d.action !== "abort") continue;
    try {
      await store.abortMultipart(d.upload.key, d.upload.uploadId, { signal });
    } catch (err) {
      if (!(err instanceof StoreError && err.kind === "no-such-upload")) continue;
    }
    journal.append({ t: "end", uploadId: d.upload.uploadId, why: "left by an interrupted run" });
    aborted++;
  }
  const listed = new Set(decisions.map((d) => d.upload.uploadId));
  // Owned ids the server no longer lists are gone already.
  for (const id of candidates)
    if (!listed.has(id)) journal.append({ t: "end", uploadId: id, why: "gone" });
  for (const key of [...s.intents.keys()]) journal.append({ t: "resolved", key });
  return aborted;
}
