// Renders the benchmark's results as markdown: one table per scenario, ratios against the best
// peer (the fastest of the other tools in the same run) and the SHA-256 floor, then the ratio
// for each of issue 12's targets.
import type { Floor } from "./floor.ts";
import type { ToolId } from "./peers/tools.ts";
import type { Workload, WorkloadName } from "./workloads.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface Measured {
  seconds: number;
  /** User + system CPU of the tool's process tree (killed runs too, up to the kill). */
  cpuSeconds?: number;
  /** User + system CPU the S3 server (versitygw) spent during the run: its share of the box. */
  serverCpuSeconds?: number;
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

export interface NoopResults {
  workload: Workload;
  /** The first upload of the tree (by ours, or by s5cmd with --noop-seed s5cmd). */
  seed: Outcome<Measured>;
  seededBy: ToolId;
  /** After an s5cmd seed: ours' first run, which adopts the objects into its journal. */
  adopt?: Outcome<Measured>;
  runs: { tool: ToolId; outcome: Outcome<Measured> }[];
}

export interface ScaleRun {
  label: string;
  outcome: Outcome<{
    measured: Measured;
    /** Files the server received (PutObject + CompleteMultipartUpload). */
    files: number;
    /** From spawn to the first upload request: walk, plan, journal open. */
    startupSeconds: number;
    /** files / (wall - startup). */
    rate: number;
    /** False when the time box ended the run before every file was up. */
    finished: boolean;
  }>;
}

export interface Report {
  uploads: UploadResult[];
  floors: Map<WorkloadName, Floor>;
  wan: UploadResult[];
  wanProfile: string;
  noop?: NoopResults;
  scale: ScaleRun[];
  resumes: ResumeResult[];
  large?: Workload;
  killAt: number;
  /** What ours keeps in flight at its defaults (concurrency x part size): the resume bound. */
  inFlightBytes: number;
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
  const cpus = ms.flatMap((m) => (m.cpuSeconds === undefined ? [] : [m.cpuSeconds]));
  const server = ms.flatMap((m) => (m.serverCpuSeconds === undefined ? [] : [m.serverCpuSeconds]));
  const first: Measured = {
    ...(ms[0] as Measured),
    seconds: median(seconds),
    cpuSeconds: cpus.length > 0 ? median(cpus) : undefined,
    serverCpuSeconds: server.length > 0 ? median(server) : undefined,
    peakRssBytes: median(ms.map((m) => m.peakRssBytes)),
    range: [Math.min(...seconds), Math.max(...seconds)],
  };
  return { ...head, first: { ok: true, value: first } };
}

const mib = (n: number) => (n / MiB).toFixed(n < 10 * MiB ? 1 : 0);
const secs = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));
const times = (r: number) => `${r.toFixed(r < 10 ? 2 : 1)}x`;
const ratio = (x: number, base: number | undefined) =>
  base === undefined || base <= 0 ? "" : ` (${times(x / base)})`;
const dash = "-";

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

const ok = <T>(o: Outcome<T> | undefined): T | undefined => (o?.ok ? o.value : undefined);

/** The fastest other tool's first upload on this workload (ours excluded), if any finished. */
export function bestPeer(results: UploadResult[], w: Workload): UploadResult | undefined {
  let best: UploadResult | undefined;
  for (const r of results) {
    const m = ok(r.first);
    if (r.workload !== w || r.tool === "ours" || !m) continue;
    const b = best && ok(best.first);
    if (!b || m.seconds < b.seconds) best = r;
  }
  return best;
}

const workloadLabel = (w: Workload) =>
  `${w.name} (${w.files.size.toLocaleString("en-US")} files, ${mib(w.bytes)} MiB)`;

/** First uploads: wall (x best peer), CPU (per file, per GiB x floor), MiB/s, RSS, requests. */
export function uploadTable(results: UploadResult[], floors: Map<WorkloadName, Floor>): string {
  const ranges = results.some((r) => ok(r.first)?.range);
  const head = [
    "workload",
    "tool",
    "wall s (x best peer)",
    "CPU s (x best peer)",
    "CPU ms/file",
    "CPU s/GiB (x floor)",
    "server CPU s",
    "MiB/s",
    "peak RSS MiB",
    "requests",
  ];
  if (ranges) head.splice(3, 0, "min-max s");
  const rows: string[][] = [];
  const workloads = [...new Set(results.map((r) => r.workload))];
  for (const w of workloads) {
    const peer = ok(bestPeer(results, w)?.first);
    const floor = floors.get(w.name);
    const floorPerGiB = floor ? floor.seconds / (floor.bytes / GiB) : undefined;
    for (const r of results.filter((x) => x.workload === w)) {
      if (!r.first.ok) {
        rows.push([workloadLabel(w), ...failed(r.tool, r.first.reason, head.length - 1)]);
        continue;
      }
      const m = r.first.value;
      const range = m.range ? [`${secs(m.range[0])}-${secs(m.range[1])}`] : ranges ? [""] : [];
      const cpu = m.cpuSeconds;
      const perGiB = cpu === undefined ? undefined : cpu / (w.bytes / GiB);
      rows.push([
        workloadLabel(w),
        r.tool,
        `${secs(m.seconds)}${ratio(m.seconds, peer?.seconds)}`,
        ...range,
        cpu === undefined ? dash : `${secs(cpu)}${ratio(cpu, peer?.cpuSeconds)}`,
        cpu === undefined ? dash : ((cpu * 1000) / w.files.size).toFixed(2),
        perGiB === undefined ? dash : `${perGiB.toFixed(2)}${ratio(perGiB, floorPerGiB)}`,
        m.serverCpuSeconds === undefined ? dash : secs(m.serverCpuSeconds),
        (w.bytes / MiB / m.seconds).toFixed(0),
        mib(m.peakRssBytes),
        String(total(m.requests)),
      ]);
    }
    if (floor && floorPerGiB !== undefined) {
      const cells = [workloadLabel(w), "SHA-256 floor (1 pass, in-process)", dash];
      if (ranges) cells.push("");
      cells.push(
        secs(floor.seconds),
        ((floor.seconds * 1000) / floor.files).toFixed(3),
        `${floorPerGiB.toFixed(2)} (1.00x)`,
        dash,
        dash,
        dash,
        dash,
      );
      rows.push(cells);
    }
  }
  return table(head, rows);
}

export function rerunTable(results: UploadResult[]): string {
  const head = [
    "workload",
    "tool",
    "wall s (x ours)",
    "CPU s",
    "requests",
    "by operation",
    "MiB sent",
  ];
  const rows: string[][] = [];
  for (const r of results) {
    if (!r.rerun) continue;
    const base = results.find((o) => o.workload === r.workload && o.tool === "ours")?.rerun;
    const b = ok(base);
    if (!r.rerun.ok) {
      rows.push([r.workload.name, ...failed(r.tool, r.rerun.reason, head.length - 1)]);
      continue;
    }
    const m = r.rerun.value;
    rows.push([
      r.workload.name,
      r.tool,
      `${secs(m.seconds)}${ratio(m.seconds, b?.seconds)}`,
      m.cpuSeconds === undefined ? dash : secs(m.cpuSeconds),
      String(total(m.requests)),
      requestsText(m.requests),
      mib(m.bytesSent),
    ]);
  }
  return table(head, rows);
}

export function noopTable(n: NoopResults): string {
  const head = [
    "tool",
    "wall s (x ours)",
    "CPU s",
    "peak RSS MiB",
    "requests",
    "by operation",
    "MiB sent",
  ];
  const base = ok(n.runs.find((r) => r.tool === "ours")?.outcome);
  const rows = n.runs.map((r) => {
    if (!r.outcome.ok) return failed(r.tool, r.outcome.reason, head.length);
    const m = r.outcome.value;
    return [
      r.tool,
      `${secs(m.seconds)}${ratio(m.seconds, base?.seconds)}`,
      m.cpuSeconds === undefined ? dash : secs(m.cpuSeconds),
      mib(m.peakRssBytes),
      String(total(m.requests)),
      requestsText(m.requests),
      mib(m.bytesSent),
    ];
  });
  return table(head, rows);
}

export function scaleTable(runs: ScaleRun[], files: number): string {
  const head = [
    "ours with",
    "files up",
    "start-up s",
    "files/s after start-up",
    "peak RSS MiB",
    "CPU s",
    "wall s",
  ];
  const rows = runs.map((r) => {
    if (!r.outcome.ok) return failed(r.label, r.outcome.reason, head.length);
    const v = r.outcome.value;
    return [
      r.label,
      `${v.files.toLocaleString("en-US")} of ${files.toLocaleString("en-US")}${v.finished ? "" : " (time box)"}`,
      secs(v.startupSeconds),
      v.rate.toFixed(0),
      mib(v.measured.peakRssBytes),
      v.measured.cpuSeconds === undefined ? dash : secs(v.measured.cpuSeconds),
      secs(v.measured.seconds),
    ];
  });
  return table(head, rows);
}

export function resumeTable(results: ResumeResult[], datasetBytes: number): string {
  const head = [
    "tool",
    "MiB sent before the kill",
    "MiB sent by the re-run",
    "total / dataset (x ours)",
    "re-sent MiB",
    "re-run wall s",
    "uploads left open",
  ];
  const base = ok(results.find((r) => r.tool === "ours")?.outcome);
  const b = base ? base.killed.bytesSent + base.rerun.bytesSent : undefined;
  const rows = results.map((r) => {
    if (!r.outcome.ok) return failed(r.tool, r.outcome.reason, head.length);
    const { killed, rerun, openUploads } = r.outcome.value;
    const sum = killed.bytesSent + rerun.bytesSent;
    return [
      r.tool,
      mib(killed.bytesSent),
      mib(rerun.bytesSent),
      `${((100 * sum) / datasetBytes).toFixed(0)}%${ratio(sum, b)}`,
      mib(Math.max(0, sum - datasetBytes)),
      secs(rerun.seconds),
      String(openUploads),
    ];
  });
  return table(head, rows);
}

/** One line per target of issue 12, each a ratio from this run, met or not; "not measured" when a scenario was left out. */
export function targetLines(r: Report): string[] {
  const out: string[] = [];
  const verdict = (met: boolean) => (met ? "**met**" : "**not met**");
  const find = (list: UploadResult[], name: WorkloadName, tool: ToolId) =>
    list.find((u) => u.workload.name === name && u.tool === tool);
  const speedup = (list: UploadResult[], name: WorkloadName) => {
    const o = ok(find(list, name, "ours")?.first);
    const w = find(list, name, "ours")?.workload;
    const p = w && bestPeer(list, w);
    const pm = ok(p?.first);
    return o && p && pm ? { x: pm.seconds / o.seconds, peer: p.tool, o, pm } : undefined;
  };

  const small = speedup(r.uploads, "small");
  out.push(
    small
      ? `- Small files, wall vs the best peer (${small.peer}): ${secs(small.pm.seconds)} s / ${secs(small.o.seconds)} s = ${times(small.x)} as fast (target >= 1.00x, aim 1.25x): ${verdict(small.x >= 1)}`
      : "- Small files, wall vs the best peer: not measured",
  );
  const smallW = find(r.uploads, "small", "ours")?.workload;
  const oSmall = ok(find(r.uploads, "small", "ours")?.first)?.cpuSeconds;
  const sSmall = ok(find(r.uploads, "small", "s5cmd")?.first)?.cpuSeconds;
  if (smallW && oSmall !== undefined && sSmall !== undefined) {
    const n = smallW.files.size;
    const x = oSmall / sSmall;
    out.push(
      `- Small files, CPU per file vs s5cmd: ${((oSmall * 1000) / n).toFixed(2)} ms / ${((sSmall * 1000) / n).toFixed(2)} ms = ${times(x)} (target <= 1.5x): ${verdict(x <= 1.5)}`,
    );
  } else out.push("- Small files, CPU per file vs s5cmd: not measured");

  const large = speedup(r.uploads, "large");
  out.push(
    large
      ? `- Big files, wall vs the best peer (${large.peer}): ${times(large.x)} as fast (target >= 1.25x): ${verdict(large.x >= 1.25)}`
      : "- Big files, wall vs the best peer: not measured",
  );
  const floor = r.floors.get("large");
  const oLarge = ok(find(r.uploads, "large", "ours")?.first)?.cpuSeconds;
  if (floor && oLarge !== undefined) {
    const perGiB = oLarge / (floor.bytes / GiB);
    const floorPerGiB = floor.seconds / (floor.bytes / GiB);
    const x = perGiB / floorPerGiB;
    out.push(
      `- Big files, CPU per GiB vs the SHA-256 floor: ${perGiB.toFixed(2)} s / ${floorPerGiB.toFixed(2)} s = ${times(x)} (target <= 3x): ${verdict(x <= 3)}`,
    );
  } else out.push("- Big files, CPU per GiB vs the SHA-256 floor: not measured");

  const wan = speedup(r.wan, "tusz");
  out.push(
    wan
      ? `- WAN profile (${r.wanProfile}), TUSZ-shaped tree, wall vs the best peer (${wan.peer}): ${times(wan.x)} as fast (target >= 1.25x): ${verdict(wan.x >= 1.25)}`
      : "- WAN profile, wall vs the best peer: not measured",
  );

  const noopOurs = ok(r.noop?.runs.find((x) => x.tool === "ours")?.outcome);
  const noopAws = ok(r.noop?.runs.find((x) => x.tool === "aws")?.outcome);
  if (r.noop && noopOurs && noopAws) {
    const x = noopAws.seconds / noopOurs.seconds;
    out.push(
      `- No-op re-sync of ${r.noop.workload.files.size.toLocaleString("en-US")} files vs aws s3 sync: ${secs(noopAws.seconds)} s / ${secs(noopOurs.seconds)} s = ${times(x)} as fast (target >= 10x): ${verdict(x >= 10)}`,
    );
  } else out.push("- No-op re-sync vs aws s3 sync: not measured");

  const rss: [string, number][] = [];
  for (const u of [...r.uploads, ...r.wan]) {
    const m = u.tool === "ours" ? ok(u.first) : undefined;
    if (m) rss.push([u.workload.name, m.peakRssBytes]);
  }
  const ns = r.noop?.runs.find((x) => x.tool === "ours");
  const nsm = ok(ns?.outcome);
  const seed = r.noop?.seededBy === "ours" ? ok(r.noop.seed) : ok(r.noop?.adopt);
  if (seed) rss.push([r.noop?.adopt ? "noop adopt" : "noop first upload", seed.peakRssBytes]);
  if (nsm) rss.push(["noop re-sync", nsm.peakRssBytes]);
  const scaleDefault = r.scale.find((s) => s.label === "defaults");
  const sd = ok(scaleDefault?.outcome);
  if (sd) rss.push(["scale", sd.measured.peakRssBytes]);
  if (rss.length > 0) {
    const worst = Math.max(...rss.map(([, b]) => b));
    out.push(
      `- Peak RSS at defaults (target <= 256 MiB everywhere): ${rss.map(([n, b]) => `${n} ${mib(b)}`).join(", ")} MiB: ${verdict(worst <= 256 * MiB)}`,
    );
  } else out.push("- Peak RSS at defaults: not measured");

  const s1 = ok(r.scale.find((s) => s.label !== "defaults")?.outcome);
  if (sd && s1) {
    const x = sd.rate / s1.rate;
    out.push(
      `- Scale tree, upload rate at defaults vs --max-memory 1GiB: ${sd.rate.toFixed(0)} / ${s1.rate.toFixed(0)} files/s = ${times(x)} (target >= 0.80x): ${verdict(x >= 0.8)}`,
    );
  } else out.push("- Scale tree, upload rate at defaults vs --max-memory 1GiB: not measured");

  const res = ok(r.resumes.find((x) => x.tool === "ours")?.outcome);
  if (res && r.large) {
    const resent = Math.max(0, res.killed.bytesSent + res.rerun.bytesSent - r.large.bytes);
    out.push(
      `- Resume, bytes re-sent after a kill at ${Math.round(r.killAt * 100)}%: ${mib(resent)} MiB (target <= the parts in flight, ${mib(r.inFlightBytes)} MiB at the default concurrency x part size): ${verdict(resent <= r.inFlightBytes)}`,
    );
  } else out.push("- Resume, bytes re-sent: not measured");
  return out;
}
