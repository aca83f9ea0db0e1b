// Renders the benchmark's results as markdown: one table per scenario, ratios against ours.
import type { ToolId } from "./peers/tools.ts";
import type { Workload } from "./workloads.ts";

const MiB = 1024 * 1024;

export interface Measured {
  seconds: number;
  peakRssBytes: number;
  /** Request-body bytes of PutObject + UploadPart that reached the server. */
  bytesSent: number;
  requests: Record<string, number>;
  /** Fastest and slowest of several runs (the other fields are medians). */
  range?: [number, number];
}

/** A tool's result in one scenario: measured, or why not (failed runs are never timed). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface UploadResult {
  workload: Workload;
  tool: ToolId;
  first: Outcome<Measured>;
  rerun?: Outcome<Measured>;
}

export interface ResumeResult {
  tool: ToolId;
  outcome: Outcome<{
    killed: Measured;
    rerun: Measured;
    /** Multipart uploads left open in the bucket after the re-run finished. */
    openUploads: number;
  }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Several repetitions of one tool on one workload as one result: any failure wins, else medians. */
export function combine(runs: UploadResult[]): UploadResult {
  const [head] = runs;
  if (!head) throw new Error("combine: no runs");
  const bad = runs.find((r) => !r.first.ok);
  if (bad || runs.length === 1) return bad ?? head;
  const ms = runs.flatMap((r) => (r.first.ok ? [r.first.value] : []));
  const seconds = ms.map((m) => m.seconds);
  const first: Measured = {
    ...(ms[0] as Measured),
    seconds: median(seconds),
    peakRssBytes: median(ms.map((m) => m.peakRssBytes)),
    range: [Math.min(...seconds), Math.max(...seconds)],
  };
  return { ...head, first: { ok: true, value: first } };
}

const mib = (n: number) => (n / MiB).toFixed(n < 10 * MiB ? 1 : 0);
const secs = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const ratio = (x: number, base: number | undefined) =>
  base === undefined || base <= 0 ? "" : ` (${(x / base).toFixed(x / base < 10 ? 2 : 1)}x)`;

export function requestsText(r: Record<string, number>): string {
  const parts = Object.entries(r)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op === "Other" ? "List/other" : op} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Columns padded to one width, as biome formats markdown (out/ is inside the lint's reach). */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const failed = (tool: string, reason: string, width: number) => [
  tool,
  `**failed**: ${reason.replace(/\|/g, "\\|")}`,
  ...Array.from({ length: width - 2 }, () => ""),
];

export function uploadTable(results: UploadResult[]): string {
  const ranges = results.some((r) => r.first.ok && r.first.value.range);
  const head = [
    "workload",
    "tool",
    "wall s (x ours)",
    "MiB/s",
    "peak RSS MiB (x ours)",
    "requests",
  ];
  if (ranges) head.splice(3, 0, "min-max s");
  const rows: string[][] = [];
  for (const r of results) {
    const base = results.find((o) => o.workload === r.workload && o.tool === "ours")?.first;
    const b = base?.ok ? base.value : undefined;
    const w = `${r.workload.name} (${r.workload.files.size} files, ${mib(r.workload.bytes)} MiB)`;
    if (!r.first.ok) {
      rows.push([w, ...failed(r.tool, r.first.reason, head.length - 1)]);
      continue;
    }
    const m = r.first.value;
    const range = m.range ? [`${secs(m.range[0])}-${secs(m.range[1])}`] : ranges ? [""] : [];
    rows.push([
      w,
      r.tool,
      `${secs(m.seconds)}${ratio(m.seconds, b?.seconds)}`,
      ...range,
      (r.workload.bytes / MiB / m.seconds).toFixed(0),
      `${mib(m.peakRssBytes)}${ratio(m.peakRssBytes, b?.peakRssBytes)}`,
      String(total(m.requests)),
    ]);
  }
  return table(head, rows);
}

export function rerunTable(results: UploadResult[]): string {
  const head = ["workload", "tool", "wall s (x ours)", "requests", "by operation", "MiB sent"];
  const rows: string[][] = [];
  for (const r of results) {
    if (!r.rerun) continue;
    const base = results.find((o) => o.workload === r.workload && o.tool === "ours")?.rerun;
    const b = base?.ok ? base.value : undefined;
    if (!r.rerun.ok) {
      rows.push([r.workload.name, ...failed(r.tool, r.rerun.reason, head.length - 1)]);
      continue;
    }
    const m = r.rerun.value;
    rows.push([
      r.workload.name,
      r.tool,
      `${secs(m.seconds)}${ratio(m.seconds, b?.seconds)}`,
      String(total(m.requests)),
      requestsText(m.requests),
      mib(m.bytesSent),
    ]);
  }
  return table(head, rows);
}

export function resumeTable(results: ResumeResult[], datasetBytes: number): string {
  const head = [
    "tool",
    "MiB sent before the kill",
    "MiB sent by the re-run",
    "total / dataset (x ours)",
    "re-run wall s",
    "uploads left open",
  ];
  const base = results.find((r) => r.tool === "ours")?.outcome;
  const b = base?.ok ? base.value.killed.bytesSent + base.value.rerun.bytesSent : undefined;
  const rows = results.map((r) => {
    if (!r.outcome.ok) return failed(r.tool, r.outcome.reason, head.length);
    const { killed, rerun, openUploads } = r.outcome.value;
    const sum = killed.bytesSent + rerun.bytesSent;
    return [
      r.tool,
      mib(killed.bytesSent),
      mib(rerun.bytesSent),
      `${((100 * sum) / datasetBytes).toFixed(0)}%${ratio(sum, b)}`,
      secs(rerun.seconds),
      String(openUploads),
    ];
  });
  return table(head, rows);
}
