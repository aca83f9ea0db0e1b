// The closing report: one labelled line per fact, exact byte counts beside the human ones so a
// test (or a sceptical reader) can check the arithmetic.
import { formatBytes } from "../src/cli/units.ts";

export interface DemoFacts {
  files: number;
  bytesTotal: number;
  bigFiles: number;
  partSize: number;
  killedAfterS: number;
  bytesAtKill: number;
  uploadsOpenAtKill: number;
  partsAtKill: number;
  resumeBytesSent: number;
  resumeExit: number | null;
  resumeS: number;
  verifyOk: boolean;
  verifyLine: string;
  version: string;
  uploadsOpenAtEnd: number;
  timings: [string, number][];
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(0)}%`;
const secs = (s: number) => `${s.toFixed(1)} s`;

export function reportLines(f: DemoFacts): string[] {
  const missing = f.bytesTotal - f.bytesAtKill;
  const resent = f.resumeBytesSent - missing;
  const total = f.timings.reduce((a, [, s]) => a + s, 0);
  return [
    "",
    "== demo report ==",
    `dataset:          ${f.files} files, ${formatBytes(f.bytesTotal)} (${f.bytesTotal} bytes); ${f.bigFiles} large files in ${formatBytes(f.partSize)} parts`,
    `first sync:       killed with SIGKILL after ${secs(f.killedAfterS)}; ${f.bytesAtKill} bytes (${pct(f.bytesAtKill, f.bytesTotal)}) were in the bucket, ${f.partsAtKill} part(s) in ${f.uploadsOpenAtKill} open multipart upload(s)`,
    `resume:           sent ${f.resumeBytesSent} bytes (${formatBytes(f.resumeBytesSent)}, ${pct(f.resumeBytesSent, f.bytesTotal)} of the dataset) in ${secs(f.resumeS)}; exit ${f.resumeExit}`,
    `re-sent:          ${resent} bytes that were already in the bucket before the resume`,
    `verify:           ${f.verifyOk ? "ok" : "FAILED"}: ${f.verifyLine}`,
    `dataset version:  ${f.version || "(none: no manifest)"}`,
    `open uploads:     ${f.uploadsOpenAtEnd} left in the bucket`,
    `elapsed:          ${f.timings.map(([k, s]) => `${k} ${secs(s)}`).join(", ")}; total ${secs(total)}`,
  ];
}
