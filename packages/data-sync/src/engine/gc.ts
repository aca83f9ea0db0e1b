// `gc`: abort multipart uploads under the prefix that this tool started and no longer tracks.

import type { OpenJournal } from "./journal/journal.ts";
import type { JournalState } from "./journal/state.ts";
import { type ObjectStore, type RemoteUpload, StoreError } from "./store.ts";

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

export interface GcResult {
  decisions: GcDecision[];
  aborted: number;
  failed: { key: string; error: string }[];
}

/**
 * Lists the uploads under the prefix and aborts the ones decideGc gives up. With a journal
 * (held under its lock, so no sync is creating uploads meanwhile) what was settled is recorded.
 */
export async function runGc(
  store: ObjectStore,
  prefix: string,
  state: JournalState,
  opts: { all: boolean; dryRun: boolean; signal: AbortSignal; journal?: OpenJournal },
): Promise<GcResult> {
  const uploads = await store.listMultipartUploads(prefix, { signal: opts.signal });
  const decisions = decideGc(uploads, state, prefix, opts.all);
  const result: GcResult = { decisions, aborted: 0, failed: [] };
  if (opts.dryRun) return result;
  const journal = opts.journal;
  for (const d of decisions) {
    if (d.action !== "abort") continue;
    try {
      await store.abortMultipart(d.upload.key, d.upload.uploadId, { signal: opts.signal });
    } catch (err) {
      if (!(err instanceof StoreError && err.kind === "no-such-upload")) {
        result.failed.push({
          key: d.upload.key,
          error: err instanceof Error ? err.message : String(err),
        });
        continue;
      }
    }
    journal?.append({ t: "end", uploadId: d.upload.uploadId, why: "aborted by gc" });
    result.aborted++;
  }
  if (journal && result.failed.length === 0) {
    // Owned ids the server no longer lists are gone already; every intent has been looked at.
    const live = new Set([...state.uploads.values()].map((u) => u.uploadId));
    const listed = new Set(uploads.map((u) => u.uploadId));
    for (const id of [...state.owned]) {
      if (!live.has(id) && !listed.has(id)) journal.append({ t: "end", uploadId: id, why: "gone" });
    }
    for (const key of [...state.intents.keys()]) journal.append({ t: "resolved", key });
  }
  return result;
}

/** After a complete sync: abort what interrupted runs left behind, if the journal says anything may be left. */
export async function cleanupLeftovers(
  store: ObjectStore,
  prefix: string,
  journal: OpenJournal,
  signal: AbortSignal,
): Promise<{ aborted: number; foreign: number }> {
  const s = journal.state;
  const live = new Set([...s.uploads.values()].map((u) => u.uploadId));
  const leftovers = [...s.owned].some((id) => !live.has(id)) || s.intents.size > 0;
  if (!leftovers) return { aborted: 0, foreign: 0 }; // nothing to look for: no request
  const r = await runGc(store, prefix, s, { all: false, dryRun: false, signal, journal });
  const foreign = r.decisions.filter((d) => d.action === "keep" && !live.has(d.upload.uploadId));
  return { aborted: r.aborted, foreign: foreign.length };
}
