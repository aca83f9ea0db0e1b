// Which recordings a BGB_LIMIT_FILES run trains on. The trainer (v3.1.1, train/loop.py with
// split_policy official_tusz) takes `sorted(<data>/train/**/*.edf)[:limit]`: Python sorts Paths
// part by part. Other layouts/policies shuffle or differ: unknown here (null).
import type { RecordingRow, Report } from "./types.ts";

export interface LimitSelection {
  limit: number;
  files: RecordingRow[];
  withSeizure: number;
}

function comparePathParts(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

export function limitSelection(report: Report, limit: number): LimitSelection | null {
  if (report.layout !== "tusz") return null;
  const train = report.recordings
    .filter((r) => r.split === "train")
    .sort((a, b) => comparePathParts(a.edf, b.edf));
  const files = train.slice(0, Math.max(1, limit));
  return { limit, files, withSeizure: files.filter((r) => r.seizure_events > 0).length };
}
