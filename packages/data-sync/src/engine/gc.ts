// `gc`: abort multipart uploads under the prefix that this tool started and no longer tracks.
import type { ObjectStore, RemoteUpload } from "../storage/store.ts";
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
